"""The Teams webhook in a Sanic app with a stand-in for Rasa's agent, fast: what reaches the agent
(tenant, length, characters that cannot be stored) from activities signed by the fake Bot
Framework, and what the employee is told. (tests/channels/test_teams_rasa.py runs a real Rasa.)"""

from __future__ import annotations

from fake_botframework import TENANT_ID

from bot.channels.rest import MAX_MESSAGE_LENGTH


async def post(channel, botframework, activity: dict) -> int:
    async with channel.session.post(
        "/webhooks/teams/webhook", json=activity, headers={"Authorization": f"Bearer {botframework.token()}"}
    ) as answer:
        return answer.status


def replies(botframework, activity: dict) -> list[str]:
    return [r["activity"].get("text", "") for r in botframework.replies_to(activity["conversation"]["id"])]


async def test_only_activities_from_the_configured_tenant_are_processed(teams_channel, botframework):
    ours = botframework.activity("hei", channelData={"tenant": {"id": TENANT_ID.upper()}})
    assert await post(teams_channel, botframework, ours) == 200
    assert [m.text for m in teams_channel.agent.handled] == ["hei"]

    foreign = botframework.activity("hei", channelData={"tenant": {"id": "another-municipality"}})
    untold = botframework.activity("hei", channelData={"team": {"id": "19:x"}})
    bare = botframework.activity("hei")
    del bare["channelData"]
    for activity in (foreign, untold, bare):
        assert await post(teams_channel, botframework, activity) == 403
        assert replies(botframework, activity) == []
    assert len(teams_channel.agent.handled) == 1


async def test_a_message_longer_than_the_rest_channel_allows_is_answered_but_not_processed(teams_channel, botframework):
    activity = botframework.activity("<at>Digihjelpen</at> " + "ring meg på 98765432 " * 250)
    assert await post(teams_channel, botframework, activity) == 200
    assert teams_channel.agent.handled == []
    assert replies(botframework, activity) == [
        f"Meldingen er for lang. Skriv kortere, høyst {MAX_MESSAGE_LENGTH} tegn."
    ]

    longest = botframework.activity("<at>Digihjelpen</at> " + "x" * MAX_MESSAGE_LENGTH)
    assert await post(teams_channel, botframework, longest) == 200
    assert [m.text for m in teams_channel.agent.handled] == ["x" * MAX_MESSAGE_LENGTH]


async def test_characters_that_cannot_be_stored_never_reach_rasa(teams_channel, botframework):
    activity = botframework.activity("hei\x00 på\ud800 deg, ring 98765\x08432")
    assert await post(teams_channel, botframework, activity) == 200
    assert [m.text for m in teams_channel.agent.handled] == ["hei på deg, ring [telefon]"]

    invisible = botframework.activity("\u200b\x00\u2060")
    assert await post(teams_channel, botframework, invisible) == 200
    assert len(teams_channel.agent.handled) == 1 and replies(botframework, invisible) == []
