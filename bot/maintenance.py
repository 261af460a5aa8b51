"""Scheduled work and when it last ran: each store that `bot privacy purge` purges leaves one row
(task `purge:<store>`, when, whether it was reached, its count), so the admin status page can say
when retention last ran without reading any container's log. Rows say nothing about any message."""

from __future__ import annotations

import logging

from sqlalchemy import Boolean, Column, DateTime, Integer, String, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db import Base, session_scope, utc_now

log = logging.getLogger(__name__)

KEEP_PER_TASK = 100  # the newest runs of a task that are kept


class MaintenanceRun(Base):
    __tablename__ = "maintenance_runs"
    id = Column(Integer, primary_key=True, autoincrement=True)
    task = Column(String(32), nullable=False, index=True)
    finished_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    complete = Column(Boolean, nullable=False)
    summary = Column(String(500), nullable=False)


def record(task: str, complete: bool, summary: str, database_url: str | None = None) -> None:
    """Note a finished run, keeping the newest KEEP_PER_TASK of its task. Best effort: a run whose
    database is down is still done, and its line is in the log."""
    try:
        with session_scope(database_url) as session:
            session.add(MaintenanceRun(task=task, complete=complete, summary=summary[:500]))
            session.flush()
            newest = (
                select(MaintenanceRun.id)
                .where(MaintenanceRun.task == task)
                .order_by(MaintenanceRun.id.desc())
                .limit(KEEP_PER_TASK)
                .scalar_subquery()
            )
            kept = select(func.min(MaintenanceRun.id)).where(MaintenanceRun.id.in_(newest))
            older = delete(MaintenanceRun).where(
                MaintenanceRun.task == task, MaintenanceRun.id < kept.scalar_subquery()
            )
            session.execute(older.execution_options(synchronize_session=False))
    except SQLAlchemyError as error:
        log.warning("Could not note the %s run: %s", task, type(error).__name__)


def last(session: Session, task: str) -> MaintenanceRun | None:
    return session.scalars(
        select(MaintenanceRun).where(MaintenanceRun.task == task).order_by(MaintenanceRun.id.desc()).limit(1)
    ).first()
