"""Actions for new employees: the overview of the starter pack, then one tool at a time."""

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.base import CatalogueAction, mentioned
from bot.assistant.onboarding import narrowest_sector, onboarding


class ActionOnboarding(CatalogueAction):
    def name(self) -> str:
        return "action_onboarding"

    def answer(self, session: Session, tracker: Tracker):
        sector = narrowest_sector(mentioned(tracker).sectors) or tracker.get_slot("onboarding_sector")
        return onboarding(session, sector)


class ActionOnboardingNext(CatalogueAction):
    def name(self) -> str:
        return "action_onboarding_next"

    def answer(self, session: Session, tracker: Tracker):
        """The next tool; the overview first when the starter pack has not been shown."""
        step = tracker.get_slot("onboarding_step")
        return onboarding(session, tracker.get_slot("onboarding_sector"), None if step is None else int(step) + 1)
