"""Shared fixtures: real catalogue databases on SQLite and PostgreSQL, and the test catalogue."""

from __future__ import annotations

import sys

# spaCy (through thinc) imports TensorFlow whenever it is installed, as it is beside Rasa. That
# costs seconds and hundreds of MB per test run, and only the NLU component tests need it (their
# `rasa_nlu` fixture lets it in), so make the import fail fast. It must happen before anything
# imports spaCy, hence at the very top of the root conftest.
sys.modules.setdefault("tensorflow", None)

import os  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import MetaData, create_engine, text  # noqa: E402

from bot import db, throwaway  # noqa: E402

# The real services (trained model, assistant, web service), shared by every test directory.
pytest_plugins = ["assistant_services"]

POSTGRES_ENV = "BOT_TEST_POSTGRES_URL"
TEST_CATALOGUE = Path(__file__).parent / "catalogue" / "data" / "catalogue.yml"

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """BOT_TEST_POSTGRES_URL, the server the PostgreSQL tests make their databases on."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} not set: PostgreSQL tests skipped")
    return url


@pytest.fixture(scope="session")
def postgres_admin(postgres_server_url):
    """An AUTOCOMMIT engine on the server's maintenance database (ALTER DATABASE and
    pg_terminate_backend, for tests that take a database away)."""
    engine = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT", future=True)
    yield engine
    engine.dispose()


class Databases:
    """A pool of catalogue databases of one backend for the whole test session.

    Each database is created under a unique name and upgraded with `bot.db.upgrade` once; a test
    borrows one emptied of every row, as good as new, and gives it back afterwards. At the end of
    the session every database is dropped. Creating and dropping a PostgreSQL database per test
    costs a forced checkpoint each (0.2 s on a quiet machine, seconds on a busy one); emptying one
    costs a few milliseconds.
    """

    def __init__(self, backend: str, directory: Path, server_url: str = ""):
        self.backend, self.directory, self.server_url = backend, directory, server_url
        self.created: list[str] = []
        self.free: list[str] = []
        self.tables: dict[str, list] = {}  # url → its tables, in an order safe to empty them in

    def create(self) -> str:
        if self.backend == "sqlite":
            url = f"sqlite:///{self.directory / f'digihjelpen_test_{uuid.uuid4().hex[:16]}.db'}"
        else:
            url = throwaway.new_postgres(self.server_url, "digihjelpen_test")
        self.created.append(url)
        db.upgrade(url)
        return url

    def borrow(self) -> str:
        """An upgraded database with no rows in any table."""
        from bot.catalogue import snapshot

        url = self.free.pop() if self.free else self.create()
        engine = db.engine_for(url)
        if url not in self.tables:  # dependants first; DELETE is far cheaper than TRUNCATE on tiny tables
            schema = MetaData()
            schema.reflect(engine)
            self.tables[url] = [t for t in reversed(schema.sorted_tables) if t.name != "alembic_version"]
        with engine.begin() as connection:
            if self.backend == "postgres":
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))  # a leaked session: fail, not hang
            for table in self.tables[url]:
                connection.execute(table.delete())
        snapshot.clear()
        return url

    def give_back(self, url: str) -> None:
        self.free.append(url)

    def close(self) -> None:
        for url in reversed(self.created):
            if self.backend == "sqlite":
                db.engine_for(url).dispose()  # engine_for is cached: close its pooled connections
            else:
                db.drop_database(url)  # WITH (FORCE): Alembic's own engine may still hold a connection


@pytest.fixture(scope="session", params=BACKENDS)
def databases(request, tmp_path_factory) -> Iterator[Databases]:
    """The database pool of one backend: every database test runs once on SQLite, once on PostgreSQL."""
    server_url = request.getfixturevalue("postgres_server_url") if request.param == "postgres" else ""
    pool = Databases(request.param, tmp_path_factory.mktemp("db"), server_url)
    yield pool
    pool.close()


@pytest.fixture
def new_database(databases) -> Iterator[Callable[[], str]]:
    """A factory of empty, upgraded databases of one backend (for tests that need two)."""
    borrowed: list[str] = []

    def new() -> str:
        borrowed.append(databases.borrow())
        return borrowed[-1]

    yield new
    for url in borrowed:
        databases.give_back(url)


@pytest.fixture
def db_url(new_database) -> str:
    """The URL of an empty, upgraded catalogue database (SQLite and PostgreSQL)."""
    return new_database()


def _loaded(databases: Databases, catalogue: Path) -> Iterator[str]:
    url = databases.borrow()
    throwaway.import_catalogue(url, catalogue)
    yield url
    databases.give_back(url)


@pytest.fixture(scope="module")
def loaded_db_url(databases) -> Iterator[str]:
    """A database holding the test catalogue, one per module and backend. Tests must not change it."""
    yield from _loaded(databases, TEST_CATALOGUE)


@pytest.fixture(scope="module")
def seed_db_url(databases) -> Iterator[str]:
    """A database holding the seed catalogue, one per module and backend. Tests must not change it."""
    yield from _loaded(databases, throwaway.SEED_CATALOGUE)


@pytest.fixture(scope="session")
def test_catalogue():
    """The test catalogue, parsed (for pure recognition and search tests without a database)."""
    from bot.catalogue.schema import parse

    return parse(TEST_CATALOGUE.read_text(encoding="utf-8"))


# Every test spools into its own temporary directory and writes only to the databases it names
# (BOT_DATABASE_URL, BOT_TRACKER_STORE_URL), never to the project's var/.
@pytest.fixture(autouse=True)
def spool_dir(monkeypatch, tmp_path) -> Path:
    """The test's spool directory; the default databases point at a file, so they cannot open."""
    directory = tmp_path / "spool"
    monkeypatch.setenv("BOT_SPOOL_DIR", str(directory))
    # A test that forgets to name a database fails (its records land in the spool above).
    blocker = tmp_path / "no-database-named"
    blocker.write_text("")
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{blocker / 'bot.db'}")
    monkeypatch.setenv("BOT_TRACKER_STORE_URL", f"sqlite:///{blocker / 'tracker.db'}")
    monkeypatch.delenv("BOT_DEPARTMENTS", raising=False)
    return directory


