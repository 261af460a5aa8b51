"""The gap record table. There is deliberately no sender, name, e-mail or other person-linked field."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Text

from bot.db import Base

KINDS = ("private_tool", "missing_tool")
STATUSES = ("ny", "under vurdering", "planlagt", "løst", "avvist")


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Gap(Base):
    __tablename__ = "gaps"
    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(String(36), nullable=False, unique=True)  # makes spool replay exactly-once
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)
    kind = Column(String(20), nullable=False)
    private_tool = Column(String(200))  # catalogue id, or the name as written when not in the catalogue
    need = Column(String(300))  # the category, or a short description of what the employee wanted
    alternatives = Column(JSON, nullable=False, default=list)  # workplace tool ids the bot offered
    department = Column(String(100))
    channel = Column(String(30), nullable=False, default="rest")
    text = Column(Text, nullable=False, default="")  # the employee's message, personal data masked
    language = Column(String(10), nullable=False, default="nb")
    status = Column(String(20), nullable=False, default="ny")
    note = Column(Text)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=_now, onupdate=_now)

    __table_args__ = (
        Index("ix_gaps_created_at", "created_at"),
        Index("ix_gaps_kind_created_at", "kind", "created_at"),
        Index("ix_gaps_private_tool", "private_tool"),
        Index("ix_gaps_status", "status"),
        Index("ix_gaps_department", "department"),
    )
