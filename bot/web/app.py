"""The web application: each part adds its routes through its own `setup(app)`; this module only
composes them, per surface. The PUBLIC surface is what the internet may reach: the employees' chat
(page, widget, relay, static files) and the Teams webhook relay. The INTERNAL surface is for the
municipality's network only: the admin pages (/admin), the API (/api/v1) and the model server the
Rasa replicas poll (/models/in-service). Both answer /health and /health/live (bot/web/health.py).
`python -m bot.web` serves each on a port of its own (BOT_WEB_PORT, BOT_ADMIN_PORT), so a proxy
that publishes only the public port publishes no admin path; ALL holds both on one app, for tests.

Same-origin only: no response carries CORS headers, so a page of another origin can neither read
an answer nor send a request that needs a preflight. A browser's `Sec-Fetch-Site` header says
where a request comes from; a state-changing request sent from another site (or a sibling
subdomain: `same-site`) is refused, which plain forms and `text/plain` posts would otherwise reach.

Behind a proxy, `request.remote` and `request.secure` are the client's as the proxy saw them, but
only when the direct peer is a trusted proxy (BOT_TRUSTED_PROXIES): `behind_trusted_proxies`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from ipaddress import IPv4Network, IPv6Network, ip_address

import aiohttp
from aiohttp import web

from bot.config import Settings, settings
from bot.service_secrets import HEADER, channel_secret
from bot.web import admin, api, chat, health, model_server, teams_relay

MAX_BODY = 64 * 1024
TOO_LARGE = "Forespørselen er for stor. Skriv en kortere melding og prøv igjen."
FOREIGN = "Forespørselen kom fra en annen nettside og ble avvist."
COMPRESSED = "Forespørselen kan ikke være komprimert. Send den på nytt uten komprimering."
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# aiohttp's request parser keeps bodies as sent (it inflates gzip/deflate/br by default); passed to
# every server made for the app (web.run_app, AppRunner, the test server) through `handler_args`.
NO_DECOMPRESSION = {"auto_decompress": False}


def _is_proxy(address: str, proxies: Iterable[IPv4Network | IPv6Network]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in proxies)


def forwarded_client(peer: str, forwarded_for: Sequence[str], proxies: Sequence[IPv4Network | IPv6Network]) -> str:
    """The client's address: `peer`, unless it is a trusted proxy; then the nearest hop of
    X-Forwarded-For (`forwarded_for`: the header's lines, each proxy appending the address it saw)
    that is not a trusted proxy itself, or the farthest hop when all are. Hops before it may have
    been written by the client, so they never count; a hop that cannot be read stops the walk."""
    client = peer
    if not _is_proxy(peer, proxies):
        return client
    for hop in reversed([hop.strip() for line in forwarded_for for hop in line.split(",")]):
        try:
            client = str(ip_address(hop))
        except ValueError:
            break
        if not _is_proxy(client, proxies):
            break
    return client


@web.middleware
async def behind_trusted_proxies(request: web.Request, handler) -> web.StreamResponse:
    """From a trusted proxy, the request goes on with the client's address (X-Forwarded-For) and
    scheme (X-Forwarded-Proto): rate limits key by the client, cookies are Secure over TLS."""
    proxies, peer = request.app["settings"].trusted_proxies, request.remote or ""
    if not _is_proxy(peer, proxies):
        return await handler(request)
    client = forwarded_client(peer, request.headers.getall("X-Forwarded-For", []), proxies)
    scheme = request.headers.get("X-Forwarded-Proto", "").rsplit(",", 1)[-1].strip().lower()
    if scheme in ("http", "https"):
        return await handler(request.clone(remote=client, scheme=scheme))
    return await handler(request.clone(remote=client))


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


async def _http_session(app: web.Application):
    """The client session for every call to Rasa; it carries the channel secret (bot/channels/rest.py)."""
    app["http"] = aiohttp.ClientSession(headers={HEADER: channel_secret(app["settings"])})
    yield
    await app["http"].close()


def _public_parts(app: web.Application) -> None:
    app.cleanup_ctx.append(_http_session)  # the chat and Teams relays call Rasa with it
    chat.setup(app)
    teams_relay.setup(app)


def _internal_parts(app: web.Application) -> None:
    admin.setup(app)
    api.setup(app)
    model_server.setup(app)  # Rasa replicas poll it for the model in service


class Surface(Enum):
    PUBLIC = "public"
    INTERNAL = "internal"
    ALL = "all"  # tests only: `python -m bot.web` always serves the two apart


PARTS: dict[Surface, tuple[Callable[[web.Application], None], ...]] = {
    Surface.PUBLIC: (_public_parts,),
    Surface.INTERNAL: (_internal_parts,),
    Surface.ALL: (_public_parts, _internal_parts),
}


def create_app(config: Settings | None = None, surface: Surface = Surface.ALL) -> web.Application:
    """The web app with `surface`'s routes (and /health); ALL serves every route on one app."""
    app = web.Application(
        client_max_size=MAX_BODY,
        handler_args=NO_DECOMPRESSION,
        middlewares=[
            refuse_compressed_bodies,
            behind_trusted_proxies,
            refuse_large_bodies,
            refuse_cross_site_writes,
        ],
    )
    app["settings"] = config or settings()
    health.setup(app)
    for add_part in PARTS[surface]:
        add_part(app)
    return app
