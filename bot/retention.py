"""Retention: `bot privacy purge` deletes message text older than a limit from every store of ours
that keeps it, and "Slett samtalen" deletes one conversation at once. Gap records are kept: their
text is masked and they say nothing about who wrote it. Every store and what happens to it:
docs/security.md ("Retention")."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import NoReturn
from urllib.parse import urlsplit

from sqlalchemy import bindparam, delete, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot import maintenance, spool
from bot.config import settings
from bot.db import engine_for, session_scope
from bot.feedback.models import InboxItem
from bot.handoff import outbox as handoff_outbox

log = logging.getLogger(__name__)

# Spooled records whose table's retention deletes them (bot.spool.purge).
SPOOLED_TEXT_KINDS = ("inbox",)
EVENT_BROKER_SQL_SCHEMES = ("postgresql", "sqlite")
DELETE_BATCH = 1000


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


def _event_time(data: str) -> float | None:
    try:
        moment = json.loads(data).get("timestamp")
    except (ValueError, TypeError, AttributeError):
        return None
    return moment if isinstance(moment, (int, float)) else None


def purge_event_broker(url: str, before: datetime) -> int:
    """Delete events older than `before` from Rasa's SQL event broker (table `events`: id,
    sender_id, data, the event's JSON with its `timestamp`); 0 for none or RabbitMQ, whose queue
    keeps an event only until it is consumed (docs/security.md)."""
    if urlsplit(url).scheme.split("+", 1)[0] not in EVENT_BROKER_SQL_SCHEMES:
        return 0
    engine = engine_for(url)
    if not inspect(engine).has_table("events"):
        return 0
    limit = before.timestamp()
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT id, data FROM events"))
        old = [row.id for row in rows if (moment := _event_time(row.data)) is not None and moment < limit]
        statement = text("DELETE FROM events WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
        for start in range(0, len(old), DELETE_BATCH):
            connection.execute(statement, {"ids": old[start : start + DELETE_BATCH]})
    return len(old)


def _inbox(before: datetime) -> int:
    with session_scope() as session:
        return purge_inbox(session, before)


# Each store: its name (`bot privacy purge --store`), what its count counts, how to purge it.
STORES: dict[str, tuple[str, Callable[[datetime], int]]] = {
    "conversations": (
        "conversation event(s)",
        lambda before: purge_conversations(settings().tracker_store_url, before),
    ),
    "inbox": ("inbox message(s)", _inbox),
    "spool": ("spooled record(s)", lambda before: spool.purge(before, SPOOLED_TEXT_KINDS)),
    "event-broker": ("event broker event(s)", lambda before: purge_event_broker(settings().event_broker_url, before)),
    "handoff": ("service desk case(s)", lambda before: handoff_outbox.purge(before)),
}


def purge(days: int, stores: Iterable[str] = STORES) -> tuple[str, bool]:
    """Delete what is older than `days` days from `stores`; returns one line with the count per
    store (never any text of a message) and whether every store was purged. A store that fails
    (its database down) is named in the line and the others are purged all the same."""
    before, counts, failed = cutoff(days), [], []
    for name in stores:
        label, purge_store = STORES[name]
        try:
            counts.append(f"{purge_store(before)} {label}")
        except (SQLAlchemyError, OSError) as error:
            log.warning("Could not purge %s: %s", name, type(error).__name__)
            failed.append(name)
        maintenance.record(purge_task(name), name not in failed, counts[-1] if name not in failed else "unavailable")
    line = f"Deleted {', '.join(counts) or 'nothing'} older than {days} days."
    if failed:
        line += f" Not purged (unavailable): {', '.join(failed)}."
    return line, not failed


def purge_task(store: str) -> str:
    """The maintenance task (bot.maintenance) under which a purge of `store` is noted."""
    return f"purge:{store}"


def purge_every(days: int, stores: Iterable[str], hours: float) -> NoReturn:
    """Purge now and then every `hours` hours, one line each time, until stopped (compose's purge
    service, the action servers' spool in Kubernetes)."""
    stores = list(stores)
    while True:
        print(purge(days, stores)[0], flush=True)
        time.sleep(hours * 3600)
