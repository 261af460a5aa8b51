"""The web service's two surfaces: the public one (chat, widget, Teams webhook) answers 404 for
every admin and API path, the internal one (admin pages, /api/v1) for every chat path, and
`python -m bot.web` serves each on its own port from one process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from bot.config import settings
from bot.web.app import Surface, create_app

PROJECT = Path(__file__).resolve().parents[2]
BOTH = {"/health", "/health/live"}


def paths(surface: Surface) -> set[str]:
    """Every route of `surface` as a concrete path (placeholders filled in)."""
    app = create_app(replace(settings(), session_secret=""), surface)
    canonical = {resource.canonical for resource in app.router.resources()}
    return {re.sub(r"\{[^}]+\}", "1", path) + ("/x.css" if path.endswith("static") else "") for path in canonical}


def test_the_surfaces_split_every_route_and_share_only_health():
    public, internal, everything = paths(Surface.PUBLIC), paths(Surface.INTERNAL), paths(Surface.ALL)
    assert public & internal == BOTH
    assert public | internal == everything
    assert not {path for path in public if path.startswith(("/admin", "/api/v1"))}
    assert {"/admin/login", "/api/v1/gaps", "/api/v1/openapi.json"} <= internal
    assert {"/", "/widget.js", "/api/messages", "/webhooks/teams/webhook"} <= public


@pytest.fixture
async def surface_clients(aiohttp_client, tmp_path):
    config = replace(settings(), session_secret="", database_url=f"sqlite:///{tmp_path / 'bot.db'}")
    return {
        surface: await aiohttp_client(create_app(config, surface)) for surface in (Surface.PUBLIC, Surface.INTERNAL)
    }


async def test_the_public_surface_answers_404_for_admin_and_api_paths(surface_clients):
    public = surface_clients[Surface.PUBLIC]
    for path in sorted(paths(Surface.INTERNAL) - BOTH) + ["/admin/static/admin.css", "/api/v1/"]:
        for method in ("GET", "POST"):
            response = await public.request(method, path, allow_redirects=False)
            assert response.status == 404, (method, path)
    assert (await public.get("/health/live")).status == 200
    assert (await public.get("/widget.js")).status == 200


async def test_the_internal_surface_serves_admin_and_api_but_not_the_chat(surface_clients):
    internal = surface_clients[Surface.INTERNAL]
    assert (await internal.get("/admin/login")).status == 200
    assert (await internal.get("/admin/static/admin.css")).status == 200
    assert (await internal.get("/api/v1/openapi.json")).status == 200
    assert (await internal.get("/api/v1/gaps")).status == 401  # served, behind a token
    assert (await internal.get("/health/live")).status == 200
    for path in sorted(paths(Surface.PUBLIC) - BOTH):
        assert (await internal.get(path, allow_redirects=False)).status == 404, path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_until_serving(process: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[0]
            try:
                async with client.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)  # polling a server that is starting, not a timing guess
    raise AssertionError(f"{url} did not answer within {timeout} s")


async def test_the_web_process_serves_the_surfaces_on_two_ports(tmp_path):
    public_port, admin_port = free_port(), free_port()
    env = {
        **os.environ,
        "BOT_HOST": "127.0.0.1",
        "BOT_WEB_PORT": str(public_port),
        "BOT_ADMIN_PORT": str(admin_port),
        "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "BOT_SESSION_SECRET": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web"], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        await wait_until_serving(process, f"http://127.0.0.1:{admin_port}/health/live")
        await wait_until_serving(process, f"http://127.0.0.1:{public_port}/health/live")
        async with aiohttp.ClientSession() as client:
            async with client.get(f"http://127.0.0.1:{public_port}/admin/login") as response:
                assert response.status == 404
            async with client.get(f"http://127.0.0.1:{public_port}/api/v1/openapi.json") as response:
                assert response.status == 404
            async with client.get(f"http://127.0.0.1:{admin_port}/admin/login") as response:
                assert response.status == 200
            async with client.get(f"http://127.0.0.1:{admin_port}/widget.js") as response:
                assert response.status == 404
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
        assert process.returncode == 0, output
        assert f"Serving the public surface on http://127.0.0.1:{public_port}/" in output
        assert f"Serving the internal surface on http://127.0.0.1:{admin_port}/" in output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_two_ports_must_differ(tmp_path):
    env = {**os.environ, "BOT_WEB_PORT": "18555", "BOT_ADMIN_PORT": "18555"}
    result = subprocess.run([sys.executable, "-m", "bot.web"], cwd=PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == "BOT_WEB_PORT and BOT_ADMIN_PORT must differ (both are 18555)\n"


def test_a_port_in_use_is_named(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "BOT_HOST": "127.0.0.1",
            "BOT_WEB_PORT": str(free_port()),
            "BOT_ADMIN_PORT": str(port),
            "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        }
        result = subprocess.run([sys.executable, "-m", "bot.web"], cwd=PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert f"Cannot serve the internal surface on 127.0.0.1:{port}: " in result.stderr
    assert "Traceback" not in result.stderr
