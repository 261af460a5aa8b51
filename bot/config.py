"""Settings from the environment, in one place, each with a working default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import urlsplit

from bot.roles import ROLES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OIDC_CALLBACK_PATH = "/admin/login/oidc/callback"  # where the identity provider sends the browser back


@dataclass(frozen=True)
class OidcSettings:
    """Sign-in to the admin pages with the municipality's identity provider (OpenID Connect, e.g.
    Entra ID; bot/web/admin/oidc.py, docs/deploy.md). On when BOT_OIDC_ISSUER is set."""

    issuer: (
        str  # BOT_OIDC_ISSUER: exactly the provider's `issuer`, e.g. https://login.microsoftonline.com/<tenant>/v2.0
    )
    client_id: str  # BOT_OIDC_CLIENT_ID: the app registration's application (client) id
    client_secret: str  # BOT_OIDC_CLIENT_SECRET: its client secret (checked like the other secrets)
    redirect_url: str  # BOT_OIDC_REDIRECT_URL: https://<admin host>/admin/login/oidc/callback, as registered
    groups: tuple[tuple[str, str], ...]  # BOT_OIDC_GROUPS "admin=<id>,it=<id>": (group id, role) pairs
    groups_claim: str = "groups"  # BOT_OIDC_GROUPS_CLAIM: the ID token's claim listing the user's groups


@dataclass(frozen=True)
class Settings:
    database_url: str
    tracker_store_url: str
    web_port: int
    rasa_port: int
    action_port: int
    host: str
    models_dir: Path
    data_dir: Path
    departments: tuple[str, ...]
    session_secret: str  # BOT_SESSION_SECRET: 32 random bytes, base64; empty → a new key per start
    department_threshold: int  # fewest records a department count may rest on before it is shown
    promote_tolerance: float  # how much lower a candidate's macro-F1 may be and still be promoted
    rasa_jwt_secret: str  # BOT_RASA_JWT_SECRET for Rasa's HTTP API; empty → var/rasa-jwt-secret
    rasa_host: str = "127.0.0.1"  # BOT_RASA_HOST: where the web service finds Rasa (another host in deploy/)
    rasa_replicas: tuple[str, ...] = ()  # BOT_RASA_URLS: Rasa base URLs the chat relay spreads over
    lock_store_url: str = "redis://127.0.0.1:6379/0"  # BOT_LOCK_STORE_URL: Redis for `bot run --cluster`
    channel_secret: str = ""  # BOT_CHANNEL_SECRET: web → Rasa's REST channel; empty → var/channel-secret
    action_secret: str = ""  # BOT_ACTION_SECRET: Rasa → the action server; empty → var/action-secret
    event_broker_url: str = ""  # BOT_EVENT_BROKER_URL: amqp(s)://, postgresql:// or sqlite:/// (bot/event_broker.py)
    event_broker_queue: str = "digihjelpen_events"  # BOT_EVENT_BROKER_QUEUE: the RabbitMQ queue
    # BOT_TRUSTED_PROXIES: the proxies whose X-Forwarded-For / X-Forwarded-Proto the web service believes
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    rate_limit_url: str = ""  # BOT_RATE_LIMIT_URL: Redis shared by the web replicas' rate limits; empty → memory
    rate_limit_prefix: str = "digihjelpen:ratelimit"  # BOT_RATE_LIMIT_PREFIX: namespace of their keys in Redis
    oidc: OidcSettings | None = None  # BOT_OIDC_*: sign-in with the identity provider; None → off
    local_login: bool = True  # BOT_LOCAL_LOGIN: user name + password sign-in (default: on unless OIDC is set)
    admin_port: int = 8081  # BOT_ADMIN_PORT: the web service's internal surface (/admin, /api/v1)
    retention_days: int = 30  # BOT_RETENTION_DAYS: `bot privacy purge` deletes message text older than this
    model_server_token: str = ""  # BOT_MODEL_SERVER_TOKEN: Rasa → our model server; empty → var/model-server-token
    model_pull_seconds: int = 10  # BOT_MODEL_PULL_SECONDS: how often each cluster Rasa polls the model server
    quality_floor: float = 0.85  # BOT_QUALITY_FLOOR: held-out macro-F1 below which a model is flagged (bot train warns)
    # BOT_ACTION_SERVER_URLS: the action servers' base URLs, whose /health/ready the web's /health asks
    action_servers: tuple[str, ...] = ()
    written_standard: str = "nb"  # BOT_WRITTEN_STANDARD: the municipality's written standard, nb or nn
    mirror_standard: bool = True  # BOT_MIRROR_STANDARD: answer in the standard a conversation is clearly written in

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def rasa_urls(self) -> tuple[str, ...]:
        """The Rasa replicas the chat relay uses: BOT_RASA_URLS, else the single `rasa_url`."""
        return self.rasa_replicas or (self.rasa_url,)

    @property
    def action_urls(self) -> tuple[str, ...]:
        """The action servers: BOT_ACTION_SERVER_URLS, else the local one on `action_port`."""
        return self.action_servers or (f"http://127.0.0.1:{self.action_port}",)


def _urls(name: str) -> tuple[str, ...]:
    """A comma-separated list of URLs."""
    return tuple(u.strip() for u in os.environ.get(name, "").split(",") if u.strip())


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"Setting {name} must be a whole number, got {raw!r}") from None


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"Setting {name} must be a number such as 0.01, got {raw!r}") from None


def _secret(name: str, minimum_length: int) -> str:
    value = os.environ.get(name, "").strip()
    if value and len(value) < minimum_length:
        raise SystemExit(f"Setting {name} must be at least {minimum_length} characters long (or unset)")
    return value


def _networks(name: str) -> tuple[IPv4Network | IPv6Network, ...]:
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    try:
        return tuple(ip_network(item) for item in items)
    except ValueError as error:
        raise SystemExit(
            f"Setting {name} takes IP addresses and networks separated by commas, "
            f"such as 10.0.0.0/8,192.0.2.10: {error}"
        ) from None


def _https_or_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"))


def _oidc() -> OidcSettings | None:
    issuer = os.environ.get("BOT_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    required = ("BOT_OIDC_CLIENT_ID", "BOT_OIDC_CLIENT_SECRET", "BOT_OIDC_REDIRECT_URL", "BOT_OIDC_GROUPS")
    missing = [name for name in required if not os.environ.get(name, "").strip()]
    if missing:
        raise SystemExit(f"BOT_OIDC_ISSUER is set, so {', '.join(missing)} must be set too (see docs/deploy.md)")
    redirect_url = os.environ["BOT_OIDC_REDIRECT_URL"].strip()
    if not _https_or_loopback(redirect_url) or urlsplit(redirect_url).path != OIDC_CALLBACK_PATH:
        raise SystemExit(
            f"BOT_OIDC_REDIRECT_URL must be https://<the admin pages' host>{OIDC_CALLBACK_PATH} "
            f"(http only on localhost), got {redirect_url!r}"
        )
    if not _https_or_loopback(issuer):
        raise SystemExit(f"BOT_OIDC_ISSUER must be an https:// URL (http only on localhost), got {issuer!r}")
    return OidcSettings(
        issuer=issuer,
        client_id=os.environ["BOT_OIDC_CLIENT_ID"].strip(),
        client_secret=_secret("BOT_OIDC_CLIENT_SECRET", minimum_length=32),
        redirect_url=redirect_url,
        groups=_group_roles("BOT_OIDC_GROUPS"),
        groups_claim=os.environ.get("BOT_OIDC_GROUPS_CLAIM", "").strip() or "groups",
    )


def _group_roles(name: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in (item.strip() for item in os.environ.get(name, "").split(",")):
        role, _, group = (part.strip() for part in item.partition("="))
        if role not in ROLES or not group:
            raise SystemExit(
                f"Setting {name} takes role=group-id pairs separated by commas, roles being {', '.join(ROLES)}, "
                f"such as admin=<group id>,it=<group id>; got {item!r}"
            )
        pairs.append((group, role))
    return tuple(pairs)


def _local_login(oidc: OidcSettings | None) -> bool:
    raw = os.environ.get("BOT_LOCAL_LOGIN", "").strip().lower()
    if raw not in ("", "true", "false"):
        raise SystemExit(f"Setting BOT_LOCAL_LOGIN must be true or false, got {raw!r}")
    if raw == "false" and oidc is None:
        raise SystemExit("BOT_LOCAL_LOGIN=false leaves no way to sign in to the admin pages: set BOT_OIDC_ISSUER too")
    return raw == "true" if raw else oidc is None


def _redis_url(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise SystemExit(f"Setting {name} must be a Redis URL such as redis://redis:6379/1 (or unset)")
    return value


DEFAULT_DEPARTMENTS = (
    "Helse og omsorg",
    "Oppvekst",
    "Kultur",
    "Teknisk",
    "Administrasjon",
    "NAV",
    "Økonomi og HR",
    "Annet",
)


def written_standard() -> str:
    """BOT_WRITTEN_STANDARD: the municipality's written standard, nb (the default) or nn."""
    value = os.environ.get("BOT_WRITTEN_STANDARD", "").strip().lower() or "nb"
    if value not in ("nb", "nn"):
        raise SystemExit(f"Setting BOT_WRITTEN_STANDARD must be nb (bokmål) or nn (nynorsk), got {value!r}")
    return value


