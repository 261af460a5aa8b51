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


class _ToolQuestion(CatalogueAction, abc.ABC):
    """What a tool is, or how to get access, training or support: one action per aspect."""

    ask_feedback = True

    @property
    @abc.abstractmethod
    def aspect(self) -> str:
        """One of bot.assistant.answers.ASPECTS."""

    def name(self) -> str:
        return f"action_tool_{self.aspect}"

    def answer(self, session: Session, tracker: Tracker):
        return answers.tool_question(session, self.aspect, mentioned(tracker), tracker.get_slot("tool"))


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
        return answers.tool_list(session, mentioned(tracker))
