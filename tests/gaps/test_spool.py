"""The spool with a real database going away and coming back: records written while it is
unavailable wait in the spool (the employee notices nothing), and once it is back the next write
replays them, each exactly once, also when a replay is repeated or was interrupted.

The outage is real on both backends:
- PostgreSQL: a database of its own, closed with ALTER DATABASE ... ALLOW_CONNECTIONS false and
  pg_terminate_backend, so every new connection is refused by the server.
- SQLite: the database's directory is moved away and a file takes its name, so the database file
  cannot be opened (this holds for root too, unlike chmod 000).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from storing import write_record, written

from bot import db, spool, throwaway
from bot.assistant.conversation_gaps import ConversationGaps, department_given, notice
from bot.cli import main
from bot.config import PROJECT_ROOT
from bot.feedback import recorder as feedback
from bot.feedback.models import InboxItem
from bot.gaps import recorder
from bot.gaps.detect import GapNote
from bot.gaps.models import Gap
from bot.texts import text as catalogue_text

NOTED, ASK_DEPARTMENT = catalogue_text("gaps.noted"), catalogue_text("gaps.ask_department")

WHATSAPP = GapNote("private_tool", private_tool="whatsapp", need="Samhandling", alternatives=("teams",))
DROPBOX = GapNote("private_tool", private_tool="dropbox", need="Lagring", alternatives=("onedrive",))
GMAIL = GapNote("private_tool", private_tool="gmail", need="E-post", alternatives=("outlook",))
PADLET = GapNote("private_tool", private_tool="padlet", need="Skole")


@dataclass
class Outage:
    url: str
    down: Callable[[], None]
    up: Callable[[], None]


def reachable(url: str) -> bool:
    try:
        with db.session_scope(url) as session:
            session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory) -> Path:
    """An upgraded SQLite database directory that each test copies (faster than upgrading each time)."""
    directory = tmp_path_factory.mktemp("outage") / "template"
    directory.mkdir()
    db.upgrade(f"sqlite:///{directory / 'bot.db'}")
    return directory


def sqlite_outage(template: Path, tmp_path: Path) -> Outage:
    directory, away = tmp_path / "store", tmp_path / "store-away"
    shutil.copytree(template, directory)
    url = f"sqlite:///{directory / 'bot.db'}"

    def down() -> None:
        db.engine_for(url).dispose()
        directory.rename(away)
        directory.write_text("")  # a file where the directory was: the database cannot be opened

    def up() -> None:
        directory.unlink()
        away.rename(directory)

    return Outage(url, down, up)


@pytest.fixture(scope="module")
def postgres_outage(postgres_server_url) -> Iterator[Outage]:
    """A PostgreSQL database of this module's own (closing the pooled ones would disturb other tests)."""
    url = throwaway.new_postgres(postgres_server_url, "digihjelpen_outage")

    def down() -> None:
        throwaway.allow_connections(url, False)
        db.engine_for(url).dispose()  # bot.db caches the engine: drop its pooled connections too

    try:
        db.upgrade(url)
        yield Outage(url, down, lambda: throwaway.allow_connections(url, True))
    finally:
        throwaway.allow_connections(url, True)
        db.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def outage(request, tmp_path, monkeypatch) -> Iterator[Outage]:
    """An empty database that a test can make unavailable and available again (BOT_DATABASE_URL)."""
    if request.param == "sqlite":
        source = sqlite_outage(request.getfixturevalue("sqlite_template"), tmp_path)
    else:
        source = request.getfixturevalue("postgres_outage")
        with db.engine_for(source.url).begin() as connection:
            connection.execute(text("TRUNCATE gaps, inbox_items, feedback CASCADE"))  # CASCADE: gap_changes

    def down() -> None:
        source.down()
        assert not reachable(source.url)  # a real outage, not a mock

    monkeypatch.setenv("BOT_DATABASE_URL", source.url)
    yield Outage(source.url, down, source.up)
    if not reachable(source.url):
        source.up()


