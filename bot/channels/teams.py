"""Microsoft Teams: Rasa's Bot Framework channel, made safe and usable. The webhook is
/webhooks/teams/webhook; docs/teams.md tells the admin how to register the bot.

What it changes in Rasa 3.6.21's `botframework` connector:
- Each request's token is checked fully before anything else happens: RS256 only, signed by a key
  from the configured OpenID metadata (whose endorsements name the activity's channel), our app id
  as audience, an accepted issuer, not expired, and a `serviceurl` claim equal to the activity's
  serviceUrl (so a token cannot send the bot's replies, and its own token, somewhere else). Any
  failure is a 401 and the activity is not processed.
- With BOT_TEAMS_TENANT_ID set, only activities whose `channelData.tenant.id` names that tenant are
  processed; any other gets 403 (a bot registration can be installed from other tenants too).
- Signing keys are fetched on first use (so `rasa run` starts without network), kept for a day,
  and fetched again when a token names an unknown key (at most every five minutes).
- Replies are posted with aiohttp (not blocking `requests`), with a token from a configurable token
  URL (single-tenant bot registrations need their tenant's URL).
- Buttons become Hero cards with messageBack actions, which Teams can click; the value of a
  messageBack or Adaptive Card Action.Submit reaches the NLU when the activity has no text.
- When the bot is added to a conversation (a conversationUpdate with the bot among `membersAdded`)
  it posts the welcome card (bot.assistant.welcome), once per conversation.
- `<at>…</at>` mentions and characters that cannot be stored (bot/message_text.py) are removed, and
  personal data masked, before Rasa sees the text; the message metadata names the channel `teams`
  for the gap log. A message longer than the REST channel allows is not processed: the employee
  is told to write less.

Configured from the environment only (bot.config.teams_settings, the tenant included). Without an
app id and password the channel is off: it logs that once and answers its webhook with 503.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot import texts
from bot.assistant import welcome
from bot.assistant.replies import Reply
from bot.channels.rest import MAX_MESSAGE_LENGTH
from bot.config import TeamsSettings, teams_settings, written_standard
from bot.db import session_scope
from bot.message_text import has_visible_content, storable
from bot.privacy.masking import mask

log = logging.getLogger(__name__)

ALGORITHM = "RS256"
CLOCK_SKEW_SECONDS = 300  # the Bot Framework's own allowance
KEYS_MAX_AGE = 24 * 3600
KEYS_RETRY_SECONDS = 300  # an unknown key id fetches the keys again at most this often
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)
MENTION = re.compile(r"<at\b[^<>]*>[^<]*</at>", re.IGNORECASE)  # no `<` inside: linear, not .*?
CHANNEL = "teams"


def teams_user(activity: dict[str, Any]) -> dict[str, str]:
    """Who sent the activity as Teams tells it (name, AAD object id): the contact of a case the
    employee agrees to send (bot/assistant/handoff_dialogue.py)."""
    sender = activity.get("from") or {}
    user = {"name": sender.get("name"), "aad_object_id": sender.get("aadObjectId")}
    return {key: value[:100] for key, value in user.items() if isinstance(value, str) and value.strip()}


class InvalidRequest(Exception):
    """The request's token or activity failed validation (answered with 401)."""


class KeysUnavailable(Exception):
    """The signing keys could not be fetched (answered with 503, so the Bot Connector retries)."""


class ForeignTenant(Exception):
    """A valid request from a Teams tenant other than ours (answered with 403)."""


