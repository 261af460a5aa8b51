"""Rendering the admin pages: the Jinja2 environment, Norwegian labels, error pages, and reading
their forms."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from multidict import MultiDictProxy

from bot.gaps.models import STATUSES

TEMPLATES = Path(__file__).resolve().parent / "templates"
JINJA = web.AppKey("admin.jinja2", jinja2.Environment)

KIND_LABELS = {"private_tool": "Privat verktøy", "missing_tool": "Mangler verktøy", "suggestion": "Forslag"}
STATUS_LABELS = {status: status.capitalize() for status in STATUSES}
FIELD_LABELS = {"status": "Status", "note": "Internt notat", "public_note": "Melding til ansatte"}
FORM_EXPIRED = "Skjemaet var utløpt eller ugyldig. Last siden på nytt og prøv igjen."
HOMES = {"trainer": "/admin/trainer"}  # each role's start page; the others start on the overview


def text_fields(form: MultiDictProxy) -> dict[str, str]:
    """A posted form's text fields, the last value of each (no admin form uploads a file)."""
    return {name: value for name, value in form.items() if isinstance(value, str)}


def home(role: str | None) -> str:
    return HOMES.get(role or "", "/admin/")


def when(value: datetime | None) -> str:
    """A time as the admin pages show it: 04.03.2024 kl. 10:00 (UTC)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%d.%m.%Y kl. %H:%M")


def day(value: str) -> str:
    """An ISO date as Norwegians write it: 2024-03-04 → 04.03.2024."""
    return date.fromisoformat(value).strftime("%d.%m.%Y")


def setup(app: web.Application) -> None:
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        app_key=JINJA,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        when=when, day=day, kind=lambda k: KIND_LABELS.get(k, k), status=lambda s: STATUS_LABELS.get(s, s)
    )
    environment.globals.update(KIND_LABELS=KIND_LABELS, STATUS_LABELS=STATUS_LABELS, FIELD_LABELS=FIELD_LABELS)


def render(request: web.Request, template: str, context: dict, *, status: int = 200) -> web.Response:
    """A page, with the signed-in user and the CSRF token for its forms."""
    session = request.get("session")
    user = request.get("user")
    base = {
        "user": user,
        "csrf": session.csrf if session else "",
        "path": request.path,
        "home": home(user and user.role),
    }
    response = aiohttp_jinja2.render_template(template, request, base | context, app_key=JINJA, status=status)
    response.headers.update(
        {
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        }
    )
    return response


def error(request: web.Request, status: int, message: str) -> web.Response:
    titles = {401: "Ikke logget inn", 403: "Ingen tilgang", 404: "Fant ikke siden", 400: "Noe var feil i forespørselen"}
    return render(request, "error.html", {"title": titles.get(status, "Feil"), "message": message}, status=status)