def gaps(url: str) -> list[Gap]:
    with db.session_scope(url) as session:
        return list(session.scalars(select(Gap).order_by(Gap.id)))


def count(url: str, model) -> int:
    with db.session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(model))


def spooled_lines(spool_dir: Path) -> list[str]:
    path = spool_dir / "pending.jsonl"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.exists() else []


def test_records_wait_in_the_spool_and_the_next_write_replays_them_once(outage, spool_dir):
    state = ConversationGaps()
    state = state.updated(
        written(notice([WHATSAPP], text="Kan jeg bruke WhatsApp?", channel="rest", state=state)).slots
    )
    assert [g.private_tool for g in gaps(outage.url)] == ["whatsapp"]

    outage.down()
    # The employee-facing code goes on as if nothing happened.
    answer = written(notice([DROPBOX, GMAIL], text="Dropbox eller Gmail? Ring 98765432", channel="teams", state=state))
    assert [r.text for r in answer.replies] == [NOTED]
    state = state.updated(answer.slots)
    assert len(state.records) == 3
    chosen = written(department_given("NAV", state))
    assert chosen.slots["department"] == "NAV"
    state = state.updated(chosen.slots)
    write_record(feedback.inbox_record("fallback", "hæ? ring 98765432", "nlu_fallback", 0.3))

    lines = spooled_lines(spool_dir)
    assert [r["kind"] for line in lines for r in json.loads(line)["records"]] == [
        "gap",
        "gap",
        "gap_department",
        "inbox",
    ]
    assert spool.pending() == 4
    assert "98765432" not in "".join(lines)  # the spool holds masked text only
    assert spool.replay() is False  # still down: the spool is kept
    assert spool.pending() == 4

    outage.up()
    write_record(
        recorder.gap_record(PADLET, text="Padlet?", channel="rest", department=state.department)
    )  # the next write

    rows = gaps(outage.url)
    assert [(g.private_tool, g.department) for g in rows] == [
        ("whatsapp", "NAV"),
        ("dropbox", "NAV"),
        ("gmail", "NAV"),
        ("padlet", "NAV"),
    ]
    assert [g.record_id for g in rows[:3]] == state.records
    assert rows[1].text == "Dropbox eller Gmail? Ring [telefon]" and rows[1].channel == "teams"
    assert count(outage.url, InboxItem) == 1
    assert spool.pending() == 0 and not (spool_dir / "pending.jsonl").exists()

    # Replaying again (twice) finds nothing to do and stores nothing twice.
    assert spool.replay() is True
    assert spool.replay() is True
    assert len(gaps(outage.url)) == 4 and count(outage.url, InboxItem) == 1


def test_replay_after_an_interrupted_replay_stores_each_record_once(outage, spool_dir):
    outage.down()
    first = [write_record(recorder.gap_record(note, text="x", channel="rest")) for note in (WHATSAPP, DROPBOX)]
    replayed_lines = spooled_lines(spool_dir)
    assert len(replayed_lines) == 2

    outage.up()
    assert spool.replay() is True
    assert [g.record_id for g in gaps(outage.url)] == first

    # An interrupted replay: its transaction committed, but the process died before the spool file
    # was removed. The same lines are in the spool again, now with a record that is new.
    outage.down()
    new = write_record(recorder.gap_record(GMAIL, text="x", channel="rest"))
    (spool_dir / "pending.jsonl").write_text(
        "\n".join(replayed_lines + spooled_lines(spool_dir)) + "\n", encoding="utf-8"
    )
    assert spool.pending() == 3

    outage.up()
    assert spool.replay() is True
    assert spool.replay() is True
    ids = [g.record_id for g in gaps(outage.url)]
    assert ids == first + [new]
    assert len(set(ids)) == len(ids)


