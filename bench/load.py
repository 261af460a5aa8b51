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
records in the fresh database are exactly one per conversation that named a private tool.
Each stack gets a fresh catalogue database and tracker store (dropped afterwards) and a flushed
Redis database. Report: stdout and bench/results/load.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # this process never needs it

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import PROJECT_ROOT, machine, percentile, table, write_result  # noqa: E402

sys.path.insert(0, str(PROJECT_ROOT / "tests"))
import aiohttp  # noqa: E402
from assistant_services import flushed_redis_db, fresh_postgres_database, running_stack  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

# "hva er <lower-case name>?" answers with the name; the access answer says "tilgang til <name>".
TOOLS = [
    "Microsoft Teams", "Microsoft Outlook", "Microsoft Word", "Microsoft Excel", "OneDrive", "Visma HRM", "GAT",
    "Elements", "Unit4 ERP", "Gerica", "CosDoc", "Vigilo", "itslearning", "Bitwarden", "Altinn", "Power BI",
    "Puzzel", "Mercell", "Compilo", "Questback", "Kommunekart", "SvarUt",
]
# "kan jeg bruke <lower-case name>?" answers "<name> er ikke godkjent" and records one gap.
PRIVATE = ["Dropbox", "WhatsApp", "Slack", "Trello", "Notion", "Padlet", "Canva"]
PRIVATE_TURNS = (2, 12)  # a conversation with a private tool names it twice: still one gap record
COOKIE = "dh_conversation"


@dataclass
class Conversation:
    number: int
    turns: list[tuple[str, str]]  # (question, text the reply must contain)
    private: str | None
    sender: str = ""
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str]] = field(default_factory=list)


