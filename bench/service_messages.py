"""Cost per message of reading the active service messages (bot.catalogue.service_messages.active).

Run from the project root (about half a minute; PostgreSQL too when a server URL is given):

    .venv/bin/python bench/service_messages.py
    .venv/bin/python bench/service_messages.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

Every answer about a tool reads the active messages with one indexed query, in a new session per
message as the action server opens one per turn. On a seeded database with 5 active, 5 upcoming
and 1,000 expired messages, it times that read beside its baselines: the catalogue stamp every
turn reads already (the read's own cost is the difference), and the whole answer to «hva er
Teams?» (bot.assistant.turn.respond, which includes both), per message. The report goes to
stdout and bench/results/service_messages.md (git-ignored).
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # nothing here needs it (see catalogue_quality.py)

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import machine, percentile, publish, seeded, table, throwaway_postgres  # noqa: E402

from bot import db  # noqa: E402
from bot.assistant.turn import Turn, respond  # noqa: E402
from bot.catalogue import service_messages, snapshot  # noqa: E402
from bot.catalogue.models import ServiceMessage  # noqa: E402

ROUNDS = 300
TEAMS = Turn("hva er Teams?", "tool_info", entities=({"entity": "tool", "value": "teams", "start": 7, "end": 12},))


def fill(url: str) -> None:
    now = datetime.now(timezone.utc)
    with db.session_scope(url) as session:
        for n, tool in enumerate(["teams", "outlook", "gat", "visma-hrm", "kommunekart"]):
            service_messages.post(session, tool, f"Melding {n}: nede til kl. 14.", now + timedelta(hours=2), by="bench")
            session.add(
                ServiceMessage(
                    tool_id=tool,
                    text="Kommer.",
                    starts_at=now + timedelta(days=1),
                    ends_at=now + timedelta(days=2),
                    created_by="bench",
                )
            )
        session.add_all(
            ServiceMessage(
                tool_id="teams",
                text=f"Utløpt {n}.",
                starts_at=now - timedelta(days=n + 2),
                ends_at=now - timedelta(days=n + 1),
                created_by="bench",
            )
            for n in range(1000)
        )


def timed(url: str, work) -> list[float]:
    """Milliseconds per call of `work(session)`, each in a new session (a turn), after a warm-up."""
    for _ in range(10):
        with db.session_scope(url) as session:
            work(session)
    times = []
    for _ in range(ROUNDS):
        with db.session_scope(url) as session:
            start = time.perf_counter()
            work(session)
            times.append((time.perf_counter() - start) * 1000)
    return times


def row(backend: str, what: str, times: list[float]) -> list:
    return [backend, what, f"{percentile(times, 50):.2f}", f"{percentile(times, 95):.2f}"]


def measure(backend: str, url: str) -> list[list]:
    fill(url)
    with db.session_scope(url) as session:
        assert len(service_messages.active(session)) == 5
    stamp = timed(url, snapshot.view)
    read = timed(url, service_messages.active)
    answer = timed(url, lambda session: respond(session, "action_tool_info", TEAMS))
    return [
        row(backend, "the catalogue's stamp only (snapshot.view, every turn reads it)", stamp),
        row(backend, "active messages (the stamp + one query)", read),
        row(backend, "whole answer «hva er Teams?» (includes both)", answer),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="also measure on a throwaway database of this server")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/service_messages.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        rows += measure("SQLite", seeded(f"sqlite:///{Path(directory) / 'bench.db'}"))
    if args.postgres:
        with throwaway_postgres(args.postgres, "bench_service_messages") as url:
            rows += measure("PostgreSQL", seeded(url))
    report = "\n".join(
        [
            "# Service messages: cost per message",
            "",
            f"{ROUNDS} messages each, a new session per message; 5 active, 5 upcoming and 1,000 expired "
            f"messages. Machine: {machine()}.",
            "",
            table(["database", "what", "median ms", "p95 ms"], rows),
        ]
    )
    publish("service_messages", report, not args.no_write)


if __name__ == "__main__":
    main()
