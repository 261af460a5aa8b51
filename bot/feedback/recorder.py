"""Trainer inbox items and answer feedback as records: masked and anonymous, stored with the other
records of their turn (bot.spool.write_all)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.feedback.models import INBOX_KINDS, Feedback, InboxItem
from bot.privacy.masking import mask
from bot.records import Record


def _writer(model):
    def write(session: Session, payload: dict) -> None:
        if session.scalar(select(model.id).where(model.record_id == payload["record_id"])) is None:
            session.add(model(**{**payload, "created_at": datetime.fromisoformat(payload["created_at"])}))

    return write


# The spool's writers for the records built here (bot.spool.writers).
WRITERS = {"inbox": _writer(InboxItem), "feedback": _writer(Feedback)}


def _new() -> dict:
    return {"record_id": str(uuid.uuid4()), "created_at": datetime.now(timezone.utc).isoformat()}


def inbox_record(kind: str, text: str, intent: str | None, confidence: float | None) -> Record:
    """A message for the trainers, `kind` one of INBOX_KINDS: not understood ("fallback"), out of
    scope ("out_of_scope"), the question of an answer that did not help ("not_helpful"), or a
    need no catalogue entry fits ("no_fit"; a trainer can attach it to the tool or process that
    should have answered, see bot.training.inbox.attach)."""
    if kind not in INBOX_KINDS:
        raise ValueError(f"unknown inbox kind {kind!r}; one of {', '.join(INBOX_KINDS)}")
    return Record("inbox", {**_new(), "kind": kind, "text": mask(text), "intent": intent, "confidence": confidence})


def feedback_record(helpful: bool, intent: str | None, tool: str | None, question: Record | None = None) -> Record:
    """👍/👎 on an answer, with the intent and tool it was about (never the person), and for a 👎 the
    inbox record of the question it answered (inbox_record), so the tool's owner can read it."""
    payload = {**_new(), "helpful": helpful, "intent": intent, "tool": tool}
    if question is not None:
        payload["inbox_record_id"] = question.payload["record_id"]
    return Record("feedback", payload)
