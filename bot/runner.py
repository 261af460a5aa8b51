"""`bot run`: the action server, Rasa and our web service in the foreground, with labelled logs.

`bot run` also starts the training worker (`bot training worker`), so a local run trains the
versions trainers ask for on the trainer page and switches its Rasa to a promoted one.

`bot run --cluster` starts the production topology on this machine instead: two action servers and
two Rasa servers (each Rasa with its own action server) on PostgreSQL and Redis
(deploy/endpoints.production.yml), and the web service relaying to both Rasa servers.

Ctrl-C (or SIGTERM) stops every service; if one of them dies, the others are stopped too.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import PROJECT_ROOT, Settings
from bot.service_secrets import action_secret, channel_secret, jwt_secret, model_server_token
from bot.web.model_server import PATH as MODEL_SERVER_PATH

COLOURS = {"actions": "\033[36m", "rasa": "\033[35m", "web": "\033[32m", "trainer": "\033[33m"}
CLUSTER_ENDPOINTS = "deploy/endpoints.production.yml"
RESET = "\033[0m"
STOP_GRACE_SECONDS = 10
READY_WAIT_SECONDS = 300  # how long `bot run` waits for every service to answer before it says so
# The Rasa servers a running `bot run` started, so `bot train` in another shell switches them all.


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)  # added to the shared environment
    ready_url: str | None = None  # answers (without a server error) once the service serves


def actions_service(name: str, port: int) -> Service:
    """The action server (bot/action_server.py): rasa-sdk's app behind BOT_ACTION_SECRET."""
    return Service(
        name,
        [str(Path(sys.executable).parent / "python"), "-m", "bot.action_server", "--port", str(port)],
        ready_url=f"http://127.0.0.1:{port}/health",
    )


def rasa_service(name: str, model: Path, port: int, endpoints: str, env: dict[str, str] | None = None) -> Service:
    """Rasa (bot/rasa_server.py) with its HTTP API only behind BOT_RASA_JWT_SECRET, so `bot train` can
    switch its model. The secret travels in the environment (service_environment), never in the
    command line, which every local user can read."""
    return Service(
        name,
        [
            str(Path(sys.executable).parent / "python"),
            "-m",
            "bot.rasa_server",
            "--model",
            str(model),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--endpoints",
            endpoints,
            "--credentials",
            "credentials.yml",
        ],
        env or {},
        ready_url=f"http://127.0.0.1:{port}/version",
    )  # /version is open even behind JWT


def training_worker_service() -> Service:
    """`bot training worker`: runs the trainings queued on the trainer page (bot/training/worker.py)."""
    return Service("trainer", [str(Path(sys.executable).parent / "python"), "-m", "bot.cli", "training", "worker"])


def web_service(port: int, env: dict[str, str] | None = None) -> Service:
    return Service(
        "web",
        [str(Path(sys.executable).parent / "python"), "-m", "bot.web"],
        env or {},
        ready_url=f"http://127.0.0.1:{port}/health",
    )


def addresses(config: Settings) -> str:
    """Where `bot run` serves the chat (public surface) and the admin pages (internal surface)."""
    host = "localhost" if config.host in ("127.0.0.1", "0.0.0.0") else config.host
    return f"http://{host}:{config.web_port}/ (admin pages: http://{host}:{config.admin_port}/admin/)"


def services(config: Settings, model: Path) -> list[Service]:
    """The services of `bot run`: the training worker, the action server, Rasa and the web service."""
    return [
        training_worker_service(),
        actions_service("actions", config.action_port),
        rasa_service("rasa", model, config.rasa_port, "endpoints.yml"),
        web_service(config.web_port),
    ]


def lock_store_environment(url: str) -> dict[str, str]:
    """The BOT_REDIS_* variables deploy/endpoints.production.yml reads, from a redis:// URL."""
    parts = urlsplit(url)
    if parts.scheme != "redis" or not parts.hostname:
        raise ValueError(f"BOT_LOCK_STORE_URL must look like redis://[:password@]host[:port][/db], got {url!r}")
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise ValueError(f"the Redis database in BOT_LOCK_STORE_URL must be a number, got {database!r}")
    return {
        "BOT_REDIS_HOST": parts.hostname,
        "BOT_REDIS_PORT": str(parts.port or 6379),
        "BOT_REDIS_PASSWORD": parts.password or "",
        "BOT_REDIS_DB": database,
    }


def cluster_problems(config: Settings) -> list[str]:
    """Why `bot run --cluster` cannot run with these settings (empty when it can)."""
    problems = [
        f"{name} must name a PostgreSQL database (the replicas share it), got {url.split(':', 1)[0]}:…"
        for name, url in (
            ("BOT_DATABASE_URL", config.database_url),
            ("BOT_TRACKER_STORE_URL", config.tracker_store_url),
        )
        if not url.startswith("postgresql")
    ]
    try:
        lock_store_environment(config.lock_store_url)
    except ValueError as error:
        problems.append(str(error))
    return problems


