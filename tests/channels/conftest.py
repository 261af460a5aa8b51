"""Fixtures for the channel tests: our REST and Teams channels in a Sanic app with a stand-in for
Rasa's agent, the fake Bot Framework (fake_botframework.py) and the Teams channel's settings
pointing at it."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from types import SimpleNamespace

import aiohttp
import pytest
from assistant_services import free_port
from fake_botframework import FakeBotFramework
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

from bot.channels.rest import MaskedRestInput
from bot.channels.teams import TeamsInput
from bot.config import teams_settings


class EchoAgent:
    """Rasa's agent as far as the channel needs it: answers each message with its text."""

    def __init__(self) -> None:
        self.handled: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.handled.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"Svar på: {message.text}")


@asynccontextmanager
async def served(channel: InputChannel):
    """The channel at Rasa's route in a new Sanic app with an EchoAgent (an app serves only once,
    and only in test mode can a process serve several): a session to it and the agent."""
    app = Sanic(f"channel-test-{uuid.uuid4().hex}")
    app.ctx.agent = EchoAgent()
    register([channel], app, "/webhooks/")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as session:
        yield SimpleNamespace(session=session, agent=app.ctx.agent)
    server.close()
    await server.wait_closed()


@pytest.fixture
async def rest_channel(monkeypatch):
    """Our REST channel in a Sanic app."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    async with served(MaskedRestInput()) as channel:
        yield channel


@pytest.fixture
async def teams_channel(teams_config, monkeypatch):
    """Our Teams channel in a Sanic app, configured from the environment as Rasa does
    (TeamsInput.from_credentials), talking to the fake Bot Framework."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    async with served(TeamsInput.from_credentials(None)) as channel:
        yield channel


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
