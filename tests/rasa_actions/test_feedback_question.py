"""👎 on an answer sends the employee's question to the trainer inbox (not the 👎 button's payload,
and not the payload of a button that led to the answer), on a real database."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.conversation import ActionFeedbackHelpful, ActionFeedbackNotHelpful
from bot import db
from bot.feedback.models import Feedback, InboxItem

THUMBS_DOWN = {
    "event": "user",
    "text": "/feedback_not_helpful",
    "parse_data": {"intent": {"name": "feedback_not_helpful", "confidence": 1.0}},
}


def said(text: str, intent: str, confidence: float = 0.9) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": confidence}}}


def answered() -> dict:
    return {"event": "bot", "text": "..."}


def tracker(events: list[dict]) -> Tracker:
    last = events[-1]
    return Tracker.from_dict(
        {
            "sender_id": "ansatt-1",
            "slots": {"tool": "visma-reise"},
            "events": events,
            "latest_message": {"text": last["text"], "intent": last["parse_data"]["intent"], "entities": []},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def fresh(monkeypatch, db_url) -> str:
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    return db_url


async def inbox_after(url: str, events: list[dict], action=ActionFeedbackNotHelpful) -> list[tuple]:
    await action().run(CollectingDispatcher(), tracker(events), domain={})
    with db.session_scope(url) as session:
        return [
            (i.kind, i.text, i.intent, i.confidence) for i in session.scalars(select(InboxItem).order_by(InboxItem.id))
        ]


async def test_the_question_before_the_thumbs_down_goes_to_the_inbox(fresh):
    events = [said("hvordan får jeg igjen penger for ferja?", "find_tool", 0.71), answered(), THUMBS_DOWN]
    assert await inbox_after(fresh, events) == [
        ("not_helpful", "hvordan får jeg igjen penger for ferja?", "find_tool", 0.71)
    ]
    with db.session_scope(fresh) as session:
        assert [(f.helpful, f.intent, f.tool) for f in session.scalars(select(Feedback))] == [
            (False, "find_tool", "visma-reise")
        ]


async def test_an_answer_reached_by_buttons_sends_the_question_written_before_them(fresh):
    events = [
        said("gammel økt", "greet"),
        {"event": "session_started"},
        said("ring 98765432 om reiseregning", "find_tool", 0.55),
        answered(),
        said('/tool_info{"tool": "visma-reise"}', "tool_info", 1.0),
        answered(),
        said('/give_department{"department": "NAV"}', "give_department", 1.0),
        answered(),
        THUMBS_DOWN,
    ]
    assert await inbox_after(fresh, events) == [("not_helpful", "ring [telefon] om reiseregning", "find_tool", 0.55)]
    with db.session_scope(fresh) as session:  # the feedback record keeps what the answer was: the department's
        assert [f.intent for f in session.scalars(select(Feedback))] == ["give_department"]


async def test_without_a_written_question_nothing_goes_to_the_inbox(fresh):
    events = [
        said("hei", "greet"),
        {"event": "session_started"},
        said("/list_tools", "list_tools", 1.0),
        answered(),
        THUMBS_DOWN,
    ]
    assert await inbox_after(fresh, events) == []


async def test_thumbs_up_sends_nothing_to_the_inbox(fresh):
    events = [
        said("hvordan leverer jeg reiseregning", "find_tool"),
        answered(),
        said("/feedback_helpful", "feedback_helpful", 1.0),
    ]
    assert await inbox_after(fresh, events, ActionFeedbackHelpful) == []
