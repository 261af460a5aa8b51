"""Service messages in the answers: every answer about a tool starts with the tool's active service
message, and a question whether a tool works («er Tidvis nede?», «funker ikke Teams?», «virker
Teams?») gets its messages, or, when there is none, that no disruption is known and the tool's
support answer (its support text, else how to reach IT).

A status question is recognised here, from a tool named in the message and a few status words,
whatever intent the NLU gave it: no intent of its own, so the NLU's training data stays as it is.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.assistant.answers import Mentioned, follow_up_buttons, tool_aspect
from bot.assistant.replies import Answer, Reply
from bot.catalogue import service_messages, snapshot
from bot.texts import DEFAULT_STANDARD, text

# Words that ask whether a tool works: «nede», «driftsmelding», «virker ikke», or a message that
# starts with «virker/funker …?» (but «hvordan virker Teams?» asks what it does).
STATUS_WORDS = re.compile(
    r"\b(nede|down|driftsmelding\w*|driftsforstyrr\w*|driftsstans|driftsproblem\w*|nedetid|utfall|outage)\b|"
    r"\b(virker|virke|funker|funke|fungerer|fungere|verkar|fungerar|works?|working)\s+(ikke|ikkje|not)\b|"
    r"\b(ikke|ikkje)\s+(virker|funker|fungerer|verkar)\b|"
    r"^\s*(virker|funker|fungerer|verkar|fungerar)\b",
    re.IGNORECASE,
)


def question(session: Session, message: str, mentioned: Mentioned, standard: str = DEFAULT_STANDARD) -> Answer | None:
    """The answer to «is this tool down?», or None when the message does not ask that about one
    tool it names."""
    if len(mentioned.tools) != 1 or len(mentioned.tools[0]) != 1 or not STATUS_WORDS.search(message):
        return None
    tool = snapshot.view(session).tools.get(mentioned.tools[0][0])
    if tool is None:
        return None
    answer = Answer(slots={"tool": tool.id, "aspect": "support"})
    notices = service_messages.for_tool(session, tool.id)
    for notice in notices[:-1]:
        answer.say(notice.reply)
    if notices:
        return answer.say(notices[-1].reply, *follow_up_buttons(tool.id))
    answer.say(text("service_status.none_known", standard, tool=tool.name))
    return answer.extend(tool_aspect(tool, "support", standard))  # its support text, else how to reach IT


def prefixed(session: Session, answer: Answer) -> Answer:
    """The answer, starting with the active service messages of the tool it is about (its `tool`
    slot) that it does not say already."""
    tool_id = answer.slots.get("tool")
    if not tool_id:
        return answer
    said = {reply.text for reply in answer.replies}
    notices = [Reply(n.reply) for n in service_messages.for_tool(session, tool_id) if n.reply not in said]
    answer.replies[:0] = notices
    return answer
