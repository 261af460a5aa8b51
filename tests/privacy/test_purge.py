"""`bot privacy purge --older-than DAYS`: deletes old conversations (Rasa's SQL tracker store), old
trainer-inbox texts, old spooled inbox texts and set-aside spool lines, and old events of a SQL
event broker; keeps newer ones, and keeps every gap record and all feedback."""

from __future__ import annotations

import json
import os
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


def report(conversations: int, inbox: int, spooled: int = 0, broker: int = 0, days: int = 30, cases: int = 0) -> str:
    return (
        f"Deleted {conversations} conversation event(s), {inbox} inbox message(s), {spooled} spooled record(s), "
        f"{broker} event broker event(s), {cases} service desk case(s) older than {days} days.\n"
    )


def left(url: str, column) -> list:
    with db.session_scope(url) as session:
        return sorted(session.scalars(select(column)))


def test_purge_deletes_old_conversations_and_inbox_texts_and_keeps_gaps(records, tracker_store, capsys):
    assert main(["privacy", "purge", "--older-than", "30"]) == 0
    out, _ = capsys.readouterr()
    assert out == report(OLD_EVENTS, 1)
    assert events_left(tracker_store) == [("nesten-gammel", "user"), ("ny", "user"), ("ny", "bot")]
    assert left(records, InboxItem.text) == ["nesten gammel", "ny melding"]
    assert left(records, Gap.private_tool) == ["dropbox", "whatsapp"]  # even the 400 days old one
    assert len(left(records, Feedback.id)) == 1

    # Again: nothing more is old enough.
    assert main(["privacy", "purge", "--older-than", "30"]) == 0
    assert capsys.readouterr().out == report(0, 0)
    assert len(events_left(tracker_store)) == KEPT_EVENTS


def test_thirty_days_is_the_default(records, tracker_store, capsys):
    assert main(["privacy", "purge"]) == 0
    assert capsys.readouterr().out == report(OLD_EVENTS, 1)


def test_a_shorter_limit_deletes_more(records, tracker_store, capsys):
    assert main(["privacy", "purge", "--older-than", "1"]) == 0
    assert capsys.readouterr().out == report(4, 3, days=1)
    assert events_left(tracker_store) == [("ny", "user"), ("ny", "bot")]
    assert left(records, InboxItem.text) == []
    assert left(records, Gap.private_tool) == ["dropbox", "whatsapp"]


def test_a_tracker_store_without_conversations_yet(records, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BOT_TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'empty-tracker.db'}")
    assert main(["privacy", "purge", "--older-than", "30"]) == 0
    assert capsys.readouterr().out == report(0, 1)


