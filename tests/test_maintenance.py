"""bot/maintenance.py: each task keeps its newest runs only, and `last` is the newest."""

from __future__ import annotations

from sqlalchemy import func, select

from bot import db, maintenance
from bot.maintenance import MaintenanceRun


def test_a_task_keeps_its_newest_runs_and_leaves_other_tasks_alone(db_url, monkeypatch):
    monkeypatch.setattr(maintenance, "KEEP_PER_TASK", 3)
    maintenance.record("purge:inbox", True, "first", db_url)
    for number in range(5):
        maintenance.record("purge:spool", number != 4, f"run {number}", db_url)
    with db.session_scope(db_url) as session:
        kept = session.scalars(
            select(MaintenanceRun.summary).where(MaintenanceRun.task == "purge:spool").order_by(MaintenanceRun.id)
        ).all()
        assert kept == ["run 2", "run 3", "run 4"]
        newest = maintenance.last(session, "purge:spool")
        assert (newest.summary, newest.complete) == ("run 4", False)
        assert session.scalar(select(func.count()).select_from(MaintenanceRun)) == 4  # the inbox's run stays
