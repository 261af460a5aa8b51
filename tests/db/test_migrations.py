"""The Alembic migrations build exactly the schema the models declare (SQLite and PostgreSQL), so
a model change without its migration, or a migration that drifts from the models, fails here."""

from __future__ import annotations

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import bot
from bot.db import Base, engine_for


def test_the_upgraded_database_matches_the_models(db_url):
    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)
    assert {"tools", "gaps", "gap_counts", "gap_totals", "users"} <= set(Base.metadata.tables)
    with engine_for(db_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
