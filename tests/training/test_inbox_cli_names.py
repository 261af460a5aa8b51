"""`bot trainer inbox` shows the bot's guess by the theme's Norwegian name (data/intent_names.yml),
and `bot trainer assign --intent` takes that name as well as the id."""

from __future__ import annotations

import uuid

from bot.db import session_scope, utc_now
from bot.feedback.models import InboxItem
from bot.training.models import TrainingExample


def test_the_inbox_names_themes_in_norwegian_and_assign_takes_the_name(database, cli):
    with session_scope(database) as session:
        item = InboxItem(
            record_id=str(uuid.uuid4()),
            created_at=utc_now(),
            kind="fallback",
            text="slipper jeg inn i tidvis som vikar",
            intent="tool_access",
            confidence=0.41,
        )
        session.add(item)
        session.flush()
        item_id = item.id
    code, out, _ = cli("trainer", "inbox")
    assert code == 0 and "Tilgang til et verktøy 0.41" in out and "tool_access" not in out
    code, out, _ = cli("trainer", "assign", str(item_id), "--intent", "tilgang til et verktøy")
    assert code == 0, out
    with session_scope(database) as session:
        assert [(e.intent, e.text) for e in session.query(TrainingExample)] == [
            ("tool_access", "slipper jeg inn i tidvis som vikar")
        ]
