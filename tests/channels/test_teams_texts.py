"""The Teams channel's own texts in the municipality's written standard (BOT_WRITTEN_STANDARD=nn),
through the fake Bot Framework: the answer to a message too long, and the welcome card."""

from __future__ import annotations

import pytest
from fake_botframework import APP_ID

from bot.channels.rest import MAX_MESSAGE_LENGTH

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
        f"Meldinga er for lang. Skriv kortare, maks {MAX_MESSAGE_LENGTH} teikn."
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
