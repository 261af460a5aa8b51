"""Actions about what may be used and stored where: private tools and information classes."""

from actions.catalogue import AboutToolAction


class ActionAskAllowed(AboutToolAction):
    aspect = "allowed"
    ask_feedback = False

    def name(self) -> str:
        return "action_ask_allowed"


class ActionInformationClass(AboutToolAction):
    aspect = "classification"
    ask_feedback = False

    def name(self) -> str:
        return "action_information_class"
