"""`bot gaps export|report|replay|rebuild-rollup`."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import since


def cmd_gaps_export(args) -> int:
    from bot.db import session_scope
    from bot.gaps import report

    with session_scope() as session:
        gaps = report.gaps_since(session, since(args.since))
        sys.stdout.write(report.to_csv(map(report.as_dict, gaps)) if args.format == "csv" else report.to_json(gaps))
    return 0


def cmd_gaps_report(args) -> int:
    from bot.db import session_scope
    from bot.gaps import report

    with session_scope() as session:
        sys.stdout.write(report.summary(report.gaps_since(session, since(args.since))))
    return 0


def cmd_gaps_rebuild_rollup(args) -> int:
    from bot.db import session_scope
    from bot.gaps import rollup

    with session_scope() as session:
        rows = rollup.rebuild(session)
    print(f"Recounted the gap log: {rows} count row(s) (day, week, month, quarter; with and without the need).")
    return 0


def cmd_gaps_replay(args) -> int:
    from bot import spool

    waiting = spool.pending()
    if spool.replay():
        print(f"Replayed {waiting} spooled record(s).")
        return 0
    print(f"The database is still unavailable; {waiting} record(s) stay in the spool.", file=sys.stderr)
    return 1


def add_commands(commands: argparse._SubParsersAction) -> None:
    gaps = commands.add_parser("gaps", help="the gap log").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = gaps.add_parser("export", help="write gap records as JSON or CSV to standard output")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only records from this date on")
    p.set_defaults(func=cmd_gaps_export)
    p = gaps.add_parser("report", help="a readable summary: top private tools, missing needs, departments, weeks")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_gaps_report)
    gaps.add_parser("replay", help="write records spooled while the database was down").set_defaults(
        func=cmd_gaps_replay
    )
    gaps.add_parser(
        "rebuild-rollup",
        help="recount the dashboard's gap counts (gap_counts, gap_totals) from the gap records",
    ).set_defaults(func=cmd_gaps_rebuild_rollup)
