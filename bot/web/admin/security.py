"""Session cookies, CSRF tokens and the login rate limit for the admin pages.

A session's cookie is a small JSON object sealed with Fernet (AES-128-CBC + HMAC-SHA256, from
`cryptography`) into an HttpOnly, SameSite=Strict cookie, Secure when the request came over TLS
(also behind a trusted proxy): the browser can neither read nor change it. Every session, also
before login, carries a random CSRF token that each form sends back; a signed-in one also the id
of its record on the server (bot/auth/sessions.py), which is what makes it valid. The cookie is
written at sign-in and for a visitor without one, never renewed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken

from bot.service_secrets import refuse_weak
from bot.web.ratelimit import Counts, LimitsUnavailable, RateLimit, counts_for

log = logging.getLogger(__name__)

COOKIE = "dh_admin"
SESSION_SECONDS = 8 * 3600  # a working day after sign-in, however busy; then one signs in again


def session_key(secret: str) -> bytes:
    """The Fernet key from BOT_SESSION_SECRET (32 bytes, base64), or a new one for this run. A
    placeholder, or bytes easy to guess, stop the service (`refuse_weak`)."""
    if not secret:
        log.warning(
            "BOT_SESSION_SECRET is not set: using a new key for this run, so admin sessions will not survive a restart"
        )
        return Fernet.generate_key()
    refuse_weak("BOT_SESSION_SECRET", secret)
    try:
        raw = base64.b64decode(secret.replace("-", "+").replace("_", "/") + "=" * (-len(secret) % 4), validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise SystemExit("BOT_SESSION_SECRET must be 32 random bytes in base64, e.g. from: openssl rand -base64 32")
    refuse_weak("BOT_SESSION_SECRET", raw)
    return base64.urlsafe_b64encode(raw)


@dataclass
class Session:
    csrf: str
    session_id: str | None = None  # the signed-in session's record (bot/auth/sessions.py); None before sign-in


class Sessions:
    """Seals sessions into cookies and opens them again. A cookie is worth nothing `lifetime`
    seconds after it was sealed, by `clock` (seconds since the epoch), the time sessions are
    measured against."""

    def __init__(self, key: bytes, lifetime: int = SESSION_SECONDS, clock: Callable[[], float] = time.time):
        self.fernet, self.lifetime, self.clock = Fernet(key), lifetime, clock

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    def load(self, request: web.Request) -> Session | None:
        sealed = request.cookies.get(COOKIE)
        if not sealed:
            return None
        try:
            data = json.loads(self.fernet.decrypt_at_time(sealed.encode("ascii"), self.lifetime, int(self.clock())))
            return Session(csrf=data["c"], session_id=data.get("s"))
        except (InvalidToken, UnicodeError, ValueError, KeyError, TypeError):
            return None

    def save(self, request: web.Request, response: web.StreamResponse, session: Session) -> None:
        data = {"c": session.csrf, "s": session.session_id}
        sealed = self.fernet.encrypt_at_time(json.dumps(data).encode("utf-8"), int(self.clock())).decode("ascii")
        response.set_cookie(
            COOKIE,
            sealed,
            max_age=self.lifetime,
            path="/admin",
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )

    @staticmethod
    def clear(response: web.StreamResponse) -> None:
        response.del_cookie(COOKIE, path="/admin")


MAX_LOGIN_FAILURES = 5  # per account name from one client address
MAX_ADDRESS_FAILURES = 20  # per client address, whatever names it tries
MAX_ACCOUNT_FAILURES = 20  # per account name, from whatever addresses
LOGIN_WINDOW_SECONDS = 15 * 60


def new_session() -> Session:
    return Session(csrf=secrets.token_urlsafe(32))


def csrf_ok(session: Session | None, sent: object) -> bool:
    """Whether a form's token (`sent`, as posted) matches its session's, compared in constant time."""
    if session is None or not isinstance(sent, str) or not sent:
        return False
    return hmac.compare_digest(session.csrf.encode(), sent.encode())


class LoginLimits:
    """Sign-in attempts in 15 minutes: 5 per account name from one client address (what a person who
    mistypes meets), and wider ceilings per client address (many names tried from one address) and
    per account name (one name tried from many addresses). An attempt is counted before its password
    is checked; a successful sign-in clears that name's counts (from that address, and the account's)."""

    def __init__(self, counts: Counts) -> None:
        self.per_name_and_address = RateLimit(counts, "login", MAX_LOGIN_FAILURES, LOGIN_WINDOW_SECONDS)
        self.per_address = RateLimit(counts, "login-address", MAX_ADDRESS_FAILURES, LOGIN_WINDOW_SECONDS)
        self.per_account = RateLimit(counts, "login-account", MAX_ACCOUNT_FAILURES, LOGIN_WINDOW_SECONDS)

    async def allow(self, name: str, address: str) -> bool:
        """Count an attempt; False when one of the limits is reached. Raises LimitsUnavailable."""
        return (
            await self.per_name_and_address.allow(name, address)
            and await self.per_address.allow(address)
            and await self.per_account.allow(name)
        )

    async def succeeded(self, name: str, address: str) -> None:
        try:
            await self.per_name_and_address.reset(name, address)
            await self.per_account.reset(name)
        except LimitsUnavailable:
            log.warning("Could not clear the login limits after a sign-in: the rate limit store did not answer")


def login_limiter(app: web.Application) -> LoginLimits:
    return LoginLimits(counts_for(app))
