"""Model rollout: the time from a promotion (the pointer to the model in service changes) until both
Rasa replicas of the cluster serve the new model, by polling the web service's model server every
BOT_MODEL_PULL_SECONDS (issue 15, item 3), beside the baseline of the JWT switch (PUT /model with
the model's path, what a plain `bot run` gets from `bot train`), and the conversations' messages
that failed or were answered wrongly while the models changed.

    .venv/bin/python bench/model_rollout.py
    .venv/bin/python bench/model_rollout.py --rounds 8 --pull-seconds 10 --conversations 6 --model models/NAME.tar.gz

Each round puts the other of two models in service (the model and a copy under another name: a
different archive to Rasa, so a full download and load) and polls both replicas' /status every
0.1 s; cluster promotions come after a random wait of up to a pull interval, so that they fall at
any point between two polls (as a trainer's would). Stores are private (PostgreSQL and Redis servers of the benchmark's own, as bench/faults.py).
Report: stdout and bench/results/model_rollout.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # this process never needs it

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402
from _common import machine, percentile, publish, seeded, table  # noqa: E402
from cluster import Conversation, PrivatePostgres, PrivateRedis, Stack, script, serving_model, talk  # noqa: E402

from bot.training import registry, serving  # noqa: E402

PACE_SECONDS = 3.0  # one message per conversation every 3 s (the relay allows 20 a minute)
STATUS_EVERY = 0.1
ROUND_LIMIT_SECONDS = 300


def served(rasa_url: str, secret: str) -> str | None:
    headers = {"Authorization": f"Bearer {serving.admin_token(secret)}"}
    response = requests.get(f"{rasa_url}/status", headers=headers, timeout=30)
    return response.json().get("model_file") if response.status_code == 200 else None


def seconds_until_served(rasa_urls: list[str], name: str, secret: str, started: float) -> list[float]:
    """Seconds from `started` until each replica serves `name`."""
    reached: dict[str, float] = {}
    while len(reached) < len(rasa_urls):
        if time.monotonic() - started > ROUND_LIMIT_SECONDS:
            raise RuntimeError(f"not every replica served {name} after {ROUND_LIMIT_SECONDS} s")
        for url in set(rasa_urls) - set(reached):
            if served(url, secret) == name:
                reached[url] = time.monotonic() - started
        time.sleep(STATUS_EVERY)
    return [reached[url] for url in rasa_urls]


def two_models(stack: Stack, model: Path) -> tuple[Path, Path]:
    """The model in service in the stack's models dir and a copy of it under another name."""
    first = registry.in_service(stack.config.models_dir)
    assert first is not None
    second = first.with_name(first.name.removesuffix(".tar.gz") + "-copy.tar.gz")
    shutil.copy2(first, second)
    registry.write_record(second, {**registry.read_record(first), "trained_at": registry.now()})
    return first, second


def rounds(count: int, models: tuple[Path, Path], roll: Callable[[Path], list[float]]) -> list[list[float]]:
    """`count` rollouts, to the second model, the first, the second ...; each `roll`'s seconds."""
    return [roll(models[(number + 1) % 2]) for number in range(count)]


def under_load(stack: Stack, conversations: int, work: Callable[[], list[list[float]]]) -> tuple[list, list]:
    """`work` (the rounds) while `conversations` employees talk through the web relay; returns its
    result and the conversations."""
    talked: list[Conversation] = []
    stop = asyncio.Event()

    async def employee(number: int) -> None:
        while not stop.is_set():
            conversation = script(number * 1000 + len(talked), 20)
            talked.append(conversation)
            await talk(stack.web_url, conversation, timeout=60, pace=PACE_SECONDS, stop=stop)

    async def main() -> list[list[float]]:
        employees = [asyncio.create_task(employee(n)) for n in range(conversations)]
        result = await asyncio.to_thread(work)
        stop.set()
        await asyncio.gather(*employees)
        return result

    return asyncio.run(main()), talked


def summary(label: str, timings: list[list[float]]) -> list[str]:
    both = [max(round_) for round_ in timings]
    return [
        label,
        str(len(both)),
        f"{min(both):.1f}",
        f"{statistics.median(both):.1f}",
        f"{max(both):.1f}",
    ]


