"""The outbox: `submit` stores a case and tries to send it at once; a case the desk cannot take
now waits and `deliver_waiting` (later submits, `bot handoff deliver`) sends it exactly once. A
conversation may send at most `daily_cap` cases in 24 hours. Blocking (smtplib, requests, the
database): the assistant calls these through `asyncio.to_thread`. Exactly-once and its limits:
docs/handoff.md."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.config import HandoffSettings, handoff_settings
from bot.db import session_scope, utc_now
from bot.handoff.adapter import Desk, DeskRefused, DeskUnavailable
from bot.handoff.case import Case
from bot.handoff.models import HandoffCase

# A case claimed for sending longer ago than this is taken to be left by a crashed process and is
# claimed again (the at-least-once window, docs/handoff.md).
CLAIM_LEASE = timedelta(minutes=10)
CAP_PERIOD = timedelta(hours=24)
DELIVER_BATCH = 100
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submitted:
    """What became of a submitted case. outcome: sent (number is the desk's), waiting (sent when
    the desk can be reached; reference is ours), failed (the desk refused it: tell the employee
    to contact IT), limit (the conversation's daily cap is reached, nothing stored), off."""

    outcome: str
    reference: str = ""
    number: str = ""


@dataclass(frozen=True)
class CaseStatus:
    """One case of a conversation: our reference, our state, the desk's number and, where the
    desk tells, its status (TOPdesk's processing status; None for e-mail)."""

    reference: str
    state: str
    number: str = ""
    desk_status: str | None = None


def desk_for(config: HandoffSettings) -> Desk | None:
    """The adapter `config` names, or None when handoff is off."""
    if config.adapter == "email":
        from bot.handoff.mail import EmailDesk

        return EmailDesk(config)
    if config.adapter == "topdesk":
        from bot.handoff.topdesk import TopdeskDesk
        from bot.service_secrets import refuse_weak

        refuse_weak("BOT_HANDOFF_TOPDESK_PASSWORD", config.topdesk_password)  # as the other secrets
        return TopdeskDesk(config)
    return None


def reference_for(case_id: int, created: datetime) -> str:
    return f"DH-{created.year}-{case_id:06d}"


def submit(
    case: Case, conversation_id: str, config: HandoffSettings | None = None, url: str | None = None
) -> Submitted:
    """Store `case` for `conversation_id` and send it now if the desk can be reached."""
    config = config or handoff_settings()
    desk = desk_for(config)
    if desk is None:
        return Submitted("off")
    with session_scope(url) as session:
        if _recent_cases(session, conversation_id) >= config.daily_cap:
            return Submitted("limit")
        row = HandoffCase(
            conversation_id=conversation_id, case_json=case.to_json(), state="waiting", attempts=0, created_at=utc_now()
        )
        session.add(row)
        session.flush()
        row.reference = reference_for(row.id, row.created_at)
        case_id, reference = row.id, row.reference
    outcome, number = _deliver(desk, case_id, url)
    if outcome == "sent":
        deliver_waiting(config, url, desk)
    return Submitted(outcome, reference, number)


def _recent_cases(session, conversation_id: str) -> int:
    return session.scalar(
        select(func.count(HandoffCase.id)).where(
            HandoffCase.conversation_id == conversation_id, HandoffCase.created_at >= utc_now() - CAP_PERIOD
        )
    )


def at_cap(conversation_id: str, config: HandoffSettings | None = None, url: str | None = None) -> bool:
    """Whether the conversation has sent its daily cap of cases (told before asking for a contact)."""
    config = config or handoff_settings()
    with session_scope(url) as session:
        return _recent_cases(session, conversation_id) >= config.daily_cap


def _claim(case_id: int, url: str | None) -> tuple[Case, str] | None:
    """Mark the case as being sent, unless another process has it or it is done."""
    now = utc_now()
    with session_scope(url) as session:
        claimed = session.execute(
            update(HandoffCase)
            .where(
                HandoffCase.id == case_id,
                or_(
                    HandoffCase.state == "waiting",
                    (HandoffCase.state == "sending") & (HandoffCase.claimed_at < now - CLAIM_LEASE),
                ),
            )
            .values(state="sending", claimed_at=now, attempts=HandoffCase.attempts + 1)
        ).rowcount
        if not claimed:
            return None
        row = session.get(HandoffCase, case_id)
        return Case.from_json(row.case_json), row.reference


def _record(case_id: int, url: str | None, **values) -> None:
    with session_scope(url) as session:
        session.execute(
            update(HandoffCase).where(HandoffCase.id == case_id, HandoffCase.state == "sending").values(**values)
        )


def _deliver(desk: Desk, case_id: int, url: str | None) -> tuple[str, str]:
    """Send one case if it can be claimed; returns its outcome and the desk's number."""
    claimed = _claim(case_id, url)
    if claimed is None:
        return "waiting", ""
    case, reference = claimed
    try:
        receipt = desk.send(case, reference)
    except DeskUnavailable as error:
        _record(case_id, url, state="waiting", last_error=str(error)[:500])
        return "waiting", ""
    except DeskRefused as error:
        _record(case_id, url, state="failed", last_error=str(error)[:500])
        return "failed", ""
    _record(case_id, url, state="sent", sent_at=utc_now(), desk_number=receipt.number, last_error=None)
    return "sent", receipt.number


def deliver_waiting(
    config: HandoffSettings | None = None, url: str | None = None, desk: Desk | None = None
) -> dict[str, int]:
    """Send the waiting cases, oldest first, until the desk cannot be reached; returns how many
    were sent, refused (failed) and still wait."""
    desk = desk or desk_for(config or handoff_settings())
    counts = {"sent": 0, "failed": 0, "waiting": 0}
    if desk is None:
        return counts
    with session_scope(url) as session:
        due = session.scalars(
            select(HandoffCase.id)
            .where(
                or_(
                    HandoffCase.state == "waiting",
                    (HandoffCase.state == "sending") & (HandoffCase.claimed_at < utc_now() - CLAIM_LEASE),
                )
            )
            .order_by(HandoffCase.id)
            .limit(DELIVER_BATCH)
        ).all()
    for position, case_id in enumerate(due):
        outcome, _ = _deliver(desk, case_id, url)
        counts[outcome] += 1
        if outcome == "waiting":  # the desk is down: the rest wait for the next run
            counts["waiting"] += len(due) - position - 1
            break
    return counts


def deliver_round(config: HandoffSettings | None = None, url: str | None = None) -> dict[str, int]:
    """One periodic delivery (the action server's thread, `deliver_every`): as `deliver_waiting`,
    logged; a database that cannot be reached is logged and tried again next round."""
    try:
        counts = deliver_waiting(config, url)
    except SQLAlchemyError:
        log.warning("handoff: the database is unavailable; waiting cases are sent later")
        return {}
    if counts["sent"] or counts["failed"]:
        log.info("handoff: %d waiting case(s) sent, %d refused, %d still waiting", *counts.values())
    return counts


def deliver_every(minutes: float, stop: threading.Event) -> None:
    """Deliver the waiting cases every `minutes` until `stop` is set (a daemon thread)."""
    while not stop.wait(minutes * 60):
        deliver_round()


def cases_of(conversation_id: str, config: HandoffSettings | None = None, url: str | None = None) -> list[CaseStatus]:
    """The conversation's cases, newest first, each with the desk's status where it tells
    («Hva skjer med saken min?»). A desk that cannot be reached leaves desk_status None."""
    with session_scope(url) as session:
        rows = session.execute(
            select(HandoffCase.reference, HandoffCase.state, HandoffCase.desk_number)
            .where(HandoffCase.conversation_id == conversation_id)
            .order_by(HandoffCase.id.desc())
        ).all()
    desk = desk_for(config or handoff_settings())
    found = []
    for reference, state, number in rows:
        desk_status = None
        if desk is not None and state == "sent" and number:
            try:
                desk_status = desk.status(number)
            except (DeskUnavailable, DeskRefused):
                desk_status = None
        found.append(CaseStatus(reference, state, number or "", desk_status))
    return found


def purge(before: datetime, url: str | None = None) -> int:
    """Delete the cases made before `before` (retention, whatever their state); returns how many."""
    with session_scope(url) as session:
        return session.execute(delete(HandoffCase).where(HandoffCase.created_at < before)).rowcount or 0
