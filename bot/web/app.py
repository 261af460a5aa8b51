"""The web application: each part (the employees' chat, and later the admin pages) adds its
routes through its own `setup(app)`; this module only composes them.

Same-origin only: no response carries CORS headers, so a page of another origin can neither read
an answer nor send a request that needs a preflight. A browser's `Sec-Fetch-Site` header says
where a request comes from; a state-changing request sent from another site (or a sibling
subdomain: `same-site`) is refused, which plain forms and `text/plain` posts would otherwise reach.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.config import Settings, settings
from bot.service_secrets import HEADER, channel_secret
from bot.web import admin, api, chat, teams_relay

MAX_BODY = 64 * 1024
TOO_LARGE = "Forespørselen er for stor. Skriv en kortere melding og prøv igjen."
FOREIGN = "Forespørselen kom fra en annen nettside og ble avvist."
COMPRESSED = "Forespørselen kan ikke være komprimert. Send den på nytt uten komprimering."
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# aiohttp's request parser keeps bodies as sent (it inflates gzip/deflate/br by default); passed to
# every server made for the app (web.run_app, AppRunner, the test server) through `handler_args`.
NO_DECOMPRESSION = {"auto_decompress": False}


@web.middleware
async def refuse_large_bodies(request: web.Request, handler) -> web.StreamResponse:
    """A body over MAX_BODY gets a clear Norwegian answer (413), not aiohttp's English text."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return web.json_response({"error": TOO_LARGE}, status=413)


@web.middleware
async def refuse_compressed_bodies(request: web.Request, handler) -> web.StreamResponse:
    """415 for a compressed request body, on any route, and the connection closed after it: aiohttp
    3.9 (pinned by Rasa) has zip-bomb and quadratic-CPU advisories in request decompression
    (docs/security.md). Our widget and Teams never compress what they send. The body is never
    inflated: aiohttp's parser would do that as the bytes arrive, before any middleware runs, so
    the server is made without it (NO_DECOMPRESSION)."""
    if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        response = web.json_response({"error": COMPRESSED}, status=415)
        response.force_close()
        return response
    return await handler(request)


@web.middleware
async def refuse_cross_site_writes(request: web.Request, handler) -> web.StreamResponse:
    """403 for a state-changing request a browser says comes from another origin's page."""
    if request.method not in SAFE_METHODS and request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return web.json_response({"error": FOREIGN}, status=403)
    return await handler(request)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _http_session(app: web.Application):
    """The client session for every call to Rasa; it carries the channel secret (bot/channels/rest.py)."""
    app["http"] = aiohttp.ClientSession(headers={HEADER: channel_secret(app["settings"])})
    yield
    await app["http"].close()


def create_app(config: Settings | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, handler_args=NO_DECOMPRESSION, middlewares=[
        refuse_compressed_bodies, refuse_large_bodies, refuse_cross_site_writes,
    ])
    app["settings"] = config or settings()
    app.cleanup_ctx.append(_http_session)
    app.router.add_get("/health", health)
    chat.setup(app)
    admin.setup(app)
    api.setup(app)
    teams_relay.setup(app)
    return app
