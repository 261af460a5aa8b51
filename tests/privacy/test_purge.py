"""`bot privacy purge --older-than DAYS`: deletes old conversations (Rasa's SQL tracker store) and
old trainer-inbox texts, keeps newer ones, and keeps every gap record and all feedback."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import db
from bot.cli import main
from bot.feedback.models import Feedback, InboxItem
from bot.gaps.models import Gap

NOW = datetime.now(timezone.utc)
# The events table as Rasa's SQLTrackerStore creates it.
EVENTS_TABLE = """
CREATE TABLE events (
    id INTEGER NOT NULL PRIMARY KEY,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT
)
"""
# sender, type, age, intent, action
EVENTS = [
    ("gammel-1", "user", timedelta(days=90), "ask_allowed", None),
    ("gammel-1", "action", timedelta(days=90, seconds=-2), None, "action_ask_allowed"),
    ("gammel-2", "user", timedelta(days=31), "find_tool", None),
    ("nesten-gammel", "user", timedelta(days=29), "greet", None),
    ("ny", "user", timedelta(hours=3), "tool_access", None),
    ("ny", "bot", timedelta(hours=3, seconds=-1), None, None),
]
OLD_EVENTS, KEPT_EVENTS = 3, 3


def age(delta: timedelta) -> datetime:
    return NOW - delta


@pytest.fixture
def tracker_store(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "tracker.db"
    with sqlite3.connect(path) as connection:
        connection.execute(EVENTS_TABLE)
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (sender, kind, age(delta).timestamp(), intent, action, '{"text": "kan jeg bruke WhatsApp?"}')
                for sender, kind, delta, intent, action in EVENTS
            ],
        )
    connection.close()
    monkeypatch.setenv("BOT_TRACKER_STORE_URL", f"sqlite:///{path}")
    return path


def events_left(path: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT sender_id, type_name FROM events ORDER BY id").fetchall()
    finally:
        connection.close()


@pytest.fixture
def records(database) -> str:
    """Inbox items, gap records and feedback, old and new."""
    with db.session_scope(database) as session:
        for text, delta in [
            ("gammel melding", timedelta(days=45)),
            ("ny melding", timedelta(days=2)),
            ("nesten gammel", timedelta(days=29, hours=23)),
        ]:
            session.add(InboxItem(record_id=str(uuid.uuid4()), created_at=age(delta), kind="fallback", text=text))
        for tool, delta in [("whatsapp", timedelta(days=400)), ("dropbox", timedelta(days=1))]:
            session.add(Gap(record_id=str(uuid.uuid4()), created_at=age(delta), kind="private_tool", private_tool=tool))
        session.add(
            Feedback(record_id=str(uuid.uuid4()), created_at=age(timedelta(days=300)), helpful=True, intent="x")
        )
    return database


def left(url: str, column) -> list:
    with db.session_scope(url) as session:
        return sorted(session.scalars(select(column)))


def test_purge_deletes_old_conversations_and_inbox_texts_and_keeps_gaps(records, tracker_store, capsys):
    assert main(["privacy", "purge", "--older-than", "30"]) == 0
    out, _ = capsys.readouterr()
    assert out == f"Deleted {OLD_EVENTS} conversation event(s) and 1 inbox message(s) older than 30 days.\n"
    assert events_left(tracker_store) == [("nesten-gammel", "user"), ("ny", "user"), ("ny", "bot")]
    assert left(records, InboxItem.text) == ["nesten gammel", "ny melding"]
    assert left(records, Gap.private_tool) == ["dropbox", "whatsapp"]  # even the 400 days old one
    assert len(left(records, Feedback.id)) == 1

    # Again: nothing more is old enough.
    assert main(["privacy", "purge", "--older-than", "30"]) == 0
    assert capsys.readouterr().out == "Deleted 0 conversation event(s) and 0 inbox message(s) older than 30 days.\n"
    assert len(events_left(tracker_store)) == KEPT_EVENTS


def test_thirty_days_is_the_default(records, tracker_store, capsys):
    assert main(["privacy", "purge"]) == 0
    assert (
        capsys.readouterr().out
        == f"Deleted {OLD_EVENTS} conversation event(s) and 1 inbox message(s) older than 30 days.\n"
    )


def test_a_shorter_limit_deletes_more(records, tracker_store, capsys):
    assert main(["privacy", "purge", "--older-than", "1"]) == 0
    assert capsys.readouterr().out == "Deleted 4 conversation event(s) and 3 inbox message(s) older than 1 days.\n"
    assert events_left(tracker_store) == [("ny", "user"), ("ny", "bot")]
    assert left(records, InboxItem.text) == []
    assert left(records, Gap.private_tool) == ["dropbox", "whatsapp"]


def test_a_tracker_store_without_conversations_yet(records, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BOT_TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'empty-tracker.db'}")
    assert main(["privacy", "purge", "--older-than", "30"]) == 0
    assert capsys.readouterr().out == "Deleted 0 conversation event(s) and 1 inbox message(s) older than 30 days.\n"


@pytest.mark.parametrize("days", ["0", "-5"])
def test_the_limit_must_be_at_least_one_day(records, tracker_store, capsys, days):
    assert main(["privacy", "purge", "--older-than", days]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "error: --older-than must be at least 1 day\n"
    assert len(events_left(tracker_store)) == len(EVENTS)
    assert len(left(records, InboxItem.id)) == 3
