"""The web service (`python -m bot.web`) as a process of its own for the security benchmarks, run
from the working tree or, as the baseline, from the `bot/` package of an earlier commit (taken
with `git archive`, so the repository is only read), with its memory read from /proc.
Not a benchmark itself."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from _common import PROJECT_ROOT

BASELINE_REF = "84bae1a"  # main before issue 14's fixes to the web service


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def source_of(ref: str, directory: Path) -> Path:
    """The `bot/` package as it was at `ref`, unpacked under `directory`."""
    archive = subprocess.run(["git", "archive", ref, "bot"], cwd=PROJECT_ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(directory)
    return directory


@dataclass
class WebProcess:
    url: str  # the public surface (the chat)
    admin_url: str  # the internal surface (/admin, /api/v1); the baseline serves both on `url`
    process: subprocess.Popen

    def memory(self) -> dict[str, float]:
        """VmRSS (resident now) and VmHWM (the peak so far) in MiB."""
        found = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) / 1024
        return found


@contextmanager
def web_process(workdir: Path, database_url: str, source: Path | None = None, **env: str) -> Iterator[WebProcess]:
    """`python -m bot.web` on 127.0.0.1 with fresh secrets, from `source` (a directory holding an
    earlier `bot/`) or the working tree; `env` adds settings."""
    port, admin_port = free_port(), free_port()
    environment = {
        **os.environ,
        "BOT_HOST": "127.0.0.1",
        "BOT_WEB_PORT": str(port),
        "BOT_ADMIN_PORT": str(admin_port),
        "BOT_DATABASE_URL": database_url,
        "BOT_TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "BOT_SESSION_SECRET": base64.b64encode(secrets.token_bytes(32)).decode(),
        "BOT_CHANNEL_SECRET": secrets.token_urlsafe(32),
        **env,
    }
    if source is not None:
        environment["PYTHONPATH"] = str(source)
    log = (workdir / f"web-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web"],
        cwd=source or PROJECT_ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    admin_url = url if source is not None else f"http://127.0.0.1:{admin_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the web service did not start:\n{Path(log.name).read_text()[-3000:]}")
            try:
                urllib.request.urlopen(url + "/widget.js", timeout=2)  # served by every version
                break
            except OSError:
                time.sleep(0.2)
        yield WebProcess(url, admin_url, process)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
