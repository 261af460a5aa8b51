"""Gap records: masked and anonymous, built here and stored with the other records of their turn
(bot.spool.write_all), never lost (the spool keeps them while the database is down)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.gaps import rollup, wishes
from bot.gaps.detect import GapNote
from bot.gaps.models import Gap
from bot.language.detect import language_of
from bot.privacy.masking import mask
from bot.records import Record


def _write_gap(session: Session, payload: dict) -> None:
    rollup.install()
    if session.scalar(select(Gap.id).where(Gap.record_id == payload["record_id"])) is None:
        values = dict(payload)
        values["created_at"] = datetime.fromisoformat(values["created_at"])
        session.add(Gap(**values))  # bot.gaps.rollup counts it when it is flushed


def _write_department(session: Session, payload: dict) -> None:
    rollup.install()
    for gap in session.scalars(select(Gap).where(Gap.record_id.in_(payload["record_ids"]), Gap.department.is_(None))):
        gap.department = payload["department"]  # through the ORM, so bot.gaps.rollup moves the count


# The spool's writers for the records built here and the wish list's votes (bot.spool.writers).
WRITERS = {"gap": _write_gap, "gap_department": _write_department, **wishes.WRITERS}


def gap_record(note: GapNote, *, text: str, channel: str, department: str | None = None) -> Record:
    """One gap as a record to store (spool.write_all), masked, with a new record id."""
    return Record(
        "gap",
        {
            "record_id": str(uuid.uuid4()),
            "created_at": datetime.now(timezone.utc).isoformat(),
            "kind": note.kind,
            "private_tool": note.private_tool,
            "need": mask(note.need) if note.need else None,
            "alternatives": list(note.alternatives),
            "department": department,
            "channel": channel,
            "text": mask(text),
            "language": language_of(text),
        },
    )


def department_record(record_ids: list[str], department: str) -> Record | None:
    """The department an employee chose, for the gaps of their conversation (None if none)."""
    return Record("gap_department", {"record_ids": list(record_ids), "department": department}) if record_ids else None
