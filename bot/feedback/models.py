"""The trainer inbox and answer feedback. Neither says who wrote the message."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, DateTime, Float, Index, Integer, String, Text

from bot.db import Base

INBOX_KINDS = ("fallback", "out_of_scope", "not_helpful")
INBOX_STATUSES = ("ny", "tildelt", "avvist")


def _now() -> datetime:
    return datetime.now(timezone.utc)


class InboxItem(Base):
    """A message the bot did not understand, or answered unhelpfully: work for a trainer."""

    __tablename__ = "inbox_items"
    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(String(36), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)
    kind = Column(String(20), nullable=False)
    text = Column(Text, nullable=False)  # masked
    intent = Column(String(100))  # the predicted intent
    confidence = Column(Float)
    status = Column(String(20), nullable=False, default="ny")
    assigned_intent = Column(String(100))

    __table_args__ = (Index("ix_inbox_items_status_created_at", "status", "created_at"),)


class Feedback(Base):
    """👍/👎 on a catalogue answer, with the intent and tool it was about."""

    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(String(36), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)
    helpful = Column(Boolean, nullable=False)
    intent = Column(String(100))
    tool = Column(String(64))
