"""The gap log end to end: a real conversation over REST leaves exactly one anonymous record, and
records survive the database going away in the middle of a conversation."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, select, text

from bot import db
from bot.gaps.models import Gap

pytestmark = pytest.mark.slow


def gaps(url: str) -> list[Gap]:
    with db.session_scope(url) as session:
        return list(session.scalars(select(Gap).order_by(Gap.id)))


def test_a_conversation_about_dropbox_yields_one_gap_with_the_alternative(assistant):
    before = {g.record_id for g in gaps(assistant.db_url)}
    conversation = f"test-{uuid.uuid4().hex}"
    first = assistant.texts(conversation, "kan jeg bruke dropbox til å dele filer med en kollega?")
    assert "OneDrive" in first and "notert dette anonymt" in first
    assistant.texts(conversation, "men jeg har brukt dropbox i mange år, er det så farlig?")
    new = [g for g in gaps(assistant.db_url) if g.record_id not in before]
    assert len(new) == 1
    gap = new[0]
    assert (gap.kind, gap.private_tool, gap.channel) == ("private_tool", "dropbox", "rest")
    assert "onedrive" in gap.alternatives
    assert gap.text == "kan jeg bruke dropbox til å dele filer med en kollega?"


def test_personal_data_is_masked_before_rasa_stores_the_message(assistant):
    conversation = f"test-{uuid.uuid4().hex}"
    assistant.texts(conversation, "kan jeg sende fødselsnummer 15076500565 på whatsapp? ring 91234567")
    gap = gaps(assistant.db_url)[-1]
    assert gap.private_tool == "whatsapp"
    assert "15076500565" not in gap.text and "91234567" not in gap.text
    assert "[fødselsnummer]" in gap.text and "[telefon]" in gap.text
    tracker = create_engine(f"sqlite:///{assistant.workdir / 'tracker.db'}", future=True)
    with tracker.connect() as connection:
        stored = " ".join(row[0] for row in connection.execute(text("SELECT data FROM events")))
    assert "15076500565" not in stored and "91234567" not in stored
    assert "15076500565" not in "".join(log.read_text() for log in assistant.logs)


def test_records_survive_the_database_going_away_mid_conversation(postgres_assistant):
    assistant, set_connections = postgres_assistant
    conversation = f"test-{uuid.uuid4().hex}"
    assert "OneDrive" in assistant.texts(conversation, "kan jeg bruke dropbox?")  # catalogue now in memory

    set_connections(False)
    during = assistant.texts(conversation, "vi bruker whatsapp i avdelingen, er det greit?")
    assert "Teams" in during  # answered from the catalogue in memory
    assert "notert dette anonymt" in during
    assert (assistant.workdir / "spool" / "pending.jsonl").exists()

    set_connections(True)
    assistant.texts(conversation, "og hva med gmail?")  # the next record replays the spool first
    db.engine_for(assistant.db_url).dispose()
    tools = [g.private_tool for g in gaps(assistant.db_url)]
    assert sorted(tools) == ["dropbox", "gmail", "whatsapp"]
    assert not (assistant.workdir / "spool" / "pending.jsonl").exists()


def test_the_logs_at_info_level_do_not_contain_what_employees_write(assistant):
    marker = f"blåbærsyltetøy{uuid.uuid4().hex[:8]}"
    assistant.texts(f"test-{uuid.uuid4().hex}", f"kan jeg bruke dropbox til {marker}?")
    for log in assistant.logs:
        assert "INFO" in log.read_text()  # the services do log at INFO
        assert marker not in log.read_text(), log.name
