"""`bot training worker [--once]`: run the trainings queued on the trainer page («Lag ny versjon»)."""

from __future__ import annotations

import argparse
import signal
import sys


def cmd_worker(args) -> int:
    from bot.training import worker
    from bot.training.project import Project

    # A stopped worker (docker stop, a pod's end) records its training as stopped before it exits.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))

    if args.once:
        if not worker.run_once(Project()):
            print("No training is queued.")
        return 0
    print(f"Training worker: polling the queue every {args.poll_seconds:g} s (Ctrl+C stops).", flush=True)
    worker.run_forever(Project(), poll_seconds=args.poll_seconds)
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    training = commands.add_parser("training", help="the training queue of the trainer page").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = training.add_parser("worker", help="run queued trainings (validate, train, evaluate, promote by rule)")
    p.add_argument("--once", action="store_true", help="run the queued training, if any, then exit")
    p.add_argument("--poll-seconds", type=float, default=10.0, help="how often to look for a queued training")
    p.set_defaults(func=cmd_worker)
