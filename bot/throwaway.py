"""Throwaway databases for the tests and benchmarks (the services never use this): a new PostgreSQL
database that is dropped afterwards, its outage, and a database upgraded and holding a catalogue."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import db
from bot.catalogue import store
from bot.config import PROJECT_ROOT

SEED_CATALOGUE = PROJECT_ROOT / "data" / "catalogue" / "tools.yml"


def new_postgres(server_url: str, prefix: str) -> str:
    """A new, empty PostgreSQL database named `prefix`_<random> on the server of `server_url`;
    returns its URL. Drop it with `bot.db.drop_database`."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    db.create_database(url)
    return url


@contextmanager
def postgres(server_url: str, prefix: str = "digihjelpen_throwaway") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `server_url`, dropped afterwards (even with
    connections left open); yields its URL."""
    url = new_postgres(server_url, prefix)
    try:
        yield url
    finally:
        db.drop_database(url)


def allow_connections(url: str, allowed: bool) -> None:
    """Take the PostgreSQL database `url` away (refuse new connections, end the open ones) or give
    it back: a database outage, for the tests and benchmarks."""
    name = make_url(url).database
    with db.maintenance(url) as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": name}
            )


def import_catalogue(url: str, catalogue: Path = SEED_CATALOGUE) -> None:
    """Import the catalogue file into the (upgraded) database `url`."""
    with db.session_scope(url) as session:
        store.load_and_import(session, catalogue.read_text(encoding="utf-8"), str(catalogue))


def seeded(url: str, catalogue: Path = SEED_CATALOGUE) -> str:
    """`url` upgraded and holding `catalogue` (the seed catalogue by default), as `make run` prepares
    it; this process's pooled connections to it are closed afterwards. Returns `url`."""
    db.upgrade(url)
    import_catalogue(url, catalogue)
    db.engine_for(url).dispose()
    return url
