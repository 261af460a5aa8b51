"""The service-message page (/admin/driftsmeldinger) for roles it and admin: post a message about a
tool (start and end, Norwegian time), see the active and upcoming ones, end one. The forms carry the
CSRF token (bot.web.admin.auth.require checks it); an error is shown at its field."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.catalogue import service_messages, snapshot
from bot.web.admin import pages
from bot.web.admin.auth import require
from bot.web.database import in_session

PATH = "/admin/driftsmeldinger"
ROLES = ("it", "admin")


DONE = {"lagt_inn": "Driftsmeldingen er lagt inn.", "avsluttet": "Driftsmeldingen er avsluttet."}


def _norwegian_time(iso: str) -> str:
    """04.12.2026 kl. 14:00, in Norwegian time (as IT wrote it)."""
    return datetime.fromisoformat(iso).astimezone(service_messages.LOCAL_TIME).strftime("%d.%m.%Y kl. %H:%M")


def _listing(session) -> dict:
    tools = sorted(snapshot.view(session).tools.values(), key=lambda tool: tool.name.casefold())
    messages = [service_messages.as_dict(session, m) for m in service_messages.current(session)]
    for message in messages:
        message["shown"] = f"{_norwegian_time(message['starts'])} til {_norwegian_time(message['ends'])}"
    return {"tools": [(tool.id, tool.name) for tool in tools], "messages": messages}


async def _page(request: web.Request, *, posted: dict, wrong: dict, status: int = 200) -> web.Response:
    context = {
        **await in_session(request, _listing),
        "posted": posted,
        "wrong": wrong,
        "done": next((text for key, text in DONE.items() if key in request.query), None),
        "max_text": service_messages.MAX_TEXT,
    }
    return pages.render(request, "service_messages.html", context, status=status)


@require(*ROLES)
async def message_page(request: web.Request) -> web.Response:
    return await _page(request, posted={}, wrong={})


@require(*ROLES)
async def message_post(request: web.Request) -> web.StreamResponse:
    form = pages.text_fields(await request.post())
    who = request["user"].name

    def post(session) -> None:
        starts = service_messages.parse_time(form["starts"], "starts") if form.get("starts", "").strip() else None
        ends = service_messages.parse_time(form.get("ends", ""), "ends")
        service_messages.post(session, form.get("tool", ""), form.get("text", ""), ends, who, starts)

    try:
        await in_session(request, post)
    except service_messages.MessageError as error:
        return await _page(request, posted=form, wrong={error.field: error.norwegian}, status=400)
    raise web.HTTPSeeOther(f"{PATH}?lagt_inn=1")


@require(*ROLES)
async def message_end(request: web.Request) -> web.StreamResponse:
    ended = await in_session(request, service_messages.end, int(request.match_info["id"]), request["user"].name)
    if not ended:
        return pages.error(request, 404, "Driftsmeldingen er avsluttet allerede, eller finnes ikke.")
    raise web.HTTPSeeOther(f"{PATH}?avsluttet=1")


def routes() -> list[web.RouteDef]:
    return [
        web.get(PATH, message_page),
        web.post(PATH, message_post),
        web.post(PATH + r"/{id:\d+}/avslutt", message_end),
    ]
