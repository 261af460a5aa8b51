"""Small talk, the department question, feedback and the rephrase prompt."""

from __future__ import annotations

import abc

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.base import CatalogueAction, gap_state, mentioned
from bot.assistant.fallback import rephrase
from bot.assistant.replies import Answer
from bot.feedback import recorder as feedback
from bot.assistant.conversation_gaps import department_given

SMALL_TALK = ("greet", "goodbye", "thanks", "help", "bot_challenge")


def _intent(message: dict) -> tuple[str | None, float | None]:
    intent = message.get("intent") or {}
    return intent.get("name"), intent.get("confidence")


class ActionSmallTalk(CatalogueAction):
    """Greeting, thanks, goodbye, help, "are you a robot" and out of scope: the domain's response.

    Runs as an action so a private tool named in any message is still noted as a gap, and so
    out-of-scope questions reach the trainers' inbox (as every out-of-scope answer does).
    """

    def name(self) -> str:
        return "action_small_talk"

    def answer(self, session: Session, tracker: Tracker) -> Answer:
        intent, _ = _intent(tracker.latest_message)
        return Answer(out_of_scope=intent == "out_of_scope")

    async def run(self, dispatcher, tracker, domain):
        intent, _ = _intent(tracker.latest_message)
        if intent != "out_of_scope":
            dispatcher.utter_message(response=f"utter_{intent if intent in SMALL_TALK else 'help'}")
        return await super().run(dispatcher, tracker, domain)


class ActionRephrase(CatalogueAction):
    """The NLU was unsure: offer the two likeliest meanings, and give the message to the trainers."""

    def name(self) -> str:
        return "action_rephrase"

    def answer(self, session: Session, tracker: Tracker) -> Answer:
        message = tracker.latest_message
        ranking = message.get("intent_ranking") or []
        top = next((r for r in ranking if r.get("name") != "nlu_fallback"), {})
        feedback.to_inbox("fallback", message.get("text") or "", top.get("name"), top.get("confidence"))
        return rephrase(ranking, message.get("entities") or [])


class ActionGiveDepartment(CatalogueAction):
    def name(self) -> str:
        return "action_give_department"

    def answer(self, session: Session, tracker: Tracker) -> Answer:
        entities = tracker.latest_message.get("entities") or []
        chosen = next((e.get("value") for e in entities if e.get("entity") == "department"), None)
        chosen = chosen or next(iter(mentioned(tracker).sectors), None)
        return department_given(chosen, gap_state(tracker))


def _user_messages(tracker: Tracker) -> list[dict]:
    """The user events of the conversation's current session, oldest first."""
    found: list[dict] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            found = []
        elif event.get("event") == "user":
            found.append(event)
    return found


def _parsed(event: dict) -> dict:
    return (event.get("parse_data") or {}) | {"text": event.get("text")}


def _answered_message(tracker: Tracker) -> dict:
    """The user message before the feedback: the one the answer was about (maybe a button)."""
    users = _user_messages(tracker)
    return _parsed(users[-2]) if len(users) >= 2 else {}


def _question(tracker: Tracker) -> dict:
    """The employee's own words the answer was about, for the trainers: the last message before
    the feedback that was written, not a button's payload. An answer reached by a button
    ("/tool_info{...}" from a list of candidates, or a department chosen in between) was about
    the question written before it."""
    for event in reversed(_user_messages(tracker)[:-1]):
        text = (event.get("text") or "").strip()
        if text and not text.startswith("/"):
            return _parsed(event)
    return {}


class _Feedback(CatalogueAction, abc.ABC):
    """👍/👎 on the previous answer, stored with its intent and tool (never the person)."""

    helpful = True

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name."""

    def answer(self, session: Session, tracker: Tracker) -> Answer:
        intent, _ = _intent(_answered_message(tracker))
        feedback.feedback(self.helpful, intent, tracker.get_slot("tool"))
        if self.helpful:
            return Answer().say("Så bra! Takk for at du sa fra.")
        question = _question(tracker)
        if question:
            feedback.to_inbox("not_helpful", question["text"], *_intent(question))
        return Answer().say(
            "Beklager at svaret ikke hjalp. Prøv gjerne å si det på en annen måte, eller kontakt "
            "IT-servicesenteret. Spørsmålet ditt går anonymt videre, så vi kan lære av det."
        )


class ActionFeedbackHelpful(_Feedback):
    helpful = True

    def name(self) -> str:
        return "action_feedback_helpful"


class ActionFeedbackNotHelpful(_Feedback):
    helpful = False

    def name(self) -> str:
        return "action_feedback_not_helpful"
