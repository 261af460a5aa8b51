"""Small talk, the rephrase prompt, the department question and feedback."""

from actions.base import TurnAction


class ActionSmallTalk(TurnAction):
    """Greeting, thanks, goodbye, help, "are you a robot" and out of scope: the domain's response.
    An action (not a response in the rules) so a private tool named in any message is still noted
    as a gap, and out-of-scope questions reach the trainers' inbox."""

    action = "action_small_talk"


class ActionRephrase(TurnAction):
    action = "action_rephrase"


class ActionGiveDepartment(TurnAction):
    action = "action_give_department"


class ActionFeedbackHelpful(TurnAction):
    action = "action_feedback_helpful"


class ActionFeedbackNotHelpful(TurnAction):
    action = "action_feedback_not_helpful"
