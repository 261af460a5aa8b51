"""`bot privacy purge`."""

from __future__ import annotations

import argparse

from bot.cli.common import UsageError


def cmd_privacy_purge(args) -> int:
    from bot import retention
    from bot.config import settings

    days = settings().retention_days if args.older_than is None else args.older_than
    if days < 1:
        raise UsageError("--older-than (or BOT_RETENTION_DAYS) must be at least 1 day")
    stores = args.store or list(retention.STORES)
    unknown = [store for store in stores if store not in retention.STORES]
    if unknown:
        raise UsageError(f"no store {', '.join(unknown)}; the stores are {', '.join(retention.STORES)}")
    if args.every is not None:
        if args.every <= 0:
            raise UsageError("--every must be a positive number of hours")
        retention.purge_every(days, stores, args.every)  # until stopped
    line, complete = retention.purge(days, stores)
    print(line)
    return 0 if complete else 1


def add_commands(commands: argparse._SubParsersAction) -> None:
    privacy = commands.add_parser("privacy", help="retention").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = privacy.add_parser("purge", help="delete message text older than a limit from every store that keeps it")
    p.add_argument(
        "--older-than", type=int, metavar="DAYS", help="age limit in days (default BOT_RETENTION_DAYS, else 30)"
    )
    p.add_argument(
        "--store",
        action="append",
        metavar="STORE",
        help="purge only this store: conversations, inbox, spool or event-broker (repeatable; default all)",
    )
    p.add_argument("--every", type=float, metavar="HOURS", help="keep running: purge now and every HOURS hours")
    p.set_defaults(func=cmd_privacy_purge)
