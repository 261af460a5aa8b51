"""The trainer inbox and answer feedback. Neither says who wrote the message."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, Index, Integer, String, Text

from bot.db import Base, utc_now

# fallback: not understood; out_of_scope: not about work tools; not_helpful: 👎 on an answer (the
# text is the question answered); no_fit: a need the assistant found no catalogue entry for.
INBOX_KINDS = ("fallback", "out_of_scope", "not_helpful", "no_fit")


class InboxItem(Base):
    """A message the bot did not understand, or answered unhelpfully: work for a trainer."""

    __tablename__ = "inbox_items"
    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(String(36), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    kind = Column(String(20), nullable=False)
    text = Column(Text, nullable=False)  # masked
    intent = Column(String(100))  # the predicted intent
    confidence = Column(Float)
    # ny: open; tildelt: an example of an intent (assigned_intent); avvist: dismissed; koblet: attached
    # to a catalogue entry as a task or name (assigned_entry_kind/_id, see bot.training.inbox.attach).
    status = Column(String(20), nullable=False, default="ny")
    assigned_intent = Column(String(100))
    assigned_entry_kind = Column(String(20))  # "tool" or "process" when status is "koblet"
    assigned_entry_id = Column(String(64))

    __table_args__ = (Index("ix_inbox_items_status_created_at", "status", "created_at"),)


class Feedback(Base):
    """👍/👎 on a catalogue answer, with the intent and tool it was about; a 👎 names the inbox item
    holding the masked question (gone once retention deletes that item)."""

    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(String(36), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    helpful = Column(Boolean, nullable=False)
    intent = Column(String(100))
    tool = Column(String(64))
    inbox_record_id = Column(String(36))  # InboxItem.record_id of a 👎's question; not a foreign key
