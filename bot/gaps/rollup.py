"""The gap counts for the dashboard summary (bot/gaps/queries.py): the gap log counted per UTC
day, ISO week, month and quarter, in two tables: `gap_counts` per (kind, private tool, need,
department, status) and `gap_totals`, the same without the need. Needs are often free text, so
`gap_totals` has far fewer rows; the summary reads it unless the need is filtered on.

Once `install()` has run, every gap the ORM inserts, changes or deletes moves the counts in the
same transaction, in one batch per flush (an `after_flush` hook that looks only at Gap objects;
other flushes are left alone): the recorder (and so spool replay), the department an employee adds
afterwards, and triage's status changes. The gap writers call `install()` (the recorder's writers,
triage.change); nothing is installed by an import. No database triggers, so SQLite and PostgreSQL
behave the same. `rebuild` recounts everything from `gaps` (`bot gaps rebuild-rollup`; migration
0005 runs it once).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone
from functools import cache

from sqlalchemy import (
    Integer,
    bindparam,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, attributes

from bot.gaps.models import Gap, GapCount, GapTotal

GRAINS = ("day", "week", "month", "quarter")
DIMENSIONS = ("kind", "private_tool", "need", "department", "status")


# Each count table and the dimensions it keeps.
TABLES = {GapCount: DIMENSIONS, GapTotal: tuple(name for name in DIMENSIONS if name != "need")}


def day_of(created_at: datetime) -> date:
    """The UTC day of a timestamp (naive timestamps, as SQLite returns them, are UTC)."""
    if created_at.tzinfo is not None:
        created_at = created_at.astimezone(timezone.utc)
    return created_at.date()


def starts(day: date) -> dict[str, date]:
    """The first day of the day, the ISO week (Monday), the month and the quarter of `day`."""
    return {
        "day": day,
        "week": day - timedelta(days=day.weekday()),
        "month": day.replace(day=1),
        "quarter": day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1),
    }


def after(grain: str, first: date) -> date:
    """The day after the `grain` unit that starts on `first`."""
    if grain in ("day", "week"):
        return first + timedelta(days=1 if grain == "day" else 7)
    months = 1 if grain == "month" else 3
    month = first.month - 1 + months
    return first.replace(year=first.year + month // 12, month=month % 12 + 1, day=1)


def spans(
    start: date, end: date, grains: tuple[str, ...] = ("quarter", "month", "week")
) -> list[tuple[str, date, date]]:
    """The days start..end as few count rows as possible: (grain, first, last unit start) runs,
    the whole units of the first of `grains` (coarsest first) inside the period, the rest on each
    side by the next grains, and days where no unit fits."""
    if start > end:
        return []
    if not grains:
        return [("day", start, end)]
    grain, finer = grains[0], grains[1:]
    first = starts(start)[grain]
    if first < start:
        first = after(grain, first)
    last, unit = None, first
    while after(grain, unit) <= end + timedelta(days=1):
        last, unit = unit, after(grain, unit)
    if last is None:
        return spans(start, end, finer)
    return [*spans(start, first - timedelta(days=1), finer), (grain, first, last), *spans(unit, end, finer)]


def read(table, runs: list[tuple[str, date, date]], where: list, *columns):
    """A subquery of `columns`, `day` and `count` of `table` (GapCount or GapTotal) over the
    `runs` of `spans`: one branch per run (UNION ALL), so PostgreSQL reads each as an index-only
    range scan of (grain, day)."""
    branches = [
        select(*columns, table.day, table.count).where(table.grain == grain, table.day.between(first, last), *where)
        for grain, first, last in runs
    ]
    return (branches[0] if len(branches) == 1 else union_all(*branches)).subquery()


@cache
def _increment(model):
    """UPDATE … SET count = count + :delta of one row of the cell given as parameters (the
    fullest, when concurrent writers made two), built once per table so that a flush of many
    cells reuses one compiled statement."""
    table = model.__table__
    cell = [
        table.c.grain == bindparam("cell_grain"),
        table.c.day == bindparam("cell_day"),
        *(
            table.c[name].is_not_distinct_from(bindparam(f"cell_{name}", type_=table.c[name].type))
            for name in TABLES[model]
        ),
    ]
    one = select(table.c.id).where(*cell).order_by(table.c["count"].desc()).limit(1).scalar_subquery()
    return update(table).where(table.c.id == one).values(count=table.c["count"] + bindparam("delta"))


def add(connection, deltas: Counter) -> None:
    """Add the counts `deltas` ({(created_at day, kind, private_tool, need, department, status):
    delta}) to every grain of both tables, in the caller's transaction (UPDATE … SET count =
    count + delta, so concurrent writers lose nothing; a new cell is INSERTed)."""
    by_cell: Counter = Counter()
    for (day, *values), delta in deltas.items():
        cell = dict(zip(DIMENSIONS, values))
        for grain, start in starts(day).items():
            for model, names in TABLES.items():
                by_cell[(model, grain, start, tuple(cell[name] for name in names))] += delta
    for (model, grain, start, values), delta in by_cell.items():
        if not delta:
            continue
        dimensions = dict(zip(TABLES[model], values))
        cell = {"cell_grain": grain, "cell_day": start, **{f"cell_{name}": value for name, value in dimensions.items()}}
        if not connection.execute(_increment(model), {**cell, "delta": delta}).rowcount:
            connection.execute(insert(model.__table__).values(grain=grain, day=start, count=delta, **dimensions))


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


def _count_flushed_gaps(session: Session, _flush_context) -> None:
    """Every gap the flush inserted, changed or deleted moves the counts, in one batch and in the
    same transaction; a flush without gaps costs a look at its objects' classes."""
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