class SigningKeys:
    """The Bot Connector's public keys, from the OpenID metadata's `jwks_uri`, fetched lazily."""

    def __init__(self, openid_url: str, http: Callable[[], aiohttp.ClientSession], clock=time.monotonic):
        self.openid_url, self._http, self._clock = openid_url, http, clock
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def get(self, key_id: str) -> dict[str, Any] | None:
        """The JWK with this id, or None if the metadata has no such key."""
        async with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at > KEYS_MAX_AGE
            may_retry = self._fetched_at is None or now - self._fetched_at > KEYS_RETRY_SECONDS
            if stale or (key_id not in self._keys and may_retry):
                await self._fetch()
            return self._keys.get(key_id)

    async def _fetch(self) -> None:
        try:
            async with self._http().get(self.openid_url, timeout=HTTP_TIMEOUT) as answer:
                answer.raise_for_status()
                jwks_uri = (await answer.json(content_type=None))["jwks_uri"]
            async with self._http().get(jwks_uri, timeout=HTTP_TIMEOUT) as answer:
                answer.raise_for_status()
                keys = (await answer.json(content_type=None))["keys"]
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError) as error:
            if self._keys and self._fetched_at is not None:
                log.warning("Teams: could not refresh the signing keys (%s); using the ones we have", error)
                return
            raise KeysUnavailable(str(error)) from error
        self._keys = {k["kid"]: k for k in keys if isinstance(k, dict) and isinstance(k.get("kid"), str)}
        self._fetched_at = self._clock()


@dataclass(frozen=True)
class Token:
    """A token that passed validation: its claims and the endorsements of the key that signed it."""

    claims: dict[str, Any]
    endorsements: list[str] | None


def bearer_token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidRequest("no bearer token")
    return token.strip()


async def validated_token(token: str, keys: SigningKeys, config: TeamsSettings) -> Token:
    """A Bot Connector token whose algorithm, key, signature, audience, issuer and expiry are all
    right."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise InvalidRequest(f"unreadable token: {error}") from error
    if header.get("alg") != ALGORITHM:
        raise InvalidRequest(f"algorithm {header.get('alg')!r} is not {ALGORITHM}")
    key_id = header.get("kid")
    jwk = await keys.get(key_id) if isinstance(key_id, str) else None
    if jwk is None:
        raise InvalidRequest("unknown signing key")
    try:
        public_key = RSAAlgorithm.from_jwk(jwk)
        if not isinstance(public_key, RSAPublicKey):  # a JWK with private parts is no signing key of Microsoft's
            raise InvalidRequest("signing key is not a public key")
        claims = jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            audience=config.app_id,
            issuer=list(config.issuers),
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iss", "aud"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise InvalidRequest(f"token rejected: {error}") from error
    endorsements = jwk.get("endorsements")
    return Token(claims, endorsements if isinstance(endorsements, list) else None)


def check_activity(token: Token, activity: Any, tenant: str = "") -> dict[str, Any]:
    """The activity, if the token was issued for its serviceUrl and its channel, and it comes
    from `tenant` (when one is given)."""
    if not isinstance(activity, dict) or not isinstance(activity.get("serviceUrl"), str):
        raise InvalidRequest("no activity with a serviceUrl")
    claimed = token.claims.get("serviceurl") or token.claims.get("serviceUrl")
    if not isinstance(claimed, str) or claimed.rstrip("/").lower() != activity["serviceUrl"].rstrip("/").lower():
        raise InvalidRequest("serviceurl claim does not match the activity")
    if token.endorsements is not None and activity.get("channelId") not in token.endorsements:
        raise InvalidRequest("the signing key is not endorsed for this channel")
    if tenant and activity_tenant(activity).lower() != tenant.lower():
        raise ForeignTenant(f"tenant {activity_tenant(activity)!r} is not ours")
    return activity


def activity_tenant(activity: dict[str, Any]) -> str:
    """The activity's `channelData.tenant.id`, or ""."""
    channel_data = activity.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    identity = tenant.get("id") if isinstance(tenant, dict) else None
    return identity if isinstance(identity, str) else ""


def message_text(activity: dict[str, Any]) -> str:
    """What the employee wrote, without @-mentions and characters that cannot be stored; for a
    card submission, the submitted value."""
    raw = activity.get("text")
    text = raw if isinstance(raw, str) else ""
    text = " ".join(MENTION.sub(" ", storable(text)).split())
    return text or storable(submitted_text(activity.get("value")))


