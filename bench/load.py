"""Load benchmark: many concurrent conversations through our web relay, against the cluster
(`bot run --cluster`: 2 Rasa + 2 action servers, PostgreSQL, Redis) and side by side against a
single stack (`bot run`: 1 Rasa + 1 action server, same PostgreSQL stores, in-memory lock store).

    .venv/bin/python bench/load.py                                   # 50 conversations x 20 turns, both stacks
    .venv/bin/python bench/load.py --conversations 100 --no-baseline
    .venv/bin/python bench/load.py --model models/NAME.tar.gz

Each conversation is one employee: its own cookie jar (so the web service issues it its own
conversation id), its turns sent one after another; all conversations run at once. The questions
are deterministic: each conversation asks about two tools of its own ("hva er X?", then "hvordan
får jeg tilgang til det?", which only names X if the conversation's context is its own), and every
other conversation also asks twice about a private tool (which must leave exactly one gap record).

Integrity: every reply holds the expected text for its question; each conversation's user
messages in the tracker store are exactly its own questions in order (nothing crossed); the gap
records in the fresh database are exactly one per conversation that named a private tool, each the
one its conversation's `gap_records` slot names. Each stack gets a PostgreSQL server and a Redis
server of its own (bench/cluster.py), deleted afterwards; the services get the commands and
environment of `bot run` / `bot run --cluster` (bot.runner). Report: stdout and bench/results/load.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # this process never needs it

import argparse  # noqa: E402
import asyncio  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import machine, percentile, seeded, table, write_result  # noqa: E402
from cluster import (  # noqa: E402
    PrivatePostgres,
    PrivateRedis,
    Stack,
    crossed_replies,
    gap_integrity,
    script,
    serving_model,
    talk,
    tracker_problems,
)


def run_stack(label: str, args, model: Path, replicas: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="load-") as workdir, PrivatePostgres() as postgres, PrivateRedis() as redis:
        db_url = seeded(postgres.create_database("digihjelpen"))
        tracker_url = postgres.create_database("digihjelpen_tracker")
        with Stack(model, db_url, tracker_url, Path(workdir), replicas=replicas, lock_store_url=redis.url) as stack:
            print(f"{label}: up ({', '.join(stack.services)}); warming up", flush=True)
            asyncio.run(talk(stack.web_url, script(0, 2), args.timeout))  # load the model's lazy parts
            conversations = [script(number, args.turns) for number in range(1, args.conversations + 1)]
            started = time.perf_counter()

            async def everyone() -> None:
                await asyncio.gather(*(talk(stack.web_url, c, args.timeout) for c in conversations))

            asyncio.run(everyone())
            elapsed = time.perf_counter() - started
        tracker = tracker_problems(conversations, tracker_url)
        gaps = gap_integrity(conversations, db_url, tracker_url)
    latencies = [t.seconds * 1000 for c in conversations for t in c.sent]
    messages = sum(len(c.turns) for c in conversations)
    result = {
        "label": label,
        "messages": messages,
        "seconds": elapsed,
        "throughput": messages / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
        "errors": sum(len(c.errors) for c in conversations),
        "error_kinds": Counter(t.status for c in conversations for t in c.errors),
        "wrong": sum(len(c.wrong) for c in conversations),
        "crossed": crossed_replies(conversations),
        "tracker_mismatch": len({number for found in tracker.values() for number, _ in found}),
        "gaps": gaps["records"],
        "expected_gaps": gaps["expected"],
        "gaps_exact": gaps["exact"],
        "examples": [(c.number, t.question, t.reply[:200]) for c in conversations for t in c.wrong][:5],
    }
    print(f"{label}: {messages} messages in {elapsed:.1f} s", flush=True)
    return result


def report(results: list[dict], args, model: Path) -> str:
    rows = [
        ("throughput (messages/s)", *(f"{r['throughput']:.1f}" for r in results)),
        ("wall time (s)", *(f"{r['seconds']:.1f}" for r in results)),
        ("latency p50 / p95 / p99 (ms)", *(f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f}" for r in results)),
        ("latency max (ms)", *(f"{r['max']:.0f}" for r in results)),
        ("errors (goal 0)", *(f"{r['errors']} {dict(r['error_kinds']) or ''}".strip() for r in results)),
        ("replies without the expected text", *(str(r["wrong"]) for r in results)),
        ("of these naming another conversation's tool", *(str(r["crossed"]) for r in results)),
        (
            "conversations whose stored messages are not exactly their own",
            *(str(r["tracker_mismatch"]) for r in results),
        ),
        (
            "gap records / expected (each exactly once)",
            *(f"{r['gaps']} / {r['expected_gaps']} ({'yes' if r['gaps_exact'] else 'NO'})" for r in results),
        ),
    ]
    lines = [
        "# Load: concurrent conversations through the web relay",
        "",
        f"{args.conversations} concurrent conversations x {args.turns} turns ({args.conversations * args.turns} messages "
        f"per stack), model {model.name}. {args.machine}",
        "",
        table(["", *(r["label"] for r in results)], rows, align="l" + "r" * len(results)),
    ]
    for r in results:
        for number, question, reply in r["examples"]:
            lines.append(f"\n{r['label']}, conversation {number}: {question!r} got {reply!r}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20, help="at most 20: the relay allows 20 messages a minute")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--model", help="model file (default: the model in service if current, else trained)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per request")
    parser.add_argument("--no-baseline", action="store_true", help="skip the single-stack run")
    args = parser.parse_args()
    args.machine = machine()  # the load average at the start

    model = serving_model(args.model)
    results = [run_stack(f"cluster ({args.replicas} Rasa + {args.replicas} actions)", args, model, args.replicas)]
    if not args.no_baseline:
        results.append(run_stack("single (`bot run`: 1 + 1)", args, model, 0))
    text_report = report(results, args, model)
    print(text_report)
    print(f"\nWritten to {write_result('load', text_report)}")
    ok = all(r["errors"] == 0 and r["wrong"] == 0 and r["tracker_mismatch"] == 0 and r["gaps_exact"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
