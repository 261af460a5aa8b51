"""Actions that close the loop with employees (issue 17): a way to a person, a case's status, what
is stored, suggestions and the wish list."""

from actions.base import TurnAction


class ActionAskHuman(TurnAction):
    action = "action_ask_human"


class ActionCaseStatus(TurnAction):
    action = "action_case_status"


class ActionStoredData(TurnAction):
    action = "action_stored_data"


class ActionSuggestion(TurnAction):
    action = "action_suggestion"


class ActionWishList(TurnAction):
    action = "action_wish_list"
