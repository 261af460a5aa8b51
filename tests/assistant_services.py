"""The real services for slow tests, shared by every test directory (registered as a plugin in the
root conftest, so the model is trained once and the assistant started once per test run): a
trained model, a seeded SQLite catalogue, the assistant (action server + Rasa with that model) and
our web service in front of it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import requests

from bot import runner, throwaway
from bot.config import PROJECT_ROOT, settings
from bot.service_secrets import HEADER
from bot.training import model as training
from bot.training import registry
from bot.training.project import Project

STARTUP_SECONDS = 180
# The services' shared secrets in every test run (so nothing is generated into the project's var/).
SECRETS = {
    "BOT_CHANNEL_SECRET": "test-channel-secret-" + "c" * 20,
    "BOT_ACTION_SECRET": "test-action-secret-" + "a" * 20,
    "BOT_RASA_JWT_SECRET": "test-rasa-jwt-secret-" + "j" * 20,
    "BOT_MODEL_SERVER_TOKEN": "test-model-server-token-" + "m" * 20,
}
CHANNEL_HEADERS = {HEADER: SECRETS["BOT_CHANNEL_SECRET"]}  # what our web service sends to Rasa's REST channel


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seeded_database(path: Path) -> str:
    """A SQLite database at `path` holding the seed catalogue; returns its URL."""
    return throwaway.seeded(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory) -> Path:
    """The project's model, trained once for the whole test run."""
    return training.train(Project(models_dir=tmp_path_factory.mktemp("models")))


@pytest.fixture(scope="session")
def seeded_db_url(tmp_path_factory) -> str:
    return seeded_database(tmp_path_factory.mktemp("db") / "catalogue.db")


@dataclass
class Assistant:
    rasa_url: str
    action_url: str
    db_url: str
    workdir: Path
    logs: list[Path]

    @property
    def tracker_store_url(self) -> str:
        return f"sqlite:///{self.workdir / 'tracker.db'}"

    def ask(self, sender: str, text: str) -> list[dict]:
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers=CHANNEL_HEADERS,
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def texts(self, sender: str, text: str) -> str:
        return "\n".join(reply.get("text", "") for reply in self.ask(sender, text))


def wait_until_up(url: str, processes: list[subprocess.Popen], logs: list[Path]) -> None:
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
        time.sleep(0.2)  # polling a condition, with the deadline above
    raise RuntimeError(
        f"{url} not up after {STARTUP_SECONDS} s:\n" + "\n".join(log.read_text()[-3000:] for log in logs)
    )


