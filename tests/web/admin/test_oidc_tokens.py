"""What an ID token must be before the admin pages believe it (bot/web/admin/oidc.py): signed by
a key of the provider's JWKS with an accepted algorithm, from the issuer, for this client, for
this sign-in's nonce, not expired; and what its groups make of the user."""

from __future__ import annotations

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OctKey, RSAKey

from bot.config import OidcSettings
from bot.web.admin.oidc import ALGORITHMS, Refused, id_token_claims, role_of, user_name

ISSUER, CLIENT_ID, NONCE = "https://login.microsoftonline.com/kommune/v2.0", "digihjelpen-admin", "n-0S6_WzA2Mj"
PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider-1"})
PROVIDER_KEYS = KeySet.import_key_set({"keys": [PROVIDER_KEY.as_dict(private=False)]})


def token(key=PROVIDER_KEY, alg: str = "RS256", **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "kari", "aud": CLIENT_ID, "exp": now + 300, "iat": now, "nonce": NONCE}
    claims.update(changes)
    return jwt.encode(
        {"alg": alg, "kid": "provider-1"}, {k: v for k, v in claims.items() if v is not None}, key, algorithms=[alg]
    )


def claims_of(id_token: str) -> dict:
    return id_token_claims(
        id_token, PROVIDER_KEYS, issuer=ISSUER, client_id=CLIENT_ID, nonce=NONCE, algorithms=list(ALGORITHMS)
    )


def test_a_valid_token_gives_its_claims():
    assert claims_of(token(groups=["g-it"]))["groups"] == ["g-it"]
    assert claims_of(token(aud=[CLIENT_ID]))["sub"] == "kari"


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda: token(key=RSAKey.generate_key(2048, parameters={"kid": "provider-1"})), id="other key"),
        pytest.param(lambda: token()[:-6] + ("AAAAAA" if not token().endswith("AAAAAA") else "BBBBBB"), id="signature"),
        pytest.param(lambda: token(iss="https://evil.example/v2.0"), id="issuer"),
        pytest.param(lambda: token(aud="another-app"), id="audience"),
        pytest.param(lambda: token(aud=[CLIENT_ID, "another-app"], azp="another-app"), id="authorized party"),
        pytest.param(lambda: token(exp=int(time.time()) - 120), id="expired"),
        pytest.param(lambda: token(nonce="another-sign-in"), id="nonce"),
        pytest.param(lambda: token(nonce=None), id="no nonce"),
        pytest.param(lambda: token(exp=None), id="no expiry"),
        pytest.param(
            lambda: token(key=OctKey.import_key(b"the-client-secret-as-hmac-key-123"), alg="HS256"), id="HS256"
        ),
    ],
)
def test_a_forged_or_foreign_token_is_refused(forged):
    with pytest.raises(JoseError):
        claims_of(forged())


def test_an_unsigned_token_is_refused():
    payload = token().split(".")[1]
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
    with pytest.raises(JoseError):
        claims_of(f"{header}.{payload}.")


SETTINGS = OidcSettings(
    issuer=ISSUER,
    client_id=CLIENT_ID,
    client_secret="x" * 40,
    redirect_url="https://admin.kommune.no/admin/login/oidc/callback",
    groups=(("g-admin", "admin"), ("g-it", "it"), ("g-it-2", "it"), ("g-trainer", "trainer")),
)


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["g-it-2", "alle"], "it"),
        (["g-trainer"], "trainer"),
        (["g-trainer", "g-it", "g-admin"], "admin"),
        (["g-trainer", "g-it"], "it"),
        (["alle"], None),
        ([], None),
        ("g-it", None),  # not a list: nothing
    ],
)
def test_the_role_comes_from_the_mapped_groups(groups, role):
    assert role_of({"sub": "kari", "groups": groups}, SETTINGS) == role


def test_an_overage_claim_is_refused_and_the_claim_name_is_configurable():
    with pytest.raises(Refused) as refused:
        role_of({"sub": "kari", "_claim_names": {"groups": "src1"}}, SETTINGS)
    assert refused.value.status == 403 and "for mange grupper" in refused.value.message
    assert role_of({"sub": "kari"}, SETTINGS) is None
    roles_claim = OidcSettings(**{**SETTINGS.__dict__, "groups_claim": "roles"})
    assert role_of({"sub": "kari", "roles": ["g-admin"], "groups": ["g-it"]}, roles_claim) == "admin"


def test_the_user_name_is_the_upn_else_the_email_else_the_subject():
    assert user_name({"sub": "s", "preferred_username": "kari@kommune.no", "email": "k@x.no"}) == "kari@kommune.no"
    assert user_name({"sub": "s", "preferred_username": "Kari Nordmann", "email": "k@x.no"}) == "k@x.no"
    assert user_name({"sub": "s" * 120}) == "s" * 100
