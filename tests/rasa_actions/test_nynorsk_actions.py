"""The actions answer in the conversation's written standard (bot.language.standard through
actions/base.py): the municipality's, or the one the employee clearly writes, kept in the
`written_standard` slot; short messages do not flip it. Real actions, trackers and seed catalogue."""

from __future__ import annotations

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import ActionFindTool
from actions.conversation import ActionSmallTalk
from actions.onboarding import ActionOnboarding
from actions.security import ActionAskAllowed
from bot.config import PROJECT_ROOT
from bot.texts import text

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
EXTRACTOR = "CatalogueEntityExtractor"


def tracker(messages: list[str], intent: str, entities=(), slots=None) -> Tracker:
    """A conversation whose employee wrote `messages` (the last is the latest)."""
    events = [{"event": "user", "text": m, "parse_data": {"intent": {"name": intent}}} for m in messages]
    return Tracker.from_dict(
        {
            "sender_id": "tilsett-1",
            "slots": {**{name: None for name in DOMAIN["slots"]}, **(slots or {})},
            "latest_message": {
                "text": messages[-1],
                "intent": {"name": intent, "confidence": 0.93},
                "intent_ranking": [{"name": intent, "confidence": 0.93}],
                "entities": list(entities),
            },
            "events": events,
            "latest_action_name": "action_listen",
        }
    )


async def run(action, tracker_: Tracker) -> tuple[list[str], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, domain={})
    return [m["text"] for m in dispatcher.messages], events


@pytest.fixture
def catalogue(monkeypatch, seed_db_url) -> str:
    monkeypatch.setenv("BOT_DATABASE_URL", seed_db_url)
    monkeypatch.delenv("BOT_WRITTEN_STANDARD", raising=False)
    monkeypatch.delenv("BOT_MIRROR_STANDARD", raising=False)
    return seed_db_url


async def test_a_greeting_in_clear_nynorsk_is_answered_in_nynorsk_and_remembered(catalogue):
    said, events = await run(ActionSmallTalk(), tracker(["Hei, eg lurer på kva du kan hjelpe meg med"], "greet"))
    assert said == [text("small_talk.greet", "nn")]
    assert SlotSet("written_standard", "nn") in events


async def test_a_short_thanks_keeps_the_conversation_in_nynorsk(catalogue):
    said, events = await run(
        ActionSmallTalk(),
        tracker(["Eg får ikkje logga inn, kva gjer eg?", "takk"], "thanks", slots={"written_standard": "nn"}),
    )
    assert said == [text("small_talk.thanks", "nn")]
    assert not [e for e in events if e.get("name") == "written_standard"]


async def test_short_messages_in_a_bokmal_municipality_stay_bokmal(catalogue):
    for message in ("ok", "takk", "Teams?"):
        said, events = await run(ActionSmallTalk(), tracker([message], "thanks"))
        assert said == [text("small_talk.thanks", "nb")]
        assert events == []


async def test_clear_bokmal_switches_back(catalogue):
    messages = ["Eg får ikkje logga inn", "Hvordan gjør jeg det hvis jeg ikke har tilgang?", "Hva med Teams da?"]
    said, events = await run(ActionSmallTalk(), tracker(messages, "help", slots={"written_standard": "nn"}))
    assert said == [text("small_talk.help", "nb")]
    assert SlotSet("written_standard", "nb") in events


async def test_a_tool_answer_asks_for_feedback_in_nynorsk(catalogue):
    said, _ = await run(ActionFindTool(), tracker(["Kor ser eg lønnsslippen min? Eg finn han ikkje"], "find_tool"))
    assert said[-1] == text("feedback.ask", "nn") == "Fekk du svar på det du lurte på?"


async def test_a_private_tool_and_its_gap_notice_in_nynorsk(catalogue):
    message = "Kan eg bruke Dropbox? Eg veit ikkje kva som er lov"
    start = message.index("Dropbox")
    dropbox = {"entity": "private_tool", "value": "dropbox", "start": start, "end": start + 7, "extractor": EXTRACTOR}
    said, _ = await run(ActionAskAllowed(), tracker([message], "ask_allowed", [dropbox]))
    assert text("gaps.noted", "nn") in said and text("gaps.ask_department", "nn") in said
    # The guidance itself is the catalogue's text, in bokmål while the entry has no guidance_nn.


async def test_onboarding_in_nynorsk(catalogue):
    said, _ = await run(ActionOnboarding(), tracker(["Eg er ny her, kva treng eg?"], "onboarding"))
    assert said[0].startswith("Velkommen! Her er") and "som alle tilsette bruker" in said[0]
    assert text("onboarding.ask_sector", "nn") in said[0]


async def test_out_of_scope_in_nynorsk(catalogue):
    said, _ = await run(ActionSmallTalk(), tracker(["Kva skal eg ha til middag i dag?"], "out_of_scope"))
    assert said == [text("small_talk.out_of_scope", "nn")]


async def test_a_nynorsk_municipality_answers_nynorsk_from_the_first_message(catalogue, monkeypatch):
    monkeypatch.setenv("BOT_WRITTEN_STANDARD", "nn")
    said, events = await run(ActionSmallTalk(), tracker(["Hei"], "greet"))
    assert said == [text("small_talk.greet", "nn")]
    assert events == []  # the municipality's standard needs no slot


async def test_mirroring_off_answers_in_the_municipality_standard(catalogue, monkeypatch):
    monkeypatch.setenv("BOT_MIRROR_STANDARD", "false")
    said, events = await run(ActionSmallTalk(), tracker(["Hei, eg lurer på kva du kan hjelpe meg med"], "greet"))
    assert said == [text("small_talk.greet", "nb")]
    assert events == []
