"""IT's news told back (issue 17, item 4): when an employee mentions a private tool or a need whose
group of gaps IT has marked planlagt, løst or avvist (with why), the notice that records the gap
ends with that status and IT's public note (bot.gaps.wishes.news). "ny" and "under vurdering"
carry no news and are not told."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.gaps import queries, wishes
from bot.gaps.detect import GapNote
from bot.texts import text


def told(news: wishes.News, standard: str) -> str:
    """The line that tells `news` in `standard` (nb or nn)."""
    if news.public_note:
        return text(f"gap_status.{news.status}_note", standard, note=news.public_note)
    return text(f"gap_status.{news.status}", standard)


def line(session: Session, note: GapNote, standard: str) -> str | None:
    """The news of the group the gap `note` belongs to, told in `standard`; None without news, or
    while the database cannot be read (the gap is still recorded, through the spool)."""
    try:
        found = wishes.news(session, queries.group_key(note.kind, note.private_tool, note.need))
    except SQLAlchemyError:
        session.rollback()
        return None
    return told(found, standard) if found else None
