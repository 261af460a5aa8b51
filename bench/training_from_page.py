"""Training to serving: the time from «Lag ny versjon» (after a trainer added a theme) until both
Rasa replicas of the cluster serve the new version, split into the queue and training (the worker
polls, trains, evaluates and promotes) and the pull (bench/model_rollout.py's promotion, measured
here again), and the messages that failed or were answered wrongly meanwhile, while conversations
talk through the web relay as in bench/model_rollout.py (issue 15, "Done means").

    .venv/bin/python bench/training_from_page.py
    .venv/bin/python bench/training_from_page.py --rounds 2 --conversations 6 --pull-seconds 10

Each round adds a new theme with an answer and examples to the database (as the trainer page
does, bot.training.additions) and queues a training as «Lag ny versjon» does (bot.training.queue);
`bot training worker`, running beside the cluster as in deploy/, takes it (it looks every 10 s).
The worker calls no Rasa (BOT_RASA_URLS points nowhere): the replicas pull the new model in
service from the web service. Stores are private (PostgreSQL and Redis servers of the benchmark's own).
Report: stdout and bench/results/training_from_page.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # this process never needs it

import argparse  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import machine, percentile, publish, seeded, table  # noqa: E402
from cluster import Conversation, PrivatePostgres, PrivateRedis, Stack, serving_model  # noqa: E402
from model_rollout import PACE_SECONDS, seconds_until_served, under_load  # noqa: E402

from bot import db  # noqa: E402
from bot.config import PROJECT_ROOT  # noqa: E402
from bot.training import additions, queue, registry  # noqa: E402
from bot.training.models import TrainingRequest  # noqa: E402
from bot.training.project import Project  # noqa: E402

EXAMPLES = [
    "hvordan kobler gjester seg på wifi nummer {n}",
    "hva er koden til gjestenett {n}",
    "kan besøkende bruke trådløst nett {n}",
    "passord til wifi for gjester i bygg {n}",
]


def add_theme(db_url: str, number: int) -> str:
    """A new theme with an answer and four examples, as a trainer adds it on the page."""
    project = Project()
    with db.session_scope(db_url) as session:
        display_name = f"Gjestenett i bygg {number}"
        intent = additions.free_intent_name(session, project, display_name)
        additions.create_intent(
            session,
            project,
            intent,
            display_name,
            f"Gjestenettet i bygg {number} heter Kommune-Gjest-{number}.",
            [text.format(n=number) for text in EXAMPLES],
            by="bench/training_from_page.py",
        )
    return intent


@contextlib.contextmanager
def worker(stack: Stack) -> Iterator[None]:
    """`bot training worker` on the stack's database and models, calling no Rasa."""
    env = {**stack.env, "BOT_RASA_URLS": "http://127.0.0.1:9"}
    with (stack.workdir / "worker.log").open("w") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "bot"), "training", "worker"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            process.terminate()
            process.wait(timeout=60)


def train(db_url: str) -> str:
    """«Lag ny versjon»: queue a training and wait until the worker has finished it; the new
    version's file name."""
    with db.session_scope(db_url) as session:
        request_id = queue.request(session, "bench/training_from_page.py").id
    while True:
        with db.session_scope(db_url) as session:
            row = session.get(TrainingRequest, request_id)
            assert row is not None
            if row.state == queue.FAILED:
                raise RuntimeError(f"the training failed: {row.outcome}")
            if row.state == queue.SUCCEEDED and row.candidate:
                return row.candidate
        time.sleep(0.2)