def mirror_standard() -> bool:
    """BOT_MIRROR_STANDARD: answer a conversation clearly written in the other standard in it (default true)."""
    raw = os.environ.get("BOT_MIRROR_STANDARD", "").strip().lower()
    if raw not in ("", "true", "false"):
        raise SystemExit(f"Setting BOT_MIRROR_STANDARD must be true or false, got {raw!r}")
    return raw != "false"


def default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"


def settings() -> Settings:
    """Read the settings now (tests change the environment, so nothing is cached)."""
    oidc = _oidc()
    return Settings(
        database_url=os.environ.get("BOT_DATABASE_URL") or default_database_url(),
        tracker_store_url=os.environ.get("BOT_TRACKER_STORE_URL") or f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}",
        web_port=_int("BOT_WEB_PORT", 8080),
        rasa_port=_int("BOT_RASA_PORT", 5005),
        action_port=_int("BOT_ACTION_PORT", 5055),
        host=os.environ.get("BOT_HOST", "127.0.0.1"),
        models_dir=Path(os.environ.get("BOT_MODELS_DIR") or PROJECT_ROOT / "models"),
        data_dir=PROJECT_ROOT / "data",
        departments=tuple(d.strip() for d in (os.environ.get("BOT_DEPARTMENTS") or "").split(",") if d.strip())
        or DEFAULT_DEPARTMENTS,
        session_secret=os.environ.get("BOT_SESSION_SECRET", "").strip(),
        department_threshold=max(1, _int("BOT_DEPARTMENT_THRESHOLD", 5)),
        promote_tolerance=max(0.0, _float("BOT_PROMOTE_TOLERANCE", 0.01)),
        rasa_jwt_secret=_secret("BOT_RASA_JWT_SECRET", minimum_length=32),
        rasa_host=os.environ.get("BOT_RASA_HOST", "").strip() or "127.0.0.1",
        rasa_replicas=_urls("BOT_RASA_URLS"),
        lock_store_url=os.environ.get("BOT_LOCK_STORE_URL", "").strip() or "redis://127.0.0.1:6379/0",
        channel_secret=_secret("BOT_CHANNEL_SECRET", minimum_length=32),
        action_secret=_secret("BOT_ACTION_SECRET", minimum_length=32),
        event_broker_url=os.environ.get("BOT_EVENT_BROKER_URL", "").strip(),
        event_broker_queue=os.environ.get("BOT_EVENT_BROKER_QUEUE", "").strip() or "digihjelpen_events",
        trusted_proxies=_networks("BOT_TRUSTED_PROXIES"),
        rate_limit_url=_redis_url("BOT_RATE_LIMIT_URL"),
        rate_limit_prefix=os.environ.get("BOT_RATE_LIMIT_PREFIX", "").strip() or "digihjelpen:ratelimit",
        oidc=oidc,
        local_login=_local_login(oidc),
        admin_port=_int("BOT_ADMIN_PORT", 8081),
        retention_days=_int("BOT_RETENTION_DAYS", 30),
        model_server_token=_secret("BOT_MODEL_SERVER_TOKEN", minimum_length=32),
        model_pull_seconds=max(1, _int("BOT_MODEL_PULL_SECONDS", 10)),
        quality_floor=min(1.0, max(0.0, _float("BOT_QUALITY_FLOOR", 0.85))),
        action_servers=_urls("BOT_ACTION_SERVER_URLS"),
        written_standard=written_standard(),
        mirror_standard=mirror_standard(),
    )


