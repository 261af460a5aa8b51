"""The way to a person (issue 17, item 1; docs/handoff.md): the offer, the employee's explicit yes,
their contact (Teams knows who they are; the widget asks), the case sent through bot.handoff's
outbox, and «Hva skjer med saken min?».

The slot `handoff_step` remembers where the dialogue is: "consent" after the offer, "contact"
while waiting for a name and e-mail, which `turn.respond` routes here first (`takes`) so a contact
never reaches the trainers' inbox or the gap log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.assistant.contact import it_name, reach_it
from bot.assistant.replies import Answer, intent_button
from bot.config import handoff_settings
from bot.handoff import outbox
from bot.handoff.case import EMAIL, Contact, new_case
from bot.privacy.masking import MASKS
from bot.texts import text


class Said(Protocol):
    """What this module reads of bot.assistant.turn.Said (which imports this module)."""

    @property
    def text(self) -> str: ...
    @property
    def intent(self) -> str | None: ...
    @property
    def bot(self) -> bool: ...


class Turn(Protocol):
    """What this module reads of bot.assistant.turn.Turn."""

    @property
    def text(self) -> str: ...
    @property
    def entities(self) -> tuple[dict, ...]: ...
    @property
    def channel(self) -> str: ...
    @property
    def standard(self) -> str: ...
    @property
    def slots(self) -> Mapping[str, Any]: ...
    @property
    def answered(self) -> Said: ...
    @property
    def conversation_id(self) -> str: ...
    @property
    def recent(self) -> tuple[Said, ...]: ...
    @property
    def user(self) -> Mapping[str, str]: ...


STEP = "handoff_step"
CONSENT, CONTACT = "consent", "contact"
EXCERPT_LINES = 12  # the conversation's last messages before the employee said yes
# The dialogue's own buttons: they reach their handlers whatever the step.
OWN_ACTIONS = frozenset({"action_handoff_consent", "action_handoff_skip"})

NAME = re.compile(r"^[^\W\d_]+(?:[ '.-]+[^\W\d_]+)*\.?$")
NAME_WORDS = 6
# Short answers to the contact question that are not a name (bokmål and nynorsk).
REFUSALS = frozenset(
    {"nei", "nei takk", "avbryt", "stopp", "glem det", "ikke send", "ikkje send", "la være", "la vere"}
)
SKIPS = frozenset({"hopp over", "vil ikke", "vil ikkje", "send uten", "send utan", "send den uten", "send ho utan"})
ASSENTS = frozenset({"ja", "ja takk", "ok", "okei", "jepp", "greit", "greitt", "send"})
# Words around a name or address («jeg heter Kari, e-post kari@…»), in bokmål and nynorsk.
FILLER = re.compile(
    r"\b(?:jeg heter|eg heiter|navnet mitt er|namnet mitt er|mitt navn er|mitt namn er|navn|namn|"
    r"e-?post(?:adressen?|adressa)?(?: min| mi)?(?: er)?|og|hilsen|helsing)\b[:]?",
    re.IGNORECASE,
)


def _desk_on() -> bool:
    return handoff_settings().adapter != "off"


def offer(turn: Turn, *, contact_when_off: bool = True) -> Answer:
    """Ask for an explicit yes, saying what will be sent; IT's contact instead when handoff is off."""
    if not _desk_on():
        return Answer().say(text("handoff.off", turn.standard, contact=reach_it())) if contact_when_off else Answer()
    answer = Answer(slots={STEP: CONSENT})
    return answer.say(
        text("handoff.offer", turn.standard, desk=it_name()),
        intent_button(text("handoff.yes", turn.standard), "handoff_consent", answer="yes"),
        intent_button(text("handoff.no", turn.standard), "handoff_consent", answer="no"),
    )


def ask_human(session: Session, turn: Turn) -> Answer:
    return offer(turn)


def follow_up(action: str, turn: Turn, answer: Answer) -> Answer:
    """After any answer: the offer after a 👎 or the second message in a row the assistant did not
    understand; an offer or contact question left unanswered is dropped (nothing is sent)."""
    step = turn.slots.get(STEP)
    if step and STEP not in answer.slots:
        answer.slots[STEP] = None
        if step == CONTACT:
            answer.say(text("handoff.dropped", turn.standard))
    elif not step and action == "action_feedback_not_helpful":
        answer.extend(offer(turn, contact_when_off=False))  # the 👎 reply names IT already
    elif not step and action == "action_rephrase" and turn.answered.intent == "nlu_fallback":
        answer.extend(offer(turn))
    return answer


def consent(session: Session, turn: Turn) -> Answer:
    """«Ja, send saken» / «Nei takk»: Teams knows who the employee is; the widget asks."""
    said = next((e.get("value") for e in turn.entities if e.get("entity") == "answer"), None)
    if said != "yes":
        return Answer(slots={STEP: None}).say(text("handoff.refused", turn.standard, contact=reach_it()))
    if not _desk_on():
        return Answer(slots={STEP: None}).say(text("handoff.off", turn.standard, contact=reach_it()))
    config = handoff_settings()
    if outbox.at_cap(turn.conversation_id, config):
        return Answer(slots={STEP: None}).say(_limit(turn, config.daily_cap))
    known = _known_contact(turn)
    if known is not None:
        return _submit(turn, known)
    return _ask_contact(turn, text("handoff.ask_contact", turn.standard, desk=it_name()))


def skip(session: Session, turn: Turn) -> Answer:
    """«Hopp over»: send without a contact, if the employee had said yes."""
    if turn.slots.get(STEP) != CONTACT:
        return Answer(slots={STEP: None}).say(text("handoff.dropped", turn.standard))
    return _submit(turn, _known_contact(turn) or Contact())


