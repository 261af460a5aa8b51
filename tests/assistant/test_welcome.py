"""The greeting of a new conversation (bot.assistant.welcome): its suggested questions come from the
catalogue, in bokmål or nynorsk, and a conversation is welcomed once, also when two replicas ask."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from bot import db
from bot.assistant.models import WelcomedConversation
from bot.assistant.welcome import first_welcome, welcome
from bot.assistant.welcome import greeting as greeting_of
from bot.catalogue import snapshot
from bot.gaps.models import Gap

SEED_QUESTIONS_NB = [
    "Jeg er ny. Hva trenger jeg?",
    "Hvordan kan jeg holde videomøter?",  # Teams: of the tools for everyone the one with most tasks
    "Kan jeg bruke Canva?",  # no gap records yet: the first private tool by name
    "Hva savner andre?",
]


def add_gaps(session, *private_tools: str) -> None:
    """Private-tool gap records, as the recorder writes them (the rollup counts them)."""
    for tool in private_tools:
        session.add(Gap(record_id=str(uuid.uuid4()), kind="private_tool", private_tool=tool, text="..."))


def test_the_seed_catalogue_suggests_onboarding_a_task_a_private_tool_and_the_wish_list(seed):
    greeting = greeting_of(seed, "nb")
    assert greeting.text.startswith("Hei! Jeg er Digihjelpen og hjelper deg å finne, få tilgang til og bruke")
    assert [b.title for b in greeting.buttons] == SEED_QUESTIONS_NB
    assert all(b.payload == b.title for b in greeting.buttons)  # sent as written, read by the NLU


def test_the_private_tool_is_the_one_employees_asked_about_most(seed):
    add_gaps(seed, "dropbox", "whatsapp", "dropbox", "not-in-the-catalogue", "not-in-the-catalogue", "x")
    seed.flush()
    assert "Kan jeg bruke Dropbox?" in [b.title for b in greeting_of(seed, "nb").buttons]
    seed.rollback()


def test_in_nynorsk(seed):
    greeting = greeting_of(seed, "nn")
    assert greeting.text.startswith("Hei! Eg er Digihjelpen")
    assert [b.title for b in greeting.buttons] == [
        "Eg er ny. Kva treng eg?",
        "Korleis kan eg holde videomøter?",
        "Kan eg bruke Canva?",
        "Kva saknar andre?",
    ]


def test_a_catalogue_without_private_tools_or_tools_for_everyone_suggests_what_it_has(small):
    # SMALL_CATALOGUE: Notatappen for everyone (no audience given), Arkivet for administrasjon.
    titles = [b.title for b in welcome(snapshot.view(small).file, "nb").buttons]
    assert titles == ["Jeg er ny. Hva trenger jeg?", "Hvordan kan jeg ta notater?", "Hva savner andre?"]


def test_without_a_catalogue_the_greeting_has_no_suggestions():
    assert welcome(None, "nb").buttons == ()


def test_a_conversation_is_welcomed_once_per_channel(db_url):
    for first in (True, False, False):
        with db.session_scope(db_url) as session:
            assert first_welcome(session, "teams", "a:conv-1") is first
    with db.session_scope(db_url) as session:
        assert first_welcome(session, "teams", "a:conv-2") and first_welcome(session, "web", "a:conv-1")


def test_of_two_replicas_welcoming_at_once_one_welcomes(db_url):
    with db.session_scope(db_url) as one:
        assert first_welcome(one, "teams", "a:conv-3")
    with db.session_scope(db_url) as other:  # had not seen it when it decided: the insert decides
        assert first_welcome(other, "teams", "a:conv-3") is False
        assert first_welcome(other, "teams", "a:conv-4")  # the session goes on after the refusal
    with db.session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(WelcomedConversation)) == 2
