"""Sessions on real catalogue databases for the answer tests (databases from the root conftest)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from bot import db
from bot.catalogue import store

# Cases the seed catalogue does not have: a tool without classification, training and support,
# and no `nyansatt` process (so the starter pack falls back to the tools for everyone).
SMALL_CATALOGUE = textwrap.dedent(
    """\
    version: 1
    tools:
      - id: notatappen
        name: Notatappen
        category: Kontorstøtte
        summary: En enkel app for notater.
        tasks: [ta notater]
        access: Alle ansatte har Notatappen.
      - id: arkivet
        name: Arkivet
        category: Sak og arkiv
        summary: Arkiv for saksdokumenter.
        tasks: [arkivere dokumenter]
        access: Lederen din bestiller tilgang.
        data_classification: fortrolig
        audience: [administrasjon]
    """
)


@pytest.fixture
def seed(seed_db_url) -> Iterator[Session]:
    """A session on the seed catalogue (data/catalogue/tools.yml)."""
    with db.session_scope(seed_db_url) as session:
        yield session


@pytest.fixture
def empty(db_url) -> Iterator[Session]:
    """A session on an upgraded database with nothing imported."""
    with db.session_scope(db_url) as session:
        yield session


@pytest.fixture
def small(db_url) -> Iterator[Session]:
    """A session on SMALL_CATALOGUE."""
    with db.session_scope(db_url) as session:
        store.load_and_import(session, SMALL_CATALOGUE, "small.yml")
    with db.session_scope(db_url) as session:
        yield session