def run(args, model: Path) -> tuple[list[tuple[float, float]], list[Conversation]]:
    kept = args.logs and contextlib.nullcontext(tempfile.mkdtemp(prefix="training-", dir=args.logs))
    with (
        kept or tempfile.TemporaryDirectory(prefix="training-") as workdir,
        PrivatePostgres() as postgres,
        PrivateRedis() as redis,
    ):
        db_url = seeded(postgres.create_database("digihjelpen"))
        tracker_url = postgres.create_database("digihjelpen_tracker")
        os.environ["BOT_MODEL_PULL_SECONDS"] = str(args.pull_seconds)  # read by Stack's settings()
        with Stack(
            model, db_url, tracker_url, Path(workdir) / "cluster", replicas=2, lock_store_url=redis.url
        ) as stack:
            secret, rasa_urls = stack.env["BOT_RASA_JWT_SECRET"], [stack.rasa_url(n) for n in stack.names("rasa")]
            seconds_until_served(rasa_urls, model.name, secret, time.monotonic())  # the first pull done

            def rounds() -> list[list[float]]:
                timings = []
                for number in range(1, args.rounds + 1):
                    add_theme(db_url, number)
                    before = registry.in_service(stack.config.models_dir)
                    started = time.monotonic()
                    candidate = stack.config.models_dir / train(db_url)
                    if registry.in_service(stack.config.models_dir) != candidate:  # judged worse: «Ta i bruk»
                        registry.put_in_service(candidate, "«Ta i bruk» (bench/training_from_page.py)")
                    trained = time.monotonic() - started
                    new = registry.in_service(stack.config.models_dir)
                    assert new is not None and new != before, "the new version was not put in service"
                    served = seconds_until_served(rasa_urls, new.name, secret, time.monotonic())
                    timings.append([trained, max(served)])
                    print(f"round {number}: trained {trained:.1f} s, both replicas serving {max(served):.1f} s later")
                    time.sleep(args.pull_seconds)  # the conversations go on after the switch, too
                return timings

            print(f"cluster: {args.rounds} training(s) under load, pull every {args.pull_seconds} s", flush=True)
            with worker(stack):
                timings, talked = under_load(stack, args.conversations, rounds)
    return [(trained, served) for trained, served in timings], talked


def report(timings: list[tuple[float, float]], talked: list[Conversation], args, model: Path) -> str:
    sent = [turn for conversation in talked for turn in conversation.sent]
    failed = [turn for conversation in talked for turn in conversation.errors]
    wrong = [turn for conversation in talked for turn in conversation.wrong]
    latencies = [turn.seconds for turn in sent if turn.status == "200"]

    def row(label: str, values: list[float]) -> list[str]:
        return [label, str(len(values)), f"{min(values):.1f}", f"{statistics.median(values):.1f}", f"{max(values):.1f}"]

    rows = [
        row("queue and training: the worker looks, trains, evaluates, promotes", [t for t, _ in timings]),
        row(f"promotion -> both replicas serving (pull every {args.pull_seconds} s)", [s for _, s in timings]),
        row("total: «Lag ny versjon» -> both replicas serving", [t + s for t, s in timings]),
    ]
    load = (
        f"Under load ({args.conversations} conversations through the web relay, one message each every "
        f"{PACE_SECONDS:.0f} s, from before the first training until after the last switch): {len(sent)} "
        f"messages, {len(failed)} failed, {len(wrong)} answered without the expected text; latency p50 "
        f"{percentile(latencies, 50):.2f} s, p99 {percentile(latencies, 99):.2f} s, "
        f"max {max(latencies, default=float('nan')):.2f} s."
    )
    return "\n".join(
        [
            "# Training to serving: a new version until both replicas serve it",
            "",
            f"{machine()}; first model {model.name} ({model.stat().st_size / 1e6:.0f} MB).",
            "",
            table(["step", "rounds", "min s", "median s", "max s"], rows, "lrrrr"),
            "",
            load,
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="trainings (each a new theme)")
    parser.add_argument("--pull-seconds", type=int, default=10, help="BOT_MODEL_PULL_SECONDS of the cluster")
    parser.add_argument("--conversations", type=int, default=6, help="conversations during the trainings")
    parser.add_argument("--model", help="first model (default: the model in service if current, else trained)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write bench/results/")
    parser.add_argument("--logs", help="keep the services' logs in a new directory under this one")
    args = parser.parse_args()
    model = serving_model(args.model)
    timings, talked = run(args, model)
    publish("training_from_page", report(timings, talked, args, model), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
