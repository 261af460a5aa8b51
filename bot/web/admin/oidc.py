"""Sign-in to the admin pages with the municipality's identity provider: OpenID Connect's
authorization-code flow with PKCE, `state` and `nonce` (Authlib and joserfc for the protocol,
aiohttp for HTTP), on when BOT_OIDC_ISSUER is set (docs/security.md, docs/deploy.md).

GET /admin/login/oidc sends the browser to the provider with a new state, nonce and PKCE verifier,
kept meanwhile in a sealed cookie of its own that lives 10 minutes (SameSite=Lax: the browser comes
back from another site, and the session cookie, SameSite=Strict, would not be sent). The callback
takes that cookie once, checks the state (and `iss`, when the provider sends it), redeems the code
at the token endpoint with the verifier and the client secret, and accepts the ID token only when a
key of the provider's JWKS signed it and iss, aud, azp, exp and nonce are this sign-in's. The role
comes from the group claim (BOT_OIDC_GROUPS) at every sign-in; the session is then the same as a
password's (bot/auth/sessions.py). The provider's discovery document is fetched at the first
sign-in and kept; its keys are fetched again when a token names a key not seen before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from urllib.parse import quote

import aiohttp
from aiohttp import web
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from cryptography.fernet import InvalidToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from bot.auth import identities
from bot.config import OIDC_CALLBACK_PATH, OidcSettings
from bot.service_secrets import refuse_weak
from bot.web.admin import auth, pages
from bot.web.database import in_session

log = logging.getLogger(__name__)

START_PATH = "/admin/login/oidc"
PENDING_COOKIE = "dh_oidc"
PENDING_SECONDS = 10 * 60  # from leaving for the provider to coming back
SCOPE = "openid profile email"
ROLE_ORDER = ("admin", "it", "trainer")  # a user whose groups give several roles gets the first
LEEWAY_SECONDS = 60  # clock skew allowed between the provider and us
# Signature algorithms accepted for ID tokens: asymmetric ones only (never "none", nor HS* keyed with the client secret).
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10)

EXPIRED = "Innloggingen var utløpt eller ugyldig. Prøv å logge inn på nytt."
FAILED = "Innloggingen hos kommunens innloggingstjeneste kunne ikke fullføres. Prøv å logge inn på nytt."
UNREACHABLE = "Vi får ikke kontakt med kommunens innloggingstjeneste akkurat nå. Prøv igjen om litt."
CANCELLED = "Innloggingen ble avbrutt hos kommunens innloggingstjeneste."
NO_ROLE = (
    "Kontoen din gir ikke tilgang til Digihjelpen for IT: du er ikke med i noen gruppe som gir tilgang. "
    "Kontakt IT hvis du skal ha tilgang."
)
OVERAGE = (
    "Innloggingstjenesten sendte ikke gruppene dine, fordi du er med i for mange grupper. IT må tildele "
    "gruppene som gir tilgang til appen Digihjelpen i Entra ID (se driftsdokumentasjonen) før du kan logge inn."
)
NAME_TAKEN = "Brukernavnet {name} brukes allerede av en annen bruker i Digihjelpen. Kontakt en administrator."


class Refused(Exception):
    """A sign-in that ends on the login page with `message` (Norwegian, for the employee)."""

    def __init__(self, status: int, message: str, reason: str):
        super().__init__(reason)
        self.status, self.message = status, message


class ProviderError(Exception):
    """The identity provider could not be reached, or answered what no provider should."""


def id_token_claims(
    id_token: str,
    keys: KeySet,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    algorithms: list[str],
    access_token: str | None = None,
) -> dict:
    """The claims of `id_token` when one of `keys` signed it (with one of `algorithms`) and it was
    issued by `issuer` to `client_id` for the sign-in with `nonce`, and has not expired (give or
    take LEEWAY_SECONDS); else a joserfc JoseError."""
    token = jwt.decode(id_token, keys, algorithms=algorithms)
    claims = CodeIDToken(
        token.claims,
        token.header,
        {"iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": client_id}},
        {"nonce": nonce, "client_id": client_id, "access_token": access_token},
    )
    claims.validate(leeway=LEEWAY_SECONDS)
    return dict(claims)


def role_of(claims: dict, config: OidcSettings) -> str | None:
    """The role the user's groups give (the first of ROLE_ORDER), or None. A provider that sent no
    groups because there were too many (Entra ID's overage: `_claim_names` instead) is refused."""
    groups = claims.get(config.groups_claim)
    if groups is None and config.groups_claim in (claims.get("_claim_names") or {}):
        raise Refused(403, OVERAGE, f"the provider sent a group overage claim instead of {config.groups_claim!r}")
    if not isinstance(groups, list):
        return None
    roles = {role for group, role in config.groups if group in groups}
    return next((role for role in ROLE_ORDER if role in roles), None)


def user_name(claims: dict) -> str:
    """What the admin pages call the user: preferred_username (Entra ID: the UPN), else email, else sub."""
    candidates = (claims.get("preferred_username"), claims.get("email"))
    usable = (c for c in candidates if isinstance(c, str) and 0 < len(c) <= 100 and not any(x.isspace() for x in c))
    return next(usable, claims["sub"][:100])


class IdentityProvider:
    """The provider as a client sees it: its discovery document and keys, and its token endpoint."""

    def __init__(self, config: OidcSettings):
        self.config = config
        self._metadata: dict | None = None
        self._keys: KeySet | None = None

    async def _json(self, method: str, url: str, **kwargs) -> tuple[int, dict]:
        try:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
                async with http.request(method, url, **kwargs) as response:
                    body = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise ProviderError(f"{method} {url}: {error!r}") from error
        if not isinstance(body, dict):
            raise ProviderError(f"{method} {url} answered {response.status} with no JSON object")
        return response.status, body

    async def metadata(self) -> dict:
        if self._metadata is None:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            status, metadata = await self._json("GET", url)
            if status != 200 or metadata.get("issuer") != self.config.issuer:
                raise ProviderError(
                    f"{url} answered {status} for issuer {metadata.get('issuer')!r}, not BOT_OIDC_ISSUER"
                )
            missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not metadata.get(k)]
            if missing:
                raise ProviderError(f"{url} names no {', '.join(missing)}")
            self._metadata = metadata
        return self._metadata

    async def keys(self, *, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            uri = (await self.metadata())["jwks_uri"]
            status, jwks = await self._json("GET", uri)
            try:
                self._keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
            except (JoseError, KeyError, TypeError, ValueError) as error:
                raise ProviderError(f"{uri} answered {status} with no usable key set: {error!r}") from error
        return self._keys

    async def authorization_url(self, state: str, nonce: str, verifier: str) -> str:
        params = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_url,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return add_params_to_uri((await self.metadata())["authorization_endpoint"], params)

    async def redeem(self, code: str, verifier: str) -> dict:
        """The token endpoint's answer for `code` (client_secret_basic, RFC 6749 2.3.1)."""
        status, answer = await self._json(
            "POST",
            (await self.metadata())["token_endpoint"],
            auth=aiohttp.BasicAuth(quote(self.config.client_id, safe=""), quote(self.config.client_secret, safe="")),
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.config.redirect_url,
                "code_verifier": verifier,
            },
        )
        if status != 200 or not isinstance(answer.get("id_token"), str):
            raise Refused(400, FAILED, f"the token endpoint answered {status}: {answer.get('error')!r}")
        return answer

    async def claims(self, answer: dict, nonce: str) -> dict:
        supported = (await self.metadata()).get("id_token_signing_alg_values_supported") or ["RS256"]

        def checked(keys: KeySet) -> dict:
            return id_token_claims(
                answer["id_token"],
                keys,
                issuer=self.config.issuer,
                client_id=self.config.client_id,
                nonce=nonce,
                algorithms=[a for a in supported if a in ALGORITHMS],
                access_token=answer.get("access_token"),
            )

        try:
            try:
                return checked(await self.keys())
            except InvalidKeyIdError:  # the provider has rolled its keys over since we fetched them
                return checked(await self.keys(refresh=True))
        except JoseError as error:
            raise Refused(400, FAILED, f"the ID token was refused: {error!r}") from error


