"""`bot service-messages add/list/end`: IT's service messages (driftsmeldinger) about a tool."""

from __future__ import annotations

import argparse

from bot.cli.common import UsageError

WHO = "cli"


def cmd_add(args) -> int:
    from bot.catalogue import service_messages
    from bot.db import session_scope

    try:
        with session_scope() as session:
            starts = service_messages.parse_time(args.starts, "starts") if args.starts else None
            ends = service_messages.parse_time(args.ends, "ends")
            message = service_messages.post(session, args.tool, args.text, ends, WHO, starts)
            shown = service_messages.as_dict(session, message)
    except service_messages.MessageError as error:
        raise UsageError(
            f"--{error.field}: {error.english}" if error.field in ("starts", "ends") else error.english
        ) from None
    print(f"Added service message {shown['id']} for {shown['tool_name']}, {_period(shown)}.")
    return 0


def _period(shown: dict) -> str:
    return f"from {shown['starts'][:16].replace('T', ' ')} to {shown['ends'][:16].replace('T', ' ')} UTC"


def cmd_list(args) -> int:
    from bot.catalogue import service_messages
    from bot.db import session_scope

    with session_scope() as session:
        listed = [service_messages.as_dict(session, m) for m in service_messages.current(session)]
    if not listed:
        print("No active or upcoming service messages. Add one with: bot service-messages add TOOL TEXT --ends TIME")
    for shown in listed:
        state = "active" if shown["active"] else "upcoming"
        print(f"{shown['id']:>5}  {shown['tool_name']:<20}  {state:<8}  {_period(shown)}  by {shown['created_by']}")
        print(f"       {shown['text']}")
    return 0


def cmd_end(args) -> int:
    from bot.catalogue import service_messages
    from bot.db import session_scope

    with session_scope() as session:
        ended = service_messages.end(session, args.id, WHO)
    if not ended:
        raise UsageError(f"no active or upcoming service message {args.id} (see: bot service-messages list)")
    print(f"Ended service message {args.id}.")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "service-messages", help="service messages (driftsmeldinger) shown in answers and the widget"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    times = (
        "an ISO date and time (2026-12-04T14:00, Norwegian time unless it has an offset such as +01:00) "
        "or HH:MM for today"
    )
    p = group.add_parser("add", help="post a message about a tool: every answer about it starts with the message")
    p.add_argument("tool", help="the tool's catalogue id (bot catalogue list)")
    p.add_argument("text", help="the message, in Norwegian, e.g. «Tidvis er nede for vedlikehold til kl. 14.»")
    p.add_argument("--ends", required=True, metavar="TIME", help=f"when it stops being shown: {times}")
    p.add_argument("--starts", metavar="TIME", help=f"when it starts being shown (default now): {times}")
    p.set_defaults(func=cmd_add)
    p = group.add_parser("list", help="messages not yet ended, the soonest start first")
    p.set_defaults(func=cmd_list)
    p = group.add_parser("end", help="end a message now")
    p.add_argument("id", type=int, help="the message's number (bot service-messages list)")
    p.set_defaults(func=cmd_end)
