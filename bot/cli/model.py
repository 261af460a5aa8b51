"""`bot train` and `bot model ensure|history|rollback|switch`."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys

from bot.cli.common import UsageError
from bot.training.project import Project

log = logging.getLogger(__name__)


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


def _stage(progress: ProgressLine):
    """Print each stage of the training in Norwegian (bot.training.summary.STAGE_NAMES)."""
    from bot.training.summary import STAGE_NAMES

    def stage(name: str) -> None:
        progress.done()
        print(f"{STAGE_NAMES.get(name, name)} ...", flush=True)

    return stage


def _quiet(text: str) -> None:
    """The pipeline's own lines (English) go to the log; the trainer reads the Norwegian stages."""
    log.info("%s", text)


def _theme_names() -> dict[str, str]:
    from bot.db import session_scope
    from bot.training.names import display_names

    try:
        with session_scope() as session:
            return display_names(session, Project())
    except Exception:  # noqa: BLE001  # names are a nicety; the ids do
        log.debug("no theme names from the database", exc_info=True)
        return {}


def _report(outcome) -> int:
    from bot.config import settings
    from bot.training import registry, summary

    record = registry.read_record(outcome.candidate)
    compared_name = (record.get("compared_with") or {}).get("model")
    compared = registry.read_record(outcome.candidate.parent / compared_name) if compared_name else {}
    name = outcome.candidate.name.removesuffix(".tar.gz")
    print()
    print(f"Resultat for den nye versjonen {name}:")
    for line in summary.lines(record, settings().quality_floor, _theme_names(), compared):
        print(line)
    print()
    if outcome.promoted and outcome.below_floor:
        print("!" * 78)
        print(f"ADVARSEL: {name} HOLDER IKKE KVALITETSKRAVET, OG DEN ER NÅ I BRUK. Roboten kan svare feil.")
        print("Forbedre treningsdataene (docs/trainers.md) og lag en ny versjon.")
        print("!" * 78)
    if outcome.promoted:
        print(f"{name} er tatt i bruk.")
        return _report_switch(outcome.switch)
    in_service = outcome.in_service.name.removesuffix(".tar.gz") if outcome.in_service else "ingen"
    print(f"{name} er ikke tatt i bruk. Versjonen i bruk er fortsatt {in_service}.")
    return 1


def cmd_train(args) -> int:
    from bot.training.model import TrainingError
    from bot.training.pipeline import train_and_promote

    progress = ProgressLine()
    try:
        outcome = train_and_promote(
            Project(), tolerance=args.tolerance, say=_quiet, progress=progress, stage=_stage(progress)
        )
    except TrainingError as error:
        progress.done()
        print(f"Stoppet: {error}", file=sys.stderr)
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
                record.get("status", "unknown") + ("!" if registry.quality_problems(model) else ""),
            )
        )
    if len(rows) == 1:
        print(f"No models in {models_dir}. Train one with: bot train")
        return 0
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print("\n* = in service (what `bot run` serves); ! = below the quality floor (BOT_QUALITY_FLOOR).")
    if args.verbose_reasons:
        for model in registry.models(models_dir):
            name, reason = model.name.removesuffix(".tar.gz"), registry.read_record(model).get("reason")
            if reason:
                print(f"{name}: {reason}")
            for problem in registry.quality_problems(model):
                print(f"{name}: below the quality floor: {problem}")
    return 0


def cmd_model_rollback(args) -> int:
    from bot.training.pipeline import rollback
    from bot.training.registry import RegistryError

    try:
        old, new, switch = rollback(Project(), args.name)
    except RegistryError as error:
        raise UsageError(str(error)) from None
    print(f"In service now: {new.name}" + (f" (instead of {old.name})." if old else "."))
    return _report_switch(switch)


def cmd_model_switch(args) -> int:
    from bot.training.pipeline import switch
    from bot.training.registry import RegistryError

    try:
        result = switch(Project())
    except RegistryError as error:
        raise UsageError(str(error)) from None
    return _report_switch(result)


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
