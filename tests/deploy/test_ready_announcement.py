"""`bot run` says when the assistant is ready: once every service's readiness URL answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot import runner
from bot.config import settings


async def serving(status: int) -> TestServer:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, text="ok")

    app = web.Application()
    app.router.add_get("/health", answer)
    server = TestServer(app)
    await server.start_server()
    return server


async def test_the_address_is_printed_once_every_service_answers(capsys):
    first, second = await serving(200), await serving(200)
    try:
        ready = await runner.announce_when_ready(
            [str(first.make_url("/health")), str(second.make_url("/health"))], "http://localhost:8080/", wait_seconds=10
        )
    finally:
        await first.close()
        await second.close()
    assert ready
    assert capsys.readouterr().out == "Digihjelpen is ready: open http://localhost:8080/\n"


async def test_a_service_that_fails_or_is_not_there_is_named_instead(capsys):
    failing = await serving(503)
    try:
        ready = await runner.announce_when_ready(
            [str(failing.make_url("/health")), "http://127.0.0.1:9/health"], "http://localhost:8080/", wait_seconds=1
        )
    finally:
        await failing.close()
    out = capsys.readouterr().out
    assert not ready and "Digihjelpen is ready" not in out
    assert out.startswith("Not ready after 1 s: ") and "127.0.0.1:9/health" in out


def test_every_service_has_a_readiness_url(tmp_path: Path):
    config = settings()
    for service in runner.services(config, tmp_path / "model.tar.gz"):
        if service.name == "trainer":  # the training worker serves nothing
            assert service.ready_url is None
            continue
        assert service.ready_url and service.ready_url.startswith("http://127.0.0.1:")
    web_service = runner.services(config, tmp_path / "model.tar.gz")[-1]
    assert web_service.ready_url == f"http://127.0.0.1:{config.web_port}/health"


def test_both_surfaces_are_named():
    config = replace(settings(), host="127.0.0.1", web_port=8080, admin_port=8081)
    assert runner.addresses(config) == "http://localhost:8080/ (admin pages: http://localhost:8081/admin/)"
    on_a_host = replace(config, host="10.1.2.3", web_port=9000, admin_port=9001)
    assert runner.addresses(on_a_host) == "http://10.1.2.3:9000/ (admin pages: http://10.1.2.3:9001/admin/)"
    assert runner.service_environment(config)["BOT_ADMIN_PORT"] == "8081"
