"""Gaps within one conversation: each gap recorded once, the employee told it was noted
anonymously (and IT's news on it, bot.assistant.gap_status), and asked for the department once
(never required)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot import texts
from bot.assistant import gap_status
from bot.assistant.replies import Answer, intent_button
from bot.config import settings
from bot.gaps import recorder
from bot.gaps.detect import GapNote

DECLINED = "vil ikke oppgi"  # the decline button's payload value, the same in both standards


@dataclass
class ConversationGaps:
    """What the conversation's slots remember about its gaps."""

    logged: list[str] = field(default_factory=list)  # keys of the gaps already recorded
    records: list[str] = field(default_factory=list)  # their record ids, for the department answer
    department: str | None = None
    department_asked: bool = False

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> ConversationGaps:
        return cls(
            logged=list(slots.get("gaps_logged") or []),
            records=list(slots.get("gap_records") or []),
            department=slots.get("department"),
            department_asked=bool(slots.get("department_asked")),
        )

    def updated(self, slots: Mapping[str, Any]) -> ConversationGaps:
        """The state after an answer set `slots` (as Rasa applies them)."""
        current = {
            "gaps_logged": self.logged,
            "gap_records": self.records,
            "department": self.department,
            "department_asked": self.department_asked,
        }
        return ConversationGaps.from_slots({**current, **slots})


def notice(
    notes: list[GapNote],
    *,
    text: str,
    channel: str,
    state: ConversationGaps,
    session: Session | None = None,
    standard: str = "nb",
) -> Answer:
    """The records of the gaps this conversation has not recorded yet, and a reply that says so,
    with IT's news on them (read through `session`, told in `standard`)."""
    answer = Answer()
    new: dict[str, GapNote] = {}
    for note in notes:
        if note.key not in state.logged and note.key not in new:
            new[note.key] = note
    if not new:
        return answer
    answer.records = [
        recorder.gap_record(note, text=text, channel=channel, department=state.department) for note in new.values()
    ]
    ids = [record.payload["record_id"] for record in answer.records]
    answer.slots = {"gaps_logged": state.logged + list(new), "gap_records": state.records + ids}
    if any(note.kind != "suggestion" for note in new.values()):  # a suggestion's thanks says so
        answer.say(texts.text("gaps.noted", standard))
    if session is not None:
        for line in dict.fromkeys(filter(None, (gap_status.line(session, n, standard) for n in new.values()))):
            answer.say(line)
    if not state.department_asked:
        answer.slots["department_asked"] = True
        answer.say(
            texts.text("gaps.ask_department", standard),
            *(intent_button(d, "give_department", department=d) for d in settings().departments),
            intent_button(texts.text("gaps.decline_button", standard), "give_department", department=DECLINED),
        )
    return answer


def department_given(department: str | None, state: ConversationGaps, standard: str = "nb") -> Answer:
    """The employee's answer to the department question (the decline button's title counts too)."""
    declined = {DECLINED} | {texts.text("gaps.decline_button", s).casefold() for s in texts.STANDARDS}
    if not department or department.casefold() in declined:
        return Answer(slots={"department": None, "department_asked": True}).say(texts.text("gaps.declined", standard))
    known = {d.casefold(): d for d in settings().departments}
    chosen = known.get(department.casefold())
    if chosen is None:
        return Answer(slots={"department_asked": True}).say(texts.text("gaps.unknown_department", standard))
    answer = Answer(slots={"department": chosen, "department_asked": True}).say(
        texts.text("gaps.department_noted", standard, department=chosen)
    )
    record = recorder.department_record(state.records, chosen)
    if record is not None:
        answer.records.append(record)
    return answer