def test_a_spool_with_the_same_record_twice_stores_it_once(outage, spool_dir):
    outage.down()
    record_id = write_record(recorder.gap_record(WHATSAPP, text="x", channel="rest"))
    line = spooled_lines(spool_dir)[0]
    (spool_dir / "pending.jsonl").write_text(f"{line}\n{line}\n", encoding="utf-8")
    outage.up()
    assert spool.replay() is True
    assert [g.record_id for g in gaps(outage.url)] == [record_id]


def test_bot_gaps_replay(outage, spool_dir, capsys):
    outage.down()
    written(notice([WHATSAPP, DROPBOX], text="x", channel="rest", state=ConversationGaps()))
    write_record(feedback.feedback_record(False, "tool_access", "teams"))
    capsys.readouterr()

    assert main(["gaps", "replay"]) == 1
    out, err = capsys.readouterr()
    assert "The database is still unavailable; 3 record(s) stay in the spool." in err
    assert spool.pending() == 3

    outage.up()
    assert main(["gaps", "replay"]) == 0
    out, _ = capsys.readouterr()
    assert out == "Replayed 3 spooled record(s).\n"
    assert len(gaps(outage.url)) == 2 and spool.pending() == 0

    assert main(["gaps", "replay"]) == 0
    assert capsys.readouterr().out == "Replayed 0 spooled record(s).\n"
    assert len(gaps(outage.url)) == 2


def test_with_the_database_up_nothing_is_spooled(outage, spool_dir):
    answer = written(notice([WHATSAPP], text="WhatsApp?", channel="rest", state=ConversationGaps()))
    assert [r.text for r in answer.replies] == [NOTED, ASK_DEPARTMENT]
    assert len(gaps(outage.url)) == 1
    assert not (spool_dir / "pending.jsonl").exists()


def test_a_line_cut_short_in_the_spool_is_set_aside_and_the_rest_replayed(database, spool_dir):
    """A crash while appending leaves half a line: it must not block the records around it."""
    write_record(recorder.gap_record(WHATSAPP, text="whatsapp", channel="web"))  # database up: stored at once
    spool_dir.mkdir(parents=True, exist_ok=True)
    good = {
        "kind": "gap",
        "payload": {
            "record_id": str(uuid.uuid4()),
            "created_at": "2026-11-01T10:00:00+00:00",
            "kind": "private_tool",
            "private_tool": "dropbox",
            "need": "Lagring",
            "alternatives": ["onedrive"],
            "department": None,
            "channel": "web",
            "text": "dropbox",
            "language": "nb",
        },
    }
    (spool_dir / "pending.jsonl").write_text('{"kind": "gap", "payl\n' + json.dumps(good) + "\n", encoding="utf-8")

    assert spool.replay()
    assert spool.replay()  # nothing left, nothing set aside twice
    with db.session_scope(database) as session:
        assert sorted(session.scalars(select(Gap.private_tool))) == ["dropbox", "whatsapp"]
    set_aside = [json.loads(line) for line in (spool_dir / "pending.bad").read_text(encoding="utf-8").splitlines()]
    assert [entry["line"] for entry in set_aside] == ['{"kind": "gap", "payl']  # with its set_aside_at
    assert not (spool_dir / "pending.jsonl").exists()


def test_a_process_that_never_imported_the_recorders_replays_every_kind(database, spool_dir):
    # Writers used to be registered by importing their recorder; a process that had not imported
    # bot.feedback.recorder moved inbox records to .bad. Now bot.spool knows every writer itself.
    record = feedback.inbox_record("fallback", "hva?", None, None)
    spool_dir.mkdir(parents=True, exist_ok=True)
    (spool_dir / "pending.jsonl").write_text(
        json.dumps({"records": [{"kind": record.kind, "payload": record.payload}]}) + "\n", encoding="utf-8"
    )
    script = "import sys; sys.modules['tensorflow'] = None\nfrom bot import spool\nprint(spool.replay())"
    env = {**os.environ, "BOT_DATABASE_URL": database, "BOT_SPOOL_DIR": str(spool_dir)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr[-2000:]
    assert count(database, InboxItem) == 1
    assert not (spool_dir / "pending.bad").exists()
