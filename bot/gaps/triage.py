"""IT's work on the gap log: change a gap's status or note, always with an audit record of who
changed what and when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.gaps import rollup
from bot.gaps.models import STATUSES, Gap, GapChange


def change(
    session: Session, gap: Gap, actor: str, *, status: str | None = None, note: str | None = None
) -> list[GapChange]:
    """Set the status and/or the note (None leaves it as it is); records one change per field
    that really changed. An empty note removes the note."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
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
    session.add_all(changes)
    return changes


def change_status_of(session: Session, gap_ids: list[int], actor: str, status: str) -> int:
    """Set the status of many gaps (a group); returns how many changed."""
    changed = 0
    for start in range(0, len(gap_ids), 500):
        for gap in session.scalars(select(Gap).where(Gap.id.in_(gap_ids[start : start + 500]))):
            changed += bool(change(session, gap, actor, status=status))
    return changed


def history(session: Session, gap_id: int) -> list[GapChange]:
    """The gap's changes, oldest first."""
    return list(
        session.scalars(
            select(GapChange).where(GapChange.gap_id == gap_id).order_by(GapChange.changed_at, GapChange.id)
        )
    )
