"""Actions for new employees: the starter pack, one tool at a time."""

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.base import CatalogueAction, mentioned
from bot.assistant.onboarding import onboarding


class ActionOnboarding(CatalogueAction):
    def name(self) -> str:
        return "action_onboarding"

    def answer(self, session: Session, tracker: Tracker):
        sectors = mentioned(tracker).sectors
        return onboarding(session, sectors[0] if sectors else tracker.get_slot("onboarding_sector"), 0)


class ActionOnboardingNext(CatalogueAction):
    def name(self) -> str:
        return "action_onboarding_next"

    def answer(self, session: Session, tracker: Tracker):
        step = tracker.get_slot("onboarding_step")
        next_step = 0 if step is None else int(step) + 1
        return onboarding(session, tracker.get_slot("onboarding_sector"), next_step)
