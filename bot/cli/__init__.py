"""The `bot` command: catalogue administration, database upgrades, accounts and API tokens, training
and running the assistant. Each command group is a module of this package with `add_commands`;
`build_parser` wires them in the order `bot --help` lists them."""

from __future__ import annotations

import argparse
import logging
import sys

# spaCy (through thinc) imports TensorFlow whenever it is installed, as it is beside Rasa. That
# costs about 350 MB and two seconds, and no `bot` command needs it: Rasa runs in its own process.
sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]  # None makes the import fail fast

from bot.cli import accounts, catalogue, db, gaps, handoff, model, privacy, run, service_messages, trainer, training  # noqa: E402
from bot.cli.common import UsageError  # noqa: E402

log = logging.getLogger("bot")

COMMAND_GROUPS = (catalogue, service_messages, db, gaps, privacy, handoff, accounts, model, trainer, training, run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="Digihjelpen administration.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as error:
        from bot.config import settings

        log.debug("database error", exc_info=True)
        print(
            f"error: the database at {settings().database_url} cannot be used: {error.orig}\n"
            "Check BOT_DATABASE_URL and that the server runs, then try: bot db upgrade",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
