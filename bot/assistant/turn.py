"""One turn of a conversation, from the NLU's reading of a message to everything the assistant does
about it: the one owner of a turn.

In: a `Turn` (the message, the NLU's intent, entities and sentence vector, the conversation's
slots and earlier messages). Out: an `Answer` (replies, slots, and the records to store: gap
records, inbox items, feedback), which the action that asked turns into messages, slot events
and one write of all the records (bot.spool.write_all). Nothing here knows Rasa.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from bot.assistant import answers, locked_out, service_status
from bot.assistant.answers import Mentioned
from bot.assistant.contact import reach_it
from bot.assistant.conversation_gaps import ConversationGaps, department_given, notice
from bot.assistant.fallback import rephrase
from bot.assistant.handoff_dialogue import ask_human, case_status, consent, contact_given, follow_up, skip, takes
from bot.assistant.onboarding import narrowest_sector, onboarding
from bot.assistant.privacy_notice import stored_data
from bot.assistant.replies import Answer, Reply, intent_button
from bot.assistant.suggestions import suggestion
from bot.assistant.wish_list import wish_list
from bot.config import settings
from bot.feedback.recorder import feedback_record, inbox_record
from bot.gaps.detect import private_tool_gaps
from bot.texts import text

SMALL_TALK = ("greet", "goodbye", "thanks", "help")


@dataclass(frozen=True)
class Said:
    """An earlier message of the conversation: its text and the intent the NLU gave it (`bot`:
    the assistant's own message)."""

    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    bot: bool = False


@dataclass(frozen=True)
class Turn:
    """A message as the NLU read it, and what the conversation remembers."""

    text: str
    intent: str | None = None
    confidence: float | None = None
    ranking: tuple[dict, ...] = ()  # the NLU's intent ranking, best first
    entities: tuple[dict, ...] = ()
    vector: np.ndarray | None = None  # the NLU's sentence embedding of the message
    channel: str = "rest"
    standard: str = "nb"  # the written standard to answer in: nb (bokmål) or nn (nynorsk); bot.texts
    slots: Mapping[str, Any] = field(default_factory=dict)
    answered: Said = Said()  # the message the previous answer was about (maybe a button)
    question: Said = Said()  # the last message before this one that the employee wrote
    conversation_id: str = ""
    recent: tuple[Said, ...] = ()  # the session's messages before this one, both sides, oldest first
    user: Mapping[str, str] = field(default_factory=dict)  # who the channel says it is: name, aad_object_id, email

    @property
    def mentioned(self) -> Mentioned:
        return Mentioned.from_entities(list(self.entities))

    @property
    def department(self) -> str | None:
        """The department chosen with the department question's buttons, else a sector named."""
        chosen = next((e.get("value") for e in self.entities if e.get("entity") == "department"), None)
        return chosen or next(iter(self.mentioned.sectors), None)


def _about(aspect: str) -> Callable[[Session, Turn], Answer]:
    """A question about one aspect of a tool; a follow-up that only swaps the tool keeps the aspect
    of the question before it."""

    def answer(session: Session, turn: Turn) -> Answer:
        kept = answers.follow_up_aspect(turn.text, turn.mentioned, turn.slots.get("aspect")) or aspect
        return answers.about_tool(
            session,
            kept,
            turn.text,
            turn.mentioned,
            turn.slots.get("tool"),
            turn.vector,
            turn.slots.get("information_level"),
            turn.standard,
        )

    return answer


def _small_talk(session: Session, turn: Turn) -> Answer:
    if turn.intent == "out_of_scope":
        return Answer(out_of_scope=True)
    if turn.intent == "bot_challenge":
        return Answer().say(text("small_talk.bot_challenge", turn.standard, contact=reach_it(turn.standard)))
    if turn.intent == "greet":
        return Answer().say(
            text("small_talk.greet", turn.standard),
            intent_button(text("small_talk.greet_new", turn.standard), "onboarding"),
            intent_button(text("small_talk.greet_tools", turn.standard), "list_tools"),
        )
    return Answer().say(text(f"small_talk.{turn.intent if turn.intent in SMALL_TALK else 'help'}", turn.standard))


def _rephrase(session: Session, turn: Turn) -> Answer:
    """The NLU was unsure: the two likeliest meanings, and the message to the trainers."""
    top = next((r for r in turn.ranking if r.get("name") != "nlu_fallback"), {})
    answer = rephrase(list(turn.ranking), list(turn.entities), turn.standard)
    answer.records.append(inbox_record("fallback", turn.text, top.get("name"), top.get("confidence")))
    return answer


def _feedback(helpful: bool) -> Callable[[Session, Turn], Answer]:
    """👍/👎 on the previous answer, stored with its intent and tool (never the person); a 👎 sends
    the employee's own question to the trainers."""

    def answer(session: Session, turn: Turn) -> Answer:
        asked = turn.question
        question = (
            None
            if helpful or not asked.text
            else inbox_record("not_helpful", asked.text, asked.intent, asked.confidence)
        )
        result = Answer(records=[feedback_record(helpful, turn.answered.intent, turn.slots.get("tool"), question)])
        if helpful:
            return result.say(text("feedback.thanks", turn.standard))
        if question:  # the question goes to the trainers, and to the tool's owner view (linked above)
            result.records.append(question)
        return result.say(text("feedback.not_helpful", turn.standard, contact=reach_it(turn.standard)))

    return answer


def _onboarding_next(session: Session, turn: Turn) -> Answer:
    """The next tool; the overview first when the starter pack has not been shown."""
    step = turn.slots.get("onboarding_step")
    return onboarding(
        session, turn.slots.get("onboarding_sector"), None if step is None else int(step) + 1, turn.standard
    )


# Each action of the domain and how it answers.
HANDLERS: dict[str, Callable[[Session, Turn], Answer]] = {
    "action_find_tool": lambda session, turn: answers.need(
        session, turn.text, turn.mentioned, turn.vector, turn.standard
    ),
    "action_tool_info": _about("info"),
    "action_tool_access": _about("access"),
    "action_tool_training": _about("training"),
    "action_tool_support": _about("support"),
    "action_ask_allowed": _about("allowed"),
    "action_information_class": _about("classification"),
    "action_list_tools": lambda session, turn: answers.tool_list(
        session, turn.mentioned, turn.text, turn.vector, turn.standard
    ),
    "action_onboarding": lambda session, turn: onboarding(
        session, narrowest_sector(turn.mentioned.sectors) or turn.slots.get("onboarding_sector"), None, turn.standard
    ),
    "action_onboarding_next": _onboarding_next,
    "action_small_talk": _small_talk,
    "action_rephrase": _rephrase,
    "action_give_department": lambda session, turn: department_given(
        turn.department, ConversationGaps.from_slots(turn.slots), turn.standard
    ),
    "action_feedback_helpful": _feedback(True),
    "action_feedback_not_helpful": _feedback(False),
    "action_ask_human": ask_human,
    "action_case_status": case_status,
    "action_handoff_consent": consent,
    "action_handoff_skip": skip,
    "action_stored_data": lambda session, turn: stored_data(turn.standard, turn.channel),
    "action_suggestion": lambda session, turn: suggestion(turn.text, turn.standard),
    "action_wish_list": lambda session, turn: wish_list(
        session,
        turn.standard,
        settings().department_threshold,
        list(turn.slots.get("wish_votes") or []),
        next((str(e["value"]) for e in turn.entities if e.get("entity") == "wish" and e.get("value")), None),
    ),
}
# Answers about a tool end with 👍/👎 (not questions back, lists or small talk).
ASKS_FOR_FEEDBACK = frozenset(
    {
        "action_find_tool",
        "action_tool_info",
        "action_tool_access",
        "action_tool_training",
        "action_tool_support",
    }
)

# Actions whose message may ask whether a tool works («er Teams nede?»), whatever the NLU made of it.
STATUS_ACTIONS = ASKS_FOR_FEEDBACK | {"action_ask_allowed", "action_rephrase"}
# Actions whose message may say the employee is locked out («får ikke logget inn»), whatever the NLU
# made of it: answered with the catalogue's password tool unless the message or conversation names a tool.
LOCKED_OUT_ACTIONS = frozenset({"action_find_tool", "action_tool_access", "action_tool_support", "action_rephrase"})


def _handle(session: Session, action: str, turn: Turn) -> Answer:
    named = turn.mentioned.tools or turn.mentioned.private_tools
    about_a_tool = action in ("action_tool_access", "action_tool_support") and turn.slots.get("tool")
    if action in LOCKED_OUT_ACTIONS and not named and not about_a_tool:
        found = locked_out.answer(session, turn.text, turn.vector, turn.standard)
        if found is not None:
            return found
    return HANDLERS[action](session, turn)


def respond(session: Session, action: str, turn: Turn) -> Answer:
    """Everything the assistant does about one message, as `action` of the domain."""
    if takes(action, turn):  # a name or e-mail for the handoff: nowhere else
        return contact_given(session, turn)
    status = (
        service_status.question(session, turn.text, turn.mentioned, turn.standard) if action in STATUS_ACTIONS else None
    )
    answer = service_status.prefixed(session, status or _handle(session, action, turn))
    if answer.out_of_scope:
        answer.replies.insert(0, Reply(text("small_talk.out_of_scope", turn.standard)))
    answer.gaps += private_tool_gaps(session, turn.mentioned.private_tools)
    inbox_kind = "out_of_scope" if answer.out_of_scope else answer.inbox
    if inbox_kind:  # the trainers' inbox, so the NLU or the catalogue can learn it
        answer.records.append(inbox_record(inbox_kind, turn.text, turn.intent, turn.confidence))
    if action in ASKS_FOR_FEEDBACK and answer.slots.get("tool"):
        answer.say(
            text("feedback.ask", turn.standard),
            intent_button(text("feedback.yes", turn.standard), "feedback_helpful"),
            intent_button(text("feedback.no", turn.standard), "feedback_not_helpful"),
        )
    if answer.gaps:
        state = ConversationGaps.from_slots(turn.slots)
        answer.extend(
            notice(
                answer.gaps, text=turn.text, channel=turn.channel, state=state, session=session, standard=turn.standard
            )
        )
    return follow_up(action, turn, answer)