def script(number: int, turns: int) -> Conversation:
    tools = [TOOLS[number % len(TOOLS)], TOOLS[(number * 7 + 3) % len(TOOLS)]]
    private = PRIVATE[(number // 2) % len(PRIVATE)] if number % 2 == 0 else None
    sequence: list[tuple[str, str]] = []
    k = 0
    while len(sequence) < turns:
        if private and len(sequence) in PRIVATE_TURNS:
            sequence.append((f"kan jeg bruke {private.lower()}?", f"{private} er ikke godkjent"))
            continue
        tool = tools[k % 2]
        sequence.append((f"hva er {tool.lower()}?", tool))
        if len(sequence) < turns:
            sequence.append(("hvordan får jeg tilgang til det?", f"tilgang til {tool}"))
        k += 1
    return Conversation(number, sequence[:turns], private)


async def talk(web_url: str, conversation: Conversation, timeout: float) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        for question, expected in conversation.turns:
            started = time.perf_counter()
            try:
                async with session.post(f"{web_url}/api/messages", json={"message": question}) as response:
                    body = await response.json(content_type=None)
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                conversation.errors.append(type(error).__name__)
                continue
            finally:
                conversation.latencies.append(time.perf_counter() - started)
            if status != 200:
                conversation.errors.append(f"HTTP {status}")
                continue
            reply = "\n".join(m.get("text", "") for m in body.get("replies", []))
            if expected not in reply:
                conversation.wrong.append((question, reply[:200]))
        cookie = session.cookie_jar.filter_cookies(web_url).get(COOKIE)
        conversation.sender = cookie.value.split(".")[0] if cookie else ""


def stored_questions(tracker_store_url: str) -> dict[str, list[str]]:
    engine = create_engine(tracker_store_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id"))
            result: dict[str, list[str]] = {}
            for sender, data in rows:
                result.setdefault(sender, []).append(json.loads(data).get("text", ""))
            return result
    finally:
        engine.dispose()


def gap_counts(db_url: str) -> Counter:
    engine = create_engine(db_url, future=True)
    try:
        with engine.connect() as connection:
            return Counter(dict(connection.execute(text(
                "SELECT private_tool, count(*) FROM gaps WHERE kind = 'private_tool' GROUP BY private_tool"
            )).all()))
    finally:
        engine.dispose()


def crossed_replies(conversations: list[Conversation]) -> int:
    """Wrong replies that name a tool of another conversation and none of its own."""
    own = {c.number: {e for _, e in c.turns} for c in conversations}
    names = set(TOOLS) | set(PRIVATE)
    count = 0
    for c in conversations:
        mine = {n for n in names if any(n in e for e in own[c.number])}
        count += sum(1 for _, reply in c.wrong if any(n in reply for n in names - mine) and not any(n in reply for n in mine))
    return count


def run_stack(label: str, args, model: Path, cluster: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="load-") as workdir, \
            fresh_postgres_database(args.postgres_url, "digihjelpen_load") as db_url, \
            fresh_postgres_database(args.postgres_url, "digihjelpen_load_tracker") as tracker_url, \
            flushed_redis_db(args.redis_url, args.redis_db) as lock_url, \
            running_stack(model, db_url, tracker_url, Path(workdir), replicas=args.replicas, cluster=cluster,
                          lock_store_url=lock_url) as stack:
        print(f"{label}: up ({len(stack.rasa_urls)} Rasa); warming up", flush=True)
        asyncio.run(talk(stack.web_url, script(0, 2), args.timeout))  # load the model's lazy parts
        conversations = [script(number, args.turns) for number in range(args.conversations)]
        started = time.perf_counter()

        async def everyone() -> None:
            await asyncio.gather(*(talk(stack.web_url, c, args.timeout) for c in conversations))

        asyncio.run(everyone())
        elapsed = time.perf_counter() - started
        stored = stored_questions(tracker_url)
        gaps = gap_counts(db_url)
    latencies = [s * 1000 for c in conversations for s in c.latencies]
    expected_gaps = Counter(c.private.lower() for c in conversations if c.private)  # gaps store tool ids
    mismatched = [c.number for c in conversations if stored.get(c.sender) != [q for q, _ in c.turns]]
    messages = sum(len(c.turns) for c in conversations)
    result = {
        "label": label, "messages": messages, "seconds": elapsed, "throughput": messages / elapsed,
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
        "max": max(latencies), "errors": sum(len(c.errors) for c in conversations),
        "error_kinds": Counter(e for c in conversations for e in c.errors),
        "wrong": sum(len(c.wrong) for c in conversations), "crossed": crossed_replies(conversations),
        "tracker_mismatch": len(mismatched), "gaps": sum(gaps.values()), "expected_gaps": sum(expected_gaps.values()),
        "gaps_exact": gaps == expected_gaps,
        "examples": [(c.number, q, r) for c in conversations for q, r in c.wrong][:5],
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
        ("conversations whose stored messages are not exactly their own", *(str(r["tracker_mismatch"]) for r in results)),
        ("gap records / expected (exact per tool)", *(f"{r['gaps']} / {r['expected_gaps']} ({'yes' if r['gaps_exact'] else 'NO'})" for r in results)),
    ]
    lines = [
        "# Load: concurrent conversations through the web relay", "",
        f"{args.conversations} concurrent conversations x {args.turns} turns ({args.conversations * args.turns} messages "
        f"per stack), model {model.name}. {machine()}", "",
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
    parser.add_argument("--model", help="model file (default: the model in service)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-db", type=int, default=14, help="flushed before and after")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per request")
    parser.add_argument("--no-baseline", action="store_true", help="skip the single-stack run")
    args = parser.parse_args()

    from bot.config import settings
    from bot.training.registry import in_service

    model = Path(args.model) if args.model else in_service(settings().models_dir)
    if model is None:
        raise SystemExit("No model is in service: train one (bot train) or pass --model")
    results = [run_stack(f"cluster ({args.replicas} Rasa + {args.replicas} actions)", args, model, cluster=True)]
    if not args.no_baseline:
        results.append(run_stack("single (`bot run`: 1 + 1)", args, model, cluster=False))
    text_report = report(results, args, model)
    print(text_report)
    print(f"\nWritten to {write_result('load', text_report)}")
    ok = all(r["errors"] == 0 and r["wrong"] == 0 and r["tracker_mismatch"] == 0 and r["gaps_exact"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
