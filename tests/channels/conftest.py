"""Fixtures for the channel tests: our REST channel in a Sanic app with a stand-in for Rasa's agent,
the fake Bot Framework (fake_botframework.py) and the Teams channel's settings pointing at it."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import aiohttp
import pytest
from assistant_services import free_port
from fake_botframework import FakeBotFramework
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from bot.channels.rest import MaskedRestInput
from bot.config import teams_settings


class EchoAgent:
    """Rasa's agent as far as the channel needs it: answers each message with its text."""

    def __init__(self) -> None:
        self.handled: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.handled.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"Svar på: {message.text}")


@pytest.fixture
async def rest_channel(monkeypatch):
    """Our REST channel at Rasa's route in a new Sanic app (an app serves only once, and only in
    test mode can a process serve several)."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = Sanic(f"rest-channel-test-{uuid.uuid4().hex}")
    app.ctx.agent = EchoAgent()
    register([MaskedRestInput()], app, "/webhooks/")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as session:
        yield SimpleNamespace(session=session, agent=app.ctx.agent)
    server.close()
    await server.wait_closed()


@pytest.fixture(scope="session")
def botframework():
    fake = FakeBotFramework().start()
    yield fake
    fake.stop()


@pytest.fixture
def teams_config(botframework, monkeypatch):
    """The Teams settings as the channel reads them, pointing at the fake Bot Framework."""
    for name, value in botframework.environment().items():
        monkeypatch.setenv(name, value)
    return teams_settings()
