"""The web service's health: `/health/live` needs nothing, `/health` checks the database, every
Rasa replica and every action server (tests/cluster checks it against the real ones; here small
HTTP servers stand in for them, so each can be up, down or report a spool backlog)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp import web

from bot.config import settings
from bot.web.app import Surface, create_app

UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:9/nowhere"
NOBODY = "http://127.0.0.1:9"  # the discard port: nothing answers there


async def _peer(aiohttp_server, routes: dict[str, web.Response]) -> str:
    app = web.Application()
    for path, answer in routes.items():
        app.router.add_get(path, lambda request, answer=answer: answer)
    server = await aiohttp_server(app)
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
def rasa(aiohttp_server):
    return lambda: _peer(aiohttp_server, {"/": web.Response(text="Hello from Rasa: 3.6.21")})


@pytest.fixture
def action_server(aiohttp_server):
    def start(spool: int = 0, database: str = "ok"):
        body = {"status": "ok" if database == "ok" else "degraded", "database": database, "spool": spool}
        return _peer(aiohttp_server, {"/health/ready": web.json_response(body)})

    return start


@pytest.fixture
def health(aiohttp_client, db_url):
    async def get(path: str = "/health", surface: Surface = Surface.INTERNAL, **overrides):
        config = replace(settings(), **{"database_url": db_url, **overrides})
        client = await aiohttp_client(create_app(config, surface))
        response = await client.get(path)
        return response.status, await response.json()

    return get


@pytest.mark.parametrize("surface", list(Surface))
async def test_liveness_needs_neither_database_nor_rasa(health, surface):
    status, body = await health(
        "/health/live", surface, database_url=UNREACHABLE_DATABASE, rasa_replicas=(NOBODY,), action_servers=(NOBODY,)
    )
    assert (status, body) == (200, {"status": "ok"})


async def test_ready_when_everything_answers(health, rasa, action_server):
    status, body = await health(
        rasa_replicas=(await rasa(), await rasa()), action_servers=(await action_server(), await action_server())
    )
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "rasa": {"up": 2, "of": 2},
            "action_servers": {"up": 2, "of": 2},
            "spool": 0,
        },
    }


async def test_a_spool_backlog_or_a_replica_down_is_degraded_but_still_ready(health, rasa, action_server):
    status, body = await health(rasa_replicas=(await rasa(),), action_servers=(await action_server(spool=3),))
    assert (status, body["status"], body["checks"]["spool"]) == (200, "degraded", 3)
    status, body = await health(rasa_replicas=(await rasa(), NOBODY), action_servers=(await action_server(),))
    assert (status, body["status"], body["checks"]["rasa"]) == (200, "degraded", {"up": 1, "of": 2})
    status, body = await health(rasa_replicas=(await rasa(),), action_servers=(await action_server(database="x"),))
    assert (status, body["status"]) == (200, "degraded")  # it answers from its last catalogue copy
    status, body = await health(rasa_replicas=(await rasa(),), action_servers=(NOBODY,))
    assert (status, body["status"], body["checks"]["action_servers"]) == (200, "degraded", {"up": 0, "of": 1})


async def test_no_database_or_no_rasa_is_unavailable(health, rasa, action_server):
    status, body = await health(rasa_replicas=(NOBODY, NOBODY), action_servers=(await action_server(),))
    assert (status, body["status"], body["checks"]["rasa"]) == (503, "unavailable", {"up": 0, "of": 2})
    status, body = await health(
        database_url=UNREACHABLE_DATABASE, rasa_replicas=(await rasa(),), action_servers=(await action_server(),)
    )
    assert (status, body["status"], body["checks"]["database"]) == (503, "unavailable", "unavailable")
