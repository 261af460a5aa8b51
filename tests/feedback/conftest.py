"""Every test here spools into its own temporary directory, never into the project's var/, and
writes to the databases a test names (BOT_DATABASE_URL, BOT_TRACKER_STORE_URL), never to var/."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def spool_dir(monkeypatch, tmp_path) -> Path:
    directory = tmp_path / "spool"
    monkeypatch.setenv("BOT_SPOOL_DIR", str(directory))
    # A test that forgets to name a database fails (its records land in the spool above).
    blocker = tmp_path / "no-database-named"
    blocker.write_text("")
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{blocker / 'bot.db'}")
    monkeypatch.setenv("BOT_TRACKER_STORE_URL", f"sqlite:///{blocker / 'tracker.db'}")
    monkeypatch.delenv("BOT_DEPARTMENTS", raising=False)
    return directory


@pytest.fixture
def database(monkeypatch, db_url) -> str:
    """An empty, upgraded database (SQLite and PostgreSQL) that the code under test uses."""
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    return db_url
