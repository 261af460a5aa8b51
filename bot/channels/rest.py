"""Rasa's REST channel with personal data masked before Rasa sees, stores or logs the message.

It keeps the name `rest`, so the webhook stays at /webhooks/rest/webhook. Of the client's
metadata only the channel name is kept (`web` from our widget relay), for the gap log.

Rasa's REST channel takes no authentication; only our web service may use it. Every request to
this channel must carry BOT_CHANNEL_SECRET in `X-Digihjelpen-Secret` (bot/service_secrets.py),
else it gets 401/403 before the body is looked at.

Rasa's own REST channel assumes a JSON object with string fields: an empty body, a list, or a
number as the message ends in an exception and a 500. This one checks the body first and answers
400 (413 for a message longer than any employee writes), so malformed requests never reach Rasa.
A message with nothing visible in it (only spaces, zero-width or control characters) is refused
with 400 too, as our web relay refuses it, and control characters and lone surrogates are dropped
before Rasa sees the message: an action cannot store them, and Rasa would answer nothing at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request

from bot.handoff.case import email_in
from bot.message_text import has_visible_content, storable
from bot.privacy.masking import mask
from bot.service_secrets import channel_secret, sanic_guard

MAX_CHANNEL_NAME = 30
MAX_SENDER_LENGTH = 200
MAX_MESSAGE_LENGTH = 5000  # our web relay allows 1,000; other clients get some slack


def _body(req: Request) -> dict[str, Any]:
    """The request's JSON object with a non-empty string `sender` and a string `message`."""
    body = req.json  # Sanic answers 400 itself when the body is not JSON
    if not isinstance(body, dict):
        raise InvalidUsage("The body must be a JSON object with 'sender' and 'message'.")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
        raise InvalidUsage(f"'sender' must be a non-empty string of at most {MAX_SENDER_LENGTH} characters.")
    if not isinstance(message, str):
        raise InvalidUsage("'message' must be a string.")
    if len(message) > MAX_MESSAGE_LENGTH:
        raise PayloadTooLarge(f"'message' must be at most {MAX_MESSAGE_LENGTH} characters.")
    if not has_visible_content(message):
        raise InvalidUsage("'message' must have a visible character.")
    return body


class MaskedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        webhook.middleware(sanic_guard(channel_secret()), "request")
        return webhook

    async def _extract_sender(self, req: Request) -> str | None:
        # Rasa's webhook calls this first, so the whole body is checked before anything else.
        return _body(req)["sender"]

    def _extract_message(self, req: Request) -> str | None:
        return mask(storable(_body(req)["message"]))

    def _extract_input_channel(self, req: Request) -> str:
        channel = _body(req).get("input_channel")
        return channel[:MAX_CHANNEL_NAME] if isinstance(channel, str) and channel.strip() else self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        metadata = _body(request).get("metadata")
        if not isinstance(metadata, dict):
            return None
        channel, user = metadata.get("channel"), metadata.get("user")
        kept: dict[str, Any] = {"channel": channel[:MAX_CHANNEL_NAME]} if isinstance(channel, str) else {}
        email = user.get("email") if isinstance(user, dict) else None
        email = email_in(email) if isinstance(email, str) else ""
        if email:  # for the handoff's contact question; never stored (bot/tracker_store.py)
            kept["user"] = {"email": email}
        return kept or None
