"""The trainer inbox and answer feedback (bot.feedback.recorder) on real databases: masked text,
the intent and tool the feedback was about, and nothing about who wrote it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select
from storing import write_record

from bot import db, spool
from bot.feedback import recorder
from bot.feedback.models import Feedback, InboxItem

INBOX_COLUMNS = {
    "id",
    "record_id",
    "created_at",
    "kind",
    "text",
    "intent",
    "confidence",
    "status",
    "assigned_intent",
    "assigned_entry_kind",
    "assigned_entry_id",
}
# inbox_record_id: the (masked, anonymous) inbox item of a 👎's question, never a person.
FEEDBACK_COLUMNS = {"id", "record_id", "created_at", "helpful", "intent", "tool", "inbox_record_id"}


def rows(url: str, model) -> list:
    with db.session_scope(url) as session:
        return list(session.scalars(select(model).order_by(model.id)))


def test_the_tables_have_no_person_linked_column(database):
    inspector = inspect(db.engine_for(database))
    assert {c["name"] for c in inspector.get_columns("inbox_items")} == INBOX_COLUMNS
    assert {c["name"] for c in inspector.get_columns("feedback")} == FEEDBACK_COLUMNS


@pytest.mark.parametrize(
    "kind, text, stored",
    [
        ("fallback", "hæ? ring meg på 98765432", "hæ? ring meg på [telefon]"),
        ("out_of_scope", "hva blir været? svar til kari@kommune.no", "hva blir været? svar til [e-post]"),
        (
            "not_helpful",
            "kollegaen min (98 76 54 32) får ikke logget inn",
            "kollegaen min ([telefon]) får ikke logget inn",
        ),
        ("fallback", "konto 1234.56.78903 og tlf +47 987 65 432", "konto [kontonummer] og tlf [telefon]"),
        ("fallback", "møte 12.03.2024 kl. 14:30 i rom 214", "møte 12.03.2024 kl. 14:30 i rom 214"),
        ("fallback", "", ""),
    ],
)
def test_to_inbox_masks_the_text(database, kind, text, stored):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    write_record(recorder.inbox_record(kind, text, "find_tool", 0.42))
    [item] = rows(database, InboxItem)
    assert (item.kind, item.text, item.intent, item.confidence) == (kind, stored, "find_tool", pytest.approx(0.42))
    assert (item.status, item.assigned_intent) == ("ny", None)
    uuid.UUID(item.record_id)
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=timezone.utc)
    assert before <= created <= datetime.now(timezone.utc) + timedelta(seconds=5)


def test_to_inbox_without_an_intent(database):
    write_record(recorder.inbox_record("fallback", "???", None, None))
    [item] = rows(database, InboxItem)
    assert (item.intent, item.confidence) == (None, None)


@pytest.mark.parametrize(
    "helpful, intent, tool",
    [(True, "tool_access", "teams"), (False, "find_tool", None), (False, None, None), (True, "tool_info", "gerica")],
)
def test_feedback_stores_helpful_intent_and_tool(database, helpful, intent, tool):
    write_record(recorder.feedback_record(helpful, intent, tool))
    [row] = rows(database, Feedback)
    assert (row.helpful, row.intent, row.tool) == (helpful, intent, tool)
    uuid.UUID(row.record_id)


def test_every_record_is_its_own(database):
    for helpful in (True, False, True):
        write_record(recorder.feedback_record(helpful, "tool_access", "teams"))
    write_record(recorder.inbox_record("fallback", "a", None, None))
    write_record(recorder.inbox_record("fallback", "a", None, None))
    assert [r.helpful for r in rows(database, Feedback)] == [True, False, True]
    items = rows(database, InboxItem)
    assert len(items) == 2 and items[0].record_id != items[1].record_id
    assert spool.pending() == 0


def test_without_a_database_the_records_wait_masked_in_the_spool(spool_dir):
    # BOT_DATABASE_URL names a database that cannot be opened (see conftest).
    write_record(recorder.inbox_record("fallback", "ring 98765432", None, None))
    write_record(recorder.feedback_record(False, "find_tool", "teams"))
    assert spool.pending() == 2
    spooled = (spool_dir / "pending.jsonl").read_text(encoding="utf-8")
    assert "[telefon]" in spooled and "98765432" not in spooled


def test_a_need_nothing_fits_goes_to_the_inbox_and_an_unknown_kind_is_refused(database):
    write_record(
        recorder.inbox_record("no_fit", "hvordan bestiller jeg tolk til et møte, ring 98765432", "find_tool", 0.88)
    )
    [item] = rows(database, InboxItem)
    assert (item.kind, item.text, item.status) == (
        "no_fit",
        "hvordan bestiller jeg tolk til et møte, ring [telefon]",
        "ny",
    )
    with pytest.raises(ValueError, match="unknown inbox kind 'no_tool'"):
        write_record(recorder.inbox_record("no_tool", "x", None, None))
    assert len(rows(database, InboxItem)) == 1
