"""The shape every action shares: open a database session, ask `bot.assistant` for an answer,
note the gaps the message reveals (`bot.gaps`), send the replies and set the slots. A database
error gives the employee a polite message; gap records survive it through the spool."""

from __future__ import annotations

import abc
import asyncio
import logging
from typing import Any, Dict, List, Text

import numpy as np

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.assistant.answers import Mentioned
from bot.assistant.replies import Answer, intent_button
from bot.db import session_scope
from bot.feedback import recorder as feedback
from bot.assistant.conversation_gaps import ConversationGaps, notice
from bot.gaps.detect import private_tool_gaps
from bot.language.sentence_encoder import PARSE_KEY, unpack

log = logging.getLogger(__name__)

DATABASE_DOWN = (
    "Beklager, jeg får ikke slått opp i verktøykatalogen akkurat nå. Prøv igjen om litt, "
    "eller kontakt IT-servicesenteret hvis det haster."
)
ASK_FEEDBACK = "Fikk du svar på det du lurte på?"
OUT_OF_SCOPE = "utter_out_of_scope"
# Rasa's input channel → the channel a gap record names, when the message metadata names none (our
# channels do: `web` from the widget relay, `teams` from bot.channels.teams).
CHANNELS = {"botframework": "teams"}


def mentioned(tracker: Tracker) -> Mentioned:
    return Mentioned.from_entities(tracker.latest_message.get("entities") or [])


def sentence_vector(tracker: Tracker) -> np.ndarray | None:
    """The message's sentence embedding, as the NLU put it in the parse data (or None)."""
    return unpack(tracker.latest_message.get(PARSE_KEY))


def channel_of(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    if isinstance(metadata.get("channel"), str):
        return metadata["channel"][:30]
    channel = tracker.get_latest_input_channel() or "rest"
    return CHANNELS.get(channel, channel)


def gap_state(tracker: Tracker) -> ConversationGaps:
    return ConversationGaps.from_slots(tracker.slots)


def send(dispatcher: CollectingDispatcher, answer: Answer) -> List[Dict[Text, Any]]:
    if answer.out_of_scope:
        dispatcher.utter_message(response=OUT_OF_SCOPE)
    for reply in answer.replies:
        dispatcher.utter_message(
            text=reply.text, buttons=[{"title": b.title, "payload": b.payload} for b in reply.buttons]
        )
    return [SlotSet(name, value) for name, value in answer.slots.items()]


class CatalogueAction(Action, abc.ABC):
    """An action whose answer comes from the catalogue: subclasses implement `answer`."""

    ask_feedback = False  # offer 👍/👎 after an answer about a tool (not after a question back)

    @abc.abstractmethod
    def answer(self, session: Session, tracker: Tracker) -> Answer:
        """The answer to the tracker's latest message."""

    def _respond(self, tracker: Tracker) -> Answer:
        with session_scope() as session:
            answer = self.answer(session, tracker)
            answer.gaps += private_tool_gaps(session, mentioned(tracker).private_tools)
        inbox_kind = "out_of_scope" if answer.out_of_scope else answer.inbox
        if inbox_kind:  # the trainers' inbox, so the NLU or the catalogue can learn it
            intent = tracker.latest_message.get("intent") or {}
            text = tracker.latest_message.get("text") or ""
            feedback.to_inbox(inbox_kind, text, intent.get("name"), intent.get("confidence"))
        if self.ask_feedback and answer.slots.get("tool"):
            answer.say(
                ASK_FEEDBACK,
                intent_button("👍 Ja", "feedback_helpful"),
                intent_button("👎 Nei", "feedback_not_helpful"),
            )
        if answer.gaps:
            text = tracker.latest_message.get("text") or ""
            answer.extend(notice(answer.gaps, text=text, channel=channel_of(tracker), state=gap_state(tracker)))
        return answer

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            answer = await asyncio.to_thread(self._respond, tracker)
        except SQLAlchemyError:
            log.exception("%s: database error", self.name())
            dispatcher.utter_message(text=DATABASE_DOWN)
            return []
        return send(dispatcher, answer)
