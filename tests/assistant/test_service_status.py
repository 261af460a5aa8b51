"""Service messages in the answers: an active message starts every answer about its tool, a status
question («er Notatappen nede?») gets it, and messages not started, ended or expired are never shown."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.assistant.contact import reach_it
from bot.assistant.turn import Turn, respond
from bot.catalogue import service_messages
from bot.catalogue.models import ServiceMessage
from bot.catalogue.service_messages import MessageError, parse_time

NOTICE = "Driftsmelding for Notatappen: Notatappen er nede for vedlikehold til kl. 14."


def hours(n: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(hours=n)


def about(text: str, intent: str = "tool_info", tool: str = "notatappen") -> Turn:
    start = text.casefold().find(tool)
    return Turn(text, intent, entities=({"entity": "tool", "value": tool, "start": start, "end": start + len(tool)},))


def texts(session, action: str, turn: Turn) -> list[str]:
    return [reply.text for reply in respond(session, action, turn).replies]


def post(session, tool: str = "notatappen", text: str = "Notatappen er nede for vedlikehold til kl. 14.", **times):
    message = service_messages.post(session, tool, text, times.pop("ends", hours(2)), by="kari", **times)
    session.commit()
    return message


@pytest.mark.parametrize(
    "action, turn",
    [
        ("action_tool_info", about("hva er notatappen?")),
        ("action_tool_access", about("tilgang til notatappen", "tool_access")),
        ("action_tool_support", about("hjelp med notatappen", "tool_support")),
        ("action_ask_allowed", about("kan jeg bruke notatappen?", "ask_allowed")),
    ],
    ids=["info", "access", "support", "allowed"],
)
def test_every_answer_about_the_tool_starts_with_its_active_message(small, action, turn):
    post(small)
    said = texts(small, action, turn)
    assert said[0] == NOTICE and said.count(NOTICE) == 1
    assert NOTICE not in texts(small, action, about(turn.text.replace("notatappen", "arkivet"), turn.intent, "arkivet"))


@pytest.mark.parametrize(
    "question", ["er Notatappen nede?", "funker ikke Notatappen?", "virker Notatappen?", "Notatappen virker ikke"]
)
def test_a_status_question_gets_the_active_message(small, question):
    post(small)
    answer = respond(small, "action_tool_support", about(question, "tool_support"))
    assert [reply.text for reply in answer.replies][0] == NOTICE
    assert answer.slots["tool"] == "notatappen"


def test_a_status_question_without_a_message_says_no_disruption_is_known_and_how_to_reach_it(small):
    said = texts(small, "action_tool_info", about("er Notatappen nede?"))  # whatever intent the NLU gave
    assert said[:2] == [
        "Jeg kjenner ikke til noen driftsforstyrrelser i Notatappen akkurat nå.",
        f"For hjelp med Notatappen kan du kontakte {reach_it()}.",
    ]


def test_in_nynorsk_no_disruption_known_is_said_in_nynorsk(small):
    turn = replace(about("er Notatappen nede?"), standard="nn")
    said = texts(small, "action_tool_info", turn)
    assert said[0] == "Eg kjenner ikkje til nokon driftsforstyrringar i Notatappen akkurat no."


def test_how_a_tool_works_is_no_status_question(small):
    said = texts(small, "action_tool_info", about("hvordan virker Notatappen?"))
    assert said[0] == "Notatappen (Kontorstøtte): En enkel app for notater."


def test_messages_not_started_ended_or_expired_are_not_shown(small):
    post(small, text="Planlagt vedlikehold i morgen.", starts=hours(20), ends=hours(22))
    ended = post(small, text="Ble avsluttet.")
    assert service_messages.end(small, ended.id, by="kari") and not service_messages.end(small, ended.id, by="kari")
    small.add(
        ServiceMessage(tool_id="notatappen", text="Utløpt.", starts_at=hours(-3), ends_at=hours(-1), created_by="kari")
    )
    small.commit()
    assert service_messages.active(small) == []
    assert texts(small, "action_tool_info", about("hva er notatappen?"))[0].startswith("Notatappen (Kontorstøtte)")
    assert [m.text for m in service_messages.current(small)] == ["Planlagt vedlikehold i morgen."]  # upcoming only


def test_a_message_is_masked_and_checked(small):
    message = post(small, text="Nede. Ring Kari på 41234567.")
    assert message.text == "Nede. Ring Kari på [telefon]."
    for kwargs, field in [
        ({"tool_id": "fjasboka"}, "tool"),
        ({"text": " \u200b "}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"starts": hours(3)}, "ends"),
        ({"ends": hours(-1), "starts": hours(-2)}, "ends"),
    ]:
        values = {"tool_id": "notatappen", "text": "Nede.", "ends": hours(2), "by": "kari", **kwargs}
        with pytest.raises(MessageError) as error:
            service_messages.post(small, **values)
        assert error.value.field == field and error.value.norwegian and error.value.english


def test_times_without_an_offset_are_norwegian_time():
    winter = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
    assert parse_time("14:00", "ends", today=winter) == datetime(2026, 12, 4, 13, 0, tzinfo=timezone.utc)
    assert parse_time("2026-07-01 14:00", "ends") == datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_time("2026-07-01T14:00+00:00", "ends") == datetime(2026, 7, 1, 14, 0, tzinfo=timezone.utc)
    with pytest.raises(MessageError) as error:
        parse_time("i morgen", "starts")
    assert error.value.field == "starts" and "i morgen" in error.value.norwegian
