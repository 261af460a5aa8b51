"""Database engine, sessions, declarative base and schema upgrades (Alembic)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import NullPool

from bot.config import settings

Base = declarative_base()

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def utc_now() -> datetime:
    """The current time, UTC and timezone-aware: the default of the tables' time columns."""
    return datetime.now(timezone.utc)


def set_sqlite_pragmas(engine: Engine, *pragmas: str) -> None:
    """Run `PRAGMA <pragma>` for each of `pragmas` (e.g. "journal_mode=WAL") on every new
    connection of the SQLite `engine`."""

    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    event.listen(engine, "connect", on_connect)


@functools.cache
def engine_for(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # connecting then fails with SQLAlchemy's OperationalError, which callers handle
        engine = create_engine(url, future=True, connect_args={"timeout": 30})
        set_sqlite_pragmas(engine, "foreign_keys=ON", "journal_mode=WAL")
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


@functools.cache
def _session_factory(url: str) -> sessionmaker:
    return sessionmaker(bind=engine_for(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = _session_factory(url or settings().database_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


MIGRATION_LOCK = 7_203_511  # the PostgreSQL advisory lock `upgrade` holds (any constant of ours)


def upgrade(url: str | None = None) -> None:
    """Bring the schema to the newest migration. On PostgreSQL under an advisory lock: each web
    replica's init container runs this at a release, so the first migrates and the others wait,
    then find nothing to do (without it they raced to create the same tables and failed)."""
    from alembic import command

    url = url or settings().database_url
    if not make_url(url).drivername.startswith("postgresql"):
        command.upgrade(alembic_config(url), "head")
        return
    lock_engine = create_engine(url, poolclass=NullPool, future=True)
    try:
        with lock_engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                command.upgrade(alembic_config(url), "head")
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    finally:
        lock_engine.dispose()


def is_current(url: str | None = None) -> bool:
    """Whether the database exists and its schema is at the newest migration; never creates or
    changes anything (a SQLite file that is not there is not made)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    url = url or settings().database_url
    path = make_url(url).database if url.startswith("sqlite") else None
    if path is not None and path != ":memory:" and not Path(path).exists():
        return False
    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    try:
        with engine_for(url).connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads()) == heads
    except SQLAlchemyError:
        return False


@contextmanager
def maintenance(url: str) -> Iterator[Connection]:
    """An AUTOCOMMIT connection to the `postgres` database of the server `url` is on (CREATE and
    DROP DATABASE cannot run in a transaction, nor in the database they name)."""
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            yield connection
    finally:
        admin.dispose()


def _quoted_name(url: str) -> str:
    return '"' + make_url(url).database.replace('"', "") + '"'


def create_database(url: str) -> bool:
    """Create the PostgreSQL database `url` names, through the server's `postgres` database, unless
    it exists. True if it was created. (SQLite files are created on first use.)"""
    if not make_url(url).drivername.startswith("postgresql"):
        return False
    with maintenance(url) as connection:
        if connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": make_url(url).database}
        ).first():
            return False
        connection.execute(text(f"CREATE DATABASE {_quoted_name(url)}"))
        return True


def drop_database(url: str) -> None:
    """Drop the PostgreSQL database `url` names if it exists, even while connections to it are open
    (this process's pooled ones are closed first). For the throwaway databases of tests and
    benchmarks (bot/throwaway.py)."""
    engine_for(url).dispose()
    with maintenance(url) as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted_name(url)} WITH (FORCE)"))
