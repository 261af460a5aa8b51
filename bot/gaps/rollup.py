"""The gap counts (`gap_counts`): the gap log counted per UTC day, ISO week and month, for the
dashboard summary (bot/gaps/queries.py).

Every gap written, changed or deleted through a Session moves the counts in the same transaction
(an `after_flush` hook below): the recorder (and so spool replay), the department an employee
adds afterwards, and triage's status changes. No database triggers, so SQLite and PostgreSQL
behave the same. `rebuild` recounts
everything from `gaps` (`bot gaps rebuild-rollup`; migration 0004 runs it once).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from collections import Counter

from sqlalchemy import delete, event, func, insert, literal, select, update
from sqlalchemy.orm import Session, attributes

from bot.gaps.models import Gap, GapCount

GRAINS = ("day", "week", "month")
DIMENSIONS = ("kind", "private_tool", "need", "department", "status")


def day_of(created_at: datetime) -> date:
    """The UTC day of a timestamp (naive timestamps, as SQLite returns them, are UTC)."""
    if created_at.tzinfo is not None:
        created_at = created_at.astimezone(timezone.utc)
    return created_at.date()


def starts(day: date) -> dict[str, date]:
    """The first day of the day, the ISO week (Monday) and the month that `day` belongs to."""
    return {"day": day, "week": day - timedelta(days=day.weekday()), "month": day.replace(day=1)}


def _same(column, value):
    return column.is_(None) if value is None else column == value


def add(connection, deltas: Counter) -> None:
    """Add the counts `deltas` ({(created_at day, kind, private_tool, need, department, status):
    delta}) to every grain, in the caller's transaction (UPDATE … SET count = count + delta, so
    concurrent writers lose nothing; a new cell is INSERTed)."""
    by_cell: Counter = Counter()
    for (day, *values), delta in deltas.items():
        for grain, start in starts(day).items():
            by_cell[(grain, start, *values)] += delta
    table = GapCount.__table__
    for (grain, start, *values), delta in by_cell.items():
        if not delta:
            continue
        match = [table.c.grain == grain, table.c.day == start,
                 *(_same(table.c[name], value) for name, value in zip(DIMENSIONS, values))]
        one = select(table.c.id).where(*match).order_by(table.c["count"].desc()).limit(1).scalar_subquery()
        done = connection.execute(update(table).where(table.c.id == one).values(count=table.c["count"] + delta))
        if not done.rowcount:
            connection.execute(insert(table).values(grain=grain, day=start, count=delta, **dict(zip(DIMENSIONS, values))))


def _cell(gap: Gap, old: bool = False) -> tuple:
    """The gap's cell key: now, or (old=True) as it was before the changes being flushed."""
    values = []
    for name in ("created_at", *DIMENSIONS):
        value = getattr(gap, name)
        if old:
            history = attributes.get_history(gap, name)
            if history.has_changes() and history.deleted:
                value = history.deleted[0]
        values.append(value)
    return (day_of(values[0]), *values[1:])


@event.listens_for(Session, "after_flush")
def _count_flushed_gaps(session: Session, flush_context) -> None:
    """Every gap the ORM inserts, changes or deletes moves the counts in the same transaction:
    the recorder (and spool replay), triage, the tests' own records. Bulk `update(Gap)` and
    `delete(Gap)` statements bypass this; use the ORM (or `rebuild`) for those."""
    deltas: Counter = Counter()
    for obj in session.new:
        if isinstance(obj, Gap):
            deltas[_cell(obj)] += 1
    for obj in session.dirty:
        if isinstance(obj, Gap) and session.is_modified(obj, include_collections=False):
            old, new = _cell(obj, old=True), _cell(obj)
            if old != new:
                deltas[old] -= 1
                deltas[new] += 1
    for obj in session.deleted:
        if isinstance(obj, Gap):
            deltas[_cell(obj, old=True)] -= 1
    if any(deltas.values()):
        add(session.connection(), deltas)


def _expressions(dialect: str):
    """SQL for (the UTC day of created_at, the Monday of a day column, the first of its month)."""
    if dialect == "postgresql":
        return (
            lambda: func.date(func.timezone("UTC", Gap.created_at)),
            lambda day: func.date(func.date_trunc("week", day)),
            lambda day: func.date(func.date_trunc("month", day)),
        )
    return (
        lambda: func.date(Gap.created_at),
        lambda day: func.date(day, "weekday 0", "-6 days"),
        lambda day: func.date(day, "start of month"),
    )


def rebuild(connection) -> int:
    """Recount `gap_counts` from `gaps` (in the caller's transaction); returns the rows written.
    `connection` is a Connection or a Session."""
    dialect = connection.get_bind().dialect.name if isinstance(connection, Session) else connection.dialect.name
    day_sql, week_sql, month_sql = _expressions(dialect)
    dims = [getattr(Gap, name) for name in DIMENSIONS]
    target = [GapCount.grain, GapCount.day, *(getattr(GapCount, name) for name in DIMENSIONS), GapCount.count]
    names = [c.key for c in target]
    connection.execute(delete(GapCount))
    day = day_sql()
    connection.execute(insert(GapCount).from_select(
        names, select(literal("day"), day, *dims, func.count()).group_by(day, *dims)))
    for grain, start_sql in (("week", week_sql), ("month", month_sql)):
        start = start_sql(GapCount.day)
        counted = [getattr(GapCount, name) for name in DIMENSIONS]
        connection.execute(insert(GapCount).from_select(
            names,
            select(literal(grain), start, *counted, func.sum(GapCount.count))
            .where(GapCount.grain == "day").group_by(start, *counted),
        ))
    return connection.execute(select(func.count()).select_from(GapCount)).scalar()