def submitted_text(value: Any) -> str:
    """The text of a messageBack or Adaptive Card Action.Submit value: its `payload` (our cards),
    its `text`, or else the card's text inputs."""
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, dict):
        return ""
    for key in ("payload", "text"):
        if isinstance(value.get(key), str) and value[key].strip():
            return value[key].strip()
    return " ".join(v.strip() for k, v in value.items() if k != "msteams" and isinstance(v, str) and v.strip())


def hero_card(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    """A Hero card whose buttons Teams can click: messageBack sends the payload to the bot and shows
    the title in the chat."""
    actions = [
        {
            "type": "messageBack",
            "title": b["title"],
            "text": b["payload"],
            "displayText": b["title"],
            "value": {"payload": b["payload"]},
        }
        for b in buttons
        if isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
    ]
    return {"contentType": "application/vnd.microsoft.card.hero", "content": {"text": text, "buttons": actions}}


def bot_added(activity: dict[str, Any]) -> bool:
    """Whether the activity is a conversationUpdate that adds the bot itself (its recipient)."""
    bot = (activity.get("recipient") or {}).get("id")
    members = activity.get("membersAdded")
    return (
        activity.get("type") == "conversationUpdate"
        and isinstance(bot, str)
        and isinstance(members, list)
        and any(isinstance(member, dict) and member.get("id") == bot for member in members)
    )


def welcome_once(conversation_id: str, standard: str) -> Reply | None:
    """The welcome for a conversation the first time it is asked for (on any replica), else None.
    Without a database nothing is sent: a welcome that cannot be remembered could come twice."""
    try:
        with session_scope() as session:
            if not welcome.first_welcome(session, CHANNEL, conversation_id):
                return None
            return welcome.greeting(session, standard)
    except SQLAlchemyError as error:
        log.warning("Teams: no welcome card, the database is unavailable (%s)", type(error).__name__)
        return None


class Connector:
    """Posts to the Bot Connector with the bot's own token (client credentials, cached)."""

    def __init__(self, config: TeamsSettings, http: Callable[[], aiohttp.ClientSession], clock=time.monotonic):
        self.config, self._http, self._clock = config, http, clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def _access_token(self) -> str | None:
        async with self._lock:
            if self._token is None or self._clock() > self._expires:
                form = {
                    "grant_type": "client_credentials",
                    "client_id": self.config.app_id,
                    "client_secret": self.config.app_password,
                    "scope": CONNECTOR_SCOPE,
                }
                try:
                    async with self._http().post(self.config.token_url, data=form, timeout=HTTP_TIMEOUT) as answer:
                        answer.raise_for_status()
                        body = await answer.json(content_type=None)
                    self._token = body["access_token"]
                    self._expires = self._clock() + int(body.get("expires_in", 3600)) - 300
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError) as error:
                    log.error("Teams: could not get a token from %s: %s", self.config.token_url, error)
                    return None
            return self._token

    async def post(self, url: str, activity: dict[str, Any]) -> None:
        token = await self._access_token()
        if token is None:
            return
        try:
            async with self._http().post(
                url, json=activity, headers={"Authorization": f"Bearer {token}"}, timeout=HTTP_TIMEOUT
            ) as answer:
                if answer.status >= 300:
                    log.error("Teams: the Bot Connector refused a reply (HTTP %s)", answer.status)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            log.error("Teams: could not post a reply: %s", error)


