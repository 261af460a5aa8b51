"""The backup procedure of docs/deploy.md ("Backups"), run for real: `pg_dump --format=custom` of a
database with every table in use, `pg_restore` into an empty database, and the copy has the same
rows, is at the current migration, and serves the catalogue."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect, select, text

from bot import db, throwaway
from bot.catalogue import store
from bot.gaps.models import Gap

pytestmark = [pytest.mark.postgres]

SERVER = os.environ.get("BOT_TEST_POSTGRES_URL", "")


def _rows(url: str) -> dict[str, int]:
    engine = db.engine_for(url)
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in inspect(engine).get_table_names()
        }


def _libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (without SQLAlchemy's driver name)."""
    return url.replace("postgresql+psycopg2://", "postgresql://")


@pytest.mark.skipif(not SERVER, reason="BOT_TEST_POSTGRES_URL is not set")
@pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason="no pg_dump/pg_restore")
def test_a_dump_restores_into_an_empty_database_with_every_row(tmp_path):
    dump = tmp_path / "digihjelpen.dump"
    with throwaway.postgres(SERVER, "backup_source") as source:
        throwaway.seeded(source)
        with db.session_scope(source) as session:
            session.add(
                Gap(
                    record_id=str(uuid.uuid4()),
                    created_at=datetime.now(timezone.utc),
                    kind="private_tool",
                    private_tool="dropbox",
                    need="Lagring",
                    text="",
                )
            )
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), _libpq(source)], check=True, timeout=120
        )
        before = _rows(source)
    assert before["gaps"] == 1 and before["tools"] > 0  # there was something to lose

    with throwaway.postgres(SERVER, "backup_copy") as copy:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq(copy), str(dump)],
            check=True,
            timeout=120,
        )
        assert _rows(copy) == before
        assert db.is_current(copy)  # no migration is waiting: the copy is at the release's schema
        with db.session_scope(copy) as session:
            assert session.scalars(select(Gap.private_tool)).all() == ["dropbox"]
            assert store.stamp(session) is not None