def start(service: runner.Service, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`service` as `bot run` starts it, with its output in `log`."""
    return subprocess.Popen(
        service.command, cwd=PROJECT_ROOT, env={**env, **service.env}, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def service_environment(**changes) -> dict[str, str]:
    """`bot run`'s environment for the services, with the test secrets and `changes` to the settings."""
    return runner.service_environment(
        replace(
            settings(),
            **{
                "channel_secret": SECRETS["BOT_CHANNEL_SECRET"],
                "action_secret": SECRETS["BOT_ACTION_SECRET"],
                "rasa_jwt_secret": SECRETS["BOT_RASA_JWT_SECRET"],
                **changes,
            },
        )
    )


@contextmanager
def running_assistant(
    model: Path,
    db_url: str,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    jwt_secret: str = SECRETS["BOT_RASA_JWT_SECRET"],
) -> Iterator[Assistant]:
    """The action server and Rasa (all channels of credentials.yml, the HTTP API behind `jwt_secret`)
    with `model` on `db_url`, as `bot run` starts them; `extra_env` adds to their environment."""
    rasa_port, action_port = free_port(), free_port()
    env = {
        **service_environment(
            database_url=db_url,
            tracker_store_url=f"sqlite:///{workdir / 'tracker.db'}",
            rasa_port=rasa_port,
            action_port=action_port,
            rasa_jwt_secret=jwt_secret,
        ),
        "BOT_SPOOL_DIR": str(workdir / "spool"),
        **(extra_env or {}),
    }
    services = [
        runner.actions_service("actions", action_port),
        runner.rasa_service("rasa", model, rasa_port, "endpoints.yml"),
    ]
    logs = [workdir / f"{service.name}.log" for service in services]
    processes = [start(service, env, log) for service, log in zip(services, logs)]
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/health", processes, logs)
        # /version needs no authentication (/status does with the JWT secret); Rasa loads the
        # model before it answers any request, so it is up with its model when /version answers.
        wait_until_up(f"http://127.0.0.1:{rasa_port}/version", processes, logs)
        yield Assistant(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", db_url, workdir, logs)
    finally:
        stop(processes)


def stop(processes: list[subprocess.Popen]) -> None:
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


@dataclass
class WebService:
    url: str
    assistant: Assistant
    admin_url: str = ""  # the internal surface (/admin, /api/v1)


@pytest.fixture(scope="session")
def web_service(assistant, tmp_path_factory) -> Iterator[WebService]:
    """Our web service (`python -m bot.web`, chat page and relay) in front of the shared assistant."""
    with running_web_service(assistant, tmp_path_factory.mktemp("web")) as web:
        yield web


@contextmanager
def running_web_service(assistant: Assistant, workdir: Path) -> Iterator[WebService]:
    """Our web service (`python -m bot.web`, chat page and relay) in front of `assistant`."""
    port, admin_port = free_port(), free_port()
    env = {
        **service_environment(
            web_port=port,
            admin_port=admin_port,
            rasa_port=int(assistant.rasa_url.rsplit(":", 1)[1]),
            tracker_store_url=assistant.tracker_store_url,
            database_url=assistant.db_url,
        ),
        "BOT_HOST": "127.0.0.1",
    }
    log = workdir / "web.log"
    process = start(runner.web_service(port), env, log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", [process], [log])
        yield WebService(f"http://127.0.0.1:{port}", assistant, f"http://127.0.0.1:{admin_port}")
    finally:
        stop([process])


# --- the cluster (`bot run --cluster`) and its single-stack baseline (`bot run`) ---------------------


def free_port_pair() -> int:
    """A port p with p + 1 free too (`bot run --cluster` numbers the replicas' ports upwards)."""
    for _ in range(50):
        port = free_port()
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two free ports in a row")


@contextmanager
def flushed_redis_db(redis_url: str, index: int) -> Iterator[str]:
    """Redis database `index` of the server of `redis_url`, emptied before and after use."""
    from urllib.parse import urlsplit, urlunsplit

    import redis

    url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{index}"))
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@dataclass
class Stack:
    """`bot run` or `bot run --cluster` started as the user starts it."""

    web_url: str
    rasa_urls: list[str]
    action_urls: list[str]
    db_url: str
    tracker_store_url: str
    log: Path
    pid: int  # of the `bot run` process, the parent of every service
    models_dir: Path  # BOT_MODELS_DIR: its model in service is what the cluster's Rasa servers pull
    admin_url: str = ""  # the web service's internal surface (/admin, /api/v1, the model server)
    env: dict[str, str] | None = None  # the environment the stack was started with


@contextmanager
def running_stack(
    model: Path,
    db_url: str,
    tracker_store_url: str,
    workdir: Path,
    replicas: int = 2,
    cluster: bool = True,
    lock_store_url: str = "",
    wrapper: Sequence[str] = (),
) -> Iterator[Stack]:
    """`bot run --cluster --replicas N` (or plain `bot run`, one of each) with `model` (in service in
    workdir/models), the catalogue database `db_url` (upgraded and seeded here) and the tracker store
    `tracker_store_url`. `wrapper` goes in front of the command (e.g. a read-only mount namespace)."""
    models_dir = workdir / "models"
    registry.serve_alone(model, models_dir)
    throwaway.seeded(db_url)
    count = replicas if cluster else 1
    web_port, admin_port, rasa_port, action_port = free_port(), free_port(), free_port_pair(), free_port_pair()
    env = {
        **os.environ,
        "BOT_DATABASE_URL": db_url,
        "BOT_TRACKER_STORE_URL": tracker_store_url,
        "BOT_LOCK_STORE_URL": lock_store_url,
        "BOT_WEB_PORT": str(web_port),
        "BOT_ADMIN_PORT": str(admin_port),
        "BOT_MODELS_DIR": str(models_dir),
        "BOT_RASA_PORT": str(rasa_port),
        "BOT_ACTION_PORT": str(action_port),
        "BOT_HOST": "127.0.0.1",
        "BOT_SPOOL_DIR": str(workdir / "spool"),
        **SECRETS,
    }
    env.pop("BOT_RASA_URLS", None)
    command = [*wrapper, str(Path(sys.executable).parent / "bot"), "run", "--model", str(model)]
    if cluster:
        command += ["--cluster", "--replicas", str(replicas)]
    log = workdir / "stack.log"
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    rasa_urls = [f"http://127.0.0.1:{rasa_port + n}" for n in range(count)]
    action_urls = [f"http://127.0.0.1:{action_port + n}" for n in range(count)]
    try:
        for url in [
            *(f"{a}/health" for a in action_urls),
            *(f"{r}/version" for r in rasa_urls),
            f"http://127.0.0.1:{web_port}/health",
        ]:
            wait_until_up(url, [process], [log])
        yield Stack(
            f"http://127.0.0.1:{web_port}",
            rasa_urls,
            action_urls,
            db_url,
            tracker_store_url,
            log,
            process.pid,
            models_dir,
            f"http://127.0.0.1:{admin_port}",
            env,
        )
    finally:
        stop([process])  # SIGTERM: `bot run` stops every service it started
