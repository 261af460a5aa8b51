"""Teams' welcome card through the fake Bot Framework: when the bot is added to a conversation
(a conversationUpdate with the bot among membersAdded) it posts one card with the greeting and
questions to try, once per conversation; members other than the bot get none."""

from __future__ import annotations

from fake_botframework import APP_ID

BOT = {"id": f"28:{APP_ID}", "name": "Digihjelpen"}


async def post(channel, botframework, activity: dict) -> int:
    async with channel.session.post(
        "/webhooks/teams/webhook", json=activity, headers={"Authorization": f"Bearer {botframework.token()}"}
    ) as answer:
        return answer.status


def added(botframework, *members: dict, conversation: str | None = None) -> dict:
    return botframework.activity(type="conversationUpdate", membersAdded=list(members), conversation=conversation)


def cards(botframework, activity: dict) -> list[dict]:
    return [
        attachment["content"]
        for reply in botframework.replies_to(activity["conversation"]["id"])
        for attachment in reply["activity"].get("attachments", [])
    ]


async def test_the_bot_added_posts_the_welcome_card_once(teams_channel, botframework, tidvis):
    installed = added(botframework, BOT, {"id": "29:user-kari"})
    assert await post(teams_channel, botframework, installed) == 200
    [card] = cards(botframework, installed)
    assert card["text"].startswith("Hei! Jeg er Digihjelpen og hjelper deg å finne")
    assert [(b["type"], b["title"], b["text"]) for b in card["buttons"]] == [
        ("messageBack", "Jeg er ny. Hva trenger jeg?", "Jeg er ny. Hva trenger jeg?"),
        ("messageBack", "Hvordan kan jeg bytte vakt?", "Hvordan kan jeg bytte vakt?"),  # Tidvis, for everyone
        ("messageBack", "Hva savner andre?", "Hva savner andre?"),
    ]
    [reply] = botframework.replies_to(installed["conversation"]["id"])
    assert reply["activity"]["recipient"] == {"id": installed["from"]["id"]} and reply["activity"]["from"] == BOT
    assert teams_channel.agent.handled == []  # nothing reached Rasa

    again = added(botframework, BOT, conversation=installed["conversation"]["id"])
    assert await post(teams_channel, botframework, again) == 200
    assert len(botframework.replies_to(installed["conversation"]["id"])) == 1


async def test_other_members_added_get_no_card(teams_channel, botframework, tidvis):
    colleague = added(botframework, {"id": "29:user-ola", "name": "Ola"})
    removed = botframework.activity(type="conversationUpdate", membersRemoved=[BOT])
    for activity in (colleague, removed):
        assert await post(teams_channel, botframework, activity) == 200
        assert botframework.replies_to(activity["conversation"]["id"]) == []
    other_conversation = added(botframework, BOT)
    assert await post(teams_channel, botframework, other_conversation) == 200
    assert len(cards(botframework, other_conversation)) == 1


async def test_without_the_database_no_card_is_sent(teams_channel, botframework):
    # BOT_DATABASE_URL names a database that cannot be opened (tests/conftest.py): the welcome
    # cannot be remembered, so it is not sent rather than maybe sent twice.
    installed = added(botframework, BOT)
    assert await post(teams_channel, botframework, installed) == 200
    assert botframework.replies_to(installed["conversation"]["id"]) == []
