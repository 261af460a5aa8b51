"""Fixtures for the slow end-to-end tests: a model trained once per test run, and the real
assistant (action server + Rasa with that model) running against a seeded SQLite catalogue."""

from __future__ import annotations

import os
import uuid
import socket
from contextlib import contextmanager
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests
from sqlalchemy import create_engine, text

from bot import db
from bot.catalogue import store
from bot.config import PROJECT_ROOT
from bot.training import model as training

SEED = PROJECT_ROOT / "data" / "catalogue" / "tools.yml"
STARTUP_SECONDS = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seeded_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    db.upgrade(url)
    with db.session_scope(url) as session:
        store.load_and_import(session, SEED.read_text(encoding="utf-8"), str(SEED))
    return url


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory) -> Path:
    """The project's model, trained once for the whole test run."""
    return training.train(models_dir=tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def seeded_db_url(tmp_path_factory) -> str:
    return seeded_database(tmp_path_factory.mktemp("db") / "catalogue.db")


@dataclass
class Assistant:
    rasa_url: str
    db_url: str
    workdir: Path
    logs: list[Path]

    def ask(self, sender: str, text: str) -> list[dict]:
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def texts(self, sender: str, text: str) -> str:
        return "\n".join(reply.get("text", "") for reply in self.ask(sender, text))


def _wait_until_up(url: str, processes: list[subprocess.Popen], logs: list[Path]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs):
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not up after {STARTUP_SECONDS} s:\n" + "\n".join(l.read_text()[-3000:] for l in logs))


@contextmanager
def running_assistant(model: Path, db_url: str, workdir: Path) -> Iterator[Assistant]:
    """The action server and Rasa (REST channel) with `model` on `db_url`, as `make run` starts them."""
    rasa_port, action_port = free_port(), free_port()
    env = {
        **os.environ, "BOT_DATABASE_URL": db_url, "BOT_ACTION_PORT": str(action_port),
        "BOT_RASA_PORT": str(rasa_port), "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "BOT_TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}", "BOT_SPOOL_DIR": str(workdir / "spool"),
    }
    bin_dir = Path(sys.executable).parent
    commands = [
        [str(bin_dir / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
        [
            str(bin_dir / "rasa"), "run", "--model", str(model), "--port", str(rasa_port),
            "--interface", "127.0.0.1", "--enable-api", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
        ],
    ]
    processes, logs = [], []
    for number, command in enumerate(commands):
        log = workdir / f"service{number}.log"
        logs.append(log)
        processes.append(subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT))
    try:
        _wait_until_up(f"http://127.0.0.1:{action_port}/health", processes, logs)
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/status", processes, logs)
        yield Assistant(f"http://127.0.0.1:{rasa_port}", db_url, workdir, logs)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def assistant(trained_model, seeded_db_url, tmp_path_factory):
    """The assistant on a seeded SQLite catalogue, shared by the end-to-end tests."""
    with running_assistant(trained_model, seeded_db_url, tmp_path_factory.mktemp("assistant")) as running:
        yield running


@pytest.fixture
def postgres_assistant(trained_model, tmp_path):
    """The assistant on its own PostgreSQL database, which the test can take away and give back."""
    admin_url = os.environ.get("BOT_TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("BOT_TEST_POSTGRES_URL not set: PostgreSQL outage test skipped")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    name = f"digihjelpen_e2e_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    db.upgrade(url)
    with db.session_scope(url) as session:
        store.load_and_import(session, SEED.read_text(encoding="utf-8"), str(SEED))

    def set_connections(allowed: bool) -> None:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:
                connection.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))

    try:
        with running_assistant(trained_model, url, tmp_path) as running:
            yield running, set_connections
    finally:
        set_connections(True)
        db.engine_for(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
