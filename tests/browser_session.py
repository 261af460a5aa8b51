"""Real headless Chromium (Debian's package) driven by Playwright for Python, with axe-core for
accessibility, as pytest fixtures for every test directory that drives a browser (tests/browser,
tests/cluster: their conftest imports them). Screenshots go to test-artifacts/ (git-ignored; CI
keeps them)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from assistant_services import free_port

from bot.config import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium; skipped with a reason where no Chromium is installed.

    Per module, not per session: Playwright's sync API keeps an event loop running in the main
    thread while it is open, and async tests collected after the browser tests could not start.
    """
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def accessible(page, accessibility_violations) -> None:
    """Fails with axe-core's serious and critical violations on the page, if any."""
    violations = accessibility_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


@pytest.fixture
def accessibility_violations():
    """serious_accessibility_violations as a fixture: `from conftest import ...` finds another
    directory's conftest when tests from several directories run together."""
    return serious_accessibility_violations


@contextlib.contextmanager
def served_from_a_thread(app: web.Application) -> Iterator[str]:
    """The aiohttp app served on a free local port from a thread (the browser tests drive it); yields its base URL."""
    port, loop, started = free_port(), asyncio.new_event_loop(), threading.Event()
    runner = web.AppRunner(app)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(30), "the web app did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
