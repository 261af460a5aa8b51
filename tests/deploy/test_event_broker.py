"""The optional event broker (bot/event_broker.py), loaded the way Rasa loads it from endpoints.yml
and deploy/endpoints.production.yml, publishing to a real RabbitMQ (BOT_TEST_RABBITMQ_URL) and a
real SQLite database."""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid

import aio_pika
import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy import create_engine, text

from bot.config import PROJECT_ROOT
from bot.event_broker import broker_from_url

ENDPOINT_FILES = ["endpoints.yml", "deploy/endpoints.production.yml"]
EVENT = {"sender_id": "abc", "event": "user", "text": "hvordan bytter jeg vakt", "timestamp": 1.0}


@pytest.fixture(autouse=True)
def endpoint_variables(monkeypatch):
    """Every ${VAR} of the endpoint files set, as Rasa needs to read any entry of them."""
    for name in ENDPOINT_FILES:
        for variable in re.findall(r"\$\{(\w+)\}", (PROJECT_ROOT / name).read_text(encoding="utf-8")):
            if variable not in os.environ:
                monkeypatch.setenv(variable, "1")


def rabbitmq_url() -> str:
    url = os.environ.get("BOT_TEST_RABBITMQ_URL")
    if not url:
        pytest.skip("BOT_TEST_RABBITMQ_URL not set: the RabbitMQ event broker test is skipped")
    return url


async def from_endpoints(name: str) -> EventBroker | None:
    return await EventBroker.create(read_endpoint_config(str(PROJECT_ROOT / name), "event_broker"))


@pytest.mark.parametrize("name", ENDPOINT_FILES)
async def test_without_a_url_there_is_no_event_broker(monkeypatch, name):
    monkeypatch.delenv("BOT_EVENT_BROKER_URL", raising=False)
    assert await from_endpoints(name) is None


@pytest.mark.parametrize("name", ENDPOINT_FILES)
async def test_a_sqlite_url_gives_rasas_sql_broker_and_events_arrive(monkeypatch, tmp_path, name):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    monkeypatch.setenv("BOT_EVENT_BROKER_URL", url)
    broker = await from_endpoints(name)
    assert isinstance(broker, SQLEventBroker)
    broker.publish(EVENT)
    with create_engine(url).connect() as connection:
        rows = connection.execute(text("SELECT sender_id, data FROM events")).all()
    assert [(sender, json.loads(data)) for sender, data in rows] == [("abc", EVENT)]


async def test_an_amqp_url_publishes_every_event_to_the_queue(monkeypatch):
    queue_name = f"digihjelpen_test_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("BOT_EVENT_BROKER_URL", rabbitmq_url())
    monkeypatch.setenv("BOT_EVENT_BROKER_QUEUE", queue_name)
    broker = await from_endpoints("endpoints.yml")
    assert isinstance(broker, PikaEventBroker)
    connection = await aio_pika.connect_robust(rabbitmq_url())
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)  # declared by the broker on connect
        broker.publish(EVENT)
        message = None
        for _ in range(50):
            message = await queue.get(no_ack=True, fail=False)
            if message:
                break
            await asyncio.sleep(0.1)
        assert message is not None and json.loads(message.body) == EVENT
        await queue.delete(if_unused=False, if_empty=False)
    finally:
        await broker.close()
        await connection.close()


@pytest.mark.parametrize("url", ["kafka://localhost:9092", "redis://localhost", "nonsense"])
async def test_an_unknown_kind_of_broker_is_refused_with_a_clear_message(url):
    with pytest.raises(ValueError, match="BOT_EVENT_BROKER_URL must start with"):
        await broker_from_url(url, "q")
