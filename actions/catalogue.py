"""Actions that answer from the catalogue: which tool for a need, questions about a tool, lists."""

from actions.base import TurnAction


class ActionFindTool(TurnAction):
    action = "action_find_tool"


class ActionToolInfo(TurnAction):
    action = "action_tool_info"


class ActionToolAccess(TurnAction):
    action = "action_tool_access"


class ActionToolTraining(TurnAction):
    action = "action_tool_training"


class ActionToolSupport(TurnAction):
    action = "action_tool_support"


class ActionListTools(TurnAction):
    action = "action_list_tools"