PROVIDER = web.AppKey("admin.oidc", IdentityProvider)


def _pending_cookie(request: web.Request, response: web.StreamResponse, pending: dict) -> None:
    fernet = request.app[auth.SESSIONS].fernet
    sealed = fernet.encrypt(json.dumps(pending).encode("utf-8")).decode("ascii")
    response.set_cookie(
        PENDING_COOKIE,
        sealed,
        max_age=PENDING_SECONDS,
        path=START_PATH,
        httponly=True,
        samesite="Lax",
        secure=request.secure,
    )


def _take_pending(request: web.Request) -> dict:
    """The sign-in this browser started within PENDING_SECONDS (the cookie is cleared by the caller)."""
    sealed = request.cookies.get(PENDING_COOKIE, "")
    try:
        pending = json.loads(request.app[auth.SESSIONS].fernet.decrypt(sealed.encode("ascii"), ttl=PENDING_SECONDS))
        return {key: str(pending[key]) for key in ("state", "nonce", "verifier", "next")}
    except (InvalidToken, UnicodeError, ValueError, KeyError, TypeError):
        raise Refused(
            400, EXPIRED, "no sign-in was pending in this browser (missing, expired or forged cookie)"
        ) from None


async def start(request: web.Request) -> web.StreamResponse:
    """Off to the provider's sign-in, with this sign-in's state, nonce and PKCE verifier kept in a cookie."""
    pending = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
        "next": auth.safe_next(request.query.get("next")),
    }
    try:
        url = await request.app[PROVIDER].authorization_url(pending["state"], pending["nonce"], pending["verifier"])
    except ProviderError as error:
        log.error("OpenID Connect sign-in cannot start: %s", error)
        return await auth.login_page(request, status=502, message=UNREACHABLE)
    response = web.HTTPSeeOther(url)
    _pending_cookie(request, response, pending)
    return response


