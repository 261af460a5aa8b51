"""What keeping the dashboard's gap counts costs the writes (bot.gaps.rollup's hook), on PostgreSQL.

Run from the project root (about a minute):

    .venv/bin/python bench/gap_rollup_writes.py
    .venv/bin/python bench/gap_rollup_writes.py --gaps 2000 --repeat 5

On a fresh database on BENCH_POSTGRES_URL it times three writes through the ORM, each first
without the hook (the baseline: the writes alone) and then with it (rollup.install()): many gaps
added in one flush, the same number one per transaction (as the recorder writes a turn's gaps), and
a status change of half of them in one transaction (as IT sets a group's status). Best of
--repeat runs; nothing is asserted; the report also goes to bench/results/gap_rollup_writes.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # spaCy would import it (through thinc); nothing here needs it

import argparse  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402

from _common import machine, publish, table, throwaway_postgres  # noqa: E402
from gaps_dashboard import POSTGRES_URL  # noqa: E402
from sqlalchemy import delete, event, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot import db  # noqa: E402
from bot.gaps import rollup  # noqa: E402
from bot.gaps.models import Gap  # noqa: E402

START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def new_gaps(rng: random.Random, count: int) -> list[Gap]:
    return [
        Gap(
            record_id=str(uuid.uuid4()),
            created_at=START + timedelta(minutes=rng.randrange(60 * 24 * 365)),
            kind="private_tool",
            private_tool=rng.choice(["dropbox", "whatsapp", "miro", "chatgpt"]),
            need=rng.choice(["dele filer", "lage skjema", None]),
            department=rng.choice(["NAV", "Kultur", "Oppvekst", None]),
            text="",
        )
        for _ in range(count)
    ]


def one_flush(url: str, rng: random.Random, count: int) -> None:
    with db.session_scope(url) as session:
        session.add_all(new_gaps(rng, count))


def one_per_transaction(url: str, rng: random.Random, count: int) -> None:
    for gap in new_gaps(rng, count):
        with db.session_scope(url) as session:
            session.add(gap)


def status_changes(url: str, rng: random.Random, count: int) -> None:
    with db.session_scope(url) as session:
        for gap in session.scalars(select(Gap).order_by(Gap.id).limit(count // 2)):
            gap.status = rng.choice(["løst", "planlagt", "avvist"])


WRITES = {
    "{n} gaps in one flush": one_flush,
    "{n} gaps, one transaction each": one_per_transaction,
    "{half} status changes in one transaction": status_changes,
}


def best_seconds(url: str, write, count: int, repeat: int) -> float:
    best = float("inf")
    for run in range(repeat):
        with db.session_scope(url) as session:  # the same start for every run
            for model in (Gap, *rollup.TABLES):
                session.execute(delete(model))
        rng = random.Random(run)
        if write is status_changes:
            one_flush(url, rng, count)
        started = time.perf_counter()
        write(url, rng, count)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/gap_rollup_writes.md")
    args = parser.parse_args()
    rows = []
    with throwaway_postgres(POSTGRES_URL) as url:
        db.upgrade(url)
        for label, write in WRITES.items():
            if event.contains(Session, "after_flush", rollup._count_flushed_gaps):
                event.remove(Session, "after_flush", rollup._count_flushed_gaps)  # the baseline: no counts
            baseline = best_seconds(url, write, args.gaps, args.repeat)
            rollup.install()
            counted = best_seconds(url, write, args.gaps, args.repeat)
            rows.append((label.format(n=args.gaps, half=args.gaps // 2), f"{baseline:.2f} s", f"{counted:.2f} s"))
    report = "\n".join(
        [
            "# Gap counts kept on write (bench/gap_rollup_writes.py)",
            "",
            f"{machine()}; PostgreSQL; best of {args.repeat}.",
            "",
            table(["write", "without counts (baseline)", "with counts (rollup.install)"], rows),
        ]
    )
    publish("gap_rollup_writes", report, write=not args.no_write)


if __name__ == "__main__":
    main()
