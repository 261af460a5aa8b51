"""A fake Microsoft Bot Framework for the Teams channel tests: OpenID metadata and a JWKS with a
locally generated RSA key, a token endpoint for the bot's outbound token, and a connector that
records the bot's replies. It is a real HTTP server (aiohttp, in a thread), so both the channel's
own code in this process and a real `rasa run` can reach it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

APP_ID = "00000000-1111-2222-3333-444444444444"
APP_PASSWORD = "test-password"
ISSUER = "https://api.botframework.com"
KEY_ID = "test-key-1"
TENANT_ID = "5a1e0c3d-7777-4aaa-8bbb-0123456789ab"  # the municipality's Entra ID tenant


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeBotFramework:
    def __init__(self) -> None:
        self.key = new_rsa_key()
        self.replies: list[dict[str, Any]] = []  # {"conversation", "authorization", "activity"}
        self.token_requests: list[dict[str, str]] = []
        self.key_requests = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    # The HTTP side
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def service_url(self) -> str:
        return f"{self.url}/connector/"

    async def _openid(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": ISSUER,
                "jwks_uri": f"{self.url}/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        self.key_requests += 1
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return web.json_response({"keys": [{**jwk, "kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}]})

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests.append(dict(await request.post()))
        return web.json_response({"token_type": "Bearer", "expires_in": 3600, "access_token": "bot-token"})

    async def _activities(self, request: web.Request) -> web.Response:
        self.replies.append(
            {
                "conversation": request.match_info["conversation"],
                "authorization": request.headers.get("Authorization"),
                "activity": await request.json(),
            }
        )
        return web.json_response({"id": uuid.uuid4().hex})

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/openid", self._openid)
        app.router.add_get("/keys", self._keys)
        app.router.add_post("/token", self._token)
        app.router.add_post("/connector/v3/conversations/{conversation}/activities", self._activities)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def start(self) -> FakeBotFramework:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def environment(self) -> dict[str, str]:
        """The channel's BOT_TEAMS_* settings pointing at this fake."""
        return {
            "BOT_TEAMS_APP_ID": APP_ID,
            "BOT_TEAMS_APP_PASSWORD": APP_PASSWORD,
            "BOT_TEAMS_OPENID_URL": f"{self.url}/openid",
            "BOT_TEAMS_TOKEN_URL": f"{self.url}/token",
            "BOT_TEAMS_TENANT_ID": TENANT_ID,
        }

    # What the Bot Connector sends
    def token(self, *, key=None, algorithm: str = "RS256", kid: str | None = KEY_ID, **claims: Any) -> str:
        """A Bot Connector token: valid unless told otherwise (a claim set to None is left out)."""
        now = int(time.time())
        body = {"iss": ISSUER, "aud": APP_ID, "exp": now + 600, "nbf": now - 60, "serviceurl": self.service_url}
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        headers = {"kid": kid} if kid else {}
        if algorithm == "none":
            return jwt.encode(body, None, algorithm="none", headers=headers)
        return jwt.encode(body, key if key is not None else self.key, algorithm=algorithm, headers=headers)

    def activity(self, text: str | None = None, *, conversation: str | None = None, **fields: Any) -> dict[str, Any]:
        """A Teams message activity from our tenant in a new (or the given) personal conversation."""
        activity = {
            "type": "message",
            "id": uuid.uuid4().hex,
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": f"29:user-{uuid.uuid4().hex[:8]}", "name": "Kari"},
            "conversation": {"id": conversation or f"a:conv-{uuid.uuid4().hex}", "conversationType": "personal"},
            "recipient": {"id": f"28:{APP_ID}", "name": "Digihjelpen"},
            "channelData": {"tenant": {"id": TENANT_ID}},
        }
        if text is not None:
            activity["text"] = text
        activity.update(fields)
        return activity

    def replies_to(self, conversation: str) -> list[dict[str, Any]]:
        return [r for r in self.replies if r["conversation"] == conversation]
