"""Actions about what may be used and stored where: private tools and information classes."""

from actions.base import TurnAction


class ActionAskAllowed(TurnAction):
    action = "action_ask_allowed"


class ActionInformationClass(TurnAction):
    action = "action_information_class"
