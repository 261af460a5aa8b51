"""Suggestions from employees (issue 17, item 3): «Jeg har et forslag: …», «dere burde hatt …» are
recorded as an anonymous, masked gap of kind `suggestion` (the department question follows as for
other gaps, bot.assistant.conversation_gaps) and thanked for; never answered with a tool. A message
that only announces a suggestion («jeg har et forslag til IT») is asked for it instead."""

from __future__ import annotations

from bot.assistant.replies import Answer
from bot.gaps.detect import suggestion_gap
from bot.language.norwegian import STOP_WORDS, words
from bot.texts import text

# Words that announce a suggestion without saying what it is (bokmål, nynorsk, dialect, English).
ANNOUNCING = frozenset(
    """forslag forslaget forsalg forslg idé ide ideen idéen ein eit tips tipset forbedring forbedringer
    forbedringsforslag innspill innspel tilbakemelding it it-avdelingen digihjelpen burde bør foreslå
    foreslår foreslo gjerne kommet komme kunne ha hatt hadde dokker dykk suggestion idea improvement
    have got an""".split()
)


def has_content(message: str) -> bool:
    """Whether the message says what is suggested, beyond announcing a suggestion."""
    return any(w not in STOP_WORDS and w not in ANNOUNCING for w in words(message))


def suggestion(message: str, standard: str) -> Answer:
    """The thanks in `standard` (nb or nn) with the suggestion as a gap to record (by turn.respond)."""
    if not has_content(message):
        return Answer().say(text("suggestions.ask_what", standard))
    return Answer(gaps=[suggestion_gap(message)]).say(text("suggestions.thanks", standard))