class TeamsOutput(BotFramework):
    """Replies into a Teams conversation, posted with aiohttp; buttons as clickable Hero cards."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, connector: Connector, conversation: dict[str, Any], bot: dict[str, Any], service_url: str):
        super().__init__(connector.config.app_id, "", conversation, bot, service_url)
        self.connector = connector

    async def send(self, message_data: dict[str, Any]) -> None:
        await self.connector.post(f"{self.global_uri}conversations/{self.conversation['id']}/activities", message_data)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send(self.prepare_message(recipient_id, {"attachments": [hero_card(text, buttons)]}))


class TeamsInput(BotFrameworkInput):
    """The Teams webhook (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if credentials:
            log.warning("Teams: credentials.yml values are ignored; the channel reads BOT_TEAMS_* from the environment")
        return cls(teams_settings(), written_standard())

    def __init__(self, config: TeamsSettings, standard: str = texts.DEFAULT_STANDARD) -> None:  # no super().__init__
        self.config = config
        self.standard = standard  # the municipality's (BOT_WRITTEN_STANDARD): the channel's own texts use it
        self.app_id, self.app_password = config.app_id, config.app_password
        self._session: aiohttp.ClientSession | None = None
        self.keys = SigningKeys(config.openid_url, self._http)
        self.connector = Connector(config, self._http)
        if not config.enabled:
            log.info("Teams channel off: set BOT_TEAMS_APP_ID and BOT_TEAMS_APP_PASSWORD to turn it on (docs/teams.md)")
        elif not config.tenant_id:
            log.warning("Teams: BOT_TEAMS_TENANT_ID is not set, so activities from any tenant are answered")

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def authorised_activity(self, request: Request) -> dict[str, Any]:
        """The request's activity, once its token has passed every check."""
        token = await validated_token(bearer_token(request.headers.get("Authorization")), self.keys, self.config)
        try:
            activity = request.json
        except Exception as error:  # Sanic raises its own InvalidUsage for a malformed body
            raise InvalidRequest("the body is not JSON") from error
        return check_activity(token, activity, self.config.tenant_id)

    async def handle(self, activity: dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        sender = (activity.get("from") or {}).get("id")
        conversation = activity.get("conversation")
        if bot_added(activity) and isinstance(conversation, dict) and isinstance(conversation.get("id"), str):
            await self.welcome(activity, conversation)
            return
        if activity.get("type") != "message" or not isinstance(sender, str) or not isinstance(conversation, dict):
            return  # other conversationUpdates, typing, reactions, …: nothing to answer
        text = message_text(activity)
        if not has_visible_content(text):
            return
        output = TeamsOutput(self.connector, conversation, activity.get("recipient") or {}, activity["serviceUrl"])
        if len(text) > MAX_MESSAGE_LENGTH:
            await output.send_text_message(sender, texts.text("web.too_long", self.standard, max=MAX_MESSAGE_LENGTH))
            return
        await on_new_message(
            UserMessage(
                text=mask(text),
                output_channel=output,
                sender_id=sender,
                input_channel=self.name(),
                metadata={"channel": CHANNEL, "user": teams_user(activity)},
            )
        )

    async def welcome(self, activity: dict[str, Any], conversation: dict[str, Any]) -> None:
        """The welcome card, once per conversation, to whoever added the bot."""
        greeting = await asyncio.to_thread(welcome_once, conversation["id"], self.standard)
        if greeting is None:
            return
        output = TeamsOutput(self.connector, conversation, activity.get("recipient") or {}, activity["serviceUrl"])
        added_by = (activity.get("from") or {}).get("id")
        recipient = added_by if isinstance(added_by, str) else ""
        await output.send_text_with_buttons(recipient, greeting.text, greeting.button_dicts)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        teams = Blueprint("teams_webhook", __name__)

        @teams.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.config.enabled else "off"})

        @teams.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return response.text("The Teams channel is not configured.", status=503)
            try:
                activity = await self.authorised_activity(request)
            except InvalidRequest as error:
                log.warning("Teams: request refused: %s", error)
                return response.text("Unauthorized", status=401)
            except ForeignTenant as error:
                log.warning("Teams: request refused: %s", error)
                return response.text("Forbidden", status=403)
            except KeysUnavailable as error:
                log.error("Teams: signing keys unavailable from %s: %s", self.config.openid_url, error)
                return response.text("Cannot validate the request now.", status=503)
            try:
                await self.handle(activity, on_new_message)
            except Exception:  # noqa: BLE001 - one bad activity must not take the webhook down
                log.exception("Teams: could not handle an activity")
            return response.text("", status=200)

        @teams.listener("after_server_stop")
        async def close_http(app, loop) -> None:
            if self._session is not None:
                await self._session.close()

        return teams
