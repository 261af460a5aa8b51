"""Faults under load: the cluster (`bot run --cluster`: 2 Rasa + 2 action servers, web relay) under a
steady stream of conversations while, one at a time with recovery between, an action server is
killed (SIGKILL) and restarted, a Rasa server is killed and restarted, and PostgreSQL is stopped
and started again.

    .venv/bin/python bench/faults.py
    .venv/bin/python bench/faults.py --conversations 16 --pace 4 --down 10 --settle 40 --model models/NAME.tar.gz

The stores are private to the benchmark: a PostgreSQL server of its own in a temporary directory
(catalogue, gap log and tracker store; this is the server that gets restarted) and a Redis server
of its own (lock store), both deleted at the end. The services get the commands and environment
of `bot run --cluster` (bot.runner) but are started one by one, so that one can be killed.

Load: `--conversations` employees at once, each a scripted conversation of bench/cluster.py
(two tools, "det" referring to the last one, a private tool named four times: one gap record),
one turn per `--pace` seconds; a finished conversation is replaced by a new one, and the first
ones are cut short so that every turn of the script comes up during every fault. For each fault:
the failed messages and what the employee saw, the time until messages succeed again, latency
before and during the fault, and whether the conversations that were under way continued with
their context. At the end: every reply checked, the tracker store checked (each conversation's
messages its own, in order), and every gap record checked exactly once, after spool replay.
Report: stdout and bench/results/faults.md; every turn with its time in bench/results/faults.json.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # this process never needs it

import argparse  # noqa: E402
import asyncio  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import RESULTS_DIR, machine, percentile, seeded, table, write_result  # noqa: E402
from cluster import (  # noqa: E402
    MANY_PRIVATE_TURNS,
    Conversation,
    PrivatePostgres,
    PrivateRedis,
    Stack,
    Turn,
    crossed_replies,
    gap_integrity,
    script,
    serving_model,
    talk,
    tracker_problems,
)


@dataclass
class Fault:
    label: str
    injected: float = 0.0  # time.monotonic() of the kill / stop
    restored: float = 0.0  # the service answers its health check again
    ended: float = 0.0  # the next fault's injection, or the end of the load
    before: float = 0.0  # start of the calm window before the fault
    notes: list[str] = field(default_factory=list)


def _kill_and_restart(stack: Stack, name: str, down: float, fault: Fault) -> None:
    fault.injected = time.monotonic()
    stack.kill(name)
    time.sleep(down)
    stack.start(name)
    fault.notes.append(f"{name} up {stack.wait_until_up(name):.1f} s after its restart")
    fault.restored = time.monotonic()


def _restart_postgres(postgres: PrivatePostgres, down: float, fault: Fault) -> None:
    fault.injected = time.monotonic()
    postgres.stop()
    time.sleep(down)
    postgres.start()
    fault.restored = time.monotonic()


async def steady_load(web_url: str, args, conversations: list[Conversation], stop: asyncio.Event) -> None:
    """`args.conversations` conversations at a time until `stop`; each finished one is replaced.
    The first conversation of slot i is cut to i/n of its turns, so that every turn of the script
    (the private-tool ones too) comes up at every moment, faults included."""
    numbers = itertools.count(1)

    async def slot(index: int) -> None:
        turns = max(1, index * args.turns // args.conversations) if index else args.turns
        await asyncio.sleep(index * args.pace / args.conversations)  # spread the starts over one pace
        while not stop.is_set():
            conversation = script(next(numbers), args.turns, MANY_PRIVATE_TURNS)
            del conversation.turns[turns:]
            conversations.append(conversation)
            await talk(web_url, conversation, args.timeout, pace=args.pace, stop=stop)
            turns = args.turns

    await asyncio.gather(*(slot(i) for i in range(args.conversations)))


def _in(turns: list[Turn], start: float, end: float) -> list[Turn]:
    """Turns under way at some moment in [start, end) and over by `end` (one still under way at
    `end`, the next fault's injection, belongs to that fault)."""
    return [t for t in turns if t.started + t.seconds > start and t.started + t.seconds <= end]


def _ms(turns: list[Turn], q: float) -> str:
    values = [t.seconds * 1000 for t in turns if t.status == "200"]
    return f"{percentile(values, q):.0f}" if values else "–"


def _failed(turn: Turn) -> bool:
    """The employee did not get the right answer: an error, an apology, no text or a wrong answer."""
    return not turn.ok


def fault_summary(fault: Fault, conversations: list[Conversation]) -> dict:
    turns = [t for c in conversations for t in c.sent]
    window = _in(turns, fault.injected, fault.ended)
    failed = [t for t in window if _failed(t)]
    last_failure = max((t.started + t.seconds for t in failed), default=fault.injected)
    seen = Counter(f"{t.status}: {t.reply.strip()[:90] or '(no reply text)'}" for t in failed)
    # conversations under way at the fault: their turns after the fault was over
    spanning = [
        c
        for c in conversations
        if any(t.started + t.seconds < fault.injected for t in c.sent) and any(t.started > last_failure for t in c.sent)
    ]
    after = [t for c in spanning for t in c.sent if t.started > last_failure]
    until = max(last_failure, fault.restored)
    during = [t for t in turns if t.started <= until and t.started + t.seconds >= fault.injected]
    return {
        "label": fault.label,
        "messages": len(window),
        "failed": len(failed),
        "seen": seen,
        "recovery": last_failure - fault.injected,
        "restored": fault.restored - fault.injected,
        "before_p50": _ms(_in(turns, fault.before, fault.injected), 50),
        "before_p95": _ms(_in(turns, fault.before, fault.injected), 95),
        "during_p50": _ms(during, 50),
        "during_p95": _ms(during, 95),
        "during_max": _ms(during, 100),
        "spanning": len(spanning),
        "after_turns": len(after),
        "after_ok": sum(t.ok for t in after),
        "spanning_ok": sum(all(t.ok for t in c.sent if t.started > last_failure) for c in spanning),
        "notes": fault.notes,
        "injected": fault.injected,
        "restored_at": fault.restored,
    }


def run(args, model: Path) -> tuple[list[dict], dict]:
    with (
        tempfile.TemporaryDirectory(prefix="faults-") as workdir,
        PrivatePostgres() as postgres,
        PrivateRedis() as redis,
    ):
        db_url = seeded(postgres.create_database("digihjelpen"))
        tracker_url = postgres.create_database("digihjelpen_tracker")
        with Stack(model, db_url, tracker_url, Path(workdir), replicas=2, lock_store_url=redis.url) as stack:
            os.environ.update({"BOT_DATABASE_URL": db_url, "BOT_SPOOL_DIR": str(stack.spool_dir)})  # for replay below
            print(f"cluster up: {', '.join(stack.services)}; warming up", flush=True)
            asyncio.run(talk(stack.web_url, script(0, 2), args.timeout))
            chosen = {
                "a": (
                    f"(a) SIGKILL {stack.names('actions')[0]}, restart after {args.down:.0f} s",
                    lambda f: _kill_and_restart(stack, stack.names("actions")[0], args.down, f),
                ),
                "b": (
                    f"(b) SIGKILL {stack.names('rasa')[0]}, restart after {args.down:.0f} s",
                    lambda f: _kill_and_restart(stack, stack.names("rasa")[0], args.down, f),
                ),
                "c": (
                    f"(c) PostgreSQL stopped, started after {args.down:.0f} s",
                    lambda f: _restart_postgres(postgres, args.down, f),
                ),
            }
            faults = [Fault(chosen[key][0]) for key in args.faults]
            actions = [chosen[key][1] for key in args.faults]
            conversations: list[Conversation] = []

            async def scenario() -> None:
                stop = asyncio.Event()
                load = asyncio.create_task(steady_load(stack.web_url, args, conversations, stop))
                await asyncio.sleep(args.settle)
                for fault, action in zip(faults, actions):
                    fault.before = time.monotonic() - args.settle / 2
                    print(f"{fault.label} ...", flush=True)
                    await asyncio.to_thread(action, fault)
                    await asyncio.sleep(args.settle)
                    fault.ended = time.monotonic()
                stop.set()
                await load

            started = time.monotonic()
            asyncio.run(scenario())
            write_timeline(started, faults, conversations)
            elapsed = time.monotonic() - started
            alive = stack.alive()
            spool_after_load = spooled(stack.spool_dir)
            replayed = replay_spool() if spool_after_load else None
            totals = {
                "seconds": elapsed,
                "conversations": len(conversations),
                "messages": sum(len(c.sent) for c in conversations),
                "failed": sum(_failed(t) for c in conversations for t in c.sent),
                "wrong": sum(len(c.wrong) for c in conversations),
                "crossed": crossed_replies(conversations),
                "wrong_after_failure": wrong_after_failure(conversations),
                "tracker": tracker_problems(conversations, tracker_url),
                "gaps": gap_integrity(conversations, db_url, tracker_url),
                "spooled": spool_after_load,
                "replayed": replayed,
                "alive": alive,
                "examples": [(c.number, t.question, t.reply[:160]) for c in conversations for t in c.wrong][:6],
            }
    return [fault_summary(f, conversations) for f in faults], totals


def write_timeline(started: float, faults: list[Fault], conversations: list[Conversation]) -> None:
    """Every turn and fault, in seconds from the start of the load, for a closer look."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "faults.json").write_text(
        json.dumps(
            {
                "faults": [
                    {"label": f.label, "injected": f.injected - started, "restored": f.restored - started}
                    for f in faults
                ],
                "turns": [
                    {
                        "conversation": c.number,
                        "sender": c.sender,
                        "question": t.question,
                        "started": t.started - started,
                        "seconds": t.seconds,
                        "status": t.status,
                        "ok": t.ok,
                        "reply": t.reply[:120],
                    }
                    for c in conversations
                    for t in c.sent
                ],
            },
            ensure_ascii=False,
            indent=0,
        ),
        encoding="utf-8",
    )


def spooled(spool_dir: Path) -> int:
    path = spool_dir / "pending.jsonl"
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()) if path.exists() else 0


def replay_spool() -> bool:
    """What `bot gaps replay` does, in this process (its environment names the benchmark's stores)."""
    from bot import spool
    from bot.gaps import recorder  # noqa: F401  (registers the gap writers)

    return spool.replay()


def wrong_after_failure(conversations: list[Conversation]) -> int:
    """Wrong replies to "tilgang til det?" right after the question it refers to failed (the
    context the fault took, not one the cluster lost)."""
    count = 0
    for c in conversations:
        sent = c.sent
        for previous, turn in zip(sent, sent[1:]):
            count += turn in c.wrong and _failed(previous)
    return count


def report(faults: list[dict], totals: dict, args, model: Path) -> str:
    rows = [
        ("messages under way in the window", *(str(f["messages"]) for f in faults)),
        ("messages not answered right", *(str(f["failed"]) for f in faults)),
        ("time to recovery: fault → last failed message over (s)", *(f"{f['recovery']:.1f}" for f in faults)),
        ("service restored after (s)", *(f"{f['restored']:.1f}" for f in faults)),
        ("latency p50 / p95 before (ms)", *(f"{f['before_p50']} / {f['before_p95']}" for f in faults)),
        (
            "latency p50 / p95 / max of the messages sent until restored and recovered (ms)",
            *(f"{f['during_p50']} / {f['during_p95']} / {f['during_max']}" for f in faults),
        ),
        ("conversations under way that went on after it", *(str(f["spanning"]) for f in faults)),
        (
            "… all their later turns right (context kept)",
            *(f"{f['spanning_ok']} ({f['after_ok']}/{f['after_turns']} turns)" for f in faults),
        ),
    ]
    lines = [
        "# Faults under load: the cluster (2 Rasa + 2 action servers, web relay)",
        "",
        f"{args.conversations} conversations at a time, one turn per {args.pace:.0f} s each, {args.turns} turns each; "
        f"faults {args.settle:.0f} s apart; model {model.name}. {args.machine}",
        "",
        table(["", *(f["label"] for f in faults)], rows, align="l" + "r" * len(faults)),
        "",
        "What employees saw when a message failed:",
    ]
    for f in faults:
        lines.append(
            f"- {f['label']}: "
            + ("; ".join(f"{n} × {text}" for text, n in f["seen"].most_common()) or "nothing failed")
        )
        lines += [f"  - {note}" for note in f["notes"]]
    g, tr = totals["gaps"], totals["tracker"]
    total_rows = [
        ("run", f"{totals['seconds']:.0f} s, {totals['conversations']} conversations, {totals['messages']} messages"),
        ("failed messages (all faults)", str(totals["failed"])),
        (
            "answered without the expected text",
            f"{totals['wrong']}, of which {totals['wrong_after_failure']} "
            "right after a failed turn; crossed: " + str(totals["crossed"]),
        ),
        (
            "tracker store: foreign / missing / repeated messages",
            " / ".join(str(len(tr[k])) for k in ("foreign", "missing", "repeated")),
        ),
        (
            "… of the missing, answered during a fault (until restored)",
            ", ".join(
                f"{f['label'][:3]} {sum(f['injected'] <= t.started <= f['restored_at'] for _, t in tr['missing'])}"
                for f in faults
            ),
        ),
        (
            "gap records spooled when the load ended",
            f"{totals['spooled']}"
            + ("" if totals["replayed"] is None else f" (replayed: {'yes' if totals['replayed'] else 'NO'})"),
        ),
        (
            "gap records / conversations that must have one / may have one",
            f"{g['records']} / {g['expected']} / {g['uncertain']}",
        ),
        (
            "gaps lost / doubled / unexplained unclaimed",
            f"{len(g['lost'])} / {len(g['doubled'])} / {g['unexplained'] or 0}",
        ),
        ("every gap exactly once", "yes" if g["exact"] else "NO"),
        ("services alive at the end", ", ".join(n for n, up in totals["alive"].items() if up) or "none"),
    ]
    lines += ["", table(["totals", ""], total_rows, align="ll")]
    for number, question, reply in totals["examples"]:
        lines.append(f"\nconversation {number}: {question!r} got {reply!r}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=16, help="conversations at a time")
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument(
        "--pace",
        type=float,
        default=4.0,
        help="seconds between the turns of one conversation (at least 3: the relay allows 20 messages a minute)",
    )
    parser.add_argument("--down", type=float, default=10.0, help="seconds a killed service or PostgreSQL stays down")
    parser.add_argument(
        "--settle", type=float, default=45.0, help="seconds of load before the first fault and after each restart"
    )
    parser.add_argument("--timeout", type=float, default=60, help="client seconds per request")
    parser.add_argument(
        "--faults", default="abc", help="which faults, in order: a (action server), b (Rasa), c (PostgreSQL)"
    )
    parser.add_argument("--model", help="model file (default: the model in service if current, else trained)")
    args = parser.parse_args()
    args.machine = machine()  # the load average at the start
    model = serving_model(args.model)
    faults, totals = run(args, model)
    text_report = report(faults, totals, args, model)
    print(text_report)
    print(f"\nWritten to {write_result('faults', text_report)}")
    tracker = totals["tracker"]
    ok = (
        totals["gaps"]["exact"]
        and not totals["crossed"]
        and not tracker["foreign"]
        and not tracker["repeated"]
        and all(totals["alive"].values())
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
