"""IT's contact comes from the settings (BOT_IT_CONTACT_*): every reply that sends the employee to IT
names the configured contact, including the reply when the catalogue database is down."""

from __future__ import annotations

import pytest

from bot.assistant import answers
from bot.assistant.answers import Mentioned
from bot.assistant.contact import reach_it
from bot.assistant.replies import Answer, database_down
from bot.assistant.turn import Said, Turn, respond


def _text(answer: Answer) -> str:
    return "\n".join(reply.text for reply in answer.replies)


# Each reply that sends the employee to IT, made the way the assistant makes it (on SMALL_CATALOGUE).
REPLIES = {
    "support without a support text": lambda s: _text(
        answers.tool_question(s, "support", Mentioned(tools=[["notatappen"]]), None)
    ),
    "tool without an information class": lambda s: _text(
        answers.information_class(s, "kan jeg lagre personopplysninger her?", Mentioned(tools=[["notatappen"]]), None)
    ),
    "unknown tool": lambda s: _text(answers.allowed(s, Mentioned(), None, "kan jeg bruke Fjasboka?")),
    "no tool approved for the class": lambda s: _text(answers.tools_approved_for(s, "strengt fortrolig")),
    "no approved alternative": lambda s: _text(
        answers.alternatives_for(s, answers.snapshot.view(s).tools["notatappen"], "strengt fortrolig")
    ),
    "nothing fits": lambda s: _text(answers.no_tool_fits()),
    "not sure which tool": lambda s: answers.not_sure(),
    "the answer did not help": lambda s: _text(
        respond(s, "action_feedback_not_helpful", Turn("/feedback_not_helpful", question=Said("hjelp med notater")))
    ),
    "are you a robot": lambda s: _text(respond(s, "action_small_talk", Turn("er du en robot?", "bot_challenge"))),
    "the catalogue database is down": lambda s: database_down(),
}


def test_the_sample_contact_reads_as_a_sample(monkeypatch):
    for name in ("BOT_IT_CONTACT_NAME", "BOT_IT_CONTACT_PHONE", "BOT_IT_CONTACT_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    assert reach_it() == "IT-servicesenteret (telefon 12 34 56 78, it-service@kommune.example.no)"


def test_an_empty_phone_or_address_is_left_out(monkeypatch):
    monkeypatch.setenv("BOT_IT_CONTACT_NAME", "Brukerstøtte")
    monkeypatch.setenv("BOT_IT_CONTACT_PHONE", "")
    monkeypatch.setenv("BOT_IT_CONTACT_ADDRESS", "https://hjelp.example.no")
    assert reach_it() == "Brukerstøtte (https://hjelp.example.no)"
    monkeypatch.setenv("BOT_IT_CONTACT_ADDRESS", " ")
    assert reach_it() == "Brukerstøtte"


@pytest.mark.parametrize("reply", REPLIES.values(), ids=REPLIES.keys())
def test_every_reply_that_sends_the_employee_to_it_names_the_configured_contact(monkeypatch, small, reply):
    monkeypatch.setenv("BOT_IT_CONTACT_NAME", "Digitalt servicetorg")
    monkeypatch.setenv("BOT_IT_CONTACT_PHONE", "99 88 77 66")
    monkeypatch.setenv("BOT_IT_CONTACT_ADDRESS", "servicetorg@test.example.no")
    text = reply(small)
    assert "Digitalt servicetorg (telefon 99 88 77 66, servicetorg@test.example.no)" in text
    assert "IT-servicesenteret" not in text


def test_the_database_down_reply_needs_no_database(monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("BOT_IT_CONTACT_NAME", "Servicetorget")
    assert "kontakt Servicetorget (" in database_down()


def test_in_nynorsk_the_database_down_reply_is_nynorsk_and_names_the_contact(monkeypatch):
    monkeypatch.setenv("BOT_IT_CONTACT_NAME", "Servicetorget")
    monkeypatch.setenv("BOT_IT_CONTACT_PHONE", "99 88 77 66")
    monkeypatch.setenv("BOT_IT_CONTACT_ADDRESS", "")
    assert reach_it("nn") == "Servicetorget (telefon 99 88 77 66)"
    assert database_down("nn") == (
        "Orsak, eg får ikkje slått opp i verktøykatalogen akkurat no. Prøv igjen om litt, "
        "eller ta kontakt med Servicetorget (telefon 99 88 77 66) om det hastar."
    )
