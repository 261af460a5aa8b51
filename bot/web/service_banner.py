"""GET /api/service-messages on the public surface: the service messages shown now, for the chat
widget's banner. No sign-in: a message is a tool's name and IT's (masked) text, nothing about anyone."""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.catalogue import service_messages
from bot.web.database import in_session

log = logging.getLogger(__name__)


def _shown(session) -> list[dict]:
    return [{"tool": notice.tool_name, "text": notice.text} for notice in service_messages.active(session)]


async def active_messages(request: web.Request) -> web.Response:
    try:
        messages = await in_session(request, _shown)
    except SQLAlchemyError:  # no catalogue copy yet and no database: no banner, the chat still works
        log.warning("Could not read the service messages", exc_info=log.isEnabledFor(logging.DEBUG))
        messages = []
    return web.json_response({"messages": messages}, headers={"Cache-Control": "no-store"})
