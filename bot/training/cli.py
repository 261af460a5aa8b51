"""The `bot` commands for training: `bot train`, `bot model ensure|history|rollback|switch` and
`bot trainer inbox|assign|attach|dismiss|export`. `bot.cli.build_parser` adds them with `add_commands`."""

from __future__ import annotations

import argparse
import shutil
import sys

from bot.training.project import Project


def _usage_error(message: str) -> Exception:
    from bot.cli import UsageError

    return UsageError(message)


class ProgressLine:
    """Rasa's latest log message with the elapsed time: one line rewritten on a terminal, else
    one line per message."""

    def __init__(self) -> None:
        self.tty = sys.stdout.isatty()
        self.last = ""

    def __call__(self, seconds: float, message: str) -> None:
        text = f"  [{seconds:4.0f} s] {message}"
        if self.tty:
            width = shutil.get_terminal_size().columns - 1
            sys.stdout.write("\r" + text[:width].ljust(width))
        elif message != self.last:
            sys.stdout.write(text + "\n")
        self.last = message
        sys.stdout.flush()

    def done(self) -> None:
        if self.tty and self.last:
            sys.stdout.write("\n")
        self.last = ""


def _say(progress: ProgressLine):
    def say(text: str) -> None:
        progress.done()
        print(text, flush=True)

    return say


def _report_switch(switch) -> int:
    """Print how the running Rasa replicas took the switch; 1 when some serve another model now."""
    print(switch.message, file=sys.stdout if switch.complete else sys.stderr)
    return 0 if switch.complete else 1


def _report(outcome) -> int:
    print()
    print(outcome.table)
    print()
    if outcome.promoted:
        print(f"Promoted {outcome.candidate.name}: {outcome.reason}.")
        return _report_switch(outcome.switch)
    print(f"Rejected {outcome.candidate.name}: {outcome.reason}.")
    print(f"The model in service stays: {outcome.in_service.name if outcome.in_service else 'none'}.")
    return 1


def cmd_train(args) -> int:
    from bot.training.model import TrainingError
    from bot.training.pipeline import train_and_promote

    progress = ProgressLine()
    try:
        outcome = train_and_promote(Project(), tolerance=args.tolerance, say=_say(progress), progress=progress)
    except TrainingError as error:
        progress.done()
        print(f"Stopped: {error}", file=sys.stderr)
        return 1
    return _report(outcome)


def cmd_model_ensure(args) -> int:
    from bot.training.model import TrainingError
    from bot.training.pipeline import ensure

    progress = ProgressLine()
    try:
        outcome = ensure(Project(), say=_say(progress), progress=progress)
    except TrainingError as error:
        progress.done()
        print(f"Stopped: {error}", file=sys.stderr)
        return 1
    if outcome is not None:
        _report(outcome)
        if outcome.in_service is None or (outcome.switch and not outcome.switch.complete):
            return 1
    return 0


def _score(record: dict, key: str) -> str:
    value = (record.get("scores") or {}).get(key)
    return "-" if value is None else f"{value:.3f}"


def cmd_model_history(args) -> int:
    from bot.training import registry

    models_dir = Project().models_dir
    current = registry.in_service(models_dir)
    rows = [("", "model", "trained (UTC)", "accuracy", "macro-F1", "failed stories", "status")]
    for model in registry.models(models_dir) if models_dir.is_dir() else []:
        record = registry.read_record(model)
        scores = record.get("scores") or {}
        failed = (
            f"{len(scores['failed_stories'])} / {scores.get('stories', '?')}" if "failed_stories" in scores else "-"
        )
        rows.append(
            (
                "*" if model == current else "",
                model.name.removesuffix(".tar.gz"),
                (record.get("trained_at") or "?").replace("T", " ").removesuffix("+00:00"),
                _score(record, "accuracy"),
                _score(record, "macro_f1"),
                failed,
                record.get("status", "unknown"),
            )
        )
    if len(rows) == 1:
        print(f"No models in {models_dir}. Train one with: bot train")
        return 0
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print("\n* = in service (what `bot run` serves).")
    if args.verbose_reasons:
        for model in registry.models(models_dir):
            reason = registry.read_record(model).get("reason")
            if reason:
                print(f"{model.name.removesuffix('.tar.gz')}: {reason}")
    return 0


