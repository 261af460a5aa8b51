"""Sign-in with the identity provider in real headless Chromium: `python -m bot.web` configured by
BOT_OIDC_* (local passwords off, as by default then), a real OpenID Connect provider
(tests/oidc_test_provider.py), and the browser's own cookie rules. The session cookie is
SameSite=Strict, which a browser withholds on a redirect chain that began on the provider's site:
only a real browser shows that the signed-in user reaches the page they asked for."""

from __future__ import annotations

import os

import pytest
from admin_process import web_process
from assistant_services import free_port
from oidc_test_provider import CLIENT_ID, CLIENT_SECRET, GROUP, running_provider

from bot import db
from bot.config import OIDC_CALLBACK_PATH

pytestmark = pytest.mark.slow
ACCOUNTS = {"kari": {"preferred_username": "kari.nordmann@kommune.no", "groups": [GROUP["it"]]}}


@pytest.fixture(scope="module")
def admin_site(tmp_path_factory):
    """The admin surface's address, its web service signing in with the test provider only."""
    workdir = tmp_path_factory.mktemp("oidc-admin-site")
    url = f"sqlite:///{workdir / 'bot.db'}"
    db.upgrade(url)
    admin_port = free_port()
    admin = f"http://127.0.0.1:{admin_port}"
    # The provider on another site (localhost) than the admin pages (127.0.0.1), as in production.
    with running_provider(admin + OIDC_CALLBACK_PATH, workdir, ACCOUNTS, issuer_host="localhost") as provider:
        env = {
            **os.environ,
            "BOT_DATABASE_URL": url,
            "BOT_WEB_PORT": str(free_port()),
            "BOT_ADMIN_PORT": str(admin_port),
            "BOT_HOST": "127.0.0.1",
            "BOT_OIDC_ISSUER": provider.issuer,
            "BOT_OIDC_CLIENT_ID": CLIENT_ID,
            "BOT_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "BOT_OIDC_REDIRECT_URL": admin + OIDC_CALLBACK_PATH,
            "BOT_OIDC_GROUPS": ",".join(f"{role}={group}" for role, group in GROUP.items()),
            "PYTHONUNBUFFERED": "1",
        }
        with web_process(env, workdir, f"{admin}/admin/login"):  # /health also wants Rasa
            yield admin
    assert CLIENT_SECRET not in (workdir / "web.log").read_text()


def test_an_employee_signs_in_with_the_municipalitys_account_and_lands_on_the_page_asked_for(
    admin_site, page, artifacts, accessibility_violations
):
    page.goto(f"{admin_site}/admin/gaps?kind=private_tool")
    assert "/admin/login" in page.url
    assert page.locator("input[name=password]").count() == 0  # local passwords are off with OIDC
    violations = accessibility_violations(page)
    assert not violations, "\n".join(violations)
    page.screenshot(path=str(artifacts / "admin-oidc-login.png"))

    page.get_by_role("link", name="Logg inn med kommunens konto").click()
    page.fill("input[name=login]", "kari")
    page.fill("input[name=password]", "hva som helst")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Continue").click()  # the provider's consent

    page.wait_for_url(f"{admin_site}/admin/gaps?kind=private_tool")
    assert page.get_by_text("Logget inn som").is_visible()
    assert "kari.nordmann@kommune.no" in page.content()
    page.screenshot(path=str(artifacts / "admin-oidc-signed-in.png"))

    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(f"{admin_site}/admin/login")
    page.goto(f"{admin_site}/admin/")
    assert "/admin/login" in page.url
