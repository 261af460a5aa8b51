"""The widget's messages: one shape for a reply from Rasa and for a message read back from Rasa's
SQL tracker store, so the page looks the same after a reload.

History comes straight from the tracker store (table `events`) rather than Rasa's HTTP API: the
API needs `--enable-api`, which would also open unauthenticated model and tracker endpoints, and
the tracker store is the one place the conversation lives anyway (masked, purged by retention,
deleted by "Slett samtalen"). No second copy of what employees write is kept.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import inspect, text

from bot.db import engine_for

MAX_HISTORY = 200  # messages shown after a reload


def buttons_of(raw: Any) -> list[dict[str, str]]:
    """Rasa's buttons as title + payload, leaving out anything malformed."""
    if not isinstance(raw, list):
        return []
    return [
        {"title": b["title"], "payload": b["payload"]}
        for b in raw
        if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
    ]


def bot_message(text: Any, buttons: Any) -> dict[str, Any] | None:
    """A bot message for the widget, or None when it has neither text nor buttons."""
    message = {"from": "bot", "text": text if isinstance(text, str) else "", "buttons": buttons_of(buttons)}
    return message if message["text"] or message["buttons"] else None


def from_rasa_reply(reply: dict[str, Any]) -> dict[str, Any] | None:
    """A message of Rasa's REST channel answer."""
    return bot_message(reply.get("text"), reply.get("buttons"))


def conversation(tracker_store_url: str, sender_id: str) -> list[dict[str, Any]]:
    """The latest messages of a conversation, oldest first. A button the employee clicked shows
    as its title, as it did when clicked, not as the payload Rasa stored."""
    engine = engine_for(tracker_store_url)
    if not inspect(engine).has_table("events"):
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT type_name, data FROM events WHERE sender_id = :sender AND type_name IN ('user', 'bot') "
                "ORDER BY id DESC LIMIT :limit"
            ),
            {"sender": sender_id, "limit": MAX_HISTORY},
        ).all()
    messages: list[dict[str, Any]] = []
    titles: dict[str, str] = {}  # payload → title of the buttons shown so far
    for type_name, data in reversed(rows):
        event = json.loads(data) if isinstance(data, str) else data
        if type_name == "bot":
            message = bot_message(event.get("text"), (event.get("data") or {}).get("buttons"))
            if message:
                titles.update({b["payload"]: b["title"] for b in message["buttons"]})
                messages.append(message)
        elif isinstance(event.get("text"), str):
            messages.append({"from": "user", "text": titles.get(event["text"], event["text"]), "buttons": []})
    return messages
