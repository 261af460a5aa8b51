"""Rasa's event broker, optional and chosen by one setting: BOT_EVENT_BROKER_URL.

Rasa's endpoints file cannot leave an entry out when a variable is unset (`${VAR}` must be set),
so endpoints.yml always names this class, and it builds Rasa's own broker from the URL, or none:

- unset or empty: no event broker (the default for `make run`);
- `amqp://user:password@host:5672/vhost` (or `amqps://`): RabbitMQ, publishing every conversation
  event to the queue BOT_EVENT_BROKER_QUEUE (default `digihjelpen_events`);
- `postgresql://…` or `sqlite:///…`: Rasa's SQL event broker (a table `events`).

The events are the tracker's: already masked text (our channels mask before Rasa), and the sender
id, which for Teams identifies the employee (docs/security.md). A broker that cannot be reached
at start stops Rasa from starting, as Rasa's own brokers do.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.config import settings

SQL_SCHEMES = ("postgresql", "sqlite")


async def broker_from_url(url: str, queue: str, **pika_options: Any) -> EventBroker | None:
    """Rasa's event broker for `url` (connected), or None for an empty URL."""
    if not url:
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme in ("amqp", "amqps"):
        broker = PikaEventBroker(
            url,
            username=parts.username or "",
            password=parts.password or "",
            port=parts.port or (5671 if scheme == "amqps" else 5672),
            queues=[queue],
            **pika_options,
        )
        await broker.connect()
        return broker
    if scheme in SQL_SCHEMES:
        return SQLEventBroker(dialect=scheme, host=url)
    raise ValueError(
        f"BOT_EVENT_BROKER_URL must start with amqp://, amqps://, postgresql:// or sqlite:///, got {scheme or url!r}:…"
    )


class EventBrokerFromEnvironment(EventBroker):
    """Named in endpoints.yml; never instantiated: it hands Rasa the broker the URL asks for."""

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig | None, event_loop=None) -> EventBroker | None:
        config = settings()
        return await broker_from_url(config.event_broker_url, config.event_broker_queue)
