"""The gap record table and its audit trail. A gap has deliberately no sender, name, e-mail or other
person-linked field; the audit trail names the IT staff who changed a gap, never the employee."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Integer, String, Text

from bot.db import Base, utc_now

KINDS = ("private_tool", "missing_tool", "suggestion")
STATUSES = ("ny", "under vurdering", "planlagt", "løst", "avvist")
NEWS = ("planlagt", "løst", "avvist")  # the statuses employees are told (avvist only with its why)


class Gap(Base):
    __tablename__ = "gaps"
    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(String(36), nullable=False, unique=True)  # makes spool replay exactly-once
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    kind = Column(String(20), nullable=False)
    private_tool = Column(String(200))  # catalogue id, or the name as written when not in the catalogue
    need = Column(String(300))  # the category, or a short description of what the employee wanted
    alternatives = Column(JSON, nullable=False, default=list)  # workplace tool ids the bot offered
    department = Column(String(100))
    channel = Column(String(30), nullable=False, default="rest")
    text = Column(Text, nullable=False, default="")  # the employee's message, personal data masked
    language = Column(String(10), nullable=False, default="nb")
    status = Column(String(20), nullable=False, default="ny")
    note = Column(Text)  # IT's internal note
    public_note = Column(Text)  # IT's word to employees, told with a status that carries news
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utc_now, onupdate=utc_now)

    __table_args__ = (
        Index("ix_gaps_created_at", "created_at"),
        Index("ix_gaps_kind_created_at", "kind", "created_at"),
        Index("ix_gaps_private_tool", "private_tool"),
        Index("ix_gaps_status", "status"),
        Index("ix_gaps_department", "department"),
        # The IT dashboard and API (bot/gaps/queries.py): every query there is a period of
        # created_at plus filters on these columns, so PostgreSQL answers counts and groupings
        # from this index alone (index-only scans), and the list's ORDER BY created_at, id from its order.
        Index(
            "ix_gaps_created_at_id_covering",
            "created_at",
            "id",
            postgresql_include=["kind", "status", "private_tool", "department", "need"],
        ),
    )


class GapChange(Base):
    """One change of a gap's status or note: who, when, from what to what."""

    __tablename__ = "gap_changes"
    id = Column(Integer, primary_key=True, autoincrement=True)
    gap_id = Column(Integer, ForeignKey("gaps.id", ondelete="CASCADE"), nullable=False)
    changed_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    actor = Column(String(100), nullable=False)  # the user name (kept when the user is removed)
    field = Column(String(20), nullable=False)  # "status", "note" or "public_note"
    old_value = Column(Text)
    new_value = Column(Text)

    __table_args__ = (Index("ix_gap_changes_gap_id", "gap_id", "changed_at"),)


class GapVote(Base):
    """One conversation's voice added to a group of gaps on the wish list (bot.assistant.wish_list):
    nothing about who; the conversation's slot `wish_votes` makes it count once per conversation."""

    __tablename__ = "gap_votes"
    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(String(36), nullable=False, unique=True)  # makes spool replay exactly-once
    group_key = Column(String(320), nullable=False)  # bot.gaps.queries.group_key
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)

    __table_args__ = (Index("ix_gap_votes_group_key", "group_key"),)


class _Counted:
    """The columns both count tables share: a cell of the gap log per grain and day."""

    id = Column(Integer, primary_key=True, autoincrement=True)
    grain = Column(String(7), nullable=False)
    day = Column(Date, nullable=False)
    kind = Column(String(20), nullable=False)
    private_tool = Column(String(200))
    department = Column(String(100))
    status = Column(String(20), nullable=False)
    count = Column(Integer, nullable=False, default=0)


class GapCount(_Counted, Base):
    """The gap log counted per day, ISO week, month and quarter (bot/gaps/rollup.py keeps it in
    step with `gaps` in the same transaction), so the dashboard summary of a long period reads a
    few thousand counts instead of every record. `day` is the UTC day, the Monday of the week or
    the first day of the month or quarter (`grain` "day", "week", "month" or "quarter"). A cell
    may appear in more than one row (two writers creating it at once); readers always sum, and
    `bot gaps rebuild-rollup` compacts."""

    __tablename__ = "gap_counts"
    need = Column(String(300))

    __table_args__ = (
        Index(
            "ix_gap_counts_grain_day",
            "grain",
            "day",
            postgresql_include=["kind", "status", "private_tool", "department", "need", "count"],
        ),
    )


class GapTotal(_Counted, Base):
    """`gap_counts` without the need: the counts of (kind, private tool, department, status) per
    grain, for the summary's counts and weekly chart when no need filter is set."""

    __tablename__ = "gap_totals"
    __table_args__ = (
        Index(
            "ix_gap_totals_grain_day",
            "grain",
            "day",
            postgresql_include=["kind", "status", "private_tool", "department", "count"],
        ),
    )
