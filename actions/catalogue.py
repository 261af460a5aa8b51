"""Actions that answer from the catalogue: which tool for a need, questions about a tool, lists."""

import abc

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.base import CatalogueAction, mentioned, sentence_vector
from bot.assistant import answers


class ActionFindTool(CatalogueAction):
    ask_feedback = True

    def name(self) -> str:
        return "action_find_tool"

    def answer(self, session: Session, tracker: Tracker):
        return answers.need(
            session, tracker.latest_message.get("text") or "", mentioned(tracker), sentence_vector(tracker)
        )


class AboutToolAction(CatalogueAction, abc.ABC):
    """A question about one aspect of a tool (one action per aspect). A follow-up that only swaps
    the tool («hva med OneDrive da?») keeps the aspect of the question before it."""

    ask_feedback = True

    @property
    @abc.abstractmethod
    def aspect(self) -> str:
        """info, access, training, support, classification or allowed."""

    def answer(self, session: Session, tracker: Tracker):
        text = tracker.latest_message.get("text") or ""
        found = mentioned(tracker)
        aspect = answers.follow_up_aspect(text, found, tracker.get_slot("aspect")) or self.aspect
        return answers.about_tool(
            session, aspect, text, found, tracker.get_slot("tool"), sentence_vector(tracker),
            tracker.get_slot("information_level"),
        )


class _ToolQuestion(AboutToolAction, abc.ABC):
    """What a tool is, or how to get access, training or support."""

    def name(self) -> str:
        return f"action_tool_{self.aspect}"


class ActionToolInfo(_ToolQuestion):
    aspect = "info"


class ActionToolAccess(_ToolQuestion):
    aspect = "access"


class ActionToolTraining(_ToolQuestion):
    aspect = "training"


class ActionToolSupport(_ToolQuestion):
    aspect = "support"


class ActionListTools(CatalogueAction):
    def name(self) -> str:
        return "action_list_tools"

    def answer(self, session: Session, tracker: Tracker):
        return answers.tool_list(
            session, mentioned(tracker), tracker.latest_message.get("text") or "", sentence_vector(tracker)
        )
