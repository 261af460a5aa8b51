"""Our tracker store when the database goes away for a while (a PostgreSQL restart): reads and
writes wait for it instead of failing, since Rasa would then answer from an empty tracker and keep
the turn in memory only (context lost, a recorded gap recorded again)."""

from __future__ import annotations

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot import throwaway, tracker_store
from bot.tracker_store import TrackerStore


def _conversation(sender: str = "s1") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [UserUttered("kan jeg bruke dropbox?")])


@pytest.fixture
def store(tmp_path, monkeypatch) -> TrackerStore:
    monkeypatch.setattr(tracker_store, "RETRY_SECONDS", 0)
    return TrackerStore(host=f"sqlite:///{tmp_path / 'tracker.db'}")


def _unreachable_for(calls: int, monkeypatch, name: str) -> list[int]:
    """Make SQLTrackerStore.`name` fail with a connection error `calls` times; counts the attempts."""
    attempts: list[int] = []
    original = getattr(SQLTrackerStore, name)

    async def flaky(self, *args):
        attempts.append(1)
        if len(attempts) <= calls:
            raise OperationalError("SELECT 1", {}, Exception("could not connect to server: Connection refused"))
        return await original(self, *args)

    monkeypatch.setattr(SQLTrackerStore, name, flaky)
    return attempts


async def test_a_read_waits_until_the_database_answers(store, monkeypatch):
    await store.save(_conversation())
    attempts = _unreachable_for(3, monkeypatch, "retrieve")

    tracker = await store.retrieve("s1")

    assert len(attempts) == 4
    assert tracker is not None and tracker.latest_message.text == "kan jeg bruke dropbox?"


async def test_a_write_waits_until_the_database_answers(store, monkeypatch):
    attempts = _unreachable_for(2, monkeypatch, "save")

    await store.save(_conversation())

    assert len(attempts) == 3
    monkeypatch.undo()
    assert (await store.retrieve("s1")).latest_message.text == "kan jeg bruke dropbox?"


async def test_after_the_wait_the_error_goes_to_rasa(store, monkeypatch):
    monkeypatch.setattr(tracker_store, "WAIT_FOR_DATABASE_SECONDS", 0)
    attempts = _unreachable_for(100, monkeypatch, "retrieve")

    with pytest.raises(OperationalError):
        await store.retrieve("s1")
    assert len(attempts) == 1


@pytest.fixture
def postgres_tracker_store_url(postgres_server_url):
    with throwaway.postgres(postgres_server_url, "digihjelpen_tracker_test") as url:
        yield url, make_url(url).database


@pytest.mark.postgres
async def test_a_conversation_is_read_back_after_postgres_dropped_its_connections(
    postgres_tracker_store_url,
    postgres_admin,
    monkeypatch,
):
    monkeypatch.setattr(tracker_store, "WAIT_FOR_DATABASE_SECONDS", 0)  # the pool alone must cope
    url, name = postgres_tracker_store_url
    store = TrackerStore(host=url)
    await store.save(_conversation("after-restart"))
    assert store.engine.pool.checkedin() > 0  # a pooled connection the server is about to drop
    with postgres_admin.connect() as connection:
        dropped = connection.execute(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :name"), {"name": name}
        ).scalar()
    assert dropped > 0

    tracker = await store.retrieve("after-restart")

    assert tracker is not None and tracker.latest_message.text == "kan jeg bruke dropbox?"
    store.engine.dispose()
