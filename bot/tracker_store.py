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
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.db import set_sqlite_pragmas

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
        await self._waiting_for_the_database(functools.partial(super().save, tracker))
