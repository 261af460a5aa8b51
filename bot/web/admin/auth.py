"""Signing in and out, and `require(*roles)`: the guard every admin handler sits behind.

Sign-in is with a user name and password (when BOT_LOCAL_LOGIN is on), or with the municipality's
identity provider (bot/web/admin/oidc.py, when BOT_OIDC_ISSUER is set); both end in `open_session`.

Not signed in: a page request is sent to the login page, anything else gets 401. Signed in with
a role the page does not allow: 403. Every POST must carry the session's CSRF token (else 403).
The session and its user are looked up on the server on every request (bot/auth/sessions.py), so
logging out, the session's end, a new password, removing a user or changing a role take effect at once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from aiohttp import web

from bot.auth import accounts
from bot.auth import sessions as admin_sessions
from bot.auth.models import User
from bot.web.admin import pages
from bot.web.admin.security import LoginLimits, Session, Sessions, csrf_ok, new_session
from bot.web.database import in_session
from bot.web.ratelimit import LimitsUnavailable

log = logging.getLogger(__name__)

SESSIONS = web.AppKey("admin.sessions", Sessions)
LIMITER = web.AppKey("admin.limiter", LoginLimits)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LOGIN_UNAVAILABLE = "Innlogging er midlertidig utilgjengelig. Prøv igjen om litt."


def safe_next(value: str | None) -> str:
    """Only a path inside the admin pages (no open redirect)."""
    if value and value.startswith("/admin") and not value.startswith("//") and "\\" not in value:
        return value
    return "/admin/"


async def _current_user(request: web.Request, session: Session | None):
    if session is None or session.session_id is None:
        return None
    return await in_session(request, admin_sessions.user_of, session.session_id, request.app[SESSIONS].now())


def require(*roles: str) -> Callable[[Handler], Handler]:
    """Let a request through only for a signed-in user with one of `roles` (and a valid CSRF
    token on POST); the handler finds the user in request["user"] and the session in request["session"]."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            session = request.app[SESSIONS].load(request)
            user = await _current_user(request, session)
            if user is None:
                if request.method == "GET":
                    raise web.HTTPSeeOther("/admin/login?" + urlencode({"next": request.path_qs}))
                return pages.error(request, 401, "Du er ikke logget inn. Logg inn og prøv igjen.")
            request["session"], request["user"] = session, user
            if user.role not in roles:
                return pages.error(request, 403, "Du har ikke tilgang til denne siden med rollen din.")
            if request.method == "POST" and not csrf_ok(session, (await request.post()).get("csrf")):
                return pages.error(request, 403, pages.FORM_EXPIRED)
            return await handler(request)

        return guarded

    return decorate


async def login_page(
    request: web.Request, *, status: int = 200, message: str | None = None, name: str = ""
) -> web.Response:
    """The login form, with the CSRF token of the visitor's session; only a visitor without one
    gets a cookie, so showing the form never renews a session."""
    sessions = request.app[SESSIONS]
    session = sessions.load(request)
    request["session"] = session or new_session()
    response = pages.render(
        request,
        "login.html",
        {
            "message": message,
            "name": name,
            "next": safe_next(request.query.get("next")),
            "oidc": request.app["settings"].oidc is not None,
            "local_login": request.app["settings"].local_login,
        },
        status=status,
    )
    if session is None:
        sessions.save(request, response, request["session"])
    return response


async def login_form(request: web.Request) -> web.Response:
    return await login_page(request)


async def _checked_user(request: web.Request, name: str, password: str):
    """The user named `name` when `password` is theirs, else None; the argon2 check waits its turn
    in accounts.PASSWORD_CHECKS."""
    user = await in_session(request, accounts.find_user, name)
    loop = asyncio.get_running_loop()
    return (
        user
        if await loop.run_in_executor(accounts.PASSWORD_CHECKS, accounts.password_matches, user, password)
        else None
    )


def landing(user: User, target: str) -> str:
    """Where a user goes after signing in: the page asked for, else their role's start page."""
    return pages.home(user.role) if target == "/admin/" else target


async def open_session(request: web.Request, response: web.StreamResponse, user: User) -> None:
    """Sign `user` in: a new session on the server, its cookie on `response`. The CSRF token is
    new as well, so a token seen before sign-in is worth nothing after."""
    sessions = request.app[SESSIONS]
    fresh = new_session()
    fresh.session_id = await in_session(request, admin_sessions.start, user, sessions.lifetime, sessions.now())
    sessions.save(request, response, fresh)


async def login(request: web.Request) -> web.StreamResponse:
    if not request.app["settings"].local_login:
        return pages.error(
            request, 403, "Innlogging med brukernavn og passord er slått av. Logg inn med kommunens konto."
        )
    sessions, limiter = request.app[SESSIONS], request.app[LIMITER]
    session = sessions.load(request)
    form = await request.post()
    if not csrf_ok(session, form.get("csrf")):
        return pages.error(request, 403, pages.FORM_EXPIRED)
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    key = (accounts.normal_name(name), request.remote or "")  # the client's address behind a trusted proxy
    try:
        allowed = await limiter.allow(*key)  # counted before the password is checked: a flood gets no more checks
    except LimitsUnavailable:  # without its limits, sign-in is closed rather than open to guessing
        log.warning("login refused: the rate limit store did not answer")
        return await login_page(request, status=503, name=name, message=LOGIN_UNAVAILABLE)
    if not allowed:
        log.warning("login blocked after repeated failures (from %s)", request.remote)
        return await login_page(
            request,
            status=429,
            name=name,
            message=("For mange mislykkede forsøk. Vent 15 minutter og prøv igjen, eller kontakt en administrator."),
        )
    user = await _checked_user(request, name, password)
    if user is None:
        log.info("failed login (from %s)", request.remote)
        return await login_page(request, status=401, name=name, message="Feil brukernavn eller passord.")
    await limiter.succeeded(*key)
    log.info("user %s logged in", user.name)
    response = web.HTTPSeeOther(landing(user, safe_next(str(form.get("next", "")))))
    await open_session(request, response, user)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """Ends the session on the server, so its cookie is worth nothing even if replayed."""
    session = request.app[SESSIONS].load(request)
    if session is None or not csrf_ok(session, (await request.post()).get("csrf")):
        return pages.error(request, 403, pages.FORM_EXPIRED)
    if session.session_id:
        await in_session(request, admin_sessions.end, session.session_id)
    response = web.HTTPSeeOther("/admin/login")
    Sessions.clear(response)
    return response