@pytest.mark.parametrize("days", ["0", "-5"])
def test_the_limit_must_be_at_least_one_day(records, tracker_store, capsys, days):
    assert main(["privacy", "purge", "--older-than", days]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "error: --older-than (or BOT_RETENTION_DAYS) must be at least 1 day\n"
    assert len(events_left(tracker_store)) == len(EVENTS)
    assert len(left(records, InboxItem.id)) == 3


def test_the_default_limit_comes_from_the_settings(records, tracker_store, monkeypatch, capsys):
    monkeypatch.setenv("BOT_RETENTION_DAYS", "1")
    assert main(["privacy", "purge"]) == 0
    assert capsys.readouterr().out == report(4, 3, days=1)


def spooled(kind: str, delta: timedelta, text: str) -> dict:
    payload = {"record_id": str(uuid.uuid4()), "created_at": age(delta).isoformat(), "text": text}
    return {"kind": kind, "payload": payload}


def spool_lines(path: Path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_spooled_inbox_texts_older_than_the_limit_are_dropped_and_everything_else_waits(spool_dir, capsys):
    old_turn = [spooled("inbox", timedelta(days=40), "gammel tekst"), spooled("gap", timedelta(days=40), "gammel gap")]
    young_turn = [spooled("inbox", timedelta(days=29), "ung tekst"), spooled("feedback", timedelta(days=2), "")]
    single_old = spooled("inbox", timedelta(days=31), "gammel, eldre format")  # a line as older spools wrote it
    spool_dir.mkdir()
    pending = spool_dir / "pending.jsonl"
    pending.write_text(
        "\n".join(json.dumps(entry) for entry in ({"records": old_turn}, {"records": young_turn}, single_old)) + "\n",
        encoding="utf-8",
    )

    assert main(["privacy", "purge", "--store", "spool"]) == 0
    assert capsys.readouterr().out == "Deleted 2 spooled record(s) older than 30 days.\n"
    # The old gap record still waits to be written (its table keeps gaps); the young turn is untouched.
    assert spool_lines(pending) == [{"records": [old_turn[1]]}, {"records": young_turn}]
    assert "gammel tekst" not in pending.read_text(encoding="utf-8")

    young_only = [spooled("inbox", timedelta(hours=1), "ny tekst")]
    pending.write_text(json.dumps({"records": young_only}) + "\n", encoding="utf-8")
    assert main(["privacy", "purge", "--store", "spool"]) == 0
    assert capsys.readouterr().out == "Deleted 0 spooled record(s) older than 30 days.\n"
    assert spool_lines(pending) == [{"records": young_only}]


def test_set_aside_spool_lines_are_dropped_once_older_than_the_limit(spool_dir, capsys):
    spool_dir.mkdir()
    bad = spool_dir / "pending.bad"
    old_by_record = json.dumps(
        {
            "set_aside_at": age(timedelta(days=1)).isoformat(),
            "line": '{"records": [{"kind": "inbox", "payload": {"created_at": "'
            + age(timedelta(days=45)).isoformat()
            + '", "text": "avkut',
        }
    )
    old_by_setting_aside = json.dumps({"set_aside_at": age(timedelta(days=31)).isoformat(), "line": '{"kind": "ga'})
    young = json.dumps({"set_aside_at": age(timedelta(days=3)).isoformat(), "line": '{"kind": "gap", "payl'})
    bad.write_text("\n".join([old_by_record, old_by_setting_aside, young]) + "\n", encoding="utf-8")

    assert main(["privacy", "purge", "--store", "spool"]) == 0
    assert capsys.readouterr().out == "Deleted 2 spooled record(s) older than 30 days.\n"
    assert bad.read_text(encoding="utf-8") == young + "\n"

    # Lines set aside by an older version (no time of their own) are as old as the file.
    legacy = spool_dir / "pending.bad"
    legacy.write_text('{"kind": "gap", "payl\n', encoding="utf-8")
    assert main(["privacy", "purge", "--store", "spool"]) == 0 and legacy.exists()
    month_ago = age(timedelta(days=31)).timestamp()
    os.utime(legacy, (month_ago, month_ago))
    assert main(["privacy", "purge", "--store", "spool"]) == 0
    assert not legacy.exists()
    assert capsys.readouterr().out.splitlines()[-1] == "Deleted 1 spooled record(s) older than 30 days."


def test_replay_sets_unreadable_lines_aside_with_the_time_and_the_purge_drops_them_later(spool_dir, database):
    from bot import spool

    spool_dir.mkdir()
    (spool_dir / "pending.jsonl").write_text('{"records": [{"kind": "inbox", "payl\n', encoding="utf-8")
    assert spool.replay()
    [entry] = spool_lines(spool_dir / "pending.bad")
    assert entry["line"] == '{"records": [{"kind": "inbox", "payl'
    assert age(timedelta(minutes=1)) < datetime.fromisoformat(entry["set_aside_at"]) <= datetime.now(timezone.utc)
    assert spool.purge(age(timedelta(days=1)), ("inbox",)) == 0
    assert spool.purge(datetime.now(timezone.utc) + timedelta(seconds=1), ("inbox",)) == 1
    assert not (spool_dir / "pending.bad").exists()


def test_the_purge_never_creates_a_spool(spool_dir, capsys):
    assert main(["privacy", "purge", "--store", "spool"]) == 0
    assert not spool_dir.exists()


# The table as Rasa's SQLEventBroker creates it.
BROKER_TABLE = "CREATE TABLE events (id INTEGER NOT NULL PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"


def test_old_events_of_a_sql_event_broker_are_deleted(tmp_path, monkeypatch, capsys):
    path = tmp_path / "broker.db"
    with sqlite3.connect(path) as connection:
        connection.execute(BROKER_TABLE)
        connection.executemany(
            "INSERT INTO events (sender_id, data) VALUES (?, ?)",
            [
                (sender, json.dumps({"event": "user", "timestamp": age(delta).timestamp(), "text": "hei"}))
                for sender, delta in [("a", timedelta(days=60)), ("a", timedelta(days=31)), ("b", timedelta(days=1))]
            ]
            + [("c", "not json"), ("d", json.dumps({"event": "slot"}))],  # unreadable or without time: kept
        )
    connection.close()
    monkeypatch.setenv("BOT_EVENT_BROKER_URL", f"sqlite:///{path}")
    assert main(["privacy", "purge", "--store", "event-broker"]) == 0
    assert capsys.readouterr().out == "Deleted 2 event broker event(s) older than 30 days.\n"
    with sqlite3.connect(path) as connection:
        assert [row[0] for row in connection.execute("SELECT sender_id FROM events ORDER BY id")] == ["b", "c", "d"]
    connection.close()

    monkeypatch.setenv("BOT_EVENT_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/")  # RabbitMQ: a queue, not kept
    assert main(["privacy", "purge", "--store", "event-broker"]) == 0
    assert capsys.readouterr().out == "Deleted 0 event broker event(s) older than 30 days.\n"


def test_a_store_that_is_down_is_named_and_the_others_are_purged(records, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("BOT_TRACKER_STORE_URL", f"sqlite:///{blocker}/tracker.db")  # cannot be opened
    assert main(["privacy", "purge"]) == 1
    out = capsys.readouterr().out
    assert out == (
        "Deleted 1 inbox message(s), 0 spooled record(s), 0 event broker event(s), 0 service desk case(s) older than 30 days. "
        "Not purged (unavailable): conversations.\n"
    )
    assert left(records, InboxItem.text) == ["nesten gammel", "ny melding"]


def test_an_unknown_store_or_interval_is_refused(capsys):
    assert main(["privacy", "purge", "--store", "gaps"]) == 2
    assert capsys.readouterr().err == (
        "error: no store gaps; the stores are conversations, inbox, spool, event-broker, handoff\n"
    )
    assert main(["privacy", "purge", "--every", "0"]) == 2
    assert capsys.readouterr().err == "error: --every must be a positive number of hours\n"


def test_every_purges_then_waits_the_interval(records, tracker_store, monkeypatch, capsys):
    from bot import retention

    waits = []

    class Stop(Exception):
        pass

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 2:
            raise Stop

    monkeypatch.setattr(retention.time, "sleep", sleep)
    with pytest.raises(Stop):
        main(["privacy", "purge", "--every", "24"])
    assert waits == [24 * 3600, 24 * 3600]
    assert capsys.readouterr().out == report(OLD_EVENTS, 1) + report(0, 0)
