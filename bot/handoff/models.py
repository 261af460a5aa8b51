"""The handoff outbox's table: each case (masked) until it is delivered and then until retention
deletes it. Nothing here is ever copied to the gap tables."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Text

from bot.db import Base, utc_now

# waiting: not yet delivered; sending: being delivered (claimed_at); sent: the desk has it (desk_number);
# failed: the desk refused it for good (last_error).
CASE_STATES = ("waiting", "sending", "sent", "failed")


class HandoffCase(Base):
    __tablename__ = "handoff_cases"
    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(32), unique=True)  # ours, DH-2026-000123: set right after the insert
    conversation_id = Column(String(255), nullable=False)  # for the daily cap and «Hva skjer med saken min?»
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    case_json = Column(Text, nullable=False)  # bot.handoff.case.Case, masked
    state = Column(String(16), nullable=False, default="waiting")
    attempts = Column(Integer, nullable=False, default=0)
    claimed_at = Column(DateTime(timezone=True))
    sent_at = Column(DateTime(timezone=True))
    desk_number = Column(String(64))
    last_error = Column(String(500))

    __table_args__ = (
        Index("ix_handoff_cases_conversation_created", "conversation_id", "created_at"),
        Index("ix_handoff_cases_state", "state"),
        Index("ix_handoff_cases_created_at", "created_at"),
    )
