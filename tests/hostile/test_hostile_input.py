"""Hostile input against our web relay and against Rasa's REST channel (MaskedRestInput).

About 500 generated requests each (hostile_messages.py): none may get a 5xx or crash the service,
none may get a 200 without any reply (the widget would show nothing), and the service still
answers an ordinary message afterwards. The relay runs in-process in front of a Rasa stand-in that
echoes; the REST channel runs in the real assistant (slow).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
import requests
from aiohttp import web
from assistant_services import CHANNEL_HEADERS
from hostile_messages import cases

from bot.config import settings
from bot.message_text import has_visible_content, storable
from bot.web.app import MAX_BODY, TOO_LARGE, create_app
from bot.web.ratelimit import MemoryCounts, RateLimit

COUNT = 500
RELAY_STATUSES = {200, 400, 413}  # ok, refused as malformed or empty, too long or too large
REST_STATUSES = {200, 400, 413}


class EchoRasa:
    """Rasa's REST webhook, echoing the message; it fails the test if the relay ever forwards
    anything but a JSON object with a string sender and a message with something visible in it and
    nothing an action could not store (on which the real Rasa would answer nothing)."""

    def __init__(self) -> None:
        self.forwarded: list[dict] = []

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        message = body["message"]
        assert isinstance(body["sender"], str) and isinstance(message, str)
        assert has_visible_content(message) and storable(message) == message
        self.forwarded.append(body)
        return web.json_response([{"recipient_id": body["sender"], "text": body["message"]}])


@pytest.fixture
async def relay(aiohttp_client, aiohttp_server, tmp_path):
    echo = EchoRasa()
    upstream = web.Application()
    upstream.router.add_post("/webhooks/rest/webhook", echo.webhook)
    server = await aiohttp_server(upstream)
    config = replace(settings(), rasa_port=server.port, tracker_store_url=f"sqlite:///{tmp_path / 't.db'}")
    app = create_app(config)
    app["message_limit"] = RateLimit(
        MemoryCounts(), "chat", 10 * COUNT, 60
    )  # one client sends them all; the limit has its own tests
    client = await aiohttp_client(app)
    client.echo = echo
    return client


async def test_the_relay_survives_hostile_requests_without_a_5xx(relay):
    statuses: Counter = Counter()
    for case in cases(COUNT, lambda message: {"message": message}):
        response = await relay.post("/api/messages", data=case.body, headers={"Content-Type": case.content_type})
        statuses[response.status] += 1
        assert response.status in RELAY_STATUSES, (case.label, response.status, await response.text())
        body = await response.json()  # every answer, refusals included, is JSON for the widget
        if response.status == 200:
            assert body["replies"], case.label
        else:
            assert isinstance(body["error"], str) and body["error"], case.label
    assert statuses[200] > 50 and statuses[400] > 50 and statuses[413] > 10, statuses
    assert relay.echo.forwarded, "no hostile text reached Rasa at all"

    normal = await relay.post("/api/messages", json={"message": "hvordan bytter jeg vakt?"})
    assert normal.status == 200
    assert (await normal.json())["replies"][0]["text"] == "hvordan bytter jeg vakt?"
    assert (await relay.get("/health/live")).status == 200


@pytest.mark.parametrize("size", [MAX_BODY + 1, 10 * MAX_BODY, 2 * 1024 * 1024])
async def test_an_oversized_body_gets_a_norwegian_413_not_a_stack_trace(relay, size):
    response = await relay.post(
        "/api/messages", data=b"{" + b" " * size + b"}", headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
    assert await response.json() == {"error": TOO_LARGE}


async def test_a_deeply_nested_body_is_refused_as_malformed(relay):
    response = await relay.post(
        "/api/messages", data=b"[" * 30000 + b"]" * 30000, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400


@pytest.mark.slow
def test_the_rest_channel_survives_hostile_requests_without_a_5xx(assistant):
    webhook = f"{assistant.rasa_url}/webhooks/rest/webhook"
    wrap = iter(range(10**9))
    statuses: Counter = Counter()
    with requests.Session() as session:
        for case in cases(COUNT, lambda message: {"sender": f"hostile-{next(wrap)}", "message": message}):
            response = session.post(
                webhook, data=case.body, headers={**CHANNEL_HEADERS, "Content-Type": case.content_type}, timeout=60
            )
            statuses[response.status_code] += 1
            assert response.status_code in REST_STATUSES, (case.label, response.status_code, response.text[:500])
            if response.status_code == 200:  # Rasa answers nothing when an action fails on the message
                assert any(reply.get("text") for reply in response.json()), (case.label, response.text[:500])
    assert statuses[200] > 50 and statuses[400] > 50, statuses
    assert assistant.texts("after-hostile", "hvordan bytter jeg vakt?").strip()


@pytest.mark.slow
@pytest.mark.parametrize(
    "body, status",
    [
        (b"", 400),
        (b"[]", 400),
        (b'"hei"', 400),
        (b'{"sender": "s"}', 400),
        (b'{"message": "hei"}', 400),
        (b'{"sender": 5, "message": "hei"}', 400),
        (b'{"sender": "s", "message": {"text": "hei"}}', 400),
        (b'{"sender": "s", "message": "' + b"x" * 6000 + b'"}', 413),
        (b"\xff\xfe", 400),
    ],
)
def test_the_rest_channel_refuses_malformed_bodies_with_4xx(assistant, body, status):
    response = requests.post(
        f"{assistant.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={**CHANNEL_HEADERS, "Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == status, response.text[:300]
