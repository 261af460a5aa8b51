"""Settings from the environment, in one place, each with a working default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"Setting {name} must be a whole number, got {raw!r}") from None


DEFAULT_DEPARTMENTS = (
    "Helse og omsorg", "Oppvekst", "Kultur", "Teknisk", "Administrasjon", "NAV", "Økonomi og HR", "Annet",
)


def default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"


def settings() -> Settings:
    """Read the settings now (tests change the environment, so nothing is cached)."""
    return Settings(
        database_url=os.environ.get("BOT_DATABASE_URL") or default_database_url(),
        tracker_store_url=os.environ.get("BOT_TRACKER_STORE_URL") or f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}",
        web_port=_int("BOT_WEB_PORT", 8080),
        rasa_port=_int("BOT_RASA_PORT", 5005),
        action_port=_int("BOT_ACTION_PORT", 5055),
        host=os.environ.get("BOT_HOST", "127.0.0.1"),
        models_dir=Path(os.environ.get("BOT_MODELS_DIR") or PROJECT_ROOT / "models"),
        data_dir=PROJECT_ROOT / "data",
        departments=tuple(
            d.strip() for d in (os.environ.get("BOT_DEPARTMENTS") or "").split(",") if d.strip()
        ) or DEFAULT_DEPARTMENTS,
    )
