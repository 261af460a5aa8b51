"""The assistant's services for the benchmarks that run them (load.py, faults.py, hostile_soak.py),
not a benchmark itself: private PostgreSQL and Redis servers, the services of `bot run` or
`bot run --cluster` started one by one (so a benchmark can kill and restart a single one), the
model they serve, their memory, and scripted conversations with their integrity checks."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import requests
from _common import PROJECT_ROOT
from sqlalchemy import create_engine, text

from bot import db

STARTUP_SECONDS = 300
COOKIE = "dh_conversation"
BENCH_MODELS = PROJECT_ROOT / "bench" / "results" / "models"


def free_ports(count: int = 1) -> int:
    """The first of `count` free ports in a row (`bot run --cluster` numbers replicas upwards)."""
    for _ in range(100):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
        try:
            for offset in range(1, count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port + offset))
            return port
        except OSError:
            continue
    raise RuntimeError(f"no {count} free ports in a row")


def serving_model(requested: str | None) -> Path:
    """`requested`, else the model in service if it matches the training inputs, else the newest
    matching model in bench/results/models/, else one trained there now (models/ is not touched)."""
    from bot.config import settings
    from bot.training import model as training
    from bot.training.project import Project
    from bot.training.registry import in_service

    if requested:
        return Path(requested).resolve()
    current = [
        m
        for m in [in_service(settings().models_dir), *sorted(BENCH_MODELS.glob("*.tar.gz"), reverse=True)]
        if m is not None and training.is_current(m)
    ]
    if current:
        return current[0]
    print("no model matches the training inputs: training one into bench/results/models/", flush=True)
    return training.train(Project(models_dir=BENCH_MODELS))


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB (VmRSS from /proc)."""
    total_kb, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total_kb / 1024


# --- private database and lock servers ------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL server of our own in a temporary directory, which a benchmark may stop and
    restart without touching anyone else's; deleted on exit. initdb and postgres refuse to run as
    root, so as root they run as the `postgres` user."""

    def __init__(self) -> None:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not versions:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = versions[-1].parent
        self.port = free_ports()
        self.directory = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
        self.data = self.directory / "data"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed:\n{result.stdout}{result.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        db.create_database(self.url(name))
        return self.url(name)

    def __enter__(self) -> PrivatePostgres:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        except RuntimeError:
            pass  # already stopped
        shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    """A Redis server of our own (no persistence) for Rasa's lock store, stopped on exit."""

    def __init__(self) -> None:
        self.port = free_ports()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


# --- the services -----------------------------------------------------------------------------------


