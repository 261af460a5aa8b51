"""The real assistant (trained model, action server, seeded catalogue) over Rasa's REST channel in
both written standards: mirroring a conversation clearly written in nynorsk, not flipping on short
messages, and a nynorsk municipality's setting."""

from __future__ import annotations

import uuid

import pytest
import requests
from assistant_services import running_assistant

from bot.texts import text

pytestmark = pytest.mark.slow


def sender() -> str:
    return f"test-{uuid.uuid4().hex}"


def test_a_conversation_in_nynorsk_is_answered_in_nynorsk_and_short_replies_keep_it(assistant):
    conversation = sender()
    first = assistant.texts(conversation, "Hei! Eg lurer på korleis eg får tilgang til Teams, eg har ikkje fått det")
    assert "Teams" in first
    assert text("feedback.ask", "nn") in first  # the answer's own words are nynorsk
    assert text("feedback.ask", "nb") not in first
    thanks = assistant.texts(conversation, "takk")
    assert thanks and text("feedback.ask", "nb") not in thanks and "Bare hyggelig" not in thanks


def test_a_bokmal_conversation_stays_bokmal(assistant):
    conversation = sender()
    assert text("feedback.ask", "nb") in assistant.texts(conversation, "Hvordan får jeg tilgang til Teams?")
    assert "Eg " not in assistant.texts(conversation, "ok")


def test_a_nynorsk_municipality_answers_nynorsk_from_the_first_message(trained_model, seeded_db_url, tmp_path):
    with running_assistant(trained_model, seeded_db_url, tmp_path, {"BOT_WRITTEN_STANDARD": "nn"}) as nynorsk:
        greeting = nynorsk.texts(sender(), "hei")
        assert "Eg er Digihjelpen" in greeting
        assert text("feedback.ask", "nn") in nynorsk.texts(sender(), "tilgang til Teams")


def test_the_web_relay_gives_the_gap_notice_and_department_question_in_nynorsk(web_service):
    widget = requests.Session()  # the relay's cookie keeps the conversation

    def say(message: str) -> str:
        response = widget.post(f"{web_service.url}/api/messages", json={"message": message}, timeout=90)
        response.raise_for_status()
        return "\n".join(r["text"] for r in response.json()["replies"])

    first = say("Kan eg bruke Dropbox til å dele filer med ein kollega? Eg veit ikkje kva som er lov")
    assert text("gaps.noted", "nn") in first and text("gaps.ask_department", "nn") in first
    assert text("gaps.noted", "nb") not in first