@dataclass(frozen=True)
class ItContact:
    """How employees reach IT, named in every reply that sends them there (bot/assistant/contact.py).
    The defaults are a sample: set BOT_IT_CONTACT_NAME, _PHONE and _ADDRESS (an e-mail or web
    address); an empty phone or address is left out of the replies."""

    name: str = "IT-servicesenteret"
    phone: str = "12 34 56 78"
    address: str = "it-service@kommune.example.no"


def it_contact() -> ItContact:
    """The IT contact now (read on every call, like `settings`; no database needed)."""
    sample = ItContact()
    return ItContact(
        name=os.environ.get("BOT_IT_CONTACT_NAME", "").strip() or sample.name,
        phone=os.environ.get("BOT_IT_CONTACT_PHONE", sample.phone).strip(),
        address=os.environ.get("BOT_IT_CONTACT_ADDRESS", sample.address).strip(),
    )


@dataclass(frozen=True)
class TeamsSettings:
    """The Microsoft Teams channel (bot/channels/teams.py, docs/teams.md). It is off unless the
    Azure Bot's app id and password are set; the rest defaults to Microsoft's public cloud."""

    app_id: str
    app_password: str
    openid_url: str  # OpenID metadata naming the keys that sign the Bot Connector's requests
    issuers: tuple[str, ...]  # accepted `iss` of those requests
    token_url: str  # where the bot gets its own token to post replies (tenant-specific if single-tenant)
    tenant_id: str = ""  # BOT_TEAMS_TENANT_ID: the one tenant whose activities are answered; "" for any

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.app_password)


