"""The contact reaches the case only: an address written in the widget goes to Rasa beside the
masked text, and the tracker store neither keeps who the employee is (metadata `user`) nor what
they typed while the handoff asked for a contact."""

from __future__ import annotations

import pytest
from cases import EMAIL, NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.handoff.case import email_in
from bot.tracker_store import TrackerStore


@pytest.mark.parametrize(
    ("written", "found"),
    [
        (f"{NAME}, {EMAIL}.", EMAIL),
        (f"<{EMAIL}>", EMAIL),
        ("kari.nordmann@kommune", ""),
        ("kari.nordmann(at)kommune.no", ""),  # masked as [e-post], not taken as an address
        (NAME, ""),
    ],
)
def test_only_a_well_formed_address_is_taken(written, found):
    assert email_in(written) == found


async def test_the_tracker_store_keeps_neither_the_identity_nor_the_typed_contact(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = TrackerStore(host=url)
    teams = {"channel": "teams", "user": {"name": NAME, "aad_object_id": "aad-1"}}
    tracker = DialogueStateTracker.from_events(
        "s1",
        [
            SessionStarted(),
            SlotSet("session_started_metadata", teams),
            UserUttered("jeg vil snakke med et menneske", metadata=teams),
            ActionExecuted("action_ask_human"),
            SlotSet("handoff_step", "consent"),
            UserUttered('/handoff_consent{"answer":"yes"}', metadata=teams),
            SlotSet("handoff_step", "contact"),
            BotUttered("Hvem skal IT-servicesenteret svare?"),
            UserUttered(f"{NAME} [e-post]", metadata={"channel": "web", "user": {"email": EMAIL}}),
            SlotSet("handoff_step", None),
            UserUttered("takk", metadata={"channel": "web"}),
        ],
    )
    await store.save(tracker)

    stored = " ".join(row[0] for row in create_engine(url).connect().execute(text("SELECT data FROM events")))
    assert NAME not in stored and EMAIL not in stored and "aad-1" not in stored
    assert "[kontaktinformasjon]" in stored and "takk" in stored and "handoff_consent" in stored
    again = await store.retrieve("s1")
    users = [e for e in again.events if isinstance(e, UserUttered)]
    assert [e.metadata.get("channel") for e in users] == ["teams", "teams", "web", "web"]
    assert all("user" not in e.metadata for e in users)
