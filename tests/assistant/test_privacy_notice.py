"""«Hva lagrer dere om meg?» is answered from the settings in service (bot.assistant.privacy_notice)."""

from __future__ import annotations

import pytest

from bot import retention
from bot.assistant.contact import it_name
from bot.assistant.privacy_notice import STORE_LINES
from bot.assistant.turn import Turn, respond
from bot.texts import text


def answer_text(seed, channel: str = "web", standard: str = "nb") -> str:
    turn = Turn("hva lagrer dere om meg?", intent="ask_stored_data", confidence=0.9, channel=channel, standard=standard)
    answer = respond(seed, "action_stored_data", turn)
    assert not answer.records and not answer.gaps  # asking about privacy stores nothing
    return "\n".join(reply.text for reply in answer.replies)


@pytest.fixture(autouse=True)
def no_handoff_or_broker(monkeypatch):
    for name in ("BOT_HANDOFF_ADAPTER", "BOT_HANDOFF_EMAIL_TO", "BOT_EVENT_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)


def test_every_store_the_purge_knows_has_its_line_or_none():
    assert set(STORE_LINES) == set(retention.STORES)


def test_the_retention_days_come_from_the_settings(seed, monkeypatch):
    monkeypatch.setenv("BOT_RETENTION_DAYS", "30")
    before = answer_text(seed)
    assert "lagres i 30 dager" in before and "slettes etter 30 dager" in before
    monkeypatch.setenv("BOT_RETENTION_DAYS", "7")
    after = answer_text(seed)
    assert "lagres i 7 dager" in after and "slettes etter 7 dager" in after and "30" not in after


def test_it_says_what_is_masked_that_gaps_are_anonymous_and_how_to_delete(seed):
    said = answer_text(seed)
    assert text("privacy.masking") in said and text("privacy.gaps") in said
    assert "«Slett samtalen»" in said
    # Teams has no delete button: its conversations go with the retention.
    teams = answer_text(seed, channel="teams")
    assert "«Slett samtalen»" not in teams and "I Teams slettes samtalen automatisk etter 30 dager." in teams


def test_the_handoff_and_the_event_broker_are_named_only_when_they_are_set_up(seed, monkeypatch):
    handoff = text("privacy.handoff", days=30, desk=it_name())
    broker = text("privacy.event_broker", days=30)
    said = answer_text(seed)
    assert handoff not in said and broker not in said
    monkeypatch.setenv("BOT_HANDOFF_EMAIL_TO", "servicedesk@kommune.example.no")
    monkeypatch.setenv("BOT_EVENT_BROKER_URL", "sqlite:///events.db")
    said = answer_text(seed)
    assert handoff in said and broker in said


def test_nynorsk(seed, monkeypatch):
    monkeypatch.setenv("BOT_RETENTION_DAYS", "14")
    said = answer_text(seed, standard="nn")
    assert said.startswith("Dette blir lagra når du skriv med meg:")
    assert "blir lagra i 14 dagar" in said and "ikkje" in said and "lagres" not in said
