"""Gap records for IT, k-anonymous, and their downloads: what hiding small departments costs the
list, and what the CSV and XLSX downloads cost, over gap records in PostgreSQL.

Run from the project root (a few minutes on 2 cores):

    .venv/bin/python bench/gap_records.py
    .venv/bin/python bench/gap_records.py --rows 200000 --repeat 3

It fills a fresh database on BENCH_POSTGRES_URL as bench/gaps_dashboard.py does (its FILL: two
years of records, skewed towards a few tools and departments) and counts it (bot.gaps.rollup,
which the departments a list names are summed from), then times the list's cases of that
benchmark with list_page (the list before k-anonymity, the baseline) and with record_page (the
same page plus the departments that the filtered set names, bot.gaps.queries), and the downloads
of a period (bot.gaps.report.to_csv and to_xlsx over queries.iter_records) beside reading the same
records without writing a file (the baseline): p50 and max after one warm-up, the file's size and
the peak of Python allocations while writing it (tracemalloc, a separate run). Nothing is
asserted; the report also goes to bench/results/gap_records.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # spaCy would import it (through thinc); nothing here needs it

import argparse  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from datetime import date, datetime, timezone  # noqa: E402

from _common import machine, percentile, table, throwaway_postgres, write_result  # noqa: E402
from gaps_dashboard import FILL, POSTGRES_URL, THRESHOLD, cases  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bot import db  # noqa: E402
from bot.gaps import queries, report, rollup  # noqa: E402

DOWNLOADS = {
    "read only (baseline)": lambda rows: sum(1 for _ in rows),
    "CSV": lambda rows: len(report.to_csv(rows).encode("utf-8")),
    "XLSX": lambda rows: len(report.to_xlsx(rows)),
}


def timed(url: str, work, repeat: int) -> tuple[list[float], object]:
    """Milliseconds of `work(session)` in a new session each time, after one warm-up; its last result."""
    timings, result = [], None
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        with db.session_scope(url) as session:
            result = work(session)
        if attempt:
            timings.append((time.perf_counter() - started) * 1000)
    return timings, result


def peak_mb(url: str, work) -> float:
    tracemalloc.start()
    try:
        with db.session_scope(url) as session:
            work(session)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case (after one warm-up)")
    args = parser.parse_args()

    lines = [f"# Gap records, k-anonymous, and downloads: {args.rows:,} gap records in PostgreSQL", "", machine(), ""]
    with throwaway_postgres(POSTGRES_URL) as url:
        db.upgrade(url)
        engine = db.engine_for(url)
        with engine.begin() as connection:
            connection.execute(text(FILL), {"rows": args.rows})
        with db.session_scope(url) as session:
            rollup.rebuild(session)  # what `bot gaps rebuild-rollup` does
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table_name in ("gaps", "gap_counts", "gap_totals"):
                connection.execute(text(f"VACUUM ANALYZE {table_name}"))
        today = datetime.now(timezone.utc).date()
        _, lists = cases(today)

        rows = []
        for label, gap_filter, page in lists:
            before, _ = timed(url, lambda s, f=gap_filter, p=page: queries.list_page(s, f, p, 50), args.repeat)
            try:
                now, _ = timed(
                    url, lambda s, f=gap_filter, p=page: queries.record_page(s, f, THRESHOLD, p, 50), args.repeat
                )
                now_text = f"{percentile(now, 50):.1f} / {max(now):.1f}"
            except queries.Withheld:
                now_text = "withheld (small department)"
            rows.append([label, f"{percentile(before, 50):.1f} / {max(before):.1f}", now_text])
            print(rows[-1], flush=True)
        lines += [
            f"## The list: milliseconds per page (p50 / max of {args.repeat} runs after a warm-up)",
            "",
            table(["case", "list_page (before, baseline)", "record_page (now)"], rows, align="lrr"),
            "",
        ]

        rows = []
        for days in (30, 90):
            gap_filter = queries.parse_filter(
                {"from": date.fromordinal(today.toordinal() - days + 1).isoformat()}, today
            )
            count = timed(url, lambda s, f=gap_filter: sum(1 for _ in queries.iter_gaps(s, f)), 0)[1]
            for kind, write in DOWNLOADS.items():

                def work(session, write=write, gap_filter=gap_filter):
                    return write(queries.iter_records(session, gap_filter, THRESHOLD))

                timings, result = timed(url, work, args.repeat)
                size = "" if kind.startswith("read") else f"{result / 2**20:.1f} MB"
                rows.append(
                    [
                        f"{days} days ({count:,} records)",
                        kind,
                        f"{percentile(timings, 50):.0f}",
                        f"{max(timings):.0f}",
                        size,
                        f"{peak_mb(url, work):.0f}",
                    ]
                )
                print(rows[-1], flush=True)
        lines += [
            "## Downloads of a period: whole file in milliseconds, its size, peak Python allocations",
            "",
            table(["period", "written as", "p50 ms", "max ms", "file", "peak MB"], rows, align="llrrrr"),
            "",
        ]
        text_report = "\n".join(lines)
        print(text_report)
        print(f"\nWrote {write_result('gap_records', text_report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
