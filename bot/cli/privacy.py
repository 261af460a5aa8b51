"""`bot privacy purge`."""

from __future__ import annotations

import argparse

from bot.cli.common import UsageError


def cmd_privacy_purge(args) -> int:
    from bot import retention

    if args.older_than < 1:
        raise UsageError("--older-than must be at least 1 day")
    print(retention.purge(args.older_than))
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    privacy = commands.add_parser("privacy", help="retention").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = privacy.add_parser("purge", help="delete conversations and inbox texts older than a limit")
    p.add_argument("--older-than", type=int, default=30, metavar="DAYS", help="age limit in days (default 30)")
    p.set_defaults(func=cmd_privacy_purge)
