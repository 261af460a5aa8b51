"""The widget's conversation: an id the server issues and signs, and a per-conversation rate limit.

The cookie holds `<conversation id>.<signature>`. A cookie the server did not sign is ignored and a
new conversation issued, so a client can never choose the conversation id (which is also the
sender id in Rasa's tracker store). The signing key is derived from BOT_SESSION_SECRET (kept
apart from the admin sessions' key by a label); without it the key is random per process, and a
restart of the web service starts new conversations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from aiohttp import web

COOKIE = "dh_conversation"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Conversations:
    """Issues conversation ids and checks the signed cookies that carry them."""

    def __init__(self, secret: str = ""):
        self._key = (
            hashlib.sha256(b"digihjelpen widget conversation\0" + secret.encode()).digest()
            if secret
            else secrets.token_bytes(32)
        )

    def _signature(self, conversation: str) -> str:
        return _b64(hmac.new(self._key, conversation.encode("ascii"), hashlib.sha256).digest()[:18])

    def new(self) -> str:
        return secrets.token_urlsafe(24)

    def cookie_value(self, conversation: str) -> str:
        return f"{conversation}.{self._signature(conversation)}"

    def from_request(self, request: web.Request) -> str | None:
        """The conversation id of the request's cookie, if this server signed it."""
        conversation, _, signature = (request.cookies.get(COOKIE) or "").partition(".")
        if not conversation or not conversation.isascii():
            return None
        return conversation if hmac.compare_digest(signature, self._signature(conversation)) else None

    def set_cookie(self, request: web.Request, response: web.StreamResponse, conversation: str) -> None:
        """A session cookie (gone when the browser closes) that scripts cannot read and other sites
        cannot send; Secure when the page came over HTTPS, as a trusted proxy reports it
        (bot.web.app.behind_trusted_proxies)."""
        response.set_cookie(
            COOKIE,
            self.cookie_value(conversation),
            httponly=True,
            samesite="Strict",
            path="/",
            secure=request.secure or None,
        )
