"""Recording gaps in a conversation (bot.assistant.conversation_gaps and bot.gaps.recorder) on real databases:
each gap once, the department asked once and applied to this conversation's records only, and a
stored record that is masked and says nothing about who wrote it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select
from storing import write_record, written

from bot import db
from bot.assistant.conversation_gaps import DECLINED, ConversationGaps, department_given, notice
from bot.config import DEFAULT_DEPARTMENTS
from bot.gaps import recorder
from bot.gaps.detect import GapNote, missing_tool_gap, unknown_private_tool_gap
from bot.gaps.models import Gap
from bot.texts import text as catalogue_text

NOTED, ASK_DEPARTMENT = catalogue_text("gaps.noted"), catalogue_text("gaps.ask_department")

WHATSAPP = GapNote("private_tool", private_tool="whatsapp", need="Samhandling", alternatives=("teams",))
DROPBOX = GapNote(
    "private_tool", private_tool="dropbox", need="Lagring", alternatives=("onedrive", "sikker-filoverforing")
)
GMAIL = GapNote("private_tool", private_tool="gmail", need="E-post", alternatives=("outlook",))

# The documented columns of the gaps table: nothing that links a record to a person.
GAP_COLUMNS = {
    "id",
    "record_id",
    "created_at",
    "kind",
    "private_tool",
    "need",
    "alternatives",
    "department",
    "channel",
    "text",
    "language",
    "status",
    "note",
    "public_note",  # IT's word to employees, checked by the masking (bot.gaps.triage)
    "updated_at",
}


def stored(url: str) -> list[Gap]:
    with db.session_scope(url) as session:
        return list(session.scalars(select(Gap).order_by(Gap.id)))


def department_payload(value: str) -> str:
    return "/give_department" + json.dumps({"department": value}, ensure_ascii=False)


def test_the_gaps_table_has_exactly_the_documented_columns(database):
    columns = {c["name"] for c in inspect(db.engine_for(database)).get_columns("gaps")}
    assert columns == GAP_COLUMNS
    assert {c.name for c in Gap.__table__.columns} == GAP_COLUMNS


def test_notice_records_each_gap_once_per_conversation_and_asks_the_department_once(database):
    text = "Kan jeg bruke WhatsApp eller Dropbox?"
    state = ConversationGaps()
    first = written(
        notice(
            [WHATSAPP, DROPBOX, GapNote("private_tool", private_tool="WhatsApp")],
            text=text,
            channel="rest",
            state=state,
        )
    )

    rows = stored(database)
    assert [(r.kind, r.private_tool) for r in rows] == [("private_tool", "whatsapp"), ("private_tool", "dropbox")]
    assert [r.text for r in first.replies] == [NOTED, ASK_DEPARTMENT]
    assert first.slots == {
        "gaps_logged": ["private_tool:whatsapp", "private_tool:dropbox"],
        "gap_records": [r.record_id for r in rows],
        "department_asked": True,
    }

    state = state.updated(first.slots)
    again = written(notice([WHATSAPP, DROPBOX], text="og WhatsApp igjen", channel="rest", state=state))
    assert again.replies == [] and again.slots == {}
    assert len(stored(database)) == 2

    more = written(notice([WHATSAPP, GMAIL], text="hva med Gmail?", channel="rest", state=state))
    rows = stored(database)
    assert [r.private_tool for r in rows] == ["whatsapp", "dropbox", "gmail"]
    assert [r.text for r in more.replies] == [NOTED]  # the department is not asked twice
    assert more.replies[0].buttons == ()
    assert more.slots == {
        "gaps_logged": ["private_tool:whatsapp", "private_tool:dropbox", "private_tool:gmail"],
        "gap_records": [r.record_id for r in rows],
    }


def test_another_conversation_records_the_same_gap_again(database):
    written(notice([WHATSAPP], text="WhatsApp?", channel="rest", state=ConversationGaps()))
    written(notice([WHATSAPP], text="WhatsApp?", channel="rest", state=ConversationGaps()))
    assert [r.private_tool for r in stored(database)] == ["whatsapp", "whatsapp"]


def test_no_notes_no_records_no_replies(database):
    answer = written(notice([], text="hei", channel="rest", state=ConversationGaps()))
    assert answer.replies == [] and answer.slots == {}
    assert stored(database) == []


@pytest.mark.parametrize(
    "setting, departments",
    [
        (None, list(DEFAULT_DEPARTMENTS)),
        ("Skole, Barnehage ,,Helse og omsorg", ["Skole", "Barnehage", "Helse og omsorg"]),
        ("NAV", ["NAV"]),
    ],
)
def test_the_department_buttons_come_from_the_settings(database, monkeypatch, setting, departments):
    if setting is not None:
        monkeypatch.setenv("BOT_DEPARTMENTS", setting)
    answer = written(notice([WHATSAPP], text="WhatsApp?", channel="rest", state=ConversationGaps()))
    ask = answer.replies[1]
    assert ask.text == ASK_DEPARTMENT
    assert [b.title for b in ask.buttons] == departments + ["Vil ikke oppgi"]
    assert [b.payload for b in ask.buttons] == [department_payload(d) for d in departments] + [
        department_payload(DECLINED)
    ]


def test_the_department_goes_to_this_conversations_records_only(database):
    mine = ConversationGaps().updated(
        written(notice([WHATSAPP, DROPBOX], text="WhatsApp og Dropbox", channel="rest", state=ConversationGaps())).slots
    )
    other = ConversationGaps().updated(
        written(notice([GMAIL], text="Gmail", channel="rest", state=ConversationGaps())).slots
    )

    answer = written(department_given("nav", mine))  # as typed: the settings' spelling is stored
    assert answer.slots == {"department": "NAV", "department_asked": True}
    assert [r.text for r in answer.replies] == ["Takk! Jeg har notert NAV."]
    by_id = {r.record_id: r.department for r in stored(database)}
    assert by_id == {mine.records[0]: "NAV", mine.records[1]: "NAV", other.records[0]: None}

    # A later gap in the same conversation is recorded with the department at once.
    mine = mine.updated(answer.slots)
    later = written(notice([GMAIL], text="og Gmail?", channel="rest", state=mine))
    assert [r.text for r in later.replies] == [NOTED]
    assert stored(database)[-1].department == "NAV"


@pytest.mark.parametrize("answer_given", [DECLINED, "Vil ikke oppgi", "VIL IKKE OPPGI", None, ""])
def test_declining_changes_nothing(database, answer_given):
    state = ConversationGaps().updated(
        written(notice([WHATSAPP], text="WhatsApp?", channel="rest", state=ConversationGaps())).slots
    )
    answer = written(department_given(answer_given, state))
    assert answer.slots == {"department": None, "department_asked": True}
    assert [r.text for r in answer.replies] == ["Helt greit. Takk likevel!"]
    assert [r.department for r in stored(database)] == [None]


def test_a_department_not_in_the_list_changes_nothing(database):
    state = ConversationGaps().updated(
        written(notice([WHATSAPP], text="WhatsApp?", channel="rest", state=ConversationGaps())).slots
    )
    answer = written(department_given("Månebasen", state))
    assert answer.slots == {"department_asked": True}
    assert "fant ikke det området" in answer.replies[0].text
    assert [r.department for r in stored(database)] == [None]


def test_the_stored_record_is_masked_and_anonymous(database):
    text = "Kan eg bruke Mentimeter, eller er det ikkje lov? Ring meg på 987 65 432 eller skriv til kari.nordmann@kommune.no"
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    answer = written(notice([unknown_private_tool_gap(text)], text=text, channel="teams", state=ConversationGaps()))
    [row] = stored(database)
    assert row.record_id == answer.slots["gap_records"][0]
    uuid.UUID(row.record_id)  # a random id, not derived from the person or the conversation
    assert (row.kind, row.private_tool, row.need, row.alternatives) == (
        "private_tool",
        "Mentimeter",
        "ukjent verktøy",
        [],
    )
    assert row.text == "Kan eg bruke Mentimeter, eller er det ikkje lov? Ring meg på [telefon] eller skriv til [e-post]"
    assert (row.language, row.channel, row.department, row.status, row.note) == ("nn", "teams", None, "ny", None)
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=timezone.utc)
    assert before <= created <= datetime.now(timezone.utc) + timedelta(seconds=5)
    assert row.updated_at is not None


def test_a_missing_tool_record_has_the_need_masked(database):
    text = "Jeg trenger et verktøy som sender SMS til 98765432 automatisk"
    write_record(recorder.gap_record(missing_tool_gap(text), text=text, channel="rest"))
    # A note built elsewhere is masked again before it is stored.
    write_record(
        recorder.gap_record(GapNote("missing_tool", need="ring 98765432"), text="ring 98765432", channel="rest")
    )
    rows = stored(database)
    assert [(r.kind, r.need, r.text, r.alternatives) for r in rows] == [
        (
            "missing_tool",
            "Jeg trenger et verktøy som sender SMS til [telefon] automatisk",
            "Jeg trenger et verktøy som sender SMS til [telefon] automatisk",
            [],
        ),
        ("missing_tool", "ring [telefon]", "ring [telefon]", []),
    ]


def test_alternatives_are_stored_as_a_list(database):
    write_record(recorder.gap_record(DROPBOX, text="Dropbox?", channel="rest"))
    assert stored(database)[0].alternatives == ["onedrive", "sikker-filoverforing"]


@pytest.mark.parametrize(
    "text, language",
    [
        ("Kan jeg bruke WhatsApp til å sende vaktlisten?", "nb"),
        ("Kan eg bruke WhatsApp, eller er det ikkje lov?", "nn"),
        ("Can I use WhatsApp for work?", "en"),
        ("WhatsApp", "nb"),  # nothing to tell by: bokmål
    ],
)
def test_the_language_of_the_message_is_stored(database, text, language):
    write_record(recorder.gap_record(WHATSAPP, text=text, channel="web"))
    [row] = stored(database)
    assert (row.language, row.channel) == (language, "web")
