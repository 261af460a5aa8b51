"""Latency benchmark: one question over Rasa's REST channel, ours against a `rasa init` bot.

Run from the project root:

    .venv/bin/python bench/latency.py
    .venv/bin/python bench/latency.py --requests 200 --warmup 10 --model models/NAME.tar.gz
    .venv/bin/python bench/latency.py --fresh-floor      # re-create and re-train the rasa init bot
    .venv/bin/python bench/latency.py --also-in-memory   # also ours without the SQL tracker store
    .venv/bin/python bench/latency.py --endpoints FILE   # ours with another endpoints file

Ours: the action server and `rasa run` started as `make run` (bot.runner) starts them, with our
model and a fresh SQLite catalogue database seeded from data/catalogue/tools.yml. The model is
`--model`, else the model in service when it matches the current training inputs, else the newest
matching one in bench/results/models/, else one trained there now (models/ is not touched). Questions, cycled:
catalogue questions that go through the NLU pipeline, the catalogue component, the policies and
a custom action that reads the database.

Floor: the bot `rasa init --no-prompt` creates and trains (English, Rasa's default pipeline,
answers greetings from a response template, no action server), started the same way; kept in
bench/results/rasa_init/ (git-ignored) and reused by later runs. Questions: its greetings.

All bots are started first and stay up together (idle ones cost no CPU). Each gets --warmup
requests (not measured); then the bots are asked in turn, one request at a time, --requests times
each: sequential POSTs to /webhooks/rest/webhook, each from a new sender (the first question of a
conversation), timed end to end by the client. Asking in turn means load from other work on the
machine falls on all bots alike.
Reported: p50 / p95 / mean / min / max, the ratio ours / floor (goal: <= 1.5), and the resident
memory (RSS) of each process after the run. Report: stdout and bench/results/latency.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # see nlu_heldout.py: this process does not need it

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402
import yaml  # noqa: E402
from _common import PROJECT_ROOT, RESULTS_DIR, machine, percentile, seeded, table, write_result  # noqa: E402
from cluster import free_ports, rss_mb, serving_model  # noqa: E402
from nlu_heldout import rasa_env, rasa_version, rel  # noqa: E402

OUR_QUESTIONS = ("hva er teams", "hvordan får jeg tilgang til elements", "hvordan bytter jeg vakt")
FLOOR_QUESTIONS = ("hello", "hi", "good morning")
FLOOR_DIR = RESULTS_DIR / "rasa_init"
BIN_DIR = Path(sys.executable).parent
STARTUP_SECONDS = 300
RATIO_GOAL = 1.5


@dataclass
class Measurement:
    name: str
    model: str
    latencies_ms: list[float] = field(default_factory=list)
    samples: dict[str, str] = field(default_factory=dict)
    empty_replies: int = 0
    rss_mb: dict[str, float] = field(default_factory=dict)
    startup_seconds: float = 0.0


# --- processes -----------------------------------------------------------------------------------


class Services:
    """Processes started in their own sessions, stopped (with their children) on exit."""

    def __init__(self, logs_dir: Path):
        self.logs_dir = logs_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        path = self.logs_dir / f"{name.replace(':', '').replace(' ', '-').replace(',', '')}.log"
        self.logs[name] = path
        log = path.open("w")
        self.processes[name] = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_until_up(self, url: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise SystemExit(f"{name} exited early:\n" + self.logs[name].read_text()[-4000:])
            try:
                if requests.get(url, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit(f"{url} not up after {STARTUP_SECONDS} s")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class Bot:
    """A started bot: where to ask, what to ask, and where its numbers go."""

    m: Measurement
    url: str
    questions: tuple[str, ...]
    pids: dict[str, int]
    session: requests.Session = field(default_factory=requests.Session)

    def ask(self, text: str) -> tuple[float, list[dict]]:
        started = time.perf_counter()
        response = self.session.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": f"bench-{uuid.uuid4().hex}", "message": text},
            timeout=60,
        )
        elapsed = 1000 * (time.perf_counter() - started)
        response.raise_for_status()
        return elapsed, response.json()


def measure(bots: list[Bot], n: int, warmup: int) -> None:
    """Warm up each bot, then ask them in turn (round robin), so that load from other work on the
    machine falls on all bots alike."""
    for bot in bots:
        for i in range(warmup):
            bot.ask(bot.questions[i % len(bot.questions)])
    print(f"warmed up; {n} requests per bot, in turn ...", file=sys.stderr, flush=True)
    for i in range(n):
        for bot in bots:
            question = bot.questions[i % len(bot.questions)]
            elapsed, replies = bot.ask(question)
            bot.m.latencies_ms.append(elapsed)
            text = " / ".join((r.get("text") or "").replace("\n", " ") for r in replies)
            if not text.strip():
                bot.m.empty_replies += 1
            bot.m.samples.setdefault(question, text[:110] + ("…" if len(text) > 110 else ""))
    for bot in bots:
        bot.m.rss_mb = {name: rss_mb(pid) for name, pid in bot.pids.items()}


# --- the two bots --------------------------------------------------------------------------------


def without_tracker_store(endpoints: Path, target: Path) -> Path:
    """A copy of an endpoints file without its tracker store (so Rasa keeps conversations in memory)."""
    document = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    document.pop("tracker_store", None)
    target.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return target


def start_ours(args, work: Path, svc: Services, name: str = "ours", endpoints: Path | None = None) -> Bot:
    from bot.config import settings
    from bot.runner import service_environment, services
    from bot.service_secrets import HEADER

    work = work / name.replace(" ", "-").replace(",", "")
    work.mkdir()
    db_url = seeded(f"sqlite:///{work / 'catalogue.db'}")
    env = rasa_env(db_url)
    model = serving_model(str(args.model) if args.model else None)
    args.model = model  # a second run of ours uses the same model
    rasa_port, action_port = free_ports(), free_ports()
    config = dataclasses.replace(
        settings(),
        database_url=db_url,
        tracker_store_url=f"sqlite:///{work / 'tracker.db'}",
        rasa_port=rasa_port,
        action_port=action_port,
    )
    env = {**service_environment(config), **env, "BOT_SPOOL_DIR": str(work / "spool")}
    wanted = {s.name: s for s in services(config, model) if s.name in ("actions", "rasa")}
    commands = {name: service.command for name, service in wanted.items()}
    extra_env = {name: getattr(service, "env", None) or {} for name, service in wanted.items()}
    endpoints = endpoints or args.endpoints
    if endpoints:
        command = commands["rasa"]
        command[command.index("--endpoints") + 1] = str(endpoints.resolve())
    started = time.monotonic()
    svc.start(f"{name}: actions", commands["actions"], PROJECT_ROOT, {**env, **extra_env["actions"]})
    svc.start(f"{name}: rasa", commands["rasa"], PROJECT_ROOT, {**env, **extra_env["rasa"]})
    svc.wait_until_up(f"http://127.0.0.1:{action_port}/health")
    svc.wait_until_up(f"http://127.0.0.1:{rasa_port}/")
    m = Measurement(name, rel(model), startup_seconds=time.monotonic() - started)
    pids = {"rasa run": svc.processes[f"{name}: rasa"].pid, "action server": svc.processes[f"{name}: actions"].pid}
    bot = Bot(m, f"http://127.0.0.1:{rasa_port}", tuple(args.questions or OUR_QUESTIONS), pids)
    bot.session.headers[HEADER] = env["BOT_CHANNEL_SECRET"]  # our REST channel answers only our own services
    return bot


def floor_bot(fresh: bool) -> Path:
    """The `rasa init` project in bench/results/rasa_init/ with its trained model."""
    models = sorted((FLOOR_DIR / "models").glob("*.tar.gz")) if FLOOR_DIR.exists() else []
    if models and not fresh:
        return models[-1]
    shutil.rmtree(FLOOR_DIR, ignore_errors=True)
    FLOOR_DIR.mkdir(parents=True)
    print(
        f"[floor] rasa init --no-prompt --init-dir {rel(FLOOR_DIR)} (trains its model) ...", file=sys.stderr, flush=True
    )
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(FLOOR_DIR / ".rasa" / "cache"),
    }
    log = FLOOR_DIR.parent / "rasa_init.log"
    with log.open("w") as handle:
        subprocess.run(
            [str(BIN_DIR / "rasa"), "init", "--no-prompt", "--init-dir", str(FLOOR_DIR)],
            cwd=FLOOR_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            check=False,
        )
    models = sorted((FLOOR_DIR / "models").glob("*.tar.gz"))
    if not models:  # init did not train: train it as `rasa train` in the project would
        with log.open("a") as handle:
            subprocess.run(
                [str(BIN_DIR / "rasa"), "train"],
                cwd=FLOOR_DIR,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                check=True,
            )
        models = sorted((FLOOR_DIR / "models").glob("*.tar.gz"))
    return models[-1]


def start_floor(args, svc: Services) -> Bot:
    model = floor_bot(args.fresh_floor)
    port = free_ports()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1", "RASA_TELEMETRY_ENABLED": "false"}
    command = [  # the `rasa run` flags our Rasa gets from bot.runner and bot.rasa_server (its API without a
        # JWT secret: only the webhook is used), from plain `rasa`: the floor runs nothing of ours
        str(BIN_DIR / "rasa"),
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
        "--enable-api",
    ]
    started = time.monotonic()
    svc.start("floor: rasa", command, FLOOR_DIR, env)
    svc.wait_until_up(f"http://127.0.0.1:{port}/")
    m = Measurement("rasa init (floor)", rel(model), startup_seconds=time.monotonic() - started)
    return Bot(m, f"http://127.0.0.1:{port}", FLOOR_QUESTIONS, {"rasa run": svc.processes["floor: rasa"].pid})


# --- report --------------------------------------------------------------------------------------


def stats(values: list[float]) -> dict[str, float]:
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "mean": statistics.fmean(values),
        "min": min(values),
        "max": max(values),
    }


def report(ours: Measurement, floor: Measurement, args, extra: list[Measurement]) -> str:
    keys = ("p50", "p95", "mean", "min", "max")
    bots = [ours, *extra, floor]
    s = {m.name: stats(m.latencies_ms) for m in bots}
    s_floor = s[floor.name]
    rows = [[m.name, len(m.latencies_ms), *[f"{s[m.name][k]:.1f}" for k in keys]] for m in bots]
    for m in (ours, *extra):
        rows.append([f"ratio {m.name} / floor", "", *[f"{s[m.name][k] / s_floor[k]:.2f}×" for k in keys]])
    goal_met = all(s[ours.name][k] / s_floor[k] <= RATIO_GOAL for k in ("p50", "p95", "mean"))
    load = os.getloadavg()
    endpoints = rel(args.endpoints) if args.endpoints else "endpoints.yml"
    lines = [
        "# Latency: one question over REST, ours vs a `rasa init` bot",
        "",
        f"Rasa {rasa_version()}. Machine: {machine()}. Load average at the end: {', '.join(f'{x:.1f}' for x in load)}.",
        f"{args.warmup} warm-up requests, then {args.requests} sequential POST /webhooks/rest/webhook per bot, "
        "the bots asked in turn, each request from a new sender, timed by the client (ms).",
        "",
        f"- ours: model {ours.model}, action server + `rasa run` as `make run` starts them (endpoints "
        f"{endpoints}, credentials.yml), seeded SQLite catalogue; questions cycled: "
        f"{', '.join(repr(q) for q in (args.questions or OUR_QUESTIONS))}.",
        *[f"- {m.name}: the same with the tracker store removed from the endpoints (diagnosis)." for m in extra],
        f"- floor: `rasa init --no-prompt` bot, model {floor.model}, its own endpoints and credentials; "
        f"questions cycled: {', '.join(repr(q) for q in FLOOR_QUESTIONS)}.",
        "",
        table(["Bot", "n", "p50", "p95", "mean", "min", "max"], rows),
        "",
        f"Goal ours / floor <= {RATIO_GOAL}× (p50, p95 and mean): {'met' if goal_met else 'NOT met'}.",
        "",
        "## Memory (RSS after the run) and start-up",
        "",
        table(
            ["Bot", "Process", "RSS (MB)"],
            [[m.name, proc, f"{mb:.0f}"] for m in bots for proc, mb in m.rss_mb.items()],
            align="llr",
        ),
        "",
        table(
            ["Bot", "Start-up until serving (s)", "Empty replies"],
            [[m.name, f"{m.startup_seconds:.1f}", m.empty_replies] for m in bots],
        ),
        "",
        "## Sample replies",
        "",
        table(
            ["Bot", "Question", "Reply"],
            [[m.name, q, r.replace("|", "\\|")] for m in (ours, floor) for q, r in m.samples.items()],
            align="lll",
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--model", type=Path, help="our model (default: current model in models/, else train one)")
    parser.add_argument("--questions", nargs="+", help="our questions to cycle (default: three catalogue questions)")
    parser.add_argument(
        "--endpoints", type=Path, help="our Rasa's endpoints file instead of the project's endpoints.yml"
    )
    parser.add_argument(
        "--also-in-memory",
        action="store_true",
        help="also measure ours with the tracker store removed from endpoints (diagnosis)",
    )
    parser.add_argument("--fresh-floor", action="store_true", help=f"re-create {rel(FLOOR_DIR)} and retrain it")
    parser.add_argument("--no-write", action="store_true", help="print only; write nothing to bench/results/")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        work = Path(tmp)
        logs = work / "logs"
        logs.mkdir()
        with Services(logs) as svc:
            bots = [start_ours(args, work, svc)]
            if args.also_in_memory:
                endpoints = without_tracker_store(
                    args.endpoints or PROJECT_ROOT / "endpoints.yml", work / "endpoints-memory.yml"
                )
                bots.append(start_ours(args, work, svc, "ours, in-memory tracker", endpoints))
            bots.append(start_floor(args, svc))
            measure(bots, args.requests, args.warmup)
        ours, *extra, floor = [bot.m for bot in bots]
    text = report(ours, floor, args, extra)
    print(text)
    if not args.no_write:
        path = write_result("latency", text)
        (RESULTS_DIR / "latency.json").write_text(
            json.dumps(
                {
                    m.name: {"model": m.model, "latencies_ms": m.latencies_ms, "rss_mb": m.rss_mb}
                    for m in (ours, *extra, floor)
                },
                indent=1,
            ),
            encoding="utf-8",
        )
        print(f"\n(written to {rel(path)})", file=sys.stderr)


if __name__ == "__main__":
    main()
