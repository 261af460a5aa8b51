"""`bot handoff deliver`: send the cases waiting for the service desk (docs/handoff.md)."""

from __future__ import annotations

import argparse
import time


def deliver_once() -> tuple[str, bool]:
    """One delivery run: a line for the operator and whether nothing is left waiting."""
    from bot.config import handoff_settings
    from bot.handoff import outbox

    config = handoff_settings()
    if config.adapter == "off":
        return "Handoff is off (BOT_HANDOFF_ADAPTER, BOT_HANDOFF_EMAIL_TO): nothing to deliver.", True
    counts = outbox.deliver_waiting(config)
    line = (
        f"Sent {counts['sent']} case(s) to the service desk ({config.adapter}), "
        f"{counts['failed']} refused by it (see docs/handoff.md), {counts['waiting']} still waiting."
    )
    return line, counts["waiting"] == 0


def cmd_deliver(args) -> int:
    while True:
        line, done = deliver_once()
        print(line, flush=True)
        if args.every is None:
            return 0 if done else 1
        time.sleep(args.every * 60)


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("handoff", help="cases handed to the service desk").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = group.add_parser(
        "deliver",
        help="send the cases waiting for the service desk, each exactly once; exit status 1 when some still wait",
    )
    p.add_argument("--every", type=float, metavar="MINUTES", help="keep running, delivering every MINUTES minutes")
    p.set_defaults(func=cmd_deliver)