def run(args, model: Path) -> tuple[list[list[str]], list[Conversation]]:
    kept = args.logs and contextlib.nullcontext(tempfile.mkdtemp(prefix="rollout-", dir=args.logs))
    with (
        kept or tempfile.TemporaryDirectory(prefix="rollout-") as workdir,
        PrivatePostgres() as postgres,
        PrivateRedis() as redis,
    ):
        db_url = seeded(postgres.create_database("digihjelpen"))
        tracker_url = postgres.create_database("digihjelpen_tracker")
        rows = []
        with Stack(model, db_url, tracker_url, Path(workdir) / "plain", replicas=0) as plain:
            secret, rasa_url = plain.env["BOT_RASA_JWT_SECRET"], plain.rasa_url("rasa")
            models = two_models(plain, model)

            def jwt_switch(target: Path) -> list[float]:
                started = time.monotonic()
                switch = serving.switch_running(target, [rasa_url], secret)
                assert switch.switched, switch.message
                return [time.monotonic() - started]

            print("plain bot run: the JWT switch", flush=True)
            rows.append(
                summary(
                    "JWT switch, plain `bot run` (1 Rasa, PUT /model with the path)",
                    rounds(args.rounds, models, jwt_switch),
                )
            )

        os.environ["BOT_MODEL_PULL_SECONDS"] = str(args.pull_seconds)  # read by Stack's settings()
        with Stack(
            model, db_url, tracker_url, Path(workdir) / "cluster", replicas=2, lock_store_url=redis.url
        ) as stack:
            secret, rasa_urls = stack.env["BOT_RASA_JWT_SECRET"], [stack.rasa_url(n) for n in stack.names("rasa")]
            models = two_models(stack, model)
            seconds_until_served(rasa_urls, models[0].name, secret, time.monotonic())  # the first pull done

            def promotion(target: Path) -> list[float]:
                time.sleep(random.uniform(0, args.pull_seconds))  # a promotion comes at any point of the polls
                registry.put_in_service(target, "bench/model_rollout.py")
                return seconds_until_served(rasa_urls, target.name, secret, time.monotonic())

            def pull_at_once(target: Path) -> list[float]:
                registry.put_in_service(target, "bench/model_rollout.py")
                started = time.monotonic()
                switch = serving.switch_running(target, rasa_urls, secret)
                assert switch.switched, switch.message
                return seconds_until_served(rasa_urls, target.name, secret, started)

            print(f"cluster: promotions, polled every {args.pull_seconds} s, under load", flush=True)
            timings, talked = under_load(stack, args.conversations, lambda: rounds(args.rounds, models, promotion))
            rows.append(
                summary(f"promotion, cluster (2 Rasa polling every {args.pull_seconds} s), under load", timings)
            )
            print("cluster: the JWT switch, which makes each replica pull at once", flush=True)
            rows.append(
                summary("JWT switch, cluster (PUT /model: pull at once)", rounds(args.rounds, models, pull_at_once))
            )
    return rows, talked


def report(rows: list[list[str]], talked: list[Conversation], args, model: Path) -> str:
    sent = [turn for conversation in talked for turn in conversation.sent]
    failed = [turn for conversation in talked for turn in conversation.errors]
    wrong = [turn for conversation in talked for turn in conversation.wrong]
    latencies = [turn.seconds for turn in sent if turn.status == "200"]
    load = (
        f"Under load ({args.conversations} conversations through the web relay, one message each every "
        f"{PACE_SECONDS:.0f} s, during the promotions): {len(sent)} messages, {len(failed)} failed, "
        f"{len(wrong)} answered without the expected text; latency p50 {percentile(latencies, 50):.2f} s, "
        f"p99 {percentile(latencies, 99):.2f} s, max {max(latencies, default=float('nan')):.2f} s."
    )
    return "\n".join(
        [
            "# Model rollout: promotion to both replicas serving",
            "",
            f"{machine()}; model {model.name} ({model.stat().st_size / 1e6:.0f} MB).",
            "",
            table(["how", "rounds", "min s", "median s", "max s"], rows, "lrrrr"),
            "",
            "Seconds from the promotion (or the switch call) until every replica's /status names the new model.",
            load,
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="rollouts per method")
    parser.add_argument("--pull-seconds", type=int, default=10, help="BOT_MODEL_PULL_SECONDS of the cluster")
    parser.add_argument("--conversations", type=int, default=6, help="conversations during the promotions")
    parser.add_argument("--model", help="model file (default: the model in service if current, else trained)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write bench/results/")
    parser.add_argument("--logs", help="keep the services' logs in a new directory under this one")
    args = parser.parse_args()
    model = serving_model(args.model)
    rows, talked = run(args, model)
    publish("model_rollout", report(rows, talked, args, model), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
