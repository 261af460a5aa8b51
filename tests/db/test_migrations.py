"""The Alembic migrations build exactly the schema the models declare (SQLite and PostgreSQL), so
a model change without its migration, or a migration that drifts from the models, fails here."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

import bot
from bot import db, throwaway
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


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("BOT_TEST_POSTGRES_URL"), reason="BOT_TEST_POSTGRES_URL is not set")
def test_web_replicas_starting_together_migrate_once():
    """Every web pod's init container runs `bot db upgrade` at a release; started together on an
    empty database, they all succeed and the schema is migrated once."""
    with throwaway.postgres(os.environ["BOT_TEST_POSTGRES_URL"], "migrate_together") as url:
        env = {**os.environ, "BOT_DATABASE_URL": url}
        upgrades = [
            subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "db", "upgrade"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(4)
        ]
        outputs = [upgrade.communicate(timeout=120)[0] for upgrade in upgrades]
        assert [upgrade.returncode for upgrade in upgrades] == [0] * 4, outputs
        assert db.is_current(url)
        with db.engine_for(url).connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
