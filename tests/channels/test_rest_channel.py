"""Our REST channel (MaskedRestInput) refuses a message with nothing visible in it with 400, as our
web relay does, and drops what an action could not store before Rasa's agent sees the message.
The channel runs in a real Sanic app with a stand-in for Rasa's agent (conftest.py)."""

from __future__ import annotations

import pytest
from assistant_services import CHANNEL_HEADERS


async def post(rest_channel, message: str) -> tuple[int, str]:
    body = {"sender": "s", "message": message}
    async with rest_channel.session.post("/webhooks/rest/webhook", json=body, headers=CHANNEL_HEADERS) as response:
        return response.status, await response.text()


@pytest.mark.parametrize(
    "message", ["", "  \n", "\u200b" * 50, "\ufeff", "\u202e\u202c\u200f", "\x00\x1b", "\ud800", "\u0301"]
)
async def test_a_message_with_nothing_visible_gets_400_and_never_reaches_rasa(rest_channel, message):
    status, text = await post(rest_channel, message)
    assert status == 400 and "visible character" in text
    assert rest_channel.agent.handled == []


@pytest.mark.parametrize("message", ["👍", "🫠", "?", "a"])
async def test_emoji_and_single_characters_are_answered(rest_channel, message):
    assert (await post(rest_channel, message))[0] == 200
    assert [m.text for m in rest_channel.agent.handled] == [message]


async def test_control_characters_and_lone_surrogates_are_dropped_and_the_rest_masked(rest_channel):
    status, _ = await post(rest_channel, "ring\x00 meg\ud800 på 4123\x074567\nfør\t12")
    assert status == 200
    assert [m.text for m in rest_channel.agent.handled] == ["ring meg på [telefon]\nfør\t12"]
