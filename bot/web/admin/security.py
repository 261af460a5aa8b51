"""Sessions, CSRF tokens and the login rate limit for the admin pages.

A session is a small JSON object sealed with Fernet (AES-128-CBC + HMAC-SHA256, from
`cryptography`) into an HttpOnly, SameSite=Strict cookie: the browser can neither read nor change
it. Every session, also before login, carries a random CSRF token that each form sends back.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Callable

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

COOKIE = "dh_admin"
SESSION_SECONDS = 8 * 3600  # a working day; then one signs in again


def session_key(secret: str) -> bytes:
    """The Fernet key from BOT_SESSION_SECRET (32 bytes, base64), or a new one for this run."""
    if not secret:
        log.warning("BOT_SESSION_SECRET is not set: using a new key for this run, so admin sessions will not survive a restart")
        return Fernet.generate_key()
    try:
        raw = base64.b64decode(secret.replace("-", "+").replace("_", "/") + "=" * (-len(secret) % 4), validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise SystemExit("BOT_SESSION_SECRET must be 32 random bytes in base64, e.g. from: openssl rand -base64 32")
    return base64.urlsafe_b64encode(raw)


@dataclass
class Session:
    csrf: str
    user_id: int | None = None
    name: str | None = None
    role: str | None = None


class Sessions:
    """Seals sessions into cookies and opens them again."""

    def __init__(self, key: bytes, max_age: int = SESSION_SECONDS):
        self.fernet, self.max_age = Fernet(key), max_age

    def load(self, request: web.Request) -> Session | None:
        sealed = request.cookies.get(COOKIE)
        if not sealed:
            return None
        try:
            data = json.loads(self.fernet.decrypt(sealed.encode("ascii"), ttl=self.max_age))
            return Session(csrf=data["c"], user_id=data.get("u"), name=data.get("n"), role=data.get("r"))
        except (InvalidToken, UnicodeError, ValueError, KeyError, TypeError):
            return None

    def save(self, request: web.Request, response: web.StreamResponse, session: Session) -> None:
        data = {"c": session.csrf, "u": session.user_id, "n": session.name, "r": session.role}
        sealed = self.fernet.encrypt(json.dumps(data).encode("utf-8")).decode("ascii")
        response.set_cookie(
            COOKIE, sealed, max_age=self.max_age, path="/admin", httponly=True, samesite="Strict", secure=request.secure,
        )

    @staticmethod
    def clear(response: web.StreamResponse) -> None:
        response.del_cookie(COOKIE, path="/admin")


def new_session() -> Session:
    return Session(csrf=secrets.token_urlsafe(32))


def csrf_ok(session: Session | None, sent: str | None) -> bool:
    """Whether a form's token matches its session's, compared in constant time."""
    return bool(session and sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode())


@dataclass
class LoginLimiter:
    """At most `max_failures` failed logins per (user name, address) in `window` seconds."""

    max_failures: int = 5
    window: float = 15 * 60
    clock: Callable[[], float] = time.monotonic
    _failures: dict = field(default_factory=lambda: defaultdict(deque))

    def _recent(self, key: tuple[str, str]) -> deque:
        failures, cutoff = self._failures[key], self.clock() - self.window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return deque()
        return failures

    def blocked(self, key: tuple[str, str]) -> bool:
        return len(self._recent(key)) >= self.max_failures

    def failed(self, key: tuple[str, str]) -> None:
        if len(self._failures) > 10_000:  # many names tried: forget what has expired
            for old in list(self._failures):
                self._recent(old)
        self._recent(key)
        self._failures[key].append(self.clock())

    def succeeded(self, key: tuple[str, str]) -> None:
        self._failures.pop(key, None)