@pytest.fixture(autouse=True)
def service_secrets(monkeypatch) -> None:
    """The web → Rasa, Rasa → action server and Rasa → model server secrets (else they are generated
    into var/)."""
    from assistant_services import SECRETS

    for name in ("BOT_CHANNEL_SECRET", "BOT_ACTION_SECRET", "BOT_MODEL_SERVER_TOKEN"):
        monkeypatch.setenv(name, SECRETS[name])


@pytest.fixture(scope="session", autouse=True)
def gap_counts_kept() -> None:
    """Gaps that tests add, change or delete through the ORM move the dashboard's counts, as the
    gap writers' do (bot.gaps.rollup.install)."""
    from bot.gaps import rollup

    rollup.install()


@pytest.fixture
def database(monkeypatch, db_url) -> str:
    """An empty, upgraded database (SQLite and PostgreSQL) that the code under test uses."""
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    return db_url


@pytest.fixture
def cli(capsys):
    """Run `bot ARGS...` in-process; returns (exit code, stdout, stderr)."""
    from bot.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


ONE_TOOL_CATALOGUE = """\
version: 1
tools:
  - id: tidvis
    name: Tidvis
    category: Turnus
    summary: Turnus og vaktbytte.
    tasks: [bytte vakt]
    access: Lederen din gir tilgang.
"""


@pytest.fixture
def tidvis(database) -> str:
    """The database of `database` holding one tool, Tidvis (the service message tests); its URL."""
    from bot.catalogue import store

    with db.session_scope(database) as session:
        store.load_and_import(session, ONE_TOOL_CATALOGUE, "tools.yml")
    return database
