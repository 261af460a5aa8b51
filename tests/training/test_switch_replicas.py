"""Switching every Rasa replica to a model (`bot train`, `bot model rollback`, `bot model switch`),
with small real aiohttp servers standing in for Rasa's JWT-protected PUT /model: each replica is
asked, the report names each one, and a switch that left replicas on different models fails
loudly with a non-zero exit. (tests/training/test_train_and_promote.py switches a real Rasa.)"""

from __future__ import annotations

import asyncio

import jwt
import pytest
from aiohttp import web

from bot.training import registry, serving

SECRET = "a-jwt-secret-for-the-switch-tests-0123456789"


def rasa_standin(loaded: list[str], status: int = 204) -> web.Application:
    """PUT /model as Rasa answers it: 401 without an admin JWT, else `status` (204 = loaded)."""

    async def put_model(request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return web.json_response({"reason": "NotAuthenticated"}, status=401)
        if claims["user"]["role"] != "admin":
            return web.json_response({"reason": "NotAuthorized"}, status=403)
        if status != 204:
            return web.json_response({"reason": "LoadingError", "message": "could not load the model"}, status=status)
        loaded.append((await request.json())["model_file"])
        return web.Response(status=204)

    app = web.Application()
    app.router.add_put("/model", put_model)
    return app


@pytest.fixture
def model(tmp_path):
    """A model put in service in a models directory of its own (BOT_MODELS_DIR)."""
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    path = models_dir / "20260101-120000-candidate.tar.gz"
    path.write_bytes(b"not really a model")
    registry.put_in_service(path, "for the test")
    return path


@pytest.fixture
def start(aiohttp_server):
    """Start a Rasa stand-in; returns its base URL and the model files it was asked to load."""

    async def started(status: int = 204) -> tuple[str, list[str]]:
        loaded: list[str] = []
        server = await aiohttp_server(rasa_standin(loaded, status))
        return str(server.make_url("")).rstrip("/"), loaded

    return started


def refused_url(unused_tcp_port_factory) -> str:
    return f"http://127.0.0.1:{unused_tcp_port_factory()}"


async def switch(model, urls, secret=SECRET) -> serving.Switch:
    # The switch blocks (requests, threads) and the stand-ins run on this event loop.
    return await asyncio.to_thread(serving.switch_running, model, urls, secret)


async def test_every_replica_is_switched_and_named_in_the_report(model, start):
    (first, loaded_first), (second, loaded_second) = await start(), await start()
    result = await switch(model, [first, second])
    assert result.switched and result.complete
    assert loaded_first == loaded_second == [str(model.resolve())]
    assert result.message.splitlines() == [
        f"Every Rasa replica now serves {model.name}:",
        f"  {first}: now serves {model.name}",
        f"  {second}: now serves {model.name}",
    ]


async def test_a_replica_that_cannot_load_the_model_makes_the_switch_fail_and_says_which(model, start):
    (good, loaded), (bad, _) = await start(), await start(status=500)
    result = await switch(model, [good, bad])
    assert loaded and not result.switched and not result.complete
    lines = result.message.splitlines()
    assert lines[0] == f"Switch FAILED: {model.name} is in service, but not every running Rasa serves it:"
    assert lines[1] == f"  {good}: now serves {model.name}"
    assert lines[2].startswith(f"  {bad}: could not load {model.name} (HTTP 500)")
    assert "`bot model switch`" in lines[3]


async def test_a_replica_that_is_down_while_another_switched_is_a_mix(model, start, unused_tcp_port_factory):
    (up, _), down = await start(), refused_url(unused_tcp_port_factory)
    result = await switch(model, [up, down])
    assert not result.complete
    assert f"  {down}: not running" in result.message.splitlines()


async def test_a_replica_started_with_another_secret_refuses_and_fails_the_switch(model, start):
    url, loaded = await start()
    result = await switch(model, [url], secret="another-jwt-secret-of-sufficient-length-0123")
    assert not result.complete and loaded == []
    assert f"  {url}: refused the switch (HTTP 401)" in result.message


async def test_nothing_running_is_no_failure_the_next_start_serves_the_model(model, unused_tcp_port_factory):
    urls = [refused_url(unused_tcp_port_factory) for _ in range(2)]
    result = await switch(model, urls)
    assert result.complete and not result.switched
    pulled = f"{model.name} is in service: Rasa servers that poll the model server (bot run --cluster, deploy/)"
    assert result.message.startswith(f"No Rasa replica answered ({', '.join(urls)}). {pulled}")
    assert result.message.endswith("a plain `bot run` serves it when started.")
    single = await switch(model, urls[:1])
    assert single.complete and single.message.startswith(f"No Rasa answered at {urls[0]}. {pulled}")


async def test_bot_model_switch_switches_every_replica_in_bot_rasa_urls(model, start, cli, monkeypatch):
    (first, loaded_first), (second, loaded_second) = await start(), await start()
    monkeypatch.setenv("BOT_MODELS_DIR", str(model.parent))
    monkeypatch.setenv("BOT_RASA_JWT_SECRET", SECRET)
    monkeypatch.setenv("BOT_RASA_URLS", f"{first},{second}")
    code, out, err = await asyncio.to_thread(cli, "model", "switch")
    assert (code, err) == (0, "") and loaded_first == loaded_second == [str(model.resolve())]
    assert f"{first}: now serves {model.name}" in out and f"{second}: now serves {model.name}" in out


async def test_bot_model_switch_exits_non_zero_when_a_replica_failed(model, start, cli, monkeypatch):
    (good, _), (bad, _) = await start(), await start(status=500)
    monkeypatch.setenv("BOT_MODELS_DIR", str(model.parent))
    monkeypatch.setenv("BOT_RASA_JWT_SECRET", SECRET)
    monkeypatch.setenv("BOT_RASA_URLS", f"{good},{bad}")
    code, out, err = await asyncio.to_thread(cli, "model", "switch")
    assert code == 1 and out == ""
    assert err.startswith("Switch FAILED") and f"{bad}: could not load" in err


def test_bot_model_switch_without_a_model_in_service_is_a_usage_error(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("BOT_MODELS_DIR", str(tmp_path))
    code, _, err = cli("model", "switch")
    assert code != 0 and "No model is in service" in err
