"""Service messages (driftsmeldinger): IT's notice about one tool, shown from its start to its end.

Posting, listing and ending them (shared by the admin page, the API and the CLI), and the active
ones for the assistant and the widget. Active means starts_at <= now < ends_at, read with one
indexed query per message, so every action server sees a new or ended message on its next message
and an expired one disappears by itself, with no job. While the database cannot be reached, the
last active list read from it keeps serving, as the catalogue snapshot does.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.catalogue import snapshot
from bot.catalogue.models import ServiceMessage
from bot.message_text import has_visible_content, storable
from bot.privacy.masking import mask

log = logging.getLogger(__name__)

MAX_TEXT = 500
LOCAL_TIME = ZoneInfo("Europe/Oslo")  # a time given without an offset is Norwegian time
WHO_LENGTH = 100
MAX_ID = 2**31 - 1  # the id column's largest value

# Each error in Norwegian (the admin page and the API) and in English (the CLI).
_ERRORS = {
    "unknown_tool": ("Finner ikke verktøyet «{0}» i katalogen.", "no tool with id {0!r} in the catalogue"),
    "empty_text": ("Skriv selve driftsmeldingen.", "the message text is empty"),
    "long_text": (
        f"Driftsmeldingen er for lang: høyst {MAX_TEXT} tegn.",
        f"the message is longer than {MAX_TEXT} characters",
    ),
    "bad_time": (
        "«{0}» er ikke et tidspunkt. Skriv for eksempel 2026-12-04 14:00 eller 14:00.",
        "{0!r} is not a time: write e.g. 2026-12-04T14:00, 2026-12-04 14:00+01:00 or 14:00 (today)",
    ),
    "ends_before_start": ("Slutten må være etter starten.", "the end must be after the start"),
    "ended_already": ("Slutten må være fram i tid.", "the end must be in the future"),
}


class MessageError(ValueError):
    """Input a service message cannot be made from; `field` names the input at fault."""

    def __init__(self, field: str, code: str, *values: str) -> None:
        self.field = field
        self.norwegian = _ERRORS[code][0].format(*values)
        self.english = _ERRORS[code][1].format(*values)
        super().__init__(self.english)


@dataclass(frozen=True)
class Notice:
    """An active service message as the assistant and the widget show it."""

    tool_id: str
    tool_name: str
    text: str

    @property
    def reply(self) -> str:
        return f"Driftsmelding for {self.tool_name}: {self.text}"


def now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives the UTC time back without its zone)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def parse_time(text: str, field: str, today: datetime | None = None) -> datetime:
    """An ISO 8601 date and time (an offset optional: without one it is Norwegian time), or a time
    of day (HH:MM) today in Norway, as aware UTC."""
    raw = text.strip()
    try:
        if len(raw) <= 5 and ":" in raw:
            day = (today or now()).astimezone(LOCAL_TIME).date()
            moment = datetime.combine(day, time.fromisoformat(raw.zfill(5)))
        else:
            moment = datetime.fromisoformat(raw)
    except ValueError:
        raise MessageError(field, "bad_time", raw) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIME)
    return moment.astimezone(timezone.utc)


def post(
    session: Session, tool_id: str, text: str, ends: datetime, by: str, starts: datetime | None = None
) -> ServiceMessage:
    """A new service message for a catalogue tool, shown from `starts` (default now) until `ends`."""
    tool_id = tool_id.strip()
    if tool_id not in snapshot.view(session).tools:
        raise MessageError("tool", "unknown_tool", tool_id)
    text = mask(storable(text).strip())
    if not has_visible_content(text):
        raise MessageError("text", "empty_text")
    if len(text) > MAX_TEXT:
        raise MessageError("text", "long_text")
    starts = as_utc(starts) if starts is not None else now()
    ends = as_utc(ends)
    if ends <= now():
        raise MessageError("ends", "ended_already")
    if ends <= starts:
        raise MessageError("ends", "ends_before_start")
    message = ServiceMessage(
        tool_id=tool_id, text=text, starts_at=starts, ends_at=ends, created_by=by[:WHO_LENGTH], created_at=now()
    )
    session.add(message)
    session.flush()
    return message


def end(session: Session, message_id: int, by: str) -> bool:
    """End a message now (one not yet started is never shown); False when there is no such
    message or it has ended already."""
    if not 0 < message_id <= MAX_ID:
        return False  # no such row, and PostgreSQL would refuse the number
    message = session.get(ServiceMessage, message_id)
    moment = now()
    if message is None or as_utc(message.ends_at) <= moment:
        return False
    message.ends_at = moment
    message.starts_at = min(as_utc(message.starts_at), moment)
    message.ended_by = by[:WHO_LENGTH]
    return True


def current(session: Session) -> list[ServiceMessage]:
    """The messages not yet ended (active and upcoming), the soonest start first."""
    query = select(ServiceMessage).where(ServiceMessage.ends_at > now())
    return list(session.scalars(query.order_by(ServiceMessage.starts_at, ServiceMessage.id)))


def as_dict(session: Session, message: ServiceMessage) -> dict:
    """A message for the API and the CLI's JSON-like listing."""
    tool = snapshot.view(session).tools.get(message.tool_id)
    starts, ends = as_utc(message.starts_at), as_utc(message.ends_at)
    return {
        "id": message.id,
        "tool": message.tool_id,
        "tool_name": tool.name if tool is not None else message.tool_id,
        "text": message.text,
        "starts": starts.isoformat(),
        "ends": ends.isoformat(),
        "active": starts <= now() < ends,
        "created_by": message.created_by,
        "created_at": as_utc(message.created_at).isoformat(),
    }


_lock = threading.Lock()
_last_read: dict[str, list[tuple]] = {}  # database URL → (tool id, text, starts, ends) last read


def active(session: Session) -> list[Notice]:
    """The messages shown now, newest first, for tools in the catalogue. Read on every call (one
    indexed query); while the database is down, the last list read serves (still filtered by time),
    or none, so the answer itself still comes from the catalogue snapshot."""
    url = str(session.get_bind().url)
    moment = now()
    columns = (ServiceMessage.tool_id, ServiceMessage.text, ServiceMessage.starts_at, ServiceMessage.ends_at)
    try:
        query = select(*columns).where(ServiceMessage.ends_at > moment).order_by(ServiceMessage.id.desc())
        rows = [tuple(row) for row in session.execute(query)]
    except SQLAlchemyError:
        session.rollback()
        with _lock:
            rows = _last_read.get(url, [])
        log.warning("database unreachable; serving the last service messages read (%d)", len(rows))
    else:
        with _lock:
            _last_read[url] = rows
    tools = snapshot.view(session).tools
    return [
        Notice(tool_id, tools[tool_id].name, text)
        for tool_id, text, starts, ends in rows
        if tool_id in tools and as_utc(starts) <= moment < as_utc(ends)
    ]


def for_tool(session: Session, tool_id: str) -> list[Notice]:
    return [notice for notice in active(session) if notice.tool_id == tool_id]
