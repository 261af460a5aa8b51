"""Hostile soak: thousands of generated hostile requests against our web relay and Rasa's REST
channel of one running `bot run` stack (action server + Rasa + web), counting status codes,
checking that every service stays alive, and following each process's memory.

    .venv/bin/python bench/hostile_soak.py                    # 10,000 requests (5,000 per target)
    .venv/bin/python bench/hostile_soak.py --count 20000 --sample-every 500 --tolerance 0.05

Requests come from the generator of the regular hostile-input test (tests/hostile/
hostile_messages.py: empty, 100 KB, control characters, invalid UTF-8, HTML and script, SQL,
emoji, right-to-left, huge and deeply nested JSON, wrong content types ...), half to each target,
interleaved, `--workers` at a time. Relay requests carry no cookie, so each is a new conversation;
REST requests rotate over `--senders` conversations, which grow long. The stack runs with the
commands and environment of `bot run` (bot.runner) on a fresh seeded SQLite catalogue and tracker
store. A 5xx is a finding. Resident memory (VmRSS of each service and its children) is sampled
every `--sample-every` requests; memory is called flat when the least-squares slope after the
warm-up, over the requests after the warm-up, adds less than `--tolerance` of the RSS after the
warm-up. Report: stdout and bench/results/hostile_soak.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # this process never needs it

import argparse  # noqa: E402
import asyncio  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import aiohttp  # noqa: E402
from _common import PROJECT_ROOT, machine, seeded, table, write_result  # noqa: E402
from cluster import Stack, serving_model  # noqa: E402

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "hostile"))
from hostile_messages import Case, cases  # noqa: E402

from bot.service_secrets import HEADER  # noqa: E402

ORDINARY = "hvordan bytter jeg vakt?"


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    mean_x, mean_y = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def requests_for(args, web_url: str, rest_url: str, secret: str):
    """(target, url, case, headers) for every request, the two targets interleaved."""
    senders = itertools.cycle(range(args.senders))
    relay = cases(args.count // 2, lambda message: {"message": message})
    rest = cases(
        args.count - args.count // 2,
        lambda message: {"sender": f"hostile-{next(senders)}", "message": message},
        seed=80,
    )
    for relay_case, rest_case in itertools.zip_longest(relay, rest):
        for target, url, case, headers in (
            ("relay", f"{web_url}/api/messages", relay_case, {}),
            ("rest", f"{rest_url}/webhooks/rest/webhook", rest_case, {HEADER: secret}),
        ):
            if case is not None:
                yield target, url, case, headers


async def soak(args, stack: Stack, secret: str) -> dict:
    statuses = {"relay": Counter(), "rest": Counter()}
    server_errors: list[tuple[str, str, int, str]] = []
    silent: dict[str, list[str]] = {"relay": [], "rest": []}  # 200 without any reply text: case labels
    samples: list[tuple[int, dict[str, float]]] = [(0, stack.memory())]
    deaths: list[tuple[int, str]] = []
    sent = 0
    work = requests_for(args, stack.web_url, stack.rasa_url("rasa"), secret)
    started = time.monotonic()

    async def one(session: aiohttp.ClientSession, target: str, url: str, case: Case, headers: dict) -> None:
        nonlocal sent
        try:
            async with session.post(url, data=case.body, headers={"Content-Type": case.content_type, **headers}) as r:
                body = await r.read()
                status = r.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            statuses[target][type(error).__name__] += 1
            server_errors.append((target, case.label, 0, type(error).__name__))
            return
        finally:
            sent += 1
        statuses[target][status] += 1
        if status >= 500:
            server_errors.append((target, case.label, status, body[:300].decode("utf-8", "replace")))
        elif status == 200 and b'"text"' not in body:
            silent[target].append(case.label)

    async def worker(session: aiohttp.ClientSession) -> None:
        for target, url, case, headers in work:  # one shared generator: each request goes once
            await one(session, target, url, case, headers)
            if sent // args.sample_every > samples[-1][0] // args.sample_every:
                samples.append((sent, stack.memory()))
                dead = {name for _, name in deaths}
                deaths.extend((sent, name) for name, up in stack.alive().items() if not up and name not in dead)
                print(
                    f"{sent} requests, {time.monotonic() - started:.0f} s, RSS "
                    + ", ".join(f"{n} {mb:.0f} MB" for n, mb in samples[-1][1].items()),
                    flush=True,
                )

    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=args.timeout)
    ) as session:
        await asyncio.gather(*(worker(session) for _ in range(args.workers)))
        samples.append((sent, stack.memory()))
        after = {}
        async with session.post(f"{stack.web_url}/api/messages", json={"message": ORDINARY}) as r:
            after["relay"] = (r.status, await r.text())
        async with session.post(
            f"{stack.rasa_url('rasa')}/webhooks/rest/webhook",
            headers={HEADER: secret},
            json={"sender": "after-soak", "message": ORDINARY},
        ) as r:
            after["rest"] = (r.status, await r.text())
    return {
        "statuses": statuses,
        "server_errors": server_errors,
        "silent": silent,
        "samples": samples,
        "deaths": deaths,
        "alive": stack.alive(),
        "seconds": time.monotonic() - started,
        "after": after,
    }


def memory_rows(result: dict, args) -> tuple[list[tuple[str, ...]], bool]:
    samples = result["samples"]
    warm = next((s for s in samples if s[0] >= args.warmup), samples[-1])
    end = samples[-1]
    rows, all_flat = [], True
    for name in samples[0][1]:
        after_warmup = [(n, memory[name]) for n, memory in samples if n >= warm[0]]
        per_request = slope(after_warmup) if len(after_warmup) > 2 else 0.0
        growth = per_request * (end[0] - warm[0])
        flat = growth < args.tolerance * warm[1][name]
        all_flat &= flat
        rows.append(
            (
                name,
                f"{samples[0][1][name]:.0f}",
                f"{warm[1][name]:.0f}",
                f"{end[1][name]:.0f}",
                f"{per_request * 1000:+.2f}",
                f"{growth:+.1f}",
                "flat" if flat else "GROWING",
            )
        )
    return rows, all_flat


def report(result: dict, args, model: Path) -> tuple[str, bool]:
    codes = sorted({c for counter in result["statuses"].values() for c in counter}, key=str)
    status_rows = [(str(code), *(str(result["statuses"][t][code]) for t in ("relay", "rest"))) for code in codes]
    silent = result["silent"]
    status_rows.append(("of the 200s: without any reply text", str(len(silent["relay"])), str(len(silent["rest"]))))
    rows, flat = memory_rows(result, args)
    sent = result["samples"][-1][0]
    lines = [
        "# Hostile soak: the web relay and Rasa's REST channel of one `bot run` stack",
        "",
        f"{sent} requests ({args.count // 2} relay + {args.count - args.count // 2} REST, {args.workers} at a time) "
        f"in {result['seconds']:.0f} s; model {model.name}; SQLite catalogue and tracker store. {args.machine}",
        "",
        table(["status", "relay", "REST channel"], status_rows),
        "",
        f"5xx or no answer: {len(result['server_errors'])}"
        + "".join(f"\n- {t} {label}: {status} {body!r}" for t, label, status, body in result["server_errors"][:10]),
        "Kinds answered 200 without any reply text: "
        + ", ".join(
            f"{kind} {n}"
            for kind, n in Counter(
                label.split("-", 1)[1] for labels in silent.values() for label in labels
            ).most_common()
        ),
        f"Services alive at the end: {', '.join(n for n, up in result['alive'].items() if up)}"
        + (f"; DIED: {result['deaths']}" if result["deaths"] or not all(result["alive"].values()) else " (all)"),
        "After the soak, an ordinary question: "
        + "; ".join(f"{target} {status} {text[:100]!r}" for target, (status, text) in result["after"].items()),
        "",
        f"Memory (RSS, MB; sampled every {args.sample_every} requests; warm-up = first {args.warmup}; flat = "
        f"the slope after the warm-up adds less than {args.tolerance:.0%} of the RSS after the warm-up by the end):",
        "",
        table(
            [
                "process",
                "start",
                "after warm-up",
                "end",
                "slope MB / 1,000 requests",
                "fitted growth after warm-up",
                "verdict",
            ],
            rows,
            align="lrrrrrl",
        ),
    ]
    ok = (
        not result["server_errors"]
        and all(result["alive"].values())
        and flat
        and all(status == 200 for status, _ in result["after"].values())
    )
    return "\n".join(lines), ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="requests in all, half to each target")
    parser.add_argument("--workers", type=int, default=4, help="requests at a time")
    parser.add_argument("--senders", type=int, default=200, help="conversations the REST requests rotate over")
    parser.add_argument("--sample-every", type=int, default=250, help="requests between memory samples")
    parser.add_argument("--warmup", type=int, default=1000, help="requests before the memory baseline")
    parser.add_argument("--tolerance", type=float, default=0.05, help="growth after the warm-up still called flat")
    parser.add_argument("--timeout", type=float, default=120, help="client seconds per request")
    parser.add_argument("--model", help="model file (default: the model in service if current, else trained)")
    args = parser.parse_args()
    args.machine = machine()  # the load average at the start
    model = serving_model(args.model)
    secret = os.environ.setdefault("BOT_CHANNEL_SECRET", secrets.token_urlsafe(32))  # the services inherit it
    os.environ.setdefault("BOT_ACTION_SECRET", secrets.token_urlsafe(32))
    with tempfile.TemporaryDirectory(prefix="hostile-soak-") as workdir:
        db_url = seeded(f"sqlite:///{workdir}/catalogue.db")
        with Stack(model, db_url, f"sqlite:///{workdir}/tracker.db", Path(workdir), replicas=0) as stack:
            print(f"up: {', '.join(stack.services)}; {args.count} hostile requests", flush=True)
            result = asyncio.run(soak(args, stack, secret))
    text_report, ok = report(result, args, model)
    print(text_report)
    print(f"\nWritten to {write_result('hostile_soak', text_report)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
