"""The Microsoft Teams webhook, relayed to one Rasa replica per Teams user.

The Bot Connector posts every Teams activity to our public /webhooks/teams/webhook. The relay
passes the body and the Authorization header on unchanged to Rasa's Teams channel
(bot/channels/teams.py), which validates the token, and returns Rasa's answer. Like the chat relay
it picks the replica with `Upstreams` (bot/web/upstreams.py), keyed by what Rasa keeps the
conversation and its lock under: the Teams channel's sender id, the activity's `from.id`. A Teams
conversation id would not do: a group chat holds several senders, and one sender's tracker is
shared by all of that user's chats with the bot.
"""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
from aiohttp import hdrs, web

from bot.web.chat import RASA_TIMEOUT

log = logging.getLogger(__name__)

PATH = "/webhooks/teams/webhook"


def sender(body: bytes) -> str:
    """The activity's `from.id`, or "" when there is none (Rasa's channel refuses or ignores such a
    request; any replica may say so)."""
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep to parse
        return ""
    sent_by = activity.get("from") if isinstance(activity, dict) else None
    identity = sent_by.get("id") if isinstance(sent_by, dict) else None
    return identity if isinstance(identity, str) else ""


async def webhook(request: web.Request) -> web.Response:
    body = await request.read()
    headers = {
        name: request.headers[name] for name in (hdrs.AUTHORIZATION, hdrs.CONTENT_TYPE) if name in request.headers
    }
    try:
        async with request.app["rasa"].post(
            request.app["http"],
            PATH,
            sender(body),
            data=body,
            headers=headers,
            timeout=RASA_TIMEOUT,
        ) as answer:
            content = await answer.read()
            return web.Response(
                status=answer.status,
                body=content,
                headers={hdrs.CONTENT_TYPE: answer.headers.get(hdrs.CONTENT_TYPE, "text/plain")},
            )
    except (aiohttp.ClientError, asyncio.TimeoutError):
        log.warning("Rasa did not answer a Teams activity", exc_info=log.isEnabledFor(logging.DEBUG))
        return web.Response(status=502, text="Rasa did not answer.")


def setup(app: web.Application) -> None:
    """Needs the chat relay's replicas (app["rasa"], bot.web.chat.setup)."""
    app.router.add_post(PATH, webhook)
