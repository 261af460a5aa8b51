"""The assistant's own table: which conversations got the welcome (bot.assistant.welcome)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, UniqueConstraint

from bot.db import Base, utc_now


class WelcomedConversation(Base):
    """A conversation that got the welcome: its channel and the SHA-256 of its id (not the id)."""

    __tablename__ = "welcomed_conversations"
    id = Column(Integer, primary_key=True, autoincrement=True)
    channel = Column(String(20), nullable=False)
    conversation_digest = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)

    __table_args__ = (
        UniqueConstraint("channel", "conversation_digest", name="uq_welcomed_conversations_channel_digest"),
    )