async def _signed_in_user(request: web.Request):
    """The user the provider signed in, with the role their groups give, or Refused."""
    pending = _take_pending(request)
    query, provider = request.query, request.app[PROVIDER]
    if not secrets.compare_digest(query.get("state", "").encode(), pending["state"].encode()):
        raise Refused(400, EXPIRED, "the state does not match the sign-in this browser started")
    if "iss" in query and query["iss"] != provider.config.issuer:  # RFC 9207: a mix-up with another provider
        raise Refused(400, FAILED, f"the callback names the issuer {query['iss']!r}")
    if "error" in query:
        raise Refused(400, CANCELLED, f"the provider answered {query['error']!r}")
    claims = await provider.claims(await provider.redeem(query.get("code", ""), pending["verifier"]), pending["nonce"])
    issuer, subject = provider.config.issuer, claims["sub"]
    role = role_of(claims, provider.config)
    if role is None:
        await in_session(request, identities.refused, issuer, subject)
        raise Refused(403, NO_ROLE, f"none of the groups of {subject!r} is in BOT_OIDC_GROUPS")
    try:
        user = await in_session(request, identities.signed_in, issuer, subject, user_name(claims), role)
    except identities.NameTaken as taken:
        raise Refused(
            403, NAME_TAKEN.format(name=taken.name), f"the name {taken.name!r} belongs to another user"
        ) from None
    return user, pending["next"]


async def callback(request: web.Request) -> web.StreamResponse:
    """Where the provider sends the browser back. Signed in, the browser goes on to its page from a
    page of ours: the session cookie is SameSite=Strict, and a browser withholds such a cookie on a
    redirect that began on another site."""
    try:
        user, target = await _signed_in_user(request)
    except Refused as refused:
        log.warning("OpenID Connect sign-in refused: %s", refused)
        response = await auth.login_page(request, status=refused.status, message=refused.message)
    except ProviderError as error:
        log.error("OpenID Connect sign-in failed: %s", error)
        response = await auth.login_page(request, status=502, message=UNREACHABLE)
    else:
        log.info("user %s signed in with the identity provider (role %s)", user.name, user.role)
        response = pages.render(request, "signed_in.html", {"target": auth.landing(user, target)})
        await auth.open_session(request, response, user)
    response.del_cookie(PENDING_COOKIE, path=START_PATH)
    return response


def setup(app: web.Application) -> None:
    """The sign-in routes, when BOT_OIDC_ISSUER is set; a weak client secret stops the start."""
    config = app["settings"].oidc
    if config is None:
        return
    refuse_weak("BOT_OIDC_CLIENT_SECRET", config.client_secret)
    app[PROVIDER] = IdentityProvider(config)
    app.router.add_get(START_PATH, start)
    app.router.add_get(OIDC_CALLBACK_PATH, callback)
