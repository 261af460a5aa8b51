"""A compressed request body costs the web service nothing: a real client sends a ~400 KiB deflate
bomb (about 400 MB inflated) to a real server of the whole app, on any route, and gets 415 with
the connection closed, while the server's Python allocations stay far below what inflating it
would take (aiohttp 3.9 inflates while it reads, before any handler or middleware runs, unless
the server is told not to)."""

from __future__ import annotations

import tracemalloc
import zlib
from dataclasses import replace

import aiohttp
import pytest

from bot.config import settings
from bot.web.app import COMPRESSED, create_app

INFLATED = 400 * 1024 * 1024
BOMB = zlib.compress(b"\0" * INFLATED, 9)  # a zlib stream: what HTTP calls "deflate"
MEMORY_BUDGET = 50 * 1024 * 1024  # the goal of issue 14: < 50 MB per compressed body


@pytest.fixture(scope="module")
def bomb() -> bytes:
    assert 350 * 1024 < len(BOMB) < 450 * 1024
    return BOMB


@pytest.fixture
async def server(aiohttp_server, tmp_path):
    """The whole app on a real socket; no request here gets as far as a database."""
    config = replace(
        settings(),
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        tracker_store_url=f"sqlite:///{tmp_path / 'tracker.db'}",
    )
    return await aiohttp_server(create_app(config))


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/api/messages"),
        ("POST", "/admin/login"),
        ("POST", "/webhooks/teams/webhook"),
        ("PUT", "/no/such/route"),
        ("GET", "/health/live"),
    ],
)
@pytest.mark.parametrize("encoding", ["deflate", "gzip, deflate"])
async def test_a_deflate_bomb_is_refused_without_being_inflated(server, bomb, method, path, encoding):
    headers = {"Content-Encoding": encoding, "Content-Type": "application/json"}
    tracemalloc.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.request(method, server.make_url(path), data=bomb, headers=headers) as response:
                status, body, closing = response.status, await response.json(), response.headers.get("Connection")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 415 and body == {"error": COMPRESSED}
    assert peak < MEMORY_BUDGET, f"{peak / 2**20:.0f} MiB allocated while refusing a compressed body"
    assert closing == "close"  # nothing more is read from that connection than aiohttp drains


async def test_the_service_answers_normally_after_a_bomb(server, bomb):
    async with aiohttp.ClientSession() as http:
        async with http.post(
            server.make_url("/api/messages"), data=bomb, headers={"Content-Encoding": "deflate"}
        ) as refused:
            assert refused.status == 415
        async with http.get(server.make_url("/health/live")) as health:
            assert health.status == 200 and await health.json() == {"status": "ok"}