def teams_settings() -> TeamsSettings:
    tenant = os.environ.get("BOT_TEAMS_TENANT_ID", "").strip()
    issuers = tuple(i.strip() for i in os.environ.get("BOT_TEAMS_ISSUERS", "").split(",") if i.strip())
    return TeamsSettings(
        app_id=os.environ.get("BOT_TEAMS_APP_ID", "").strip(),
        app_password=os.environ.get("BOT_TEAMS_APP_PASSWORD", ""),
        openid_url=os.environ.get("BOT_TEAMS_OPENID_URL", "").strip()
        or "https://login.botframework.com/v1/.well-known/openidconfiguration",
        issuers=issuers or ("https://api.botframework.com",),
        token_url=os.environ.get("BOT_TEAMS_TOKEN_URL", "").strip()
        or f"https://login.microsoftonline.com/{tenant or 'botframework.com'}/oauth2/v2.0/token",
        tenant_id=tenant,
    )


HANDOFF_ADAPTERS = ("email", "topdesk", "off")


@dataclass(frozen=True)
class HandoffSettings:
    """Handing a case to the service desk (bot/handoff, docs/handoff.md). BOT_HANDOFF_ADAPTER is
    email, topdesk or off; unset, it is email when BOT_HANDOFF_EMAIL_TO is set, else off."""

    adapter: str = "off"
    daily_cap: int = 3  # BOT_HANDOFF_DAILY_CAP: cases one conversation may send in 24 hours
    email_to: str = ""  # BOT_HANDOFF_EMAIL_TO: the service desk's address
    email_from: str = ""  # BOT_HANDOFF_EMAIL_FROM: the sender (default: the desk's address)
    smtp_host: str = "localhost"  # BOT_HANDOFF_SMTP_HOST
    smtp_port: int = 25  # BOT_HANDOFF_SMTP_PORT
    smtp_user: str = ""  # BOT_HANDOFF_SMTP_USER: login after STARTTLS; empty → no login
    smtp_password: str = ""  # BOT_HANDOFF_SMTP_PASSWORD
    smtp_starttls: bool = False  # BOT_HANDOFF_SMTP_STARTTLS: true → STARTTLS before anything else
    topdesk_url: str = ""  # BOT_HANDOFF_TOPDESK_URL: https://kommune.topdesk.net
    topdesk_operator: str = ""  # BOT_HANDOFF_TOPDESK_OPERATOR: the operator's login name
    topdesk_password: str = ""  # BOT_HANDOFF_TOPDESK_PASSWORD: its application password (a secret)
    topdesk_category: str = ""  # BOT_HANDOFF_TOPDESK_CATEGORY: the incidents' category name; empty → none
    timeout_seconds: float = 10.0  # BOT_HANDOFF_TIMEOUT_SECONDS: per connection to the desk


