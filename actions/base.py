"""The shape every catalogue action shares: open a database session, ask `bot.assistant` for an
answer, send its replies and set its slots. A database error gives the employee a polite message."""

from __future__ import annotations

import abc
import asyncio
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.assistant.answers import Mentioned
from bot.assistant.replies import Answer
from bot.db import session_scope

log = logging.getLogger(__name__)

DATABASE_DOWN = (
    "Beklager, jeg får ikke slått opp i verktøykatalogen akkurat nå. Prøv igjen om litt, "
    "eller kontakt IT-servicesenteret hvis det haster."
)


def mentioned(tracker: Tracker) -> Mentioned:
    return Mentioned.from_entities(tracker.latest_message.get("entities") or [])


def send(dispatcher: CollectingDispatcher, answer: Answer) -> List[Dict[Text, Any]]:
    for reply in answer.replies:
        dispatcher.utter_message(
            text=reply.text, buttons=[{"title": b.title, "payload": b.payload} for b in reply.buttons]
        )
    return [SlotSet(name, value) for name, value in answer.slots.items()]


class CatalogueAction(Action, abc.ABC):
    """An action whose answer comes from the catalogue: subclasses implement `answer`."""

    @abc.abstractmethod
    def answer(self, session: Session, tracker: Tracker) -> Answer:
        """The answer to the tracker's latest message."""

    def _answer(self, tracker: Tracker) -> Answer:
        with session_scope() as session:
            return self.answer(session, tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            answer = await asyncio.to_thread(self._answer, tracker)
        except (SQLAlchemyError, OSError):  # OSError: e.g. the SQLite file's directory cannot be created
            log.exception("%s: database error", self.name())
            dispatcher.utter_message(text=DATABASE_DOWN)
            return []
        return send(dispatcher, answer)
