"""The web application: each part (the employees' chat, and later the admin pages) adds its
routes through its own `setup(app)`; this module only composes them."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.config import Settings, settings
from bot.web import admin, api, chat

MAX_BODY = 64 * 1024
TOO_LARGE = "Forespørselen er for stor. Skriv en kortere melding og prøv igjen."


@web.middleware
async def refuse_large_bodies(request: web.Request, handler) -> web.StreamResponse:
    """A body over MAX_BODY gets a clear Norwegian answer (413), not aiohttp's English text."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return web.json_response({"error": TOO_LARGE}, status=413)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _http_session(app: web.Application):
    app["http"] = aiohttp.ClientSession()
    yield
    await app["http"].close()


def create_app(config: Settings | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[refuse_large_bodies])
    app["settings"] = config or settings()
    app.cleanup_ctx.append(_http_session)
    app.router.add_get("/health", health)
    chat.setup(app)
    admin.setup(app)
    api.setup(app)
    return app
