"""Locked out or a password that fails (bot.assistant.locked_out, issue 17 item 6): the catalogue's
password or self-service tool, found by the catalogue's tasks, whatever the NLU made of the message;
on the seed catalogue, on a catalogue the search was not tuned on (bench/data/unseen) and on the
test catalogue, whose only such tool is a self-service portal. Never a clarifying question."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot import db, throwaway
from bot.assistant.locked_out import is_locked_out
from bot.assistant.turn import HANDLERS, Turn, respond
from bot.config import PROJECT_ROOT
from bot.texts import text

# Each catalogue and the tool whose tasks reset a password or unlock the account there.
CATALOGUES = {
    "seed": (throwaway.SEED_CATALOGUE, "passord"),  # the process «Glemt passord», with Passordtjenesten
    "unseen": (PROJECT_ROOT / "bench" / "data" / "unseen" / "catalogue.yml", "nullstillmeg"),
    "test": (PROJECT_ROOT / "tests" / "catalogue" / "data" / "catalogue.yml", "selvbetjening"),
}
LOCKED_OUT = [
    ("jeg er låst ute", "find_tool"),
    ("glemt passord", "find_tool"),
    ("passordet mitt virker ikke", "tool_support"),
    ("passordet fungerer ikke", "nlu_fallback"),
    ("får ikke logget inn", "tool_access"),
    ("kontoen min er sperret", "find_tool"),
    ("jeg kommer ikke inn, kontoen er låst", "find_tool"),
    ("eg har gløymt passordet", "find_tool"),
]
ACTIONS = {
    "find_tool": "action_find_tool",
    "tool_support": "action_tool_support",
    "tool_access": "action_tool_access",
    "nlu_fallback": "action_rephrase",
}
RANKING = ({"name": "nlu_fallback", "confidence": 0.35}, {"name": "tool_support", "confidence": 0.33})


@pytest.fixture(scope="module", params=list(CATALOGUES))
def catalogue(request, databases) -> Iterator[tuple[Session, str]]:
    path, tool = CATALOGUES[request.param]
    url = databases.borrow()
    throwaway.import_catalogue(url, Path(path))
    with db.session_scope(url) as session:
        yield session, tool
    databases.give_back(url)


@pytest.mark.parametrize(("message", "intent"), LOCKED_OUT)
def test_locked_out_gets_the_password_tool_not_a_question(catalogue, message, intent):
    session, tool = catalogue
    turn = Turn(message, intent=intent, confidence=0.6, ranking=RANKING if intent == "nlu_fallback" else ())
    answer = respond(session, ACTIONS[intent], turn)
    assert answer.slots.get("tool") == tool
    said = "\n".join(reply.text for reply in answer.replies)
    assert "Mente du" not in said and "Hvilket verktøy" not in said and "ikke sikker" not in said
    assert not answer.gaps and not answer.records  # answered: nothing for IT or the trainers


def test_what_is_not_being_locked_out():
    for message in ("hvor lagrer jeg passord trygt", "hvordan bytter jeg passord", "jeg har ikke tilgang til kontoen"):
        assert not is_locked_out(message), message
    for message in ("husker ikke passordet", "har låst meg ute", "I forgot my password", "innlogginga verkar ikkje"):
        assert is_locked_out(message), message


def test_a_tool_named_or_talked_about_keeps_its_own_answer(catalogue):
    session, tool = catalogue
    outlook = ({"entity": "tool", "value": "outlook"},)
    named = respond(
        session, "action_tool_support", Turn("får ikke logget inn i outlook", intent="tool_support", entities=outlook)
    )
    assert named.slots.get("tool") != tool
    # After a question about Outlook, «får ikke logget inn» is the ordinary access question.
    turn = Turn("får ikke logget inn", intent="tool_access", slots={"tool": "outlook"})
    about = respond(session, "action_tool_access", turn)
    ordinary = HANDLERS["action_tool_access"](session, turn).replies
    assert [reply for reply in about.replies if reply.text != text("feedback.ask")] == ordinary
