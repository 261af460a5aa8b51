"""Every action is the same thin adapter: the tracker → a `bot.assistant.turn.Turn`, the answer from
`bot.assistant.turn.respond` → messages, slot events and one write of the turn's records
(`bot.spool.write_all`: one transaction, or one spool entry while the database is down). A
database error gives the employee a polite message."""

from __future__ import annotations

import abc
import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot import config, spool
from bot.assistant.replies import Answer, database_down
from bot.assistant.turn import Said, Turn, respond
from bot.db import session_scope
from bot.language.sentence_encoder import PARSE_KEY, unpack
from bot.language.standard import standard_for

log = logging.getLogger(__name__)

STANDARD_SLOT = "written_standard"
# Rasa's input channel → the channel a gap record names, when the message metadata names none (our
# channels do: `web` from the widget relay, `teams` from bot.channels.teams).
CHANNELS = {"botframework": "teams"}


def channel_of(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    if isinstance(metadata.get("channel"), str):
        return metadata["channel"][:30]
    channel = tracker.get_latest_input_channel() or "rest"
    return CHANNELS.get(channel, channel)


def _said(event: dict) -> Said:
    intent = (event.get("parse_data") or {}).get("intent") or {}
    return Said(event.get("text") or "", intent.get("name"), intent.get("confidence"))


def _user_messages(tracker: Tracker) -> list[dict]:
    """The user events of the conversation's current session, oldest first."""
    found: list[dict] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            found = []
        elif event.get("event") == "user":
            found.append(event)
    return found


def _recent(tracker: Tracker) -> tuple[Said, ...]:
    """The current session's messages before the latest one, the employee's and the assistant's."""
    found: list[Said] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            found = []
        elif event.get("event") == "user":
            found.append(_said(event))
        elif event.get("event") == "bot" and event.get("text"):
            found.append(Said(event["text"], bot=True))
    last_user = max((i for i, said in enumerate(found) if not said.bot), default=len(found))
    return tuple(found[:last_user])


def user_of(tracker: Tracker) -> dict[str, str]:
    """Who the channel says the employee is (Teams: name, aad_object_id), from the message metadata."""
    user = (tracker.latest_message.get("metadata") or {}).get("user")
    return {k: v for k, v in user.items() if isinstance(v, str)} if isinstance(user, dict) else {}


def standard_of(tracker: Tracker) -> str:
    """The written standard to answer in (bot.language.standard), from the session's messages."""
    messages = [event.get("text") or "" for event in _user_messages(tracker)]
    current = tracker.get_slot(STANDARD_SLOT)
    return standard_for(messages, current, config.written_standard(), config.mirror_standard())


def turn_of(tracker: Tracker) -> Turn:
    """What the tracker says about the latest message and the conversation."""
    message = tracker.latest_message
    intent = message.get("intent") or {}
    earlier = _user_messages(tracker)[:-1]
    # The employee's own words before this message: a button's payload ("/tool_info{...}", or a
    # department chosen in between) stands for the question written before it.
    written = next((e for e in reversed(earlier) if (e.get("text") or "").strip()[:1] not in ("", "/")), None)
    return Turn(
        text=message.get("text") or "",
        intent=intent.get("name"),
        confidence=intent.get("confidence"),
        ranking=tuple(message.get("intent_ranking") or ()),
        entities=tuple(message.get("entities") or ()),
        vector=unpack(message.get(PARSE_KEY)),
        channel=channel_of(tracker),
        slots=dict(tracker.slots),
        answered=_said(earlier[-1]) if earlier else Said(),
        question=_said(written) if written else Said(),
        conversation_id=tracker.sender_id or "",
        recent=_recent(tracker),
        user=user_of(tracker),
        standard=standard_of(tracker),
    )


def send(dispatcher: CollectingDispatcher, answer: Answer, standard: str | None = None) -> list[dict[str, Any]]:
    """The answer's messages to the dispatcher; its slots (and the conversation's standard) as events."""
    for reply in answer.replies:
        dispatcher.utter_message(text=reply.text, buttons=reply.button_dicts)
    events = [SlotSet(name, value) for name, value in answer.slots.items()]
    return events + ([SlotSet(STANDARD_SLOT, standard)] if standard else [])


class TurnAction(Action, abc.ABC):
    """One action of the domain: subclasses only name it (`action`)."""

    @property
    @abc.abstractmethod
    def action(self) -> str:
        """The action's name in the domain, a key of bot.assistant.turn.HANDLERS."""

    def name(self) -> str:
        return self.action

    def _respond(self, turn: Turn) -> Answer:
        with session_scope() as session:
            answer = respond(session, self.action, turn)
        spool.write_all(answer.records)
        return answer

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = turn_of(tracker)
        try:
            answer = await asyncio.to_thread(self._respond, turn)
        except SQLAlchemyError:
            log.exception("%s: database error", self.name())
            dispatcher.utter_message(text=database_down(turn.standard))
            return []
        # The slot only when the standard changes (no slot yet: the municipality's standard).
        changed = (
            turn.standard if turn.standard != (tracker.get_slot(STANDARD_SLOT) or config.written_standard()) else None
        )
        return send(dispatcher, answer, changed)
