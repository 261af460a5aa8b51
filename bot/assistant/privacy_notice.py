"""«Hva lagrer dere om meg?» (issue 17, item 2): what is kept, for how many days, that personal
numbers are masked, that gap records are anonymous and how to delete the conversation, built from
the settings in service. Every store `bot privacy purge` knows (bot.retention.STORES) has its line
here or is named as having none (a test holds the two together); docs/security.md tells the rest."""

from __future__ import annotations

from collections.abc import Callable

from bot.assistant.contact import it_name
from bot.assistant.replies import Answer
from bot.config import handoff_settings, settings
from bot.texts import text


def _handoff_on() -> bool:
    try:
        return handoff_settings().adapter != "off"
    except SystemExit:  # set but wrong: cases may still be waiting, so say so
        return True


# Each store of bot.retention.STORES: its line's text key and whether the settings in service use
# it; None for the spool, which only holds the records above while the database is down.
STORE_LINES: dict[str, tuple[str, Callable[[], bool]] | None] = {
    "conversations": ("privacy.conversation", lambda: True),
    "inbox": ("privacy.inbox", lambda: True),
    "spool": None,
    "event-broker": ("privacy.event_broker", lambda: bool(settings().event_broker_url)),
    "handoff": ("privacy.handoff", _handoff_on),
}


def stored_data(standard: str, channel: str) -> Answer:
    """The answer in `standard` (nb or nn); on Teams, which has no delete button, the purge instead."""
    days = settings().retention_days
    values = {"days": days, "desk": it_name()}
    stores = [text(line[0], standard, **values) for line in STORE_LINES.values() if line and line[1]()]
    lines = [
        text("privacy.intro", standard),
        *stores[:1],
        text("privacy.masking", standard),
        *stores[1:],
        text("privacy.gaps", standard),
    ]
    delete = "privacy.delete_teams" if channel == "teams" else "privacy.delete_web"
    return Answer().say("\n".join(lines)).say(text(delete, standard, days=days))
