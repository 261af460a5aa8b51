"""Who may see and change what under /admin: sign-in, roles, sessions, CSRF and the login limit."""

from __future__ import annotations

import pytest
from limit_counts import BACKENDS, FakeClock, make_counts

from bot import db
from bot.auth import accounts
from bot.gaps.models import Gap, GapChange
from bot.web.admin.security import COOKIE, LoginLimits

GET_PAGES = ["/admin/", "/admin/gaps", "/admin/gaps/1", "/admin/groups", "/admin/gaps.csv"]
POST_PAGES = ["/admin/gaps/1", "/admin/groups/status"]


async def test_pages_send_a_visitor_who_is_not_signed_in_to_the_login_page(client, add_gap):
    add_gap()
    for path in GET_PAGES:
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"].startswith("/admin/login?next=")
    for path in POST_PAGES:
        response = await client.post(path, data={"status": "løst"}, allow_redirects=False)
        assert response.status == 401, path
        assert "Du er ikke logget inn" in await response.text()
    assert (await client.get("/admin", allow_redirects=False)).headers["Location"] == "/admin/"


async def test_a_trainer_starts_on_the_trainer_inbox_and_gets_403_on_the_gap_pages(
    client, users, add_gap, log_in, csrf_of
):
    add_gap()
    response = await log_in(users["trainer"])
    assert response.status == 200 and str(response.url).endswith("/admin/trainer")
    html = await response.text()
    assert 'href="/admin/trainer" aria-current="page"' in html and 'href="/admin/gaps"' not in html
    csrf = csrf_of(html)
    for path in GET_PAGES:
        response = await client.get(path, allow_redirects=False)
        assert response.status == 403, path
        assert "Du har ikke tilgang" in await response.text()
    for path in POST_PAGES:
        assert (await client.post(path, data={"status": "løst", "csrf": csrf})).status == 403


@pytest.mark.parametrize("role", ["it", "admin"])
async def test_it_and_admin_see_every_gap_page(client, login, add_gap, role):
    gap_id = add_gap()
    await login(role)
    for path in ["/admin/", "/admin/gaps", f"/admin/gaps/{gap_id}", "/admin/groups", "/admin/gaps.csv"]:
        assert (await client.get(path)).status == 200, path


async def test_login_with_a_wrong_password_or_unknown_user_fails_with_the_same_message(client, users, log_in, password):
    for name, secret in ((users["it"], "feil-passord-123"), ("ingen-slik", password)):
        response = await log_in(name, secret)
        assert response.status == 401
        assert "Feil brukernavn eller passord." in await response.text()
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_login_goes_back_to_the_page_asked_for_but_never_off_site(client, users, log_in):
    page = await client.get("/admin/gaps?kind=missing_tool")
    assert str(page.url).endswith("/admin/login?next=/admin/gaps?kind%3Dmissing_tool")
    for target, expected in (
        ("/admin/gaps?kind=missing_tool", "/admin/gaps?kind=missing_tool"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example", "/admin/"),
    ):
        response = await log_in(users["it"], next=target, allow_redirects=False)
        assert response.headers["Location"] == expected


async def test_the_session_cookie_is_sealed_httponly_and_samesite_strict(client, users, log_in):
    response = await log_in(users["it"], allow_redirects=False)
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/admin"
    assert "it-kari" not in cookie.value  # encrypted, not just signed
    assert (await client.get("/admin/")).status == 200
    client.session.cookie_jar.update_cookies(
        {COOKIE: cookie.value[:-4] + "AAAA"}, response_url=client.make_url("/admin/")
    )
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_post_without_or_with_a_wrong_csrf_token_is_rejected(client, login, add_gap, db_url, password):
    gap_id = add_gap()
    csrf = await login("it")
    wrong = ("y" if csrf[0] == "x" else "x") + csrf[1:]
    for data in ({"status": "løst"}, {"status": "løst", "csrf": wrong}):
        response = await client.post(f"/admin/gaps/{gap_id}", data=data)
        assert response.status == 403
        assert "Skjemaet var utløpt" in await response.text()
    assert (await client.post("/admin/logout", data={})).status == 403
    page = await client.get("/admin/login")  # the login form needs the token too
    response = await client.post("/admin/login", data={"name": "it-kari", "password": password})
    assert response.status == 403 and page.status == 200
    with db.session_scope(db_url) as session:
        assert session.get(Gap, gap_id).status == "ny"
        assert session.query(GapChange).count() == 0


async def test_logout_ends_the_session(client, login):
    csrf = await login("it")
    response = await client.post("/admin/logout", data={"csrf": csrf})
    assert str(response.url).endswith("/admin/login")
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_a_removed_user_is_signed_out_at_the_next_request(client, login, db_url):
    await login("it")
    with db.session_scope(db_url) as session:
        assert accounts.remove_user(session, "it-kari")
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_five_failed_logins_block_that_name_from_that_address(client, users, log_in):
    for _ in range(5):
        assert (await log_in(users["it"], "feil-passord-123")).status == 401
    response = await log_in(users["it"])  # even the right password
    assert response.status == 429
    assert "For mange mislykkede forsøk" in await response.text()
    assert (await log_in(users["admin"])).status == 200  # another name is not blocked


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_login_limit_forgets_failures_after_the_window(backend):
    clock = FakeClock(1000.0)
    counts = make_counts(backend, clock)
    limits = LoginLimits(counts)
    key = ("it-kari", "10.0.0.1")
    try:
        for _ in range(5):
            assert await limits.allow(*key)
        assert not await limits.allow(*key) and await limits.allow("it-kari", "10.0.0.2")
        clock.seconds += 899
        assert not await limits.allow(*key)
        clock.seconds += 2
        assert await limits.allow(*key)
        await limits.succeeded(*key)  # a sign-in clears the name's failures from that address
        for _ in range(5):
            assert await limits.allow(*key)
        assert not await limits.allow(*key)
    finally:
        await counts.close()


async def test_pages_use_only_local_assets_and_are_in_norwegian(client, login):
    await login("it")
    html = await (await client.get("/admin/")).text()
    assert '<html lang="nb">' in html and 'href="#main"' in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    css = await client.get("/admin/static/admin.css")
    assert css.status == 200 and "text/css" in css.headers["Content-Type"]
