"""The employees' chat: the page and a same-origin relay to Rasa's REST channel.

The browser never names the conversation: the server issues a random conversation id in an
HttpOnly cookie and relays the message to Rasa as that sender.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.config import Settings

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
COOKIE = "dh_conversation"
MAX_MESSAGE_LENGTH = 1000
RASA_TIMEOUT = aiohttp.ClientTimeout(total=30)

MESSAGES = {
    "too_long": f"Meldingen er for lang. Skriv kortere, høyst {MAX_MESSAGE_LENGTH} tegn.",
    "empty": "Skriv en melding først.",
    "bad_request": "Vi forsto ikke forespørselen. Last siden på nytt og prøv igjen.",
    "unavailable": "Digihjelpen svarer ikke akkurat nå. Prøv igjen om litt.",
}


def _error(key: str, status: int) -> web.Response:
    return web.json_response({"error": MESSAGES[key]}, status=status)


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def send_message(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        return _error("bad_request", 400)
    text = body.get("message") if isinstance(body, dict) else None
    if not isinstance(text, str):
        return _error("bad_request", 400)
    text = text.strip()
    if not text:
        return _error("empty", 400)
    if len(text) > MAX_MESSAGE_LENGTH:
        return _error("too_long", 413)

    conversation = request.cookies.get(COOKIE)
    if not conversation or len(conversation) != 43:
        conversation = secrets.token_urlsafe(32)
    config: Settings = request.app["settings"]
    try:
        async with request.app["http"].post(
            f"{config.rasa_url}/webhooks/rest/webhook",
            json={"sender": conversation, "message": text, "metadata": {"channel": "web"}},
            timeout=RASA_TIMEOUT,
        ) as response:
            response.raise_for_status()
            replies = await response.json()
    except (aiohttp.ClientError, TimeoutError, ValueError):
        log.warning("Rasa did not answer", exc_info=log.isEnabledFor(logging.DEBUG))
        return _error("unavailable", 502)
    result = web.json_response({"replies": [{k: v for k, v in r.items() if k != "recipient_id"} for r in replies]})
    result.set_cookie(COOKIE, conversation, httponly=True, samesite="Strict", path="/")
    return result


def setup(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_post("/api/messages", send_message)
    app.router.add_static("/static/", STATIC_DIR)
