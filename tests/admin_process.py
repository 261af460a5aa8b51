"""The admin pages as a process of their own (`python -m bot.web`) on a given database, with one
user made by `bot users add`, for browser tests; `web_process` starts one with any settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant_services import free_port, stop, wait_until_up

from bot.config import PROJECT_ROOT


@contextmanager
def admin_pages_process(db_url: str, user: str, role: str, password: str, workdir: Path) -> Iterator[str]:
    """Yields the base URL of the admin pages; the log is workdir/web.log."""
    port = free_port()
    env = {
        **os.environ,
        "BOT_DATABASE_URL": db_url,
        "BOT_ADMIN_PORT": str(port),
        "BOT_WEB_PORT": str(free_port()),
        "BOT_HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    added = subprocess.run(
        [sys.executable, "-m", "bot.cli", "users", "add", user, "--role", role],
        input=password + "\n",
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    with web_process(env, workdir, f"http://127.0.0.1:{port}/health/live"):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def web_process(env: dict[str, str], workdir: Path, ready_url: str) -> Iterator[None]:
    """`python -m bot.web` with `env`, logging to workdir/web.log, until the block ends; up once
    `ready_url` answers."""
    log = workdir / "web.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    try:
        wait_until_up(ready_url, [process], [log])
        yield
    finally:
        stop([process])
