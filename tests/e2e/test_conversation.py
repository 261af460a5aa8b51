"""The real assistant over Rasa's REST channel: a trained model, the action server and a seeded
catalogue, including a tool imported after training."""

from __future__ import annotations

import uuid

import pytest

from bot import db
from bot.catalogue import store

pytestmark = pytest.mark.slow


def sender() -> str:
    return f"test-{uuid.uuid4().hex}"


def test_greeting_says_it_is_a_bot(assistant):
    assert "robot" in assistant.texts(sender(), "hei").lower()


def test_need_gets_a_tool_with_follow_up_buttons(assistant):
    replies = assistant.ask(sender(), "hvordan bytter jeg vakt med en kollega?")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "GAT" in text or "Bytte vakt" in text
    assert any(r.get("buttons") for r in replies)


def test_access_question_refers_back_to_the_tool_in_context(assistant):
    conversation = sender()
    assert "Elements" in assistant.texts(conversation, "hva er elements?")
    assert "tilgang til Elements" in assistant.texts(conversation, "hvordan får jeg tilgang til det?")


def test_private_tool_gets_the_alternative_and_guidance(assistant):
    text = assistant.texts(sender(), "kan jeg bruke dropbox til jobbfiler?")
    assert "Dropbox er ikke godkjent" in text
    assert "OneDrive" in text


def test_out_of_scope_gets_a_friendly_no_and_no_tool(assistant):
    text = assistant.texts(sender(), "hva blir været i morgen?")
    assert "kan jeg dessverre ikke hjelpe med" in text


def test_tool_imported_after_training_is_answered_without_retraining(assistant):
    new_tool = """
version: 1
tools:
  - id: kvistkontoret
    name: Kvistkontoret
    aliases: [Kvisten]
    category: Kontorstøtte
    summary: Kvistkontoret holder orden på nøkler til kommunens bygg.
    tasks: [låne nøkkel til et bygg, levere tilbake nøkler]
    access: Vaktmesteren gir deg tilgang til Kvistkontoret.
    training: Se veiledningen på intranettet.
    support: Eiendomsavdelingen hjelper deg.
"""
    with db.session_scope(assistant.db_url) as session:
        store.load_and_import(session, new_tool, "new.yml")
    conversation = sender()
    assert "holder orden på nøkler" in assistant.texts(conversation, "hva er kvistkontoret?")
    assert "Vaktmesteren gir deg tilgang" in assistant.texts(conversation, "hvordan får jeg tilgang til kvisten?")
    assert "Kvistkontoret" in assistant.texts(sender(), "jeg må låne en nøkkel til et bygg")
