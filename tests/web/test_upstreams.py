"""The relay's choice of Rasa replica: rendezvous hashing by conversation id and failover past a
replica that refuses connections, with two real aiohttp servers as the replicas."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import replace

import aiohttp
import pytest
from aiohttp import web

from bot.config import settings
from bot.web.app import create_app
from bot.web.upstreams import Upstreams

TIMEOUT = aiohttp.ClientTimeout(total=5)
PATH = "/webhooks/rest/webhook"


def replica_app(name: str, received: list[str], status: int = 200) -> web.Application:
    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        received.append(body["sender"])
        return web.json_response(
            [{"recipient_id": body["sender"], "text": f"{name}: {body['message']}"}], status=status
        )

    app = web.Application()
    app.router.add_post(PATH, webhook)
    return app


@pytest.fixture
async def replicas(aiohttp_server):
    """Two tiny Rasa stand-ins, each recording the senders it received."""
    received: dict[str, list[str]] = {"a": [], "b": []}
    servers = {name: await aiohttp_server(replica_app(name, received[name])) for name in received}
    urls = {name: str(server.make_url("")).rstrip("/") for name, server in servers.items()}
    return urls, received, servers


def keys(count: int) -> list[str]:
    return [uuid.uuid4().hex for _ in range(count)]


def test_the_order_is_stable_and_independent_of_the_list_order():
    forward = Upstreams(["http://r1:5005", "http://r2:5005", "http://r3:5005"])
    backward = Upstreams(["http://r3:5005/", "http://r2:5005", "http://r1:5005"])
    for key in keys(200):
        assert forward.order(key) == backward.order(key) == Upstreams(list(forward.urls)).order(key)


def test_conversations_spread_evenly_over_the_replicas():
    upstreams = Upstreams([f"http://r{n}:5005" for n in range(3)])
    first = Counter(upstreams.order(key)[0] for key in keys(3000))
    assert set(first) == set(upstreams.urls)
    assert all(800 < count < 1200 for count in first.values()), first


def test_removing_a_replica_moves_only_its_own_conversations():
    urls = [f"http://r{n}:5005" for n in range(3)]
    before, after = Upstreams(urls), Upstreams(urls[:2])
    for key in keys(1000):
        order = before.order(key)
        if order[0] == urls[2]:
            assert after.order(key)[0] == order[1]  # moves to its own next replica
        else:
            assert after.order(key)[0] == order[0]  # stays


def test_an_empty_list_is_refused():
    with pytest.raises(ValueError):
        Upstreams([" ", ""])


def test_the_settings_default_to_the_single_rasa_url(monkeypatch):
    monkeypatch.delenv("BOT_RASA_URLS", raising=False)
    assert settings().rasa_urls == (settings().rasa_url,)
    monkeypatch.setenv("BOT_RASA_URLS", "http://127.0.0.1:5005, http://127.0.0.1:5006,")
    assert settings().rasa_urls == ("http://127.0.0.1:5005", "http://127.0.0.1:5006")


async def test_each_conversation_always_reaches_its_own_replica(replicas):
    urls, received, _ = replicas
    upstreams = Upstreams([urls["a"], urls["b"]])
    conversations = keys(20)
    async with aiohttp.ClientSession() as session:
        for _ in range(3):
            await asyncio.gather(
                *(
                    upstreams.post_json(session, PATH, key, {"sender": key, "message": "hei"}, TIMEOUT)
                    for key in conversations
                )
            )
    by_name = {url: name for name, url in urls.items()}
    for key in conversations:
        own = by_name[upstreams.order(key)[0]]
        assert received[own].count(key) == 3
        assert key not in received["b" if own == "a" else "a"]
    assert received["a"] and received["b"]  # 20 conversations use both


async def test_a_refused_connection_fails_over_and_the_replica_is_used_again_when_back(replicas):
    urls, received, servers = replicas
    upstreams = Upstreams([urls["a"], urls["b"]])
    key = next(k for k in keys(100) if upstreams.order(k)[0] == urls["a"])
    port = servers["a"].port
    async with aiohttp.ClientSession() as session:
        await servers["a"].close()  # connection refused from now on
        reply = await upstreams.post_json(session, PATH, key, {"sender": key, "message": "hei"}, TIMEOUT)
        assert reply[0]["text"] == "b: hei" and received["b"] == [key]

        back = web.AppRunner(replica_app("a", received["a"]))
        await back.setup()
        site = web.TCPSite(back, "127.0.0.1", port)
        await site.start()
        try:
            reply = await upstreams.post_json(session, PATH, key, {"sender": key, "message": "igjen"}, TIMEOUT)
            assert reply[0]["text"] == "a: igjen" and received["a"] == [key]
        finally:
            await back.cleanup()


async def test_an_http_error_is_not_retried_on_another_replica(aiohttp_server):
    """The replica may have handled the message before failing; resending it could answer twice."""
    received: dict[str, list[str]] = {"bad": [], "good": []}
    bad = await aiohttp_server(replica_app("bad", received["bad"], status=500))
    good = await aiohttp_server(replica_app("good", received["good"]))
    upstreams = Upstreams([str(bad.make_url("")), str(good.make_url(""))])
    key = next(k for k in keys(100) if upstreams.order(k)[0] == upstreams.urls[0])
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientResponseError):
            await upstreams.post_json(session, PATH, key, {"sender": key, "message": "hei"}, TIMEOUT)
    assert received == {"bad": [key], "good": []}


async def test_all_replicas_refusing_raises(unused_tcp_port_factory):
    upstreams = Upstreams([f"http://127.0.0.1:{unused_tcp_port_factory()}" for _ in range(2)])
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorError):
            await upstreams.post_json(session, PATH, "k", {}, TIMEOUT)


async def test_the_chat_relay_keeps_a_conversation_on_one_replica_and_fails_over(aiohttp_client, replicas, tmp_path):
    urls, received, servers = replicas
    config = replace(
        settings(),
        rasa_replicas=(urls["a"], urls["b"]),
        session_secret="",
        tracker_store_url=f"sqlite:///{tmp_path / 'tracker.db'}",
    )
    clients = [await aiohttp_client(create_app(config)) for _ in range(8)]  # 8 browsers, 8 conversations
    for _ in range(2):
        for client in clients:
            assert (await client.post("/api/messages", json={"message": "hei"})).status == 200
    senders = Counter(received["a"]) + Counter(received["b"])
    assert len(senders) == 8 and set(senders.values()) == {2}
    assert not set(received["a"]) & set(received["b"])

    await servers["a"].close()
    on_a = set(received["a"])
    for client in clients:
        response = await client.post("/api/messages", json={"message": "fortsatt"})
        assert response.status == 200
        assert (await response.json())["replies"][0]["text"] == "b: fortsatt"
    assert set(received["b"][-8:]) == set(senders) and on_a <= set(received["b"])
