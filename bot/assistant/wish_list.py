"""Ønskelista (issue 17, item 5): «hva savner andre?» shows the largest groups of the anonymous gap
log (needs, private tools, suggestions) with IT's news, only groups of at least the department
threshold of records (bot.gaps.wishes), and a button per entry to add one's voice. A vote is
stored without anything about who; the conversation's slot `wish_votes` holds the groups it voted
for, so each counts once per conversation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.assistant.gap_status import told
from bot.assistant.replies import Answer, intent_button
from bot.gaps import wishes
from bot.texts import text


def wish_list(session: Session, standard: str, threshold: int, voted: list[str], wish: str | None = None) -> Answer:
    """The wish list in `standard`, or, with `wish` (a vote button's group key), the vote for it."""
    found = wishes.wishes(session, threshold)
    if wish is not None:
        return _vote(wish, [w.key for w in found], standard, voted)
    if not found:
        return Answer().say(text("wish_list.empty", standard))
    answer = Answer().say(text("wish_list.intro", standard))
    for number, entry in enumerate(found, 1):
        values = {"number": number, "label": entry.label, "count": entry.count}
        if entry.news:
            answer.say(text("wish_list.entry_news", standard, news=told(entry.news, standard), **values))
        else:
            answer.say(text("wish_list.entry", standard, **values))
    buttons = [
        intent_button(text("wish_list.vote_button", standard, number=number), "wish_list", wish=entry.key)
        for number, entry in enumerate(found, 1)
        if entry.key not in voted
    ]
    if buttons:
        answer.say(text("wish_list.vote_prompt", standard), *buttons)
    return answer


def _vote(wish: str, shown: list[str], standard: str, voted: list[str]) -> Answer:
    if wish in voted:
        return Answer().say(text("wish_list.already_voted", standard))
    if wish not in shown:  # only an entry the list shows (resting on the threshold) takes votes
        return Answer().say(text("wish_list.unknown", standard))
    answer = Answer(slots={"wish_votes": [*voted, wish]}, records=[wishes.vote_record(wish)])
    return answer.say(text("wish_list.voted", standard))