def takes(action: str, turn: Turn) -> bool:
    """Whether this message answers the contact question (so it goes to `contact_given` and
    nowhere else): typed while the step is "contact" and looking like a name or an address."""
    if turn.slots.get(STEP) != CONTACT or action in OWN_ACTIONS or turn.text.startswith("/"):
        return False
    if "@" in turn.text or MASKS["email"] in turn.text or turn.user.get("email"):
        return True
    return "?" not in turn.text and len(turn.text.split()) <= NAME_WORDS + 2


def contact_given(session: Session, turn: Turn) -> Answer:
    """A typed name and/or e-mail: a wrong address or no name gets a second chance; «nei» and
    «hopp over» typed work as their buttons."""
    said = " ".join(turn.text.lower().strip(" .!").split())
    if said in REFUSALS:
        return Answer(slots={STEP: None}).say(text("handoff.refused", turn.standard, contact=reach_it()))
    if said in SKIPS:
        return _submit(turn, _known_contact(turn) or Contact())
    if said in ASSENTS:
        return _ask_contact(turn, text("handoff.ask_contact", turn.standard, desk=it_name()))
    rest = turn.text.replace(MASKS["email"], " ")
    email = (turn.user.get("email") or "").strip()
    for word in rest.split():
        if "@" in word:
            candidate = word.strip(".,;:()<>«»\"'")
            if not EMAIL.match(candidate):
                return _ask_contact(turn, text("handoff.bad_email", turn.standard, email=candidate[:80]))
            email = email or candidate
            rest = rest.replace(word, " ")
    name = " ".join(FILLER.sub(" ", rest).replace(",", " ").split()).strip(" .")
    if name and not (NAME.match(name) and len(name.split()) <= NAME_WORDS and len(name) <= 80):
        if not email:
            return _ask_contact(turn, text("handoff.not_contact", turn.standard))
        name = ""
    if not (name or email):
        return _ask_contact(turn, text("handoff.not_contact", turn.standard))
    known = _known_contact(turn) or Contact()
    return _submit(turn, Contact(name=name or known.name, email=email, teams_id=known.teams_id))


def _ask_contact(turn: Turn, question: str) -> Answer:
    return Answer(slots={STEP: CONTACT}).say(
        question,
        intent_button(text("handoff.skip", turn.standard), "handoff_skip"),
        intent_button(text("handoff.no", turn.standard), "handoff_consent", answer="no"),
    )


def _known_contact(turn: Turn) -> Contact | None:
    """Who the channel says the employee is (Teams: name and AAD object id), or None."""
    name, teams_id = turn.user.get("name") or "", turn.user.get("aad_object_id") or ""
    if not (name or teams_id):
        return None
    return Contact(name=name[:80], email=(turn.user.get("email") or "")[:254], teams_id=teams_id[:64])


def _excerpt(recent: tuple[Said, ...]) -> list[tuple[str, str]]:
    """The messages before the employee's yes, without button payloads, as (who, text)."""
    yes = max((i for i, said in enumerate(recent) if said.intent == "handoff_consent"), default=len(recent))
    lines = [s for s in recent[:yes] if s.text.strip() and not s.text.startswith("/")]
    return [("Digihjelpen" if s.bot else "Ansatt", s.text) for s in lines[-EXCERPT_LINES:]]


def _description(recent: tuple[Said, ...]) -> str:
    """The employee's last question before asking for a person (the case's brief description)."""
    asked = [s for s in recent if not s.bot and s.text.strip() and not s.text.startswith("/")]
    questions = [s for s in asked if s.intent not in ("ask_human", "handoff_consent", "handoff_skip")]
    chosen = questions or asked
    return chosen[-1].text if chosen else ""


def _submit(turn: Turn, contact: Contact) -> Answer:
    config = handoff_settings()
    case = new_case(_excerpt(turn.recent), _description(turn.recent), turn.channel, contact)
    submitted = outbox.submit(case, turn.conversation_id, config)
    answer = Answer(slots={STEP: None})
    if submitted.outcome == "sent":
        return answer.say(text("handoff.sent", turn.standard, desk=it_name(), number=submitted.number))
    if submitted.outcome == "waiting":
        return answer.say(text("handoff.waiting", turn.standard, number=submitted.reference))
    if submitted.outcome == "limit":
        return answer.say(_limit(turn, config.daily_cap))
    if submitted.outcome == "off":
        return answer.say(text("handoff.off", turn.standard, contact=reach_it()))
    return answer.say(text("handoff.failed", turn.standard, contact=reach_it()))


def _limit(turn: Turn, cap: int) -> str:
    return text("handoff.limit", turn.standard, cap=cap, contact=reach_it())


def case_status(session: Session, turn: Turn) -> Answer:
    """«Hva skjer med saken min?»: the conversation's cases, newest first, as far as we know."""
    cases = outbox.cases_of(turn.conversation_id)[:3]
    if not cases:
        return Answer().say(text("handoff.status_none", turn.standard, contact=reach_it()))
    answer = Answer()
    for case in cases:
        values = {"reference": case.reference, "desk": it_name(), "number": case.number, "contact": reach_it()}
        if case.state in ("waiting", "sending"):
            answer.say(text("handoff.status_waiting", turn.standard, **values))
        elif case.state == "failed":
            answer.say(text("handoff.status_failed", turn.standard, **values))
        elif case.desk_status == "closed":
            answer.say(text("handoff.status_closed", turn.standard, **values))
        elif case.desk_status:
            answer.say(text("handoff.status_desk", turn.standard, status=case.desk_status, **values))
        else:
            answer.say(text("handoff.status_sent", turn.standard, **values))
    if handoff_settings().adapter == "email" and any(c.state == "sent" for c in cases):
        answer.say(text("handoff.status_email", turn.standard, desk=it_name()))
    return answer
