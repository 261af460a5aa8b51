"""The Teams webhook of our web service, with two real aiohttp servers standing in for Rasa's Teams
channel on two replicas: each sender's activities always reach the same replica (the one the chat
relay's rendezvous hashing picks for that sender), senders spread over both, the body and the
Authorization header arrive byte for byte, and Rasa's answer comes back as it is.
(tests/channels/test_teams_rasa.py relays signed activities to a real Rasa.)"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import replace

import pytest
from aiohttp import web

from bot.config import settings
from bot.web.app import create_app
from bot.web.teams_relay import PATH
from bot.web.upstreams import Upstreams


def teams_standin(name: str, received: list[dict]) -> web.Application:
    """Rasa's Teams webhook as seen from outside: 401 without a bearer token, else 200."""

    async def webhook(request: web.Request) -> web.Response:
        body = await request.read()
        authorization = request.headers.get("Authorization")
        received.append(
            {
                "replica": name,
                "body": body,
                "authorization": authorization,
                "content_type": request.headers.get("Content-Type"),
            }
        )
        if not (authorization or "").startswith("Bearer "):
            return web.Response(status=401, text="Unauthorized")
        return web.Response(status=200, text="")

    app = web.Application()
    app.router.add_post(PATH, webhook)
    return app


@pytest.fixture
async def relay(aiohttp_server, aiohttp_client, tmp_path):
    """The web service relaying to two stand-in replicas; returns (client, urls by name, received)."""
    received: list[dict] = []
    servers = {name: await aiohttp_server(teams_standin(name, received)) for name in ("a", "b")}
    urls = {name: str(server.make_url("")).rstrip("/") for name, server in servers.items()}
    config = replace(
        settings(),
        rasa_replicas=(urls["a"], urls["b"]),
        session_secret="",
        tracker_store_url=f"sqlite:///{tmp_path / 'tracker.db'}",
    )
    client = await aiohttp_client(create_app(config))
    return client, urls, received, servers


def activity(sender: str, text: str = "hei") -> bytes:
    """A Teams message activity as the Bot Connector sends it (its own spacing and key order)."""
    return json.dumps(
        {
            "type": "message",
            "id": uuid.uuid4().hex,
            "text": text,
            "channelId": "msteams",
            "serviceUrl": "https://smba.trafficmanager.net/emea/",
            "from": {"id": sender, "name": "Kari"},
            "conversation": {"id": f"a:{uuid.uuid4().hex}", "conversationType": "personal"},
            "recipient": {"id": "28:digihjelpen"},
        },
        separators=(", ", ": "),
    ).encode()


async def test_each_sender_always_reaches_its_own_replica_and_senders_spread(relay):
    client, urls, received, _ = relay
    senders = [f"29:{uuid.uuid4().hex}" for _ in range(16)]
    for _ in range(3):
        for sender in senders:
            response = await client.post(PATH, data=activity(sender), headers={"Authorization": "Bearer t"})
            assert response.status == 200
    replica_of = {url: name for name, url in urls.items()}
    expected = Upstreams(list(urls.values()))
    reached = {(json.loads(r["body"])["from"]["id"], r["replica"]) for r in received}
    assert len(reached) == len(senders)  # one replica per sender, all three times
    for sender, replica in reached:
        assert replica == replica_of[expected.order(sender)[0]]  # the same choice as the chat relay's
    assert Counter(replica for _, replica in reached).keys() == {"a", "b"}


async def test_the_body_and_the_authorization_header_arrive_unchanged(relay):
    client, _, received, _ = relay
    body = activity("29:kari", "Kan jeg bruke Dropbox? ring 91234567  ")  # masked by Rasa's channel, not here
    token = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzZXJ2aWNldXJsIjoiaHR0cHM6Ly9zbWJhIn0.c2lnbmF0dXJl"
    headers = {"Authorization": token, "Content-Type": "application/json; charset=utf-8"}
    assert (await client.post(PATH, data=body, headers=headers)).status == 200
    assert received == [
        {**received[0], "body": body, "authorization": token, "content_type": "application/json; charset=utf-8"}
    ]


async def test_rasas_refusal_comes_back_as_it_is(relay):
    client, _, received, _ = relay
    response = await client.post(PATH, data=activity("29:ola"))  # no token: Rasa's channel says 401
    assert (response.status, await response.text()) == (401, "Unauthorized")
    assert received[0]["authorization"] is None


async def test_a_replica_that_is_down_passes_its_senders_to_the_other(relay):
    client, urls, received, servers = relay
    sender = next(
        s
        for s in (f"29:{uuid.uuid4().hex}" for _ in range(100))
        if Upstreams(list(urls.values())).order(s)[0] == urls["a"]
    )
    await servers["a"].close()
    response = await client.post(PATH, data=activity(sender), headers={"Authorization": "Bearer t"})
    assert response.status == 200 and [r["replica"] for r in received] == ["b"]


async def test_no_replica_answering_is_a_bad_gateway(relay):
    client, _, _, servers = relay
    for server in servers.values():
        await server.close()
    response = await client.post(PATH, data=activity("29:per"), headers={"Authorization": "Bearer t"})
    assert response.status == 502


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'{"from": "29:x"}', b'{"from": {"id": 7}}'])
async def test_a_body_without_a_sender_still_gets_rasas_answer(relay, body):
    client, _, received, _ = relay
    response = await client.post(PATH, data=body)
    assert response.status == 401 and received[0]["body"] == body
