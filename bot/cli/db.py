"""`bot db upgrade|create`."""

from __future__ import annotations

import argparse


def cmd_db_create(args) -> int:
    from bot.config import settings
    from bot.db import create_database

    for url in (settings().database_url, settings().tracker_store_url):
        name = url.rsplit("/", 1)[-1]
        print(f"Created database {name}." if create_database(url) else f"Database {name} is there.")
    return 0


def cmd_db_upgrade(args) -> int:
    from bot.db import upgrade

    upgrade()
    print("Database schema is up to date.")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="the database").add_subparsers(dest="action", required=True, metavar="ACTION")
    db.add_parser("upgrade", help="upgrade the schema to the newest version").set_defaults(func=cmd_db_upgrade)
    db.add_parser(
        "create",
        help="create the PostgreSQL databases of BOT_DATABASE_URL and BOT_TRACKER_STORE_URL if missing",
    ).set_defaults(func=cmd_db_create)
