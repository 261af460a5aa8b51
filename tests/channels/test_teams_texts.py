"""The Teams channel's own texts in the municipality's written standard (BOT_WRITTEN_STANDARD=nn),
through the fake Bot Framework: the answer to a message too long, and the welcome card; and the
Teams app's manifest in both standards (bot.channels.teams_manifest)."""

from __future__ import annotations

import json

import pytest
from fake_botframework import APP_ID

from bot.channels.rest import MAX_MESSAGE_LENGTH
from bot.channels.teams_manifest import MANIFEST, main, manifest

BOT = {"id": f"28:{APP_ID}", "name": "Digihjelpen"}


@pytest.fixture(autouse=True)
def nynorsk(monkeypatch):
    """A nynorsk municipality (set before the channel is configured from the environment)."""
    monkeypatch.setenv("BOT_WRITTEN_STANDARD", "nn")


async def post(channel, botframework, activity: dict) -> int:
    async with channel.session.post(
        "/webhooks/teams/webhook", json=activity, headers={"Authorization": f"Bearer {botframework.token()}"}
    ) as answer:
        return answer.status


async def test_a_message_too_long_is_answered_in_nynorsk(teams_channel, botframework):
    activity = botframework.activity("x" * (MAX_MESSAGE_LENGTH + 1))
    assert await post(teams_channel, botframework, activity) == 200
    assert [r["activity"]["text"] for r in botframework.replies_to(activity["conversation"]["id"])] == [
        f"Meldinga er for lang. Skriv kortare, høgst {MAX_MESSAGE_LENGTH} teikn."
    ]
    assert teams_channel.agent.handled == []


async def test_the_welcome_card_is_in_nynorsk(teams_channel, botframework, tidvis):
    installed = botframework.activity(type="conversationUpdate", membersAdded=[BOT, {"id": "29:user-kari"}])
    assert await post(teams_channel, botframework, installed) == 200
    [reply] = botframework.replies_to(installed["conversation"]["id"])
    [card] = [attachment["content"] for attachment in reply["activity"]["attachments"]]
    assert card["text"].startswith("Hei! Eg er Digihjelpen og hjelper deg å finne")
    titles = [button["title"] for button in card["buttons"]]
    assert titles[0] == "Eg er ny. Kva treng eg?" and titles[-1] == "Kva saknar andre?"


def test_the_manifest_in_the_repository_holds_the_bokmål_texts():
    assert manifest("nb") == json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_the_nynorsk_manifest_has_the_nynorsk_texts_within_teams_limits(capsys):
    assert main(["nn"]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written == manifest("nn")
    assert written["description"]["full"].endswith("Ikkje skriv personopplysningar i samtalen.")
    assert [c["title"] for c in written["bots"][0]["commandLists"][0]["commands"]] == ["hei", "kva verktøy har vi"]
    assert len(written["name"]["full"]) <= 100 and len(written["description"]["short"]) <= 80
    assert len(written["description"]["full"]) <= 4000
    assert written["id"] == written["bots"][0]["botId"]  # the rest as in the file
    assert main(["en"]) == 2 and "usage:" in capsys.readouterr().err
