"""Actions for new employees: the overview of the starter pack, then one tool at a time."""

from actions.base import TurnAction


class ActionOnboarding(TurnAction):
    action = "action_onboarding"


class ActionOnboardingNext(TurnAction):
    action = "action_onboarding_next"
