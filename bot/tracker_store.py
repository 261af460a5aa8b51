"""Rasa's SQL tracker store, tuned for SQLite (pooled connections, write-ahead logging, fewer disk
syncs) and for database restarts (pooled connections checked before use, reads and writes that
wait for the database).

On SQLite (the embedded default for `make run`) SQLAlchemy 1.4 opens a new connection for every
session and every commit syncs to disk, which doubled the reply time. When the database cannot be
reached, Rasa's FailSafeTrackerStore answers the turn from an empty tracker and keeps what it
saves in memory only: the conversation's context is gone for that turn, the turn is never stored,
and a gap the conversation had already recorded is recorded again (its `gaps_logged` slot is
empty). So a read or write that fails for want of a connection is retried for up to
WAIT_FOR_DATABASE_SECONDS, which covers a PostgreSQL restart, before Rasa's fallback takes over.
Pooled connections that a restart closed are noticed before use (`pool_pre_ping`). Loaded by module
path from endpoints.yml.

What the channels tell about the employee for the handoff (message metadata `user`: Teams' name and
id, an address written in the widget) is dropped before a turn is stored or streamed, and a message
typed while the handoff asked for a contact is stored as [kontaktinformasjon]
(bot/assistant/handoff_dialogue.py): the case holds the contact, the conversation does not.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.assistant.handoff_dialogue import CONTACT, STEP
from bot.db import set_sqlite_pragmas
from bot.texts import text

log = logging.getLogger(__name__)

WAIT_FOR_DATABASE_SECONDS = 20.0  # under the web relay's 30 s wait for Rasa's answer
RETRY_SECONDS = 0.5
T = TypeVar("T")


class TrackerStore(SQLTrackerStore):
    engine: Engine  # set by SQLTrackerStore.__init__ (Rasa's code is not typed)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dialect, url = self.engine.dialect.name, self.engine.url
        if dialect not in ("sqlite", "postgresql"):
            return
        self.engine.dispose()
        if dialect == "sqlite":
            self.engine = create_engine(url, poolclass=QueuePool, connect_args={"check_same_thread": False})
            set_sqlite_pragmas(self.engine, "journal_mode=WAL", "synchronous=NORMAL")
        else:
            self.engine = create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def _waiting_for_the_database(self, operation: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + WAIT_FOR_DATABASE_SECONDS
        while True:
            try:
                return await operation()
            except (OperationalError, InterfaceError) as error:  # no connection; SQL errors are not retried
                if time.monotonic() >= deadline:
                    raise
                log.warning(
                    "Tracker store unreachable, retrying for up to %.0f s: %s",
                    deadline - time.monotonic(),
                    str(error).splitlines()[0],
                )
                await asyncio.sleep(RETRY_SECONDS)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._waiting_for_the_database(functools.partial(super().retrieve, sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        without_contacts(tracker)
        await self._waiting_for_the_database(functools.partial(super().save, tracker))


SESSION_METADATA = "session_started_metadata"  # Rasa's slot holding the first message's metadata


def without_contacts(tracker: DialogueStateTracker) -> None:
    """Drop the employee's identity from the messages' metadata and hide what they typed while the
    handoff asked for a contact (in place, before the turn is stored and streamed)."""
    step = None
    for event in tracker.events:
        if isinstance(event, SessionStarted):
            step = None
        elif isinstance(event, SlotSet) and event.key == STEP:
            step = event.value
        elif isinstance(event, SlotSet) and event.key == SESSION_METADATA and isinstance(event.value, dict):
            event.value = _without_user(event.value)
        elif isinstance(event, UserUttered):
            parsed: dict[str, Any] = event.parse_data  # Rasa types it as a TypedDict
            # The event's metadata (Rasa adds model_id and assistant_id to it) and the message's own
            # metadata in its parse data (the channel's) each lose the identity.
            if event.metadata and "user" in event.metadata:
                event.metadata = _without_user(event.metadata)
            if isinstance(parsed.get("metadata"), dict) and "user" in parsed["metadata"]:
                parsed["metadata"] = _without_user(parsed["metadata"])
            if step == CONTACT and event.text and not event.text.startswith("/"):
                event.text = parsed["text"] = text("handoff.contact_hidden")


def _without_user(metadata: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in metadata.items() if key != "user"}
