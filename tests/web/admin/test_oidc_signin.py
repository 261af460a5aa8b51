"""Sign-in to the admin pages with an OpenID Connect provider: a real one (panva's oidc-provider,
tests/oidc_provider) run on 127.0.0.1, driven as a browser would: our redirect, the provider's
login and consent forms, the callback, the signed-in pages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

import aiohttp
import pytest
from oidc_test_provider import GROUP, oidc_settings, running_provider
from sqlalchemy import func, select

from bot import db
from bot.auth.models import AdminSession, User
from bot.config import OIDC_CALLBACK_PATH
from bot.web.admin import oidc

REDIRECT_URL = "http://127.0.0.1:8081" + OIDC_CALLBACK_PATH  # the admin surface as the browser knows it
ACCOUNTS = {
    "kari": {"preferred_username": "Kari.Nordmann@kommune.no", "groups": [GROUP["it"], "alle-ansatte"]},
    "ola": {"preferred_username": "ola.trener@kommune.no", "groups": [GROUP["trainer"]]},
    "per": {"preferred_username": "per.sjef@kommune.no", "groups": [GROUP["trainer"], GROUP["admin"]]},
    "nils": {"preferred_username": "nils@kommune.no", "groups": ["alle-ansatte"]},
    "mange": {  # Entra ID's group overage: too many groups, so only a reference to them
        "preferred_username": "mange.grupper@kommune.no",
        "_claim_names": {"groups": "src1"},
        "_claim_sources": {"src1": {"endpoint": "https://graph.microsoft.com/v1.0/users/x/getMemberObjects"}},
    },
}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(REDIRECT_URL, tmp_path_factory.mktemp("oidc_provider"), ACCOUNTS) as running:
        yield running


@pytest.fixture
def idp(provider):
    provider.set_accounts(ACCOUNTS)
    return provider


@pytest.fixture
def oidc_client(make_client, idp):
    """A client of the web app with OIDC sign-in against the test provider (and local sign-in on)."""

    async def make(**overrides):
        settings = {"oidc": oidc_settings(idp.issuer, REDIRECT_URL), "local_login": True}
        return await make_client(**(settings | overrides))

    return make


@pytest.fixture
async def client(oidc_client):
    return await oidc_client()


@pytest.fixture
async def browser():
    """The browser's side at the provider: its own cookies (the provider's session)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


