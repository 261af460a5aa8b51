"""IT's work on the gap log: change a gap's status, internal note or public note (told to employees
with a status that carries news, bot.assistant.gap_status), always with an audit record of who
changed what and when. A public note that holds personal data (bot.privacy.masking) is refused."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.gaps import rollup
from bot.gaps.models import STATUSES, Gap, GapChange
from bot.privacy.masking import mask


class PersonalData(ValueError):
    """A public note the masking would change: it seems to hold personal data."""


def public_text(note: str | None) -> str | None:
    """The public note as stored (stripped, None when empty); PersonalData when masking changes it."""
    note = (note or "").strip() or None
    if note is not None and mask(note) != note:
        raise PersonalData(note)
    return note


def change(
    session: Session,
    gap: Gap,
    actor: str,
    *,
    status: str | None = None,
    note: str | None = None,
    public_note: str | None = None,
) -> list[GapChange]:
    """Set the status, the note and/or the public note (None leaves it as it is); records one change
    per field that really changed. An empty note removes the note."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    public = public_text(public_note) if public_note is not None else None
    rollup.install()  # the status change moves the dashboard's counts
    changes = []
    if status is not None and status != gap.status:
        changes.append(GapChange(gap_id=gap.id, actor=actor, field="status", old_value=gap.status, new_value=status))
        gap.status = status
    if note is not None:
        note = note.strip() or None
        if note != gap.note:
            changes.append(GapChange(gap_id=gap.id, actor=actor, field="note", old_value=gap.note, new_value=note))
            gap.note = note
    if public_note is not None and public != gap.public_note:
        changes.append(
            GapChange(gap_id=gap.id, actor=actor, field="public_note", old_value=gap.public_note, new_value=public)
        )
        gap.public_note = public
    session.add_all(changes)
    return changes


def change_status_of(
    session: Session, gap_ids: list[int], actor: str, status: str, public_note: str | None = None
) -> int:
    """Set the status (and the public note, unless None) of many gaps (a group); returns how many changed."""
    public_text(public_note)  # refused before any gap changes
    changed = 0
    for start in range(0, len(gap_ids), 500):
        for gap in session.scalars(select(Gap).where(Gap.id.in_(gap_ids[start : start + 500]))):
            changed += bool(change(session, gap, actor, status=status, public_note=public_note))
    return changed


def history(session: Session, gap_id: int) -> list[GapChange]:
    """The gap's changes, oldest first."""
    return list(
        session.scalars(
            select(GapChange).where(GapChange.gap_id == gap_id).order_by(GapChange.changed_at, GapChange.id)
        )
    )
