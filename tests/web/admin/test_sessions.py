"""Admin sessions are kept on the server as well as in the sealed cookie: logging out revokes the
session (the cookie replayed afterwards is worth nothing), a session ends 8 hours after sign-in
however busy it was (the login page does not renew it), and a changed password ends every session
of its user."""

from __future__ import annotations

import time

from argon2 import PasswordHasher
from sqlalchemy import func, select

from bot import db
from bot.auth.models import AdminSession, User
from bot.web.admin.auth import SESSIONS
from bot.web.admin.security import COOKIE, SESSION_SECONDS


def sealed_cookie(client) -> str:
    return client.session.cookie_jar.filter_cookies(client.make_url("/admin/"))[COOKIE].value


def replay(client, sealed: str) -> None:
    client.session.cookie_jar.update_cookies({COOKIE: sealed}, response_url=client.make_url("/admin/"))


def stored_sessions(db_url: str) -> int:
    with db.session_scope(db_url) as session:
        return session.scalar(select(func.count()).select_from(AdminSession))


async def test_a_cookie_replayed_after_logout_is_refused(client, login, add_gap, db_url):
    gap_id = add_gap()
    csrf = await login("it")
    sealed = sealed_cookie(client)
    assert stored_sessions(db_url) == 1
    await client.post("/admin/logout", data={"csrf": csrf})
    assert stored_sessions(db_url) == 0
    replay(client, sealed)
    assert (await client.get("/admin/", allow_redirects=False)).status == 303
    assert (await client.post(f"/admin/gaps/{gap_id}", data={"status": "løst", "csrf": csrf})).status == 401


async def test_a_session_ends_8_hours_after_sign_in_however_busy(client, login):
    await login("it")
    signed_in = time.time()
    sessions = client.app[SESSIONS]
    sessions.clock = lambda: signed_in + SESSION_SECONDS - 60
    assert (await client.get("/admin/")).status == 200
    page = await client.get("/admin/login")
    assert page.status == 200 and COOKIE not in page.cookies  # the login page leaves a session alone
    sessions.clock = lambda: signed_in + SESSION_SECONDS + 1
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_the_session_row_expires_even_if_the_cookie_were_renewed(client, login, db_url):
    await login("it")
    with db.session_scope(db_url) as session:
        row = session.scalar(select(AdminSession))
        assert (row.expires_at - row.created_at).total_seconds() == SESSION_SECONDS
        row.expires_at = row.created_at
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def sign_in(http, name: str, password: str, csrf_of) -> None:
    page = await http.get("/admin/login")
    data = {"name": name, "password": password, "csrf": csrf_of(await page.text())}
    assert (await http.post("/admin/login", data=data)).status == 200


async def test_a_password_change_ends_the_users_sessions(client, make_client, users, password, csrf_of, db_url):
    colleague = await make_client()
    await sign_in(client, users["it"], password, csrf_of)
    await sign_in(colleague, users["admin"], password, csrf_of)
    with db.session_scope(db_url) as session:
        user = session.scalar(select(User).where(User.name == users["it"]))
        user.password_hash = PasswordHasher().hash("et-nytt-passord-2")
    assert (await client.get("/admin/", allow_redirects=False)).status == 303
    assert (await colleague.get("/admin/", allow_redirects=False)).status == 200  # only that user's sessions end
