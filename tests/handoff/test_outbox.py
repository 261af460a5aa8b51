"""The outbox beyond delivery: the daily cap per conversation, nothing of a case in any other
table (the gap log stays anonymous), retention, handoff off, and `bot handoff deliver`."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from cases import EMAIL, NAME, a_case
from sqlalchemy import MetaData, select, update

from bot import retention
from bot.cli import main
from bot.db import engine_for, session_scope, utc_now
from bot.handoff import outbox
from bot.handoff.models import HandoffCase


def test_a_conversation_sends_at_most_the_daily_cap(db_url, smtp_server, email_config):
    config = dataclasses.replace(email_config, daily_cap=2)
    outcomes = [outbox.submit(a_case(), "samtale-1", config, db_url).outcome for _ in range(3)]

    assert outcomes == ["sent", "sent", "limit"]
    assert outbox.submit(a_case(), "samtale-2", config, db_url).outcome == "sent"
    assert len(smtp_server.mailbox.messages) == 3
    with session_scope(db_url) as session:  # a day later the conversation may send again
        session.execute(update(HandoffCase).values(created_at=utc_now() - timedelta(hours=25)))
    assert outbox.submit(a_case(), "samtale-1", config, db_url).outcome == "sent"


def test_cases_waiting_count_towards_the_cap(db_url, smtp_server, email_config):
    smtp_server.stop()
    config = dataclasses.replace(email_config, daily_cap=1)
    assert outbox.submit(a_case(), "samtale-1", config, db_url).outcome == "waiting"
    assert outbox.submit(a_case(), "samtale-1", config, db_url).outcome == "limit"


def test_nothing_of_a_case_reaches_any_other_table(db_url, smtp_server, email_config):
    outbox.submit(a_case(), "samtale-1", email_config, db_url)
    smtp_server.stop()
    outbox.submit(a_case(), "samtale-2", email_config, db_url)

    schema = MetaData()
    schema.reflect(engine_for(db_url))
    with engine_for(db_url).connect() as connection:
        for table in schema.sorted_tables:
            rows = [" ".join(map(str, row)) for row in connection.execute(select(table))]
            if table.name == "handoff_cases":
                assert len(rows) == 2 and all(NAME in row for row in rows)
                continue
            leaked = [row for row in rows if NAME in row or EMAIL in row or "samtale-" in row or "Visma" in row]
            assert leaked == [], table.name
    assert {"gaps", "gap_counts", "gap_totals", "inbox_items"} <= set(schema.tables)


def test_cases_older_than_the_retention_are_purged(db_url, smtp_server, email_config, monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    outbox.submit(a_case(), "samtale-gammel", email_config, db_url)
    outbox.submit(a_case(), "samtale-ny", email_config, db_url)
    with session_scope(db_url) as session:
        session.execute(
            update(HandoffCase)
            .where(HandoffCase.conversation_id == "samtale-gammel")
            .values(created_at=utc_now() - timedelta(days=31))
        )

    line, purged = retention.purge(30, ["handoff"])

    assert purged and "1 service desk case(s)" in line
    assert [c.reference for c in outbox.cases_of("samtale-gammel", email_config, db_url)] == []
    assert len(outbox.cases_of("samtale-ny", email_config, db_url)) == 1


def test_handoff_off_stores_and_sends_nothing(db_url, email_config):
    off = dataclasses.replace(email_config, adapter="off")
    assert outbox.submit(a_case(), "samtale-1", off, db_url) == outbox.Submitted("off")
    assert outbox.cases_of("samtale-1", off, db_url) == []


def test_bot_handoff_deliver_sends_the_waiting_cases(db_url, smtp_server, email_config, monkeypatch, capsys):
    for name, value in {
        "BOT_DATABASE_URL": db_url,
        "BOT_HANDOFF_EMAIL_TO": email_config.email_to,
        "BOT_HANDOFF_SMTP_HOST": "127.0.0.1",
        "BOT_HANDOFF_SMTP_PORT": str(smtp_server.port),
    }.items():
        monkeypatch.setenv(name, value)
    smtp_server.stop()
    outbox.submit(a_case(), "samtale-1", email_config, db_url)

    assert main(["handoff", "deliver"]) == 1
    assert "0 case(s)" in capsys.readouterr().out and not smtp_server.mailbox.messages
    smtp_server.start()
    assert main(["handoff", "deliver"]) == 0
    assert "Sent 1 case(s) to the service desk (email)" in capsys.readouterr().out
    assert main(["handoff", "deliver"]) == 0
    assert len(smtp_server.mailbox.messages) == 1


def test_bot_handoff_deliver_says_when_handoff_is_off(monkeypatch, capsys):
    monkeypatch.delenv("BOT_HANDOFF_ADAPTER", raising=False)
    monkeypatch.delenv("BOT_HANDOFF_EMAIL_TO", raising=False)
    assert main(["handoff", "deliver"]) == 0
    assert "Handoff is off" in capsys.readouterr().out
