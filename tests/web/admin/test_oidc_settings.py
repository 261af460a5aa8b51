"""The OpenID Connect settings (BOT_OIDC_*, BOT_LOCAL_LOGIN): what they make of the environment, and
which mistakes stop the start with a message naming the variable."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.config import settings
from bot.web.app import create_app

ENTRA = {
    "BOT_OIDC_ISSUER": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
    "BOT_OIDC_CLIENT_ID": "6731de76-14a6-49ae-97bc-6eba6914391e",
    "BOT_OIDC_CLIENT_SECRET": "Qx38Q~h2Rk9vT_pW7yZ.mN4cL1fJ6dS0aB5eG8iU",
    "BOT_OIDC_REDIRECT_URL": "https://digihjelpen-admin.kommune.no/admin/login/oidc/callback",
    "BOT_OIDC_GROUPS": " admin = 1b2c3d4e-admin , it=5f6a7b8c-it,it=9d0e1f2a-it2, trainer=3b4c5d6e-trainer",
}


@pytest.fixture
def env(monkeypatch):
    for name in (*ENTRA, "BOT_OIDC_GROUPS_CLAIM", "BOT_LOCAL_LOGIN"):
        monkeypatch.delenv(name, raising=False)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_without_an_issuer_oidc_is_off_and_passwords_are_on(env):
    assert settings().oidc is None and settings().local_login is True


def test_entra_settings_give_the_group_mapping_and_turn_passwords_off(env):
    env(**ENTRA)
    config = settings()
    assert config.oidc.issuer == ENTRA["BOT_OIDC_ISSUER"] and config.oidc.groups_claim == "groups"
    assert config.oidc.groups == (
        ("1b2c3d4e-admin", "admin"),
        ("5f6a7b8c-it", "it"),
        ("9d0e1f2a-it2", "it"),
        ("3b4c5d6e-trainer", "trainer"),
    )
    assert config.local_login is False
    env(BOT_LOCAL_LOGIN="true", BOT_OIDC_GROUPS_CLAIM="roles")
    assert settings().local_login is True and settings().oidc.groups_claim == "roles"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"BOT_OIDC_CLIENT_ID": ""}, "BOT_OIDC_CLIENT_ID must be set too"),
        ({"BOT_OIDC_GROUPS": "superuser=abc"}, "BOT_OIDC_GROUPS takes role=group-id pairs"),
        ({"BOT_OIDC_GROUPS": "it=abc,admin"}, "got 'admin'"),
        ({"BOT_OIDC_REDIRECT_URL": "http://digihjelpen-admin.kommune.no/admin/login/oidc/callback"}, "https://"),
        ({"BOT_OIDC_REDIRECT_URL": "https://digihjelpen-admin.kommune.no/callback"}, "/admin/login/oidc/callback"),
        ({"BOT_OIDC_ISSUER": "http://login.kommune.no/"}, "BOT_OIDC_ISSUER must be an https:// URL"),
        ({"BOT_OIDC_CLIENT_SECRET": "kort"}, "BOT_OIDC_CLIENT_SECRET must be at least 32 characters"),
        ({"BOT_LOCAL_LOGIN": "ja"}, "BOT_LOCAL_LOGIN must be true or false"),
    ],
)
def test_a_mistake_stops_the_start_naming_the_setting(env, changes, message):
    env(**{**ENTRA, **changes})
    with pytest.raises(SystemExit, match=message):
        settings()


def test_turning_passwords_off_without_an_identity_provider_is_refused(env):
    env(BOT_LOCAL_LOGIN="false")
    with pytest.raises(SystemExit, match="leaves no way to sign in"):
        settings()


@pytest.mark.parametrize(
    "secret",
    ["REPLACE_ME_at_least_32_characters_long_secret", "abababababababababababababababababab"],
)
def test_a_placeholder_or_guessable_client_secret_stops_the_admin_surface(env, secret):
    env(**{**ENTRA, "BOT_OIDC_CLIENT_SECRET": secret})
    with pytest.raises(SystemExit, match="BOT_OIDC_CLIENT_SECRET"):
        create_app(replace(settings(), session_secret=""))
