"""Retention: delete conversations (Rasa's SQL tracker store) and trainer-inbox texts older than a
limit (`bot privacy purge`), or one conversation when the employee asks ("Slett samtalen"). Gap
records are kept: their text is masked and they say nothing about who wrote it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, inspect, text
from sqlalchemy.orm import Session

from bot.config import settings
from bot.db import engine_for, session_scope
from bot.feedback.models import InboxItem

DEFAULT_DAYS = 30


def cutoff(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)


def purge_conversations(tracker_store_url: str, before: datetime) -> int:
    """Delete tracker events older than `before`; returns the number deleted."""
    engine = engine_for(tracker_store_url)
    if not inspect(engine).has_table("events"):
        return 0
    with engine.begin() as connection:
        result = connection.execute(
            text("DELETE FROM events WHERE timestamp < :before"), {"before": before.timestamp()}
        )
    return result.rowcount or 0


def delete_conversation(tracker_store_url: str, sender_id: str) -> int:
    """Delete every tracker event of one conversation (Rasa 3.6 has no endpoint for it); returns
    the number deleted."""
    engine = engine_for(tracker_store_url)
    if not inspect(engine).has_table("events"):
        return 0
    with engine.begin() as connection:
        result = connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id})
    return result.rowcount or 0


def purge_inbox(session: Session, before: datetime) -> int:
    result = session.execute(delete(InboxItem).where(InboxItem.created_at < before))
    return result.rowcount or 0


def purge(days: int) -> str:
    """Delete what is older than `days` days from every store that keeps message text; returns
    the counts as one line."""
    before = cutoff(days)
    events = purge_conversations(settings().tracker_store_url, before)
    with session_scope() as session:
        inbox = purge_inbox(session, before)
    return f"Deleted {events} conversation event(s) and {inbox} inbox message(s) older than {days} days."
