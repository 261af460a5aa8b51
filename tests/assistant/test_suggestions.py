"""Suggestions (bot.assistant.suggestions): recorded as an anonymous, masked gap of kind
`suggestion`, thanked for, with the department question of the gap log, never a tool; and shown
in IT's summary beside the other gaps."""

from __future__ import annotations

from datetime import date, datetime, timezone

from bot import db, spool
from bot.assistant.replies import Answer
from bot.assistant.turn import Turn, respond
from bot.gaps import queries, report
from bot.gaps.models import Gap
from bot.texts import text

SUGGESTION = "Jeg har et forslag: felles kalender for møterommene. Ring meg gjerne på 912 34 567"


def suggest(session, message: str, **slots) -> Answer:
    return respond(session, "action_suggestion", Turn(message, intent="suggestion", confidence=0.9, slots=slots))


def test_a_suggestion_is_an_anonymous_masked_gap_thanked_for_without_a_tool(seed):
    answer = suggest(seed, SUGGESTION)
    [record] = answer.records
    assert record.kind == "gap" and record.payload["kind"] == "suggestion"
    assert "912 34 567" not in record.payload["need"] and "912 34 567" not in record.payload["text"]
    assert record.payload["need"].startswith("Jeg har et forslag: felles kalender for møterommene")
    assert record.payload["department"] is None and record.payload["private_tool"] is None
    assert [reply.text for reply in answer.replies] == [text("suggestions.thanks"), text("gaps.ask_department")]
    assert not answer.slots.get("tool") and not answer.out_of_scope
    assert all(button.payload.startswith("/give_department") for reply in answer.replies for button in reply.buttons)


def test_in_nynorsk(seed):
    turn = Turn("eg har eit forslag: felles vikarliste for skulane", intent="suggestion", standard="nn")
    answer = respond(seed, "action_suggestion", turn)
    assert answer.replies[0].text == text("suggestions.thanks", "nn") and "ikkje" in answer.replies[0].text


def test_a_suggestion_only_announced_is_asked_for_and_nothing_is_recorded(seed):
    for message in ("jeg har et forslag til IT", "Jeg har en idé til forbedring!", "eg har eit forslag"):
        answer = suggest(seed, message)
        assert not answer.records and [reply.text for reply in answer.replies] == [text("suggestions.ask_what")]


def test_the_department_given_before_goes_with_it_and_the_question_is_not_asked_twice(seed):
    answer = suggest(seed, "dere burde hatt en app for vaktbytte", department="Helse og omsorg", department_asked=True)
    [record] = answer.records
    assert record.payload["department"] == "Helse og omsorg"
    assert [reply.text for reply in answer.replies] == [text("suggestions.thanks")]
    # The same suggestion again in this conversation is not counted twice.
    again = suggest(seed, "dere burde hatt en app for vaktbytte", **answer.slots, department_asked=True)
    assert not again.records


def test_the_department_chosen_after_is_added_to_the_suggestion(seed):
    answer = suggest(seed, SUGGESTION)
    chosen = respond(
        seed,
        "action_give_department",
        Turn(
            "/give_department",
            intent="give_department",
            entities=({"entity": "department", "value": "Oppvekst"},),
            slots=answer.slots,
        ),
    )
    assert [r.payload for r in chosen.records] == [
        {"record_ids": [answer.records[0].payload["record_id"]], "department": "Oppvekst"}
    ]


def test_suggestions_are_counted_and_listed_in_the_summary(seed, database):
    for message in (SUGGESTION, "dere burde hatt en app for vaktbytte", "Dere burde hatt en app for vaktbytte!"):
        assert spool.write_all(suggest(seed, message).records)
    today = date.today()
    gap_filter = queries.parse_filter({"from": today.isoformat(), "to": today.isoformat()}, today)
    with db.session_scope(database) as session:
        for summary in (queries.summary(session, gap_filter, 5), queries.summary_from_records(session, gap_filter, 5)):
            assert summary["by_kind"]["suggestion"] == 3 and summary["uncovered_needs"] == []
            assert [row["count"] for row in summary["suggestions"]] == [2, 1]
        [group] = [g for g in queries.groups(session, gap_filter) if g.count == 2]
        assert group.kind == "suggestion" and group.key.startswith("suggestion:")
        assert len(queries.group_member_ids(session, gap_filter, group.key)) == 2


def test_the_terminal_summary_lists_suggestions():
    now = datetime.now(timezone.utc)
    gaps = [
        Gap(kind="suggestion", need="dere burde hatt en app for vaktbytte", created_at=now),
        Gap(kind="suggestion", need="Dere burde hatt en app for vaktbytte", created_at=now),
        Gap(kind="missing_tool", need="tegne rømningsplaner", created_at=now),
    ]
    summary = report.summary(gaps)
    assert summary.startswith("Gaps: 3 (0 private tool, 1 missing tool, 2 suggestion)")
    assert "Suggestions\n  dere burde hatt en app for vaktbytte      2" in summary
