"""`bot run`: the action server, Rasa and our web service in the foreground, with labelled logs.

Ctrl-C (or SIGTERM) stops all three; if one of them dies, the others are stopped too.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings

COLOURS = {"actions": "\033[36m", "rasa": "\033[35m", "web": "\033[32m"}
RESET = "\033[0m"
STOP_GRACE_SECONDS = 10


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]


def services(config: Settings, model: Path) -> list[Service]:
    """The three services; Rasa's HTTP API only behind JWT, so `bot train` can switch its model."""
    from bot.training.serving import jwt_secret

    bin_dir = Path(sys.executable).parent
    return [
        Service("actions", [str(bin_dir / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(config.action_port)]),
        Service("rasa", [
            str(bin_dir / "rasa"), "run", "--model", str(model), "--port", str(config.rasa_port),
            "--interface", "127.0.0.1", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
            "--enable-api", "--jwt-secret", jwt_secret(),
        ]),
        Service("web", [str(bin_dir / "python"), "-m", "bot.web"]),
    ]


def _label(name: str, width: int) -> str:
    text = f"[{name:<{width}}]"
    return f"{COLOURS.get(name, '')}{text}{RESET}" if sys.stdout.isatty() else text


async def _pipe(name: str, width: int, stream: asyncio.StreamReader) -> None:
    label = _label(name, width)
    while line := await stream.readline():
        sys.stdout.write(f"{label} {line.decode('utf-8', 'replace').rstrip()}\n")
        sys.stdout.flush()


def service_environment(config: Settings) -> dict[str, str]:
    """The environment every service gets: ours plus the ports endpoints.yml refers to."""
    return {
        **os.environ, "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
        "BOT_ACTION_PORT": str(config.action_port), "BOT_RASA_PORT": str(config.rasa_port),
        "SANIC_HOST": "127.0.0.1",  # rasa-sdk binds the action server to this (its default is 0.0.0.0)
        "BOT_WEB_PORT": str(config.web_port), "BOT_TRACKER_STORE_URL": config.tracker_store_url,
        "BOT_DATABASE_URL": config.database_url,
    }


async def run_all(service_list: list[Service], env: dict[str, str]) -> int:
    width = max(len(s.name) for s in service_list)
    processes: dict[str, asyncio.subprocess.Process] = {}
    pipes = []
    for service in service_list:
        process = await asyncio.create_subprocess_exec(
            *service.command, cwd=PROJECT_ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True,
        )
        processes[service.name] = process
        pipes.append(asyncio.create_task(_pipe(service.name, width, process.stdout)))

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
    await asyncio.gather(*pipes, return_exceptions=True)
    return exit_code