def _form(page: str) -> tuple[str, dict[str, str], bool]:
    """The first form of a provider page: its action, its hidden fields, whether it asks for a login."""
    form = re.search(r"<form[^>]*action=\"([^\"]+)\"(.*?)</form>", page, re.S)
    assert form, f"no form on the provider's page: {page[:500]}"
    hidden = dict(re.findall(r"<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"", form.group(2)))
    return html.unescape(form.group(1)), hidden, 'name="login"' in form.group(2)


async def at_provider(browser: aiohttp.ClientSession, url: str, login: str | None) -> str:
    """Sign in at the provider as `login` (its login and consent forms, following its redirects),
    or with no `login` press its «Cancel»; returns the URL the provider sends the browser back to."""
    method, data = "GET", None
    for _ in range(12):
        async with browser.request(method, url, data=data, allow_redirects=False) as response:
            if response.status in (302, 303):
                url = urljoin(url, response.headers["Location"])
                if url.startswith(REDIRECT_URL):
                    return url
                method, data = "GET", None
                continue
            page = await response.text()
            assert response.status == 200, page
        if login is None:
            method, url = (
                "GET",
                urljoin(url, html.unescape(re.search(r'<a href="([^"]+)">\[ Cancel \]', page).group(1))),
            )
            continue
        action, data, asks_login = _form(page)
        if asks_login:
            data |= {"login": login, "password": "hva som helst"}
        method, url = "POST", urljoin(url, action)
    raise AssertionError("the provider never sent the browser back")


@dataclass
class Attempt:
    start: aiohttp.ClientResponse  # our redirect to the provider
    callback_url: str  # where the provider sent the browser back
    pending: str  # the sealed pending sign-in cookie


async def to_provider_and_back(client, browser, login: str | None, next_page: str = "/admin/") -> Attempt:
    start = await client.get(oidc.START_PATH, params={"next": next_page}, allow_redirects=False)
    assert start.status == 303
    return Attempt(
        start, await at_provider(browser, start.headers["Location"], login), start.cookies[oidc.PENDING_COOKIE].value
    )


def callback_path(callback_url: str) -> str:
    parts = urlsplit(callback_url)
    return f"{parts.path}?{parts.query}"


async def sign_in(client, browser, login: str | None, next_page: str = "/admin/") -> aiohttp.ClientResponse:
    """The whole sign-in: returns our answer to the callback."""
    attempt = await to_provider_and_back(client, browser, login, next_page)
    return await client.get(callback_path(attempt.callback_url), allow_redirects=False)


async def continue_from(client, signed_in: aiohttp.ClientResponse) -> aiohttp.ClientResponse:
    """Follow the signed-in page's link, as its meta refresh does."""
    page = await signed_in.text()
    target = html.unescape(re.search(r'<a href="([^"]+)">Gå videre', page).group(1))
    assert f'<meta http-equiv="refresh" content="0; url={html.escape(target)}">' in page
    return await client.get(target, allow_redirects=False)


def stored_user(db_url: str, name: str) -> User | None:
    with db.session_scope(db_url) as session:
        return session.scalar(select(User).where(User.name == name))


def stored_sessions(db_url: str) -> int:
    with db.session_scope(db_url) as session:
        return session.scalar(select(func.count()).select_from(AdminSession))


async def test_the_login_page_offers_the_municipalitys_account_beside_the_password_form(client):
    page = await (await client.get("/admin/login?next=/admin/groups")).text()
    assert 'href="/admin/login/oidc?next=/admin/groups"' in page and "Logg inn med kommunens konto" in page
    assert 'name="password"' in page


async def test_a_user_in_the_it_group_signs_in_with_role_it_and_sees_only_its_pages(client, browser, idp, db_url):
    attempt = await to_provider_and_back(client, browser, "kari", next_page="/admin/gaps")
    sent = parse_qs(urlsplit(attempt.start.headers["Location"]).query)
    assert sent["code_challenge_method"] == ["S256"] and sent["redirect_uri"] == [REDIRECT_URL]
    assert {"state", "nonce", "code_challenge"} <= set(sent) and "openid" in sent["scope"][0].split()
    pending = attempt.start.cookies[oidc.PENDING_COOKIE]
    assert pending["httponly"] and pending["samesite"] == "Lax" and pending["path"] == oidc.START_PATH
    assert sent["state"][0] not in pending.value  # sealed, not readable

    signed_in = await client.get(callback_path(attempt.callback_url), allow_redirects=False)
    assert signed_in.status == 200 and signed_in.cookies[oidc.PENDING_COOKIE].value == ""  # used once
    gaps = await continue_from(client, signed_in)
    assert gaps.status == 200 and "kari.nordmann@kommune.no" in await gaps.text()
    assert (await client.get("/admin/trainer", allow_redirects=False)).status == 403
    user = stored_user(db_url, "kari.nordmann@kommune.no")
    assert (user.role, user.password_hash, user.oidc_issuer, user.oidc_subject) == ("it", None, idp.issuer, "kari")


async def test_a_trainer_starts_on_the_inbox_and_an_admin_may_open_every_page(client, oidc_client, idp, db_url):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        inbox = await continue_from(client, await sign_in(client, browser, "ola"))
    assert inbox.status == 200 and inbox.url.path == "/admin/trainer"
    assert (await client.get("/admin/gaps", allow_redirects=False)).status == 403
    admin = await oidc_client()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        await continue_from(admin, await sign_in(admin, browser, "per"))  # trainer and admin groups: admin
    assert stored_user(db_url, "per.sjef@kommune.no").role == "admin"
    for path in ("/admin/", "/admin/gaps", "/admin/trainer"):
        assert (await admin.get(path)).status == 200, path


async def test_a_user_in_no_mapped_group_is_refused(client, browser, idp, db_url):
    refused = await sign_in(client, browser, "nils")
    assert refused.status == 403 and "ikke med i noen gruppe som gir tilgang" in await refused.text()
    assert (await client.get("/admin/", allow_redirects=False)).status == 303
    assert stored_user(db_url, "nils@kommune.no") is None and stored_sessions(db_url) == 0


async def test_a_group_overage_is_refused_with_what_it_must_do(client, browser, idp):
    refused = await sign_in(client, browser, "mange")
    text = await refused.text()
    assert refused.status == 403 and "for mange grupper" in text and "tildele" in text
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_the_role_follows_the_groups_at_every_sign_in(client, oidc_client, idp, db_url):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        await continue_from(client, await sign_in(client, browser, "per"))
    assert (await client.get("/admin/gaps")).status == 200
    idp.set_accounts(ACCOUNTS | {"per": ACCOUNTS["per"] | {"groups": [GROUP["trainer"]]}})  # admin group removed
    elsewhere = await oidc_client()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        await continue_from(elsewhere, await sign_in(elsewhere, browser, "per"))
    assert stored_user(db_url, "per.sjef@kommune.no").role == "trainer"
    assert (await client.get("/admin/gaps", allow_redirects=False)).status == 403  # the first session too
    idp.set_accounts(ACCOUNTS | {"per": ACCOUNTS["per"] | {"groups": []}})  # no group left
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        assert (await sign_in(await oidc_client(), browser, "per")).status == 403
    for signed_in_before in (client, elsewhere):
        assert (await signed_in_before.get("/admin/trainer", allow_redirects=False)).status == 303
    assert stored_user(db_url, "per.sjef@kommune.no") is None


async def test_cancelling_at_the_provider_signs_nobody_in(client, browser, idp, db_url):
    refused = await sign_in(client, browser, None)
    assert refused.status == 400 and "Innloggingen ble avbrutt" in await refused.text()
    assert stored_sessions(db_url) == 0


async def test_a_wrong_or_missing_state_is_refused(client, oidc_client, browser, idp, db_url):
    attempt = await to_provider_and_back(client, browser, "kari")
    state = parse_qs(urlsplit(attempt.callback_url).query)["state"][0]
    forged = attempt.callback_url.replace(f"state={state}", "state=" + ("A" if state[0] != "A" else "B") + state[1:])
    refused = await client.get(callback_path(forged), allow_redirects=False)
    assert refused.status == 400 and "Innloggingen var utløpt eller ugyldig" in await refused.text()
    other_browser = await oidc_client()  # the right state, but this browser never started a sign-in
    assert (await other_browser.get(callback_path(attempt.callback_url), allow_redirects=False)).status == 400
    for each in (client, other_browser):
        assert (await each.get("/admin/", allow_redirects=False)).status == 303
    assert stored_sessions(db_url) == 0


async def test_a_replayed_callback_is_refused(client, browser, idp, db_url, csrf_of):
    attempt = await to_provider_and_back(client, browser, "kari")
    signed_in = await client.get(callback_path(attempt.callback_url), allow_redirects=False)
    page = await continue_from(client, signed_in)
    await client.post("/admin/logout", data={"csrf": csrf_of(await page.text())})
    # The same callback again: without the pending sign-in (it was used), then with its cookie put back.
    refused = await client.get(callback_path(attempt.callback_url), allow_redirects=False)
    assert refused.status == 400 and "Innloggingen var utløpt eller ugyldig" in await refused.text()
    client.session.cookie_jar.update_cookies(
        {oidc.PENDING_COOKIE: attempt.pending}, response_url=client.make_url(oidc.START_PATH)
    )
    refused = await client.get(callback_path(attempt.callback_url), allow_redirects=False)
    assert refused.status == 400 and "kunne ikke fullføres" in await refused.text()  # the code works only once
    assert (await client.get("/admin/", allow_redirects=False)).status == 303
    assert stored_sessions(db_url) == 0


async def test_password_sign_in_works_beside_it_and_can_be_turned_off(client, oidc_client, log_in, users, idp):
    assert (await log_in(users["it"])).status == 200
    assert (await client.get("/admin/gaps")).status == 200
    only_oidc = await oidc_client(local_login=False)
    page = await (await only_oidc.get("/admin/login")).text()
    assert "Logg inn med kommunens konto" in page and 'name="password"' not in page
    posted = await only_oidc.post(
        "/admin/login", data={"name": users["it"], "password": "riktig-passord-1", "csrf": "x"}
    )
    assert posted.status == 403 and "slått av" in await posted.text()


async def test_sign_out_ends_the_session(client, browser, idp, db_url, csrf_of):
    page = await continue_from(client, await sign_in(client, browser, "kari"))
    assert stored_sessions(db_url) == 1
    await client.post("/admin/logout", data={"csrf": csrf_of(await page.text())})
    assert stored_sessions(db_url) == 0
    assert (await client.get("/admin/", allow_redirects=False)).status == 303


async def test_a_name_held_by_a_local_user_is_refused(client, browser, idp, db_url):
    with db.session_scope(db_url) as session:
        session.add(User(name="kari.nordmann@kommune.no", role="admin", password_hash="x"))
    refused = await sign_in(client, browser, "kari")
    assert refused.status == 403 and "brukes allerede av en annen bruker" in await refused.text()
    assert stored_user(db_url, "kari.nordmann@kommune.no").oidc_subject is None  # the local user is left alone


async def test_a_provider_that_cannot_be_reached_gives_a_clear_message(make_client, aiohttp_unused_port):
    closed = await make_client(oidc=oidc_settings(f"http://127.0.0.1:{aiohttp_unused_port()}", REDIRECT_URL))
    response = await closed.get(oidc.START_PATH)
    assert response.status == 502 and "får ikke kontakt med kommunens innloggingstjeneste" in await response.text()