def handoff_settings() -> HandoffSettings:
    """The handoff settings now; SystemExit with a clear message when they cannot work (a weak
    TOPdesk password is refused where the adapter is made, bot.handoff.outbox.desk_for)."""
    email_to = os.environ.get("BOT_HANDOFF_EMAIL_TO", "").strip()
    adapter = os.environ.get("BOT_HANDOFF_ADAPTER", "").strip().lower() or ("email" if email_to else "off")
    if adapter not in HANDOFF_ADAPTERS:
        raise SystemExit(f"Setting BOT_HANDOFF_ADAPTER must be one of {', '.join(HANDOFF_ADAPTERS)}, got {adapter!r}")
    config = HandoffSettings(
        adapter=adapter,
        daily_cap=max(0, _int("BOT_HANDOFF_DAILY_CAP", 3)),
        email_to=email_to,
        email_from=os.environ.get("BOT_HANDOFF_EMAIL_FROM", "").strip() or email_to,
        smtp_host=os.environ.get("BOT_HANDOFF_SMTP_HOST", "").strip() or "localhost",
        smtp_port=_int("BOT_HANDOFF_SMTP_PORT", 25),
        smtp_user=os.environ.get("BOT_HANDOFF_SMTP_USER", "").strip(),
        smtp_password=os.environ.get("BOT_HANDOFF_SMTP_PASSWORD", ""),
        smtp_starttls=os.environ.get("BOT_HANDOFF_SMTP_STARTTLS", "").strip().lower() in ("1", "true", "yes"),
        topdesk_url=os.environ.get("BOT_HANDOFF_TOPDESK_URL", "").strip().rstrip("/"),
        topdesk_operator=os.environ.get("BOT_HANDOFF_TOPDESK_OPERATOR", "").strip(),
        topdesk_password=os.environ.get("BOT_HANDOFF_TOPDESK_PASSWORD", "").strip(),
        topdesk_category=os.environ.get("BOT_HANDOFF_TOPDESK_CATEGORY", "").strip(),
        timeout_seconds=_float("BOT_HANDOFF_TIMEOUT_SECONDS", 10.0),
    )
    if adapter == "email" and not email_to:
        raise SystemExit("Setting BOT_HANDOFF_EMAIL_TO must name the service desk's address for the e-mail handoff")
    if adapter == "topdesk":
        if not (config.topdesk_url and config.topdesk_operator and config.topdesk_password):
            raise SystemExit(
                "The TOPdesk handoff needs BOT_HANDOFF_TOPDESK_URL, BOT_HANDOFF_TOPDESK_OPERATOR and "
                "BOT_HANDOFF_TOPDESK_PASSWORD"
            )
        if not _https_or_loopback(config.topdesk_url):
            raise SystemExit("Setting BOT_HANDOFF_TOPDESK_URL must be an https:// address (http only on loopback)")
    return config
