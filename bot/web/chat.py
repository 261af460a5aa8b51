"""The employees' chat: the standalone page, the embeddable widget script, and a same-origin relay
to Rasa's REST channel.

The browser never names the conversation: the server issues a random, signed conversation id in
an HttpOnly cookie (`widget_session`) and relays each message to Rasa as that sender, always to
the same Rasa replica for one conversation (`upstreams`). The relay refuses long messages, messages
with nothing visible in them and too many messages a minute, drops what cannot be stored and masks
personal data before Rasa sees it, returns the message as stored, reads the history back from the
tracker store (`widget_history`) and deletes the conversation on request.

Every turn of ours answers with at least one message, so an answer from Rasa without any is a
failure (an action whose action server is down, or that the message broke): the employee gets the
same 502 as when Rasa is down, which the widget shows with a button to send the message again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from functools import cache
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.assistant import welcome
from bot.config import Settings
from bot.handoff.case import email_in
from bot.message_text import has_visible_content, storable
from bot.privacy.masking import mask
from bot.retention import delete_conversation
from bot.texts import catalogue as texts
from bot.texts import text
from bot.web import service_banner, widget_history
from bot.web.database import in_session
from bot.web.ratelimit import LimitsUnavailable, RateLimit, counts_for
from bot.web.upstreams import Upstreams
from bot.web.widget_session import Conversations

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The standalone page loads only its own files: no inline script or style, nothing from elsewhere.
PAGE_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
MAX_MESSAGE_LENGTH = 1000
MESSAGES_PER_MINUTE = 20
RASA_TIMEOUT = aiohttp.ClientTimeout(total=30)

# Where the service puts the texts and the language into widget.js and index.html as it serves them
WIDGET_TEXTS = 'const TEXT = {}; const LANG = "nb"; // filled in when served (bot/web/chat.py)'
PAGE_TEXTS = ('<html lang="nb">', "<title></title>")


def _standard(request: web.Request) -> str:
    """The municipality's written standard (BOT_WRITTEN_STANDARD): the web's own texts use it."""
    return request.app["settings"].written_standard


def error_message(key: str, standard: str) -> str:
    """The relay's error `key` (bot/texts/web.yml) for the employee."""
    return text(f"web.{key}", standard, max=MAX_MESSAGE_LENGTH)


def _error(request: web.Request, key: str, status: int) -> web.Response:
    return web.json_response({"error": error_message(key, _standard(request))}, status=status)


@cache
def widget_source(standard: str) -> str:
    """widget.js with its texts (bot/texts/widget.yml) and language in `standard`."""
    source = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    names = sorted(key.removeprefix("widget.") for key in texts() if key.startswith("widget."))
    filled = {name: text(f"widget.{name}", standard) for name in names}
    line = f"const TEXT = {json.dumps(filled, ensure_ascii=False)}; const LANG = {json.dumps(standard)};"
    assert source.count(WIDGET_TEXTS) == 1, "widget.js lost the line its texts go into"
    return source.replace(WIDGET_TEXTS, line)


@cache
def page_source(standard: str) -> str:
    """index.html with its language and title in `standard`."""
    source = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    lang, title = PAGE_TEXTS
    assert lang in source and title in source, "index.html lost its lang or title"
    return source.replace(lang, f'<html lang="{standard}">').replace(
        title, f"<title>{text('web.page_title', standard)}</title>"
    )


def _conversation(request: web.Request) -> tuple[str, bool]:
    """The request's conversation id, and whether it is new (then the response sets the cookie)."""
    conversations: Conversations = request.app["conversations"]
    existing = conversations.from_request(request)
    return (existing, False) if existing else (conversations.new(), True)


def _with_cookie(request: web.Request, response: web.Response, conversation: str, new: bool) -> web.Response:
    if new:
        request.app["conversations"].set_cookie(request, response, conversation)
    return response


async def index(request: web.Request) -> web.Response:
    return web.Response(
        text=page_source(_standard(request)),
        content_type="text/html",
        headers={"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-cache"},
    )


async def widget_script(request: web.Request) -> web.Response:
    """widget.js in the municipality's standard; browsers revalidate it (an ETag of its content), so
    every intranet page gets a changed standard or text on its next load."""
    source = widget_source(_standard(request))
    tag = hashlib.sha256(source.encode()).hexdigest()[:32]
    headers = {"Cache-Control": "no-cache", "ETag": f'"{tag}"'}
    if any(etag.value == tag for etag in request.if_none_match or ()):
        return web.Response(status=304, headers=headers)
    return web.Response(text=source, content_type="text/javascript", headers=headers)


