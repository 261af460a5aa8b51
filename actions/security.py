"""Actions about what may be used and stored where: private tools and information classes."""

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.base import CatalogueAction, mentioned
from bot.assistant import answers


class ActionAskAllowed(CatalogueAction):
    def name(self) -> str:
        return "action_ask_allowed"

    def answer(self, session: Session, tracker: Tracker):
        text = tracker.latest_message.get("text") or ""
        return answers.allowed(session, mentioned(tracker), tracker.get_slot("tool"), text)


class ActionInformationClass(CatalogueAction):
    def name(self) -> str:
        return "action_information_class"

    def answer(self, session: Session, tracker: Tracker):
        text = tracker.latest_message.get("text") or ""
        return answers.information_class(session, text, mentioned(tracker), tracker.get_slot("tool"))