def cmd_model_rollback(args) -> int:
    from bot.training.pipeline import rollback
    from bot.training.registry import RegistryError

    try:
        old, new, switch = rollback(Project(), args.name)
    except RegistryError as error:
        raise _usage_error(str(error)) from None
    print(f"In service now: {new.name}" + (f" (instead of {old.name})." if old else "."))
    return _report_switch(switch)


def cmd_model_switch(args) -> int:
    from bot.training.pipeline import switch
    from bot.training.registry import RegistryError

    try:
        result = switch(Project())
    except RegistryError as error:
        raise _usage_error(str(error)) from None
    return _report_switch(result)


def cmd_trainer_inbox(args) -> int:
    from bot.db import session_scope
    from bot.training.inbox import open_items

    with session_scope() as session:
        items = open_items(session, args.limit)
        if not items:
            print("The inbox is empty.")
        for item in items:
            guess = (
                f"{item.intent} {item.confidence:.2f}"
                if item.intent and item.confidence is not None
                else (item.intent or "-")
            )
            print(f"{item.id:>6}  {item.created_at:%Y-%m-%d}  {item.kind:<13} {guess:<28} {item.text}")
    return 0


def cmd_trainer_assign(args) -> int:
    from bot.db import session_scope
    from bot.training.examples import ExampleError
    from bot.training.inbox import assign

    try:
        with session_scope() as session:
            result = assign(
                session, args.ids, args.intent, extra_examples=tuple(args.example), new_response=args.new_response
            )
    except ExampleError as error:
        raise _usage_error(str(error)) from None
    if result.created:
        print(
            f"Created the intent {result.intent} with its answer (domain.yml, data/rules.yml, data/nlu/{result.intent}.yml)."
        )
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
        raise _usage_error(f"{error}{hint}") from None
    except ExampleError as error:
        raise _usage_error(str(error)) from None
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
        raise _usage_error(str(error)) from None
    print(f"Dismissed {count} message(s).")
    return 0


def cmd_trainer_export(args) -> int:
    from bot.cli import _since
    from bot.db import session_scope
    from bot.training.inbox import export_patch

    with session_scope() as session:
        sys.stdout.write(export_patch(session, _since(args.since)))
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "train", help="validate, train, evaluate against the model in service, promote if not worse"
    )
    p.add_argument(
        "--tolerance",
        type=float,
        default=None,
        metavar="F1",
        help="how much lower macro-F1 may be and still be promoted (default BOT_PROMOTE_TOLERANCE or 0.01)",
    )
    p.set_defaults(func=cmd_train)

    model = commands.add_parser("model", help="trained Rasa models").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    model.add_parser(
        "ensure", help="like `bot train`, but only when no model is in service or the data changed"
    ).set_defaults(func=cmd_model_ensure)
    p = model.add_parser("history", help="every model with its scores and status; * marks the one in service")
    p.add_argument(
        "--reasons", dest="verbose_reasons", action="store_true", help="also print why each was promoted or rejected"
    )
    p.set_defaults(func=cmd_model_history)
    p = model.add_parser("rollback", help="put the previous promoted model (or NAME) back in service")
    p.add_argument("name", nargs="?", help="the model to put in service (see bot model history)")
    p.set_defaults(func=cmd_model_rollback)
    model.add_parser("switch", help="switch every running Rasa (BOT_RASA_URLS) to the model in service").set_defaults(
        func=cmd_model_switch
    )

    trainer = commands.add_parser("trainer", help="the trainer inbox").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = trainer.add_parser("inbox", help="list the messages waiting for a trainer, newest first")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_trainer_inbox)
    p = trainer.add_parser(
        "assign", help="add inbox messages as examples of an intent (or a new one with --new-response)"
    )
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p.add_argument("--intent", required=True)
    p.add_argument("--example", action="append", default=[], metavar="TEXT", help="another example (repeatable)")
    p.add_argument("--new-response", metavar="TEXT", help="create INTENT with this answer")
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
    p = trainer.add_parser("export", help="write the assigned examples as a Rasa NLU YAML patch to standard output")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only messages from this date on")
    p.set_defaults(func=cmd_trainer_export)
