"""Fixtures for the web service's admin pages and API: the app on a real database (SQLite and
PostgreSQL), gap records to look at, users and tokens."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from bot import db
from bot.auth.models import User
from bot.config import settings
from bot.feedback.models import InboxItem
from bot.gaps.models import Gap
from bot.training.project import Project
from bot.web.admin.trainer import TRAINING_PROJECT
from bot.web.app import create_app

PASSWORD = "riktig-passord-1"
SESSION_SECRET = base64.b64encode(hashlib.sha256(b"tests/web session secret").digest()).decode()  # looks random
NOW = datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture
def add_gap(db_url):
    """Insert one gap (defaults: a private-tool gap about WhatsApp a day ago); returns its id."""

    def add(days_ago: float = 1, **fields) -> int:
        values = dict(
            record_id=str(uuid.uuid4()),
            created_at=NOW - timedelta(days=days_ago),
            kind="private_tool",
            private_tool="whatsapp",
            need="Samhandling",
            alternatives=["teams"],
            department="NAV",
            channel="rest",
            text="Kan jeg bruke WhatsApp?",
            language="nb",
        )
        values.update(fields)
        with db.session_scope(db_url) as session:
            gap = Gap(**values)
            session.add(gap)
            session.flush()
            return gap.id

    return add


@pytest.fixture
def add_item(db_url):
    """Insert an open trainer inbox item `minutes_ago` minutes old (a fallback of find_tool unless
    `fields` say otherwise); returns its id."""

    def add(text: str, minutes_ago: int = 1, **fields) -> int:
        values = dict(
            record_id=str(uuid.uuid4()),
            created_at=NOW - timedelta(minutes=minutes_ago),
            kind="fallback",
            text=text,
            intent="find_tool",
            confidence=0.31,
        )
        with db.session_scope(db_url) as session:
            item = InboxItem(**(values | fields))
            session.add(item)
            session.flush()
            return item.id

    return add


@functools.lru_cache(maxsize=1)
def _password_hash() -> str:
    """PASSWORD hashed once per run (argon2 takes a fifth of a second on a busy machine)."""
    return PasswordHasher().hash(PASSWORD)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def users(db_url) -> dict[str, str]:
    """One user per role: role → user name (all with PASSWORD)."""
    names = {"it": "it-kari", "trainer": "trener-ola", "admin": "admin-per"}
    with db.session_scope(db_url) as session:
        session.add_all(User(name=name, role=role, password_hash=_password_hash()) for role, name in names.items())
    return names


@pytest.fixture
def make_client(aiohttp_client, db_url):
    """A test client of the whole web app on the test database; settings can be overridden, and
    `project` (a copy, see tests/copies.py) is the training project the trainer inbox writes to."""

    async def make(project: Project | None = None, **overrides):
        config = replace(settings(), database_url=db_url, session_secret=SESSION_SECRET, department_threshold=5)
        app = create_app(replace(config, **overrides))
        if project is not None:
            app[TRAINING_PROJECT] = project
        return await aiohttp_client(app)

    return make


@pytest.fixture
async def client(make_client):
    return await make_client()


def _csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def csrf_of():
    """The CSRF token in a page's forms."""
    return _csrf_of


@pytest.fixture
def log_in(client):
    """Sign in through the login form; returns the response after the redirect."""

    async def post(name: str, password: str = PASSWORD, *, allow_redirects: bool = True, **fields):
        page = await client.get("/admin/login")
        data = {"name": name, "password": password, "csrf": _csrf_of(await page.text()), **fields}
        return await client.post("/admin/login", data=data, allow_redirects=allow_redirects)

    return post


@pytest.fixture
def login(log_in, users):
    """Sign the client in as the user with `role`; returns a CSRF token for that session's forms."""

    async def as_role(role: str = "it") -> str:
        response = await log_in(users[role])
        assert response.status == 200 and str(response.url).endswith(
            "/admin/trainer" if role == "trainer" else "/admin/"
        )
        return _csrf_of(await response.text())

    return as_role