class Stack:
    """The services of `bot run --cluster` (or of `bot run` when replicas is 0), with the commands
    and environment bot.runner gives them, each started as its own process group so that one can
    be killed and restarted. Logs go to `workdir`."""

    def __init__(
        self,
        model: Path,
        db_url: str,
        tracker_store_url: str,
        workdir: Path,
        *,
        replicas: int = 2,
        lock_store_url: str = "",
    ) -> None:
        from bot.config import settings
        from bot.runner import cluster_services, service_environment, services
        from bot.training.registry import serve_alone

        port_block = max(replicas, 1)
        models_dir = workdir / "models"  # the cluster's Rasa servers pull the model in service from the web service
        serve_alone(model, models_dir)
        self.config = dataclasses.replace(
            settings(),
            models_dir=models_dir,
            admin_port=free_ports(),
            database_url=db_url,
            tracker_store_url=tracker_store_url,
            host="127.0.0.1",
            web_port=free_ports(),
            rasa_port=free_ports(port_block),
            action_port=free_ports(port_block),
            rasa_replicas=(),
            lock_store_url=lock_store_url or settings().lock_store_url,
        )
        self.workdir = workdir
        self.spool_dir = workdir / "spool"
        self.env = {
            **service_environment(self.config),
            "BOT_SPOOL_DIR": str(self.spool_dir),
            "BOT_MODELS_DIR": str(models_dir),
        }
        self.env.pop("BOT_RASA_URLS", None)
        chosen = cluster_services(self.config, model, replicas) if replicas else services(self.config, model)
        self.services = {service.name: service for service in chosen}
        self.processes: dict[str, subprocess.Popen] = {}

    def _number(self, name: str) -> int:
        return int(name.rsplit("-", 1)[1]) - 1 if "-" in name else 0

    def health_url(self, name: str) -> str:
        kind = name.split("-")[0]
        if kind == "actions":
            return f"http://127.0.0.1:{self.config.action_port + self._number(name)}/health"
        if kind == "rasa":
            return f"{self.rasa_url(name)}/version"  # answers once the model is loaded, without a token
        return f"{self.web_url}/health"

    def rasa_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.config.rasa_port + self._number(name)}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.config.web_port}"

    def names(self, kind: str) -> list[str]:
        return [name for name in self.services if name.split("-")[0] == kind]

    def start(self, name: str) -> None:
        service = self.services[name]
        log = (self.workdir / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(
            service.command,
            cwd=PROJECT_ROOT,
            env={**self.env, **service.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self, name: str) -> float:
        """Seconds until `name` answers its health check."""
        started = time.monotonic()
        url = self.health_url(name)
        while time.monotonic() - started < STARTUP_SECONDS:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{(self.workdir / f'{name}.log').read_text()[-4000:]}")
            try:
                if requests.get(url, timeout=2).ok:
                    return time.monotonic() - started
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{name} not up after {STARTUP_SECONDS} s")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait()

    def alive(self) -> dict[str, bool]:
        return {name: process.poll() is None for name, process in self.processes.items()}

    def memory(self) -> dict[str, float]:
        return {name: rss_mb(process.pid) for name, process in self.processes.items()}

    def __enter__(self) -> Stack:
        for name in self.services:
            self.start(name)
        try:
            for name in self.services:
                self.wait_until_up(name)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name in self.processes:
            try:
                self.processes[name].wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(name)


# --- scripted conversations and their integrity ----------------------------------------------------

# "hva er <lower-case name>?" answers with the name; the access answer says "tilgang til <name>".
TOOLS = [
    "Microsoft Teams",
    "Microsoft Outlook",
    "Microsoft Word",
    "Microsoft Excel",
    "OneDrive",
    "Visma HRM",
    "GAT",
    "Elements",
    "Unit4 ERP",
    "Gerica",
    "CosDoc",
    "Vigilo",
    "itslearning",
    "Bitwarden",
    "Altinn",
    "Power BI",
    "Puzzel",
    "Mercell",
    "Compilo",
    "Questback",
    "Kommunekart",
    "SvarUt",
]
# "kan jeg bruke <lower-case name>?" answers "<name> er ikke godkjent" and records one gap.
PRIVATE = ["Dropbox", "WhatsApp", "Slack", "Trello", "Notion", "Padlet", "Canva"]
PRIVATE_TURNS = (2, 12)  # a conversation with a private tool names it twice: still one gap record
MANY_PRIVATE_TURNS = (2, 7, 12, 17)  # every conversation, four times: still one gap record each


@dataclass
class Turn:
    question: str
    expected: str  # text the reply must contain
    started: float = 0.0  # time.monotonic() when sent
    seconds: float = 0.0
    status: str = ""  # "200", "HTTP 502", or the client error's name
    reply: str = ""  # the replies' text, or the error message the employee was shown

    @property
    def ok(self) -> bool:
        return self.status == "200" and self.expected in self.reply


@dataclass
class Conversation:
    number: int
    turns: list[Turn]
    private: str | None
    sender: str = ""

    @property
    def sent(self) -> list[Turn]:
        return [turn for turn in self.turns if turn.status]

    @property
    def private_turns(self) -> list[Turn]:
        return [turn for turn in self.turns if self.private and turn.expected.startswith(self.private)]

    @property
    def errors(self) -> list[Turn]:
        return [turn for turn in self.sent if turn.status != "200"]

    @property
    def wrong(self) -> list[Turn]:
        """Answered turns without the expected text."""
        return [turn for turn in self.sent if turn.status == "200" and turn.expected not in turn.reply]


def script(number: int, turns: int, private_turns: tuple[int, ...] = PRIVATE_TURNS) -> Conversation:
    """Conversation `number`: two tools of its own asked about in turn, "det" referring to the last
    one, and a private tool named at `private_turns` (each 5 apart) on every even number, or on
    every number when there are more than two such turns."""
    tools = [TOOLS[number % len(TOOLS)], TOOLS[(number * 7 + 3) % len(TOOLS)]]
    if len(private_turns) > 2:
        private = PRIVATE[number % len(PRIVATE)]
    else:
        private = PRIVATE[(number // 2) % len(PRIVATE)] if number % 2 == 0 else None
    sequence: list[Turn] = []
    k = 0
    while len(sequence) < turns:
        if private and len(sequence) in private_turns:
            sequence.append(Turn(f"kan jeg bruke {private.lower()}?", f"{private} er ikke godkjent"))
            continue
        tool = tools[k % 2]
        sequence.append(Turn(f"hva er {tool.lower()}?", tool))
        if len(sequence) < turns:
            sequence.append(Turn("hvordan får jeg tilgang til det?", f"tilgang til {tool}"))
        k += 1
    return Conversation(number, sequence[:turns], private)


async def talk(
    web_url: str, conversation: Conversation, timeout: float, pace: float = 0.0, stop: asyncio.Event | None = None
) -> None:
    """Send the conversation's turns one after another through the web relay, as one browser
    (own cookie jar); with `pace`, at most one turn per `pace` seconds; until `stop` is set."""
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:
        for turn in conversation.turns:
            if stop is not None and stop.is_set():
                break
            turn.started = time.monotonic()
            try:
                async with session.post(f"{web_url}/api/messages", json={"message": turn.question}) as response:
                    raw = await response.text()
                    turn.status = str(response.status) if response.status == 200 else f"HTTP {response.status}"
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                if response.status == 200 and isinstance(body, dict):
                    turn.reply = "\n".join(m.get("text", "") for m in body.get("replies", []))
                elif isinstance(body, dict) and isinstance(body.get("error"), str):
                    turn.reply = body["error"]  # the relay's message for the employee
                else:
                    turn.reply = f"(not the relay's JSON) {raw[:200]}"
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                turn.status = type(error).__name__
            turn.seconds = time.monotonic() - turn.started
            if pace:
                await asyncio.sleep(max(0.0, pace - turn.seconds))
        cookie = session.cookie_jar.filter_cookies(web_url).get(COOKIE)
        conversation.sender = cookie.value.split(".")[0] if cookie else ""


def crossed_replies(conversations: list[Conversation]) -> int:
    """Wrong replies that name a tool of another conversation and none of its own."""
    names = set(TOOLS) | set(PRIVATE)
    count = 0
    for c in conversations:
        mine = {n for n in names if any(n in turn.expected for turn in c.turns)}
        count += sum(
            1
            for turn in c.wrong
            if any(n in turn.reply for n in names - mine) and not any(n in turn.reply for n in mine)
        )
    return count


def _events(tracker_store_url: str, type_name: str) -> list[tuple[str, dict]]:
    engine = create_engine(tracker_store_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT sender_id, data FROM events WHERE type_name = :t ORDER BY id"), {"t": type_name}
            )
            return [(sender, json.loads(data)) for sender, data in rows]
    finally:
        engine.dispose()


def stored_questions(tracker_store_url: str) -> dict[str, list[str]]:
    """Each conversation's user messages in the tracker store, in order."""
    result: dict[str, list[str]] = {}
    for sender, data in _events(tracker_store_url, "user"):
        result.setdefault(sender, []).append(data.get("text", ""))
    return result


def tracker_problems(conversations: list[Conversation], tracker_store_url: str) -> dict[str, list[tuple[int, Turn]]]:
    """(conversation number, turn) where the stored user messages are not the conversation's own
    questions in order: `foreign` (a message it never sent, or out of order: the turn where the
    comparison stopped), `missing` (an answered turn not stored) and `repeated` (stored twice). A
    turn whose request failed may or may not be stored."""
    stored = stored_questions(tracker_store_url)
    problems: dict[str, list[tuple[int, Turn]]] = {"foreign": [], "missing": [], "repeated": []}
    for c in conversations:
        sent = c.sent
        position = 0
        for message in stored.get(c.sender, []):  # a subsequence of what was sent, in order
            while position < len(sent) and sent[position].question != message:
                if sent[position].status == "200":
                    problems["missing"].append((c.number, sent[position]))
                position += 1
            if position == len(sent):
                kind = "repeated" if any(t.question == message for t in sent) else "foreign"
                problems[kind].append((c.number, sent[-1]))
                break
            position += 1
        else:
            problems["missing"] += [(c.number, turn) for turn in sent[position:] if turn.status == "200"]
    return problems


def gap_integrity(conversations: list[Conversation], db_url: str, tracker_store_url: str) -> dict:
    """Gap records against the conversations that named a private tool.

    A conversation that got "… er ikke godkjent" back must have exactly one record, the one its
    `gap_records` slot names (else `lost`); one whose private-tool turns all failed may have one
    or none. A record no conversation names is `unclaimed`: written, but its conversation never
    learnt it. Unless a conversation with failed turns explains it, it is a double (`unexplained`).
    """
    engine = create_engine(db_url, future=True)
    try:
        with engine.connect() as connection:
            records = dict(
                connection.execute(text("SELECT record_id, private_tool FROM gaps WHERE kind = 'private_tool'")).all()
            )
    finally:
        engine.dispose()
    claimed: dict[str, list[str]] = {}
    for sender, data in _events(tracker_store_url, "slot"):
        if data.get("name") == "gap_records":
            claimed[sender] = list(data.get("value") or [])
    talked = [c for c in conversations if c.private]
    expected = [c for c in talked if any(t.ok for t in c.private_turns)]
    uncertain = [c for c in talked if c not in expected and any(t.status for t in c.private_turns)]
    lost = [c.number for c in expected if not any(r in records for r in claimed.get(c.sender, []))]
    doubled = [c.number for c in talked if len(claimed.get(c.sender, [])) > 1]
    all_claimed = {r for c in talked for r in claimed.get(c.sender, [])}
    unclaimed = Counter(tool for record, tool in records.items() if record not in all_claimed)
    # a conversation whose private-tool turns all failed may have left its one record unclaimed
    may_be_unclaimed = Counter(c.private.lower() for c in uncertain if not claimed.get(c.sender))
    unexplained = unclaimed - may_be_unclaimed
    return {
        "records": len(records),
        "expected": len(expected),
        "uncertain": len(uncertain),
        "lost": lost,
        "doubled": doubled,
        "unclaimed": sum(unclaimed.values()),
        "unexplained": dict(unexplained),
        "exact": not lost and not doubled and not unexplained,
    }