def install() -> None:
    """Keep both count tables in step with the gaps the ORM inserts, changes or deletes, in the
    flush's own transaction (the recorder, spool replay, triage, the tests' own records); calling
    it again changes nothing. Bulk `update(Gap)` and `delete(Gap)` statements bypass it; use the
    ORM (or `rebuild`) for those."""
    if not event.contains(Session, "after_flush", _count_flushed_gaps):
        event.listen(Session, "after_flush", _count_flushed_gaps)


def _created_day(dialect: str):
    """SQL for the UTC day of created_at."""
    if dialect == "postgresql":
        return func.date(func.timezone("UTC", Gap.created_at))
    return func.date(Gap.created_at)


def _unit_start(dialect: str, grain: str, day):
    """SQL for the first day of the week, month or quarter of the date column `day`."""
    if dialect == "postgresql":
        return func.date(func.date_trunc(grain, day))
    if grain == "week":
        return func.date(day, "weekday 0", "-6 days")
    months_back = 0 if grain == "month" else (cast(func.strftime("%m", day), Integer) - 1) % 3
    return func.date(day, "start of month", func.printf("-%d months", months_back))


def rebuild(connection) -> int:
    """Recount both count tables from `gaps` (in the caller's transaction); returns the rows
    written. `connection` is a Connection or a Session."""
    dialect = connection.get_bind().dialect.name if isinstance(connection, Session) else connection.dialect.name
    created_day = _created_day(dialect)
    for model in TABLES:
        connection.execute(delete(model))
    dims = [getattr(Gap, name) for name in DIMENSIONS]
    names = ["grain", "day", *DIMENSIONS, "count"]
    connection.execute(
        insert(GapCount).from_select(
            names, select(literal("day"), created_day, *dims, func.count()).group_by(created_day, *dims)
        )
    )
    counted = [getattr(GapCount, name) for name in DIMENSIONS]
    for grain in GRAINS[1:]:
        start = _unit_start(dialect, grain, GapCount.day)
        connection.execute(
            insert(GapCount).from_select(
                names,
                select(literal(grain), start, *counted, func.sum(GapCount.count))
                .where(GapCount.grain == "day")
                .group_by(start, *counted),
            )
        )
    kept = [getattr(GapCount, name) for name in TABLES[GapTotal]]
    connection.execute(
        insert(GapTotal).from_select(
            ["grain", "day", *TABLES[GapTotal], "count"],
            select(GapCount.grain, GapCount.day, *kept, func.sum(GapCount.count)).group_by(
                GapCount.grain, GapCount.day, *kept
            ),
        )
    )
    return sum(connection.execute(select(func.count()).select_from(model)).scalar() for model in TABLES)