def cluster_services(config: Settings, model: Path, replicas: int = 2) -> list[Service]:
    """`replicas` action servers and Rasa servers (ports BOT_ACTION_PORT + i and BOT_RASA_PORT + i;
    Rasa i calls action server i) on the production endpoints, and the web service relaying to
    every Rasa server by conversation (bot/web/upstreams.py). Every Rasa polls the web service's
    model server (bot/web/model_server.py) for the model in service, as in deploy/."""
    lock_store = lock_store_environment(config.lock_store_url)
    result, rasa_urls, action_urls = [], [], []
    for number in range(replicas):
        action_port, rasa_port = config.action_port + number, config.rasa_port + number
        result.append(actions_service(f"actions-{number + 1}", action_port))
        action_urls.append(f"http://127.0.0.1:{action_port}")
        result.append(
            rasa_service(
                f"rasa-{number + 1}",
                model,
                rasa_port,
                CLUSTER_ENDPOINTS,
                {
                    "BOT_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
                    **lock_store,
                    "BOT_MODEL_SERVER_URL": f"http://127.0.0.1:{config.admin_port}{MODEL_SERVER_PATH}",
                    "BOT_MODEL_PULL_SECONDS": str(config.model_pull_seconds),
                },
            )
        )
        rasa_urls.append(f"http://127.0.0.1:{rasa_port}")
    web_env = {"BOT_RASA_URLS": ",".join(rasa_urls), "BOT_ACTION_SERVER_URLS": ",".join(action_urls)}
    result.append(web_service(config.web_port, web_env))
    return result


def rasa_urls_of(service_list: list[Service], config: Settings) -> tuple[str, ...]:
    """The Rasa servers among `service_list`: what the web service relays to."""
    web = next((s for s in service_list if s.name == "web"), None)
    listed = web.env.get("BOT_RASA_URLS", "") if web else ""
    return tuple(url for url in listed.split(",") if url) or config.rasa_urls


def _label(name: str, width: int) -> str:
    text = f"[{name:<{width}}]"
    return f"{COLOURS.get(name.split('-')[0], '')}{text}{RESET}" if sys.stdout.isatty() else text


async def _pipe(name: str, width: int, stream: asyncio.StreamReader) -> None:
    label = _label(name, width)
    while line := await stream.readline():
        sys.stdout.write(f"{label} {line.decode('utf-8', 'replace').rstrip()}\n")
        sys.stdout.flush()


def service_environment(config: Settings) -> dict[str, str]:
    """The environment every service gets: ours plus the ports and secrets endpoints.yml refers to,
    and Rasa's JWT secret (bot/rasa_server.py reads it from here). The secrets are settled here,
    before the services start, so that all of them share one."""
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "BOT_ACTION_PORT": str(config.action_port),
        "BOT_RASA_PORT": str(config.rasa_port),
        "SANIC_HOST": "127.0.0.1",  # rasa-sdk binds the action server to this (its default is 0.0.0.0)
        "BOT_WEB_PORT": str(config.web_port),
        "BOT_ADMIN_PORT": str(config.admin_port),
        "BOT_TRACKER_STORE_URL": config.tracker_store_url,
        "BOT_DATABASE_URL": config.database_url,
        "BOT_CHANNEL_SECRET": channel_secret(config),
        "BOT_ACTION_SECRET": action_secret(config),
        "BOT_RASA_JWT_SECRET": jwt_secret(config),
        "BOT_MODEL_SERVER_TOKEN": model_server_token(config),
    }


async def announce_when_ready(urls: list[str], address: str, wait_seconds: float = READY_WAIT_SECONDS) -> bool:
    """Print `address` once every URL answers without a server error; say which did not if they
    have not within `wait_seconds`. True when all answered."""
    import aiohttp

    loop = asyncio.get_running_loop()
    deadline, waiting = loop.time() + wait_seconds, list(urls)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as client:
        while waiting and loop.time() < deadline:
            still = []
            for url in waiting:
                try:
                    async with client.get(url) as response:
                        if response.status >= 500:
                            still.append(url)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    still.append(url)
            waiting = still
            if waiting:
                await asyncio.sleep(0.5)
    if waiting:
        print(f"Not ready after {wait_seconds:.0f} s: {', '.join(waiting)} (see the logs above).", flush=True)
        return False
    print(f"Digihjelpen is ready: open {address}", flush=True)
    return True


async def run_all(service_list: list[Service], env: dict[str, str], address: str | None = None) -> int:
    """Run the services until one stops or Ctrl-C; with `address`, print it once all of them serve."""
    width = max(len(s.name) for s in service_list)
    processes: dict[str, asyncio.subprocess.Process] = {}
    pipes = []
    for service in service_list:
        process = await asyncio.create_subprocess_exec(
            *service.command,
            cwd=PROJECT_ROOT,
            env={**env, **service.env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        processes[service.name] = process
        assert process.stdout is not None  # stdout=PIPE above
        pipes.append(asyncio.create_task(_pipe(service.name, width, process.stdout)))

    ready_urls = [service.ready_url for service in service_list if service.ready_url]
    ready = asyncio.create_task(announce_when_ready(ready_urls, address)) if address else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    waiters = {asyncio.create_task(p.wait()): name for name, p in processes.items()}
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopper, *waiters], return_when=asyncio.FIRST_COMPLETED)
    exit_code = 0
    for task in done:
        if task in waiters:
            print(f"{_label(waiters[task], width)} exited with code {task.result()}; stopping the others.", flush=True)
            exit_code = 1
    for process in processes.values():
        if process.returncode is None:
            os.killpg(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.gather(*(p.wait() for p in processes.values())), STOP_GRACE_SECONDS)
    except asyncio.TimeoutError:
        for process in processes.values():
            if process.returncode is None:
                os.killpg(process.pid, signal.SIGKILL)
    if ready is not None:
        ready.cancel()
    await asyncio.gather(*pipes, *([ready] if ready else []), return_exceptions=True)
    return exit_code
