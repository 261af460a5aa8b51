"""Actions of the way to a person's own buttons (bot/assistant/handoff_dialogue.py): the yes or no
to sending a case, and «Hopp over» for the contact."""

from actions.base import TurnAction


class ActionHandoffConsent(TurnAction):
    action = "action_handoff_consent"


class ActionHandoffSkip(TurnAction):
    action = "action_handoff_skip"
