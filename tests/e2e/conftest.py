"""Fixtures only the end-to-end tests use; the shared ones (trained model, assistant) live in
tests/assistant_services.py."""

from __future__ import annotations

import functools

import pytest
from assistant_services import running_assistant

from bot import throwaway


@pytest.fixture
def postgres_assistant(postgres_server_url, trained_model, tmp_path):
    """The assistant on its own PostgreSQL database, which the test can take away and give back
    (with `set_connections(False)` and `set_connections(True)`)."""
    with throwaway.postgres(postgres_server_url, "digihjelpen_e2e") as url:
        throwaway.seeded(url)
        try:
            with running_assistant(trained_model, url, tmp_path) as running:
                yield running, functools.partial(throwaway.allow_connections, url)
        finally:
            throwaway.allow_connections(url, True)
