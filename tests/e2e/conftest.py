"""Fixtures only the end-to-end tests use; the shared ones (trained model, assistant) live in
tests/assistant_services.py."""

from __future__ import annotations

import os
import uuid

import pytest
from assistant_services import SEED, running_assistant
from sqlalchemy import create_engine, text

from bot import db
from bot.catalogue import store


@pytest.fixture
def postgres_assistant(trained_model, tmp_path):
    """The assistant on its own PostgreSQL database, which the test can take away and give back."""
    admin_url = os.environ.get("BOT_TEST_POSTGRES_URL")
    if not admin_url:
        pytest.skip("BOT_TEST_POSTGRES_URL not set: PostgreSQL outage test skipped")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    name = f"digihjelpen_e2e_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    db.upgrade(url)
    with db.session_scope(url) as session:
        store.load_and_import(session, SEED.read_text(encoding="utf-8"), str(SEED))

    def set_connections(allowed: bool) -> None:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:
                connection.execute(
                    text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
                )

    try:
        with running_assistant(trained_model, url, tmp_path) as running:
            yield running, set_connections
    finally:
        set_connections(True)
        db.engine_for(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