async def _within_limit(request: web.Request, conversation: str) -> bool:
    """Whether the conversation may send another message; when the limits' store does not answer,
    it may (the relay stays up; the message text is never logged)."""
    try:
        return await request.app["message_limit"].allow(conversation)
    except LimitsUnavailable:
        log.warning("Rate limit store did not answer: a chat message went through without its limit")
        return True


async def send_message(request: web.Request) -> web.Response:
    conversation, new = _conversation(request)
    if not await _within_limit(request, conversation):
        return _with_cookie(request, _error(request, "too_many", 429), conversation, new)
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep to parse
        return _error(request, "bad_request", 400)
    text = body.get("message") if isinstance(body, dict) else None
    if not isinstance(text, str):
        return _error(request, "bad_request", 400)
    text = storable(text).strip()
    if not has_visible_content(text):
        return _error(request, "empty", 400)
    if len(text) > MAX_MESSAGE_LENGTH:
        return _error(request, "too_long", 413)

    # An address the employee writes goes to Rasa beside the masked text, for the handoff's contact
    # question (bot/assistant/handoff_dialogue.py); the tracker store drops it (bot/tracker_store.py).
    email = email_in(text)
    text = mask(text)  # personal data stops here; Rasa's channel masks again for its other clients
    metadata = {"channel": "web", **({"user": {"email": email}} if email else {})}
    try:
        replies = await request.app["rasa"].post_json(
            request.app["http"],
            "/webhooks/rest/webhook",
            conversation,
            {"sender": conversation, "message": text, "metadata": metadata},
            RASA_TIMEOUT,
        )
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        log.warning("Rasa did not answer", exc_info=log.isEnabledFor(logging.DEBUG))
        return _with_cookie(request, _error(request, "unavailable", 502), conversation, new)
    messages = [m for m in map(widget_history.from_rasa_reply, replies if isinstance(replies, list) else []) if m]
    if not messages:
        log.warning("Rasa answered a message without any reply (see its log for the failed action)")
        return _with_cookie(request, _error(request, "unavailable", 502), conversation, new)
    # The message as Rasa stores it (masked), so the page shows what a reload will show.
    result = web.json_response({"message": text, "replies": messages})
    return _with_cookie(request, result, conversation, new)


async def history(request: web.Request) -> web.Response:
    conversation, new = _conversation(request)
    if new:
        return _with_cookie(request, web.json_response({"messages": []}), conversation, new)
    try:
        messages = await asyncio.to_thread(
            widget_history.conversation, request.app["settings"].tracker_store_url, conversation
        )
    except SQLAlchemyError:
        log.warning("Could not read the conversation from the tracker store", exc_info=True)
        return _error(request, "history_unavailable", 503)
    return web.json_response({"messages": messages})


def _welcome(session, standard: str) -> dict:
    greeting = welcome.greeting(session, standard)
    return widget_history.bot_message(greeting.text, greeting.button_dicts) or {}  # the shape of a history message


async def welcome_message(request: web.Request) -> web.Response:
    """The greeting the widget shows in a conversation with nothing in it yet (bot.assistant.welcome)."""
    return web.json_response(
        await in_session(request, _welcome, _standard(request)), headers={"Cache-Control": "no-store"}
    )


async def delete(request: web.Request) -> web.Response:
    """Delete the conversation from Rasa's tracker store and start a new one."""
    conversation = request.app["conversations"].from_request(request)
    if conversation:
        try:
            await asyncio.to_thread(delete_conversation, request.app["settings"].tracker_store_url, conversation)
        except SQLAlchemyError:
            log.warning("Could not delete a conversation from the tracker store", exc_info=True)
            return _error(request, "delete_failed", 503)
    return _with_cookie(request, web.json_response({"deleted": True}), request.app["conversations"].new(), True)


def setup(app: web.Application) -> None:
    config: Settings = app["settings"]
    app["conversations"] = Conversations(config.session_secret)
    app["rasa"] = Upstreams(config.rasa_urls)  # a conversation always goes to the same replica
    app["message_limit"] = RateLimit(counts_for(app), "chat", MESSAGES_PER_MINUTE, 60)
    app.router.add_get("/", index)
    app.router.add_get("/widget.js", widget_script)
    app.router.add_get("/api/history", history)
    app.router.add_get("/api/welcome", welcome_message)
    app.router.add_post("/api/messages", send_message)
    app.router.add_delete("/api/conversation", delete)
    app.router.add_get("/api/service-messages", service_banner.active_messages)  # the widget's banner
    app.router.add_static("/static/", STATIC_DIR)
