"""`bot trainer inbox|assign|attach|dismiss|export`: the trainers' inbox from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import UsageError, since


def cmd_trainer_inbox(args) -> int:
    """The open inbox messages, with the bot's guess as the theme's Norwegian name (bot.training.names)."""
    from bot.db import session_scope
    from bot.training.inbox import open_items
    from bot.training.names import display_names
    from bot.training.project import Project

    with session_scope() as session:
        items = open_items(session, args.limit)
        names = display_names(session, Project()) if items else {}
        if not items:
            print("The inbox is empty.")
        width = max([len(names.get(item.intent, item.intent)) for item in items if item.intent] + [5]) + 6
        for item in items:
            theme = names.get(item.intent, item.intent) if item.intent else "-"
            guess = f"{theme} {item.confidence:.2f}" if item.intent and item.confidence is not None else theme
            print(f"{item.id:>6}  {item.created_at:%Y-%m-%d}  {item.kind:<13} {guess:<{width}} {item.text}")
    return 0


def _intent_of(session, theme: str) -> str:
    """The intent a theme is called by: its id, or its Norwegian name as `bot trainer inbox` shows it."""
    from bot.training.names import display_names
    from bot.training.project import Project

    by_name = {name.casefold(): intent for intent, name in display_names(session, Project()).items()}
    return by_name.get(theme.casefold(), theme)


def cmd_trainer_assign(args) -> int:
    from bot.db import session_scope
    from bot.training.examples import ExampleError
    from bot.training.inbox import assign

    if args.new_response is None and not args.intent:
        raise UsageError("Give the intent with --intent (or a new one with --name and --new-response).")
    if args.new_response is not None and not args.name:
        raise UsageError("A new intent needs its Norwegian name: --name TEXT.")
    try:
        with session_scope() as session:
            result = assign(
                session,
                args.ids,
                _intent_of(session, args.intent) if args.intent else "",
                by="cli",
                extra_examples=tuple(args.example),
                new_response=args.new_response,
                new_name=args.name,
            )
    except ExampleError as error:
        raise UsageError(str(error)) from None
    if result.created:
        print(f"Created the intent {result.intent} ({args.name}) with its answer, in the database.")
    for outcome in result.outcomes:
        print(f"  {outcome.status:<8} {outcome.text}" + (f"  ({outcome.reason})" if outcome.reason else ""))
    for item_id, reason in result.left.items():
        print(f"Message {item_id} stays in the inbox: {reason}.")
    print("Run `bot train` to train, check and put a new model in service.")
    return 0 if not result.left else 1


def cmd_trainer_attach(args) -> int:
    from bot.catalogue.changes import ChangeError
    from bot.db import session_scope
    from bot.training.examples import ExampleError
    from bot.training.inbox import attach

    kind, entry_id = ("tool", args.tool) if args.tool is not None else ("process", args.process)
    try:
        with session_scope() as session:
            result = attach(session, args.ids, kind, entry_id, phrase=args.phrase, by="cli")
    except ChangeError as error:
        hint = " Give the phrase with --phrase." if error.field == "phrase" and args.phrase is None else ""
        raise UsageError(f"{error}{hint}") from None
    except ExampleError as error:
        raise UsageError(str(error)) from None
    added = result.added
    what = "a task of the tool" if added.entry_kind == "tool" else "another name of the process"
    if added.added:
        print(
            f"Added {added.phrase!r} as {what} {added.entry_name} ({added.entry_id}). "
            "The assistant answers with it from the next message; no training needed."
        )
    else:
        print(f"{added.entry_name} ({added.entry_id}) has {added.phrase!r} already; the catalogue is unchanged.")
    print(f"Attached {len(result.attached)} message(s): {', '.join(map(str, result.attached))}.")
    return 0


def cmd_trainer_dismiss(args) -> int:
    from bot.db import session_scope
    from bot.training.examples import ExampleError
    from bot.training.inbox import dismiss

    try:
        with session_scope() as session:
            count = dismiss(session, args.ids)
    except ExampleError as error:
        raise UsageError(str(error)) from None
    print(f"Dismissed {count} message(s).")
    return 0


def cmd_trainer_export(args) -> int:
    from bot.db import session_scope
    from bot.training import additions, inputs
    from bot.training.project import Project

    day = since(args.since)
    with session_scope() as session:
        rows = additions.read(session, day)
    if args.into is None:
        sys.stdout.write(inputs.export_yaml(rows, f" since {day}" if day else ""))
        return 0
    project = Project(Path(args.into))
    if not project.domain.is_file() or not project.nlu_dir.is_dir() or not project.rules.is_file():
        raise UsageError(f"{args.into} is not a checkout of the project (no domain.yml, data/nlu or data/rules.yml).")
    applied = inputs.apply(project, rows)
    for intent in applied.intents:
        print(f"New intent {intent}: data/nlu/{intent}.yml, domain.yml, data/rules.yml, data/intent_names.yml.")
    print(
        f"Wrote {applied.examples} example(s); {applied.skipped} the files hold already were skipped. "
        "Review with `git diff` and commit."
    )
    return 0


def cmd_trainer_added(args) -> int:
    from bot.db import session_scope
    from bot.training import additions

    with session_scope() as session:
        rows = additions.read(session, since(args.since))
    if not rows.intents and not rows.examples:
        print("Trainers have added nothing" + (f" since {args.since}." if args.since else "."))
    for new in rows.intents:
        print(
            f"intent  {new.name} ({new.display_name})  {new.added_at:%Y-%m-%d}  {new.added_by}  answer: {new.response}"
        )
    for row in rows.examples:
        print(f"{row.id:>6}  {row.intent:<24} {row.added_at:%Y-%m-%d}  {row.added_by:<16} {row.text}")
    return 0


def cmd_trainer_remove(args) -> int:
    from bot.db import session_scope
    from bot.training import additions
    from bot.training.examples import ExampleError

    if not args.ids and args.intent is None:
        raise UsageError("Give the ids of the examples to remove (see bot trainer added), or --intent NAME.")
    try:
        with session_scope() as session:
            removed = additions.remove_examples(session, args.ids) if args.ids else 0
            if args.intent is not None:
                removed += additions.remove_intent(session, args.intent)
    except ExampleError as error:
        raise UsageError(str(error)) from None
    print(
        f"Removed {removed} example(s)" + (f" and the intent {args.intent}" if args.intent else "") + ". "
        "Run `bot train` for a model without them."
    )
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    trainer = commands.add_parser("trainer", help="the trainer inbox").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = trainer.add_parser("inbox", help="list the messages waiting for a trainer, newest first")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_trainer_inbox)
    p = trainer.add_parser(
        "assign",
        help="add inbox messages as examples of an intent (or a new one with --name and --new-response); "
        "stored in the database",
    )
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p.add_argument(
        "--intent", help="the theme: its id or its Norwegian name as `bot trainer inbox` shows it (new: from --name)"
    )
    p.add_argument("--example", action="append", default=[], metavar="TEXT", help="another example (repeatable)")
    p.add_argument("--new-response", metavar="TEXT", help="create a new intent with this answer")
    p.add_argument("--name", metavar="TEXT", help="the new intent's Norwegian name, as trainers see it")
    p.set_defaults(func=cmd_trainer_assign)
    p = trainer.add_parser(
        "attach",
        help="attach inbox messages to the tool (a task) or process (a name) that should have "
        "answered them; the assistant uses it at once",
    )
    p.add_argument("ids", type=int, nargs="+", metavar="ITEM_ID")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--tool", metavar="ID", help="the workplace tool's id (see bot catalogue list)")
    target.add_argument("--process", metavar="ID", help="the process's id")
    p.add_argument("--phrase", metavar="TEXT", help="the task or name to add (default: the first message's text)")
    p.set_defaults(func=cmd_trainer_attach)
    p = trainer.add_parser("dismiss", help="mark inbox messages as not training material")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p.set_defaults(func=cmd_trainer_dismiss)
    p = trainer.add_parser(
        "export", help="write what trainers added in the database as Rasa YAML to standard output (or --into)"
    )
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only what was added from this date on")
    p.add_argument(
        "--into",
        metavar="DIR",
        help="write it into the files of the checkout DIR instead (data/nlu, domain.yml, data/rules.yml), "
        "skipping what they hold already",
    )
    p.set_defaults(func=cmd_trainer_export)
    p = trainer.add_parser("added", help="list the examples and intents trainers added in the database, oldest first")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only what was added from this date on")
    p.set_defaults(func=cmd_trainer_added)
    p = trainer.add_parser("remove", help="remove examples trainers added (by id), or an intent a trainer made")
    p.add_argument("ids", type=int, nargs="*", metavar="ID", help="example ids, see bot trainer added")
    p.add_argument("--intent", metavar="NAME", help="remove this intent a trainer made, with all its examples")
    p.set_defaults(func=cmd_trainer_remove)
