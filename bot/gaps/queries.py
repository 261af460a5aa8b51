"""Reading the gap log for IT: filters, a page of the filtered list, the summary (with small
department counts hidden), and groups of similar records.

The admin pages and the API share everything here, so a filter means the same in both. Periods are
whole days in UTC, both ends included; the previous period is as long and ends the day before.

Records are shown k-anonymously (`record_page`, `iter_records`, `one_record`): a record names its
department only when at least `threshold` records share it, and its day, not its time.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.gaps import report, rollup
from bot.gaps.models import KINDS, STATUSES, Gap, GapCount
from bot.gaps.report import since_datetime
from bot.language import norwegian

DEFAULT_DAYS = 30
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
TOP = 10
# The kinds whose need is the employee's own words: the summary lists their most common needs.
NEED_KINDS = ("missing_tool", "suggestion")
# The dates a filter may name. The log has nothing older, and the period before a period (the
# summary's comparison) must exist: Python's dates end at 9999-12-31, where to=9999-12-31 and
# from=0001-01-01 overflowed into a 500. Within these, the widest summary has 5,219 weeks.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class FilterError(ValueError):
    """A filter value that cannot be used; the message is for the person who wrote it (Norwegian)."""


class Withheld(Exception):
    """The filter names a department that fewer than the threshold of its records share: listing
    them one by one would name the department of each. The message is Norwegian."""


@dataclass(frozen=True)
class GapFilter:
    """Which gaps to show: a period of whole days and optional exact or partial matches."""

    start: date
    end: date
    kind: str | None = None
    status: str | None = None
    need: str | None = None  # part of the need (category or description), any case
    private_tool: str | None = None
    department: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> GapFilter:
        """The same filter over the period of the same length just before this one."""
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    def conditions(self, *, period: bool = True, table=Gap) -> list:
        """SQL conditions on `table` (Gap, or GapCount without the period)."""
        where = []
        if period:
            where += [
                Gap.created_at >= since_datetime(self.start),
                Gap.created_at < since_datetime(self.end + timedelta(days=1)),
            ]
        if self.kind:
            where.append(table.kind == self.kind)
        if self.status:
            where.append(table.status == self.status)
        if self.need:
            pattern = self.need.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(table.need.ilike(f"%{pattern}%", escape="\\"))
        if self.private_tool:
            where.append(table.private_tool == self.private_tool)
        if self.department:
            where.append(table.department == self.department)
        return where

    def params(self) -> dict[str, str]:
        """The filter as query parameters (the inverse of `parse_filter`)."""
        values = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "kind": self.kind,
            "status": self.status,
            "need": self.need,
            "tool": self.private_tool,
            "department": self.department,
        }
        return {key: value for key, value in values.items() if value}


def _date(params: Mapping[str, str], name: str, label: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(f"{label} må være en dato på formen ÅÅÅÅ-MM-DD, for eksempel 2024-03-01.") from None


def parse_filter(params: Mapping[str, str], today: date | None = None) -> GapFilter:
    """A filter from query parameters: from, to (YYYY-MM-DD), kind, status, need, tool, department.

    Without dates the period is the last 30 days up to and including `today` (default: today in UTC).
    """
    end = _date(params, "to", "Til-datoen") or today or datetime.now(timezone.utc).date()
    start = _date(params, "from", "Fra-datoen") or end - timedelta(days=DEFAULT_DAYS - 1)
    if not FIRST_DAY <= start <= LAST_DAY or not FIRST_DAY <= end <= LAST_DAY:
        raise FilterError(f"Datoene må ligge mellom {FIRST_DAY:%d.%m.%Y} og {LAST_DAY:%d.%m.%Y}.")
    if start > end:
        raise FilterError("Fra-datoen må være før eller lik til-datoen.")
    text = {name: (params.get(name) or "").strip() or None for name in ("kind", "status", "need", "tool", "department")}
    if text["kind"] and text["kind"] not in KINDS:
        raise FilterError(f"Ukjent type. Velg en av: {', '.join(KINDS)}.")
    if text["status"] and text["status"] not in STATUSES:
        raise FilterError(f"Ukjent status. Velg en av: {', '.join(STATUSES)}.")
    return GapFilter(
        start=start,
        end=end,
        kind=text["kind"],
        status=text["status"],
        need=text["need"],
        private_tool=text["tool"],
        department=text["department"],
    )


def parse_paging(params: Mapping[str, str]) -> tuple[int, int]:
    """(page, per_page) from query parameters, page counted from 1."""
    try:
        page = int(params.get("page") or 1)
        per_page = int(params.get("per_page") or DEFAULT_PER_PAGE)
    except ValueError:
        raise FilterError("Sidetallet må være et helt tall.") from None
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise FilterError(f"Sidetallet må være 1 eller mer, og antall per side mellom 1 og {MAX_PER_PAGE}.")
    return page, per_page


# --- the list ----------------------------------------------------------------------------------------


@dataclass
class Page:
    items: list  # Gap rows (list_page) or report.record dicts (record_page)
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def list_page(session: Session, gap_filter: GapFilter, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> Page:
    """One page of the filtered gaps, newest first."""
    where = gap_filter.conditions()
    total = session.scalar(select(func.count()).select_from(Gap).where(*where))
    items = session.scalars(
        select(Gap)
        .where(*where)
        .order_by(Gap.created_at.desc(), Gap.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(items), total, page, per_page)


def iter_gaps(session: Session, gap_filter: GapFilter, batch: int = 1000) -> Iterator[Gap]:
    """Every filtered gap, newest first, read in batches (for the downloads)."""
    query = select(Gap).where(*gap_filter.conditions()).order_by(Gap.created_at.desc(), Gap.id.desc())
    yield from session.execute(query.execution_options(yield_per=batch)).scalars()


# --- records, k-anonymous ---------------------------------------------------------------------------


def _shown_departments(session: Session, gap_filter: GapFilter, threshold: int) -> frozenset[str]:
    """The departments that at least `threshold` of the filtered gaps share, summed from the gap
    counts (bot/gaps/rollup.py) as the summary's are, so that no request scans the records twice."""
    table, filters = _counted(session, gap_filter)
    runs = rollup.read(
        table,
        rollup.spans(gap_filter.start, gap_filter.end),
        [*filters, table.department.is_not(None)],
        table.department,
    )
    return frozenset(
        session.scalars(
            select(runs.c.department).group_by(runs.c.department).having(func.sum(runs.c["count"]) >= threshold)
        )
    )


def shown_in(session: Session, gap_filter: GapFilter, threshold: int) -> frozenset[str]:
    """The departments a per-record view of the filtered set names: those that at least
    `threshold` of its records share (counted over the whole set, not the page). Narrower filters
    hide more. Raises Withheld when the filter itself names a department that is not among them."""
    shown = _shown_departments(session, gap_filter, threshold)
    if gap_filter.department and gap_filter.department not in shown:
        raise Withheld(
            f"Færre enn {threshold} behov fra avdelingen «{gap_filter.department}» passer med valgene. "
            "De vises ikke enkeltvis, slik at ingen kan kjennes igjen. Velg en lengre periode eller færre valg."
        )
    return shown


def record_page(
    session: Session, gap_filter: GapFilter, threshold: int, page: int = 1, per_page: int = DEFAULT_PER_PAGE
) -> Page:
    """`list_page` with each gap as `report.record` (k-anonymous); raises Withheld."""
    shown = shown_in(session, gap_filter, threshold)
    result = list_page(session, gap_filter, page, per_page)
    result.items = [report.record(gap, shown) for gap in result.items]
    return result


def iter_records(session: Session, gap_filter: GapFilter, threshold: int) -> Iterator[dict]:
    """`iter_gaps` as `report.record`s (k-anonymous); raises Withheld before the first one."""
    shown = shown_in(session, gap_filter, threshold)
    return (report.record(gap, shown) for gap in iter_gaps(session, gap_filter))


def one_record(session: Session, gap_id: int, threshold: int) -> dict | None:
    """One gap as `report.record`, its department counted over the whole log: the widest list
    (every day from FIRST_DAY) names it exactly then, so this page shows no more than a list."""
    gap = session.get(Gap, gap_id)
    if gap is None:
        return None
    whole_log = GapFilter(start=FIRST_DAY, end=LAST_DAY, department=gap.department)
    return report.record(gap, _shown_departments(session, whole_log, threshold) if gap.department else frozenset())


# --- the summary -------------------------------------------------------------------------------------


def _utc_day(session: Session):
    """The UTC calendar day of created_at, as SQL (PostgreSQL and SQLite differ)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", Gap.created_at))
    return func.date(Gap.created_at)


def _refuse_small_department(session: Session, gap_filter: GapFilter, threshold: int) -> None:
    if gap_filter.department is not None:
        shown_in(session, gap_filter, threshold)


def _shown(count: int, threshold: int) -> int | None:
    """The count, or None when fewer than `threshold` records back it."""
    return count if count >= threshold else None


def summary(session: Session, gap_filter: GapFilter, threshold: int, top: int = TOP) -> dict:
    """What the dashboard and /api/v1/gaps/summary show, as JSON-ready data, read from the gap
    counts (bot/gaps/rollup.py): whole quarters, months and weeks inside each period and days at
    its ends (whole weeks for the weekly chart), from `gap_totals` unless the need is filtered
    on, so a year reads tens of thousands of counts instead of every record. The same as
    `summary_from_records`, which the tests check.

    Department counts below `threshold` are None ("færre enn N"), so no small group can be
    singled out; this holds for the department table and for each tool's breakdown. Filtered on a
    department, every count is that department's: raises Withheld below the threshold.
    """
    _refuse_small_department(session, gap_filter, threshold)
    previous = gap_filter.previous()
    table, filters = _counted(session, gap_filter)
    need_filters = filters if gap_filter.need else gap_filter.conditions(period=False, table=GapCount)
    both = rollup.read(
        table,
        rollup.spans(previous.start, previous.end) + rollup.spans(gap_filter.start, gap_filter.end),
        filters,
        table.kind,
        table.private_tool,
        table.department,
    )
    total = func.sum(both.c["count"])
    counts = session.execute(
        select(
            both.c.kind,
            both.c.private_tool,
            both.c.department,
            total.filter(both.c.day >= gap_filter.start),
            total.filter(both.c.day < gap_filter.start),
        ).group_by(both.c.kind, both.c.private_tool, both.c.department)
    )
    weeks = rollup.read(table, rollup.spans(gap_filter.start, gap_filter.end, ("week",)), filters)
    days = session.execute(select(weeks.c.day, func.sum(weeks.c["count"])).group_by(weeks.c.day))
    missing = rollup.read(
        GapCount,
        rollup.spans(gap_filter.start, gap_filter.end),
        [*need_filters, GapCount.kind.in_(NEED_KINDS)],
        GapCount.kind,
        GapCount.need,
    )
    needs = session.execute(
        select(missing.c.kind, missing.c.need, func.sum(missing.c["count"]))
        .group_by(missing.c.kind, missing.c.need)
        .having(func.sum(missing.c["count"]) > 0)
    )
    return _summary(gap_filter, threshold, top, counts, days, needs)


def _counted(session: Session, gap_filter: GapFilter) -> tuple[Any, list]:
    """The count table and the conditions on it (without the period) that count the filtered gaps:
    gap_totals, or gap_counts when the need is filtered on, comparing the needs the pattern
    matches by equality."""
    if gap_filter.need:
        return GapCount, [
            *replace(gap_filter, need=None).conditions(period=False, table=GapCount),
            GapCount.need.in_(_matching_needs(session, gap_filter)),
        ]
    return rollup.GapTotal, gap_filter.conditions(period=False, table=rollup.GapTotal)


def _matching_needs(session: Session, gap_filter: GapFilter) -> list[str]:
    """The need texts the filter's partial need matches, from the counts of the quarters around
    the period (a few thousand rows), so that the summary compares needs by equality instead of
    matching the pattern against every count it reads."""
    quarters = GapCount.day.between(
        rollup.starts(gap_filter.start)["quarter"], rollup.starts(gap_filter.end)["quarter"]
    )
    return list(
        session.scalars(
            select(GapCount.need)
            .distinct()
            .where(GapCount.grain == "quarter", quarters, *gap_filter.conditions(period=False, table=GapCount))
        )
    )


def summary_from_records(session: Session, gap_filter: GapFilter, threshold: int, top: int = TOP) -> dict:
    """`summary` counted from the records themselves: what the gap counts must agree with (the
    tests compare them; `bot gaps rebuild-rollup` recounts from the records). Three scans of the
    period (index-only on PostgreSQL with the covering index): counts by kind, tool and department
    over this and the previous period, counts per day, and the uncovered needs."""
    _refuse_small_department(session, gap_filter, threshold)
    previous = gap_filter.previous()
    period = gap_filter.conditions()[:2]
    current, earlier = and_(*period), Gap.created_at < since_datetime(gap_filter.start)
    both = previous.conditions()[:1] + gap_filter.conditions()[1:]  # previous start .. current end, same filters
    counts = session.execute(
        select(Gap.kind, Gap.private_tool, Gap.department, func.count().filter(current), func.count().filter(earlier))
        .where(*both)
        .group_by(Gap.kind, Gap.private_tool, Gap.department)
    )
    day = _utc_day(session)
    days = (
        (date.fromisoformat(str(value)[:10]), count)
        for value, count in session.execute(select(day, func.count()).where(*gap_filter.conditions()).group_by(day))
    )
    needs = session.execute(
        select(Gap.kind, Gap.need, func.count())
        .where(*gap_filter.conditions(), Gap.kind.in_(NEED_KINDS))
        .group_by(Gap.kind, Gap.need)
    )
    return _summary(gap_filter, threshold, top, counts, days, needs)


def _summary(gap_filter: GapFilter, threshold: int, top: int, counts, days, needs) -> dict:
    """The summary from (kind, tool, department, now, before) rows, (day, count) rows (a week's
    count may stand on its Monday) and (kind, need, count) rows of missing tools and suggestions."""
    previous = gap_filter.previous()
    kinds: Counter[str] = Counter()
    tools_now: Counter[str] = Counter()
    tools_before: Counter[str] = Counter()
    by_department: Counter[str | None] = Counter()
    tool_departments: defaultdict[str, Counter[str | None]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for kind, tool, department, now, before in counts:
        now, before = int(now or 0), int(before or 0)
        totals["now"] += now
        totals["before"] += before
        kinds[kind] += now
        by_department[department] += now
        if kind == "private_tool" and tool is not None:
            tools_now[tool] += now
            tools_before[tool] += before
            tool_departments[tool][department] += now
    top_tools = sorted((t for t, n in tools_now.items() if n), key=lambda t: (-tools_now[t], t))[:top]

    def departments(counts: Counter) -> list[dict]:
        ordered = sorted((d for d, n in counts.items() if n), key=lambda d: (-counts[d], d is None, d or ""))
        return [{"department": d, "count": _shown(counts[d], threshold)} for d in ordered]

    per_day: Counter[date] = Counter()
    for value, count in days:
        per_day[value] += int(count or 0)

    # Sorted, so that ties (two needs or two labels with the same count) come out the same
    # whatever order the database grouped them in.
    need_counts: dict[str, Counter[str]] = {kind: Counter() for kind in NEED_KINDS}
    labels: dict[str, Counter] = defaultdict(Counter)
    for kind, need, count in sorted(needs, key=lambda row: (row[0], row[1] is None, row[1] or "")):
        key = need_key(need)
        need_counts[kind][key] += int(count)
        labels[f"{kind}:{key}"][need or ""] += int(count)

    def top_needs(kind: str) -> list[dict]:
        return [
            {"need": labels[f"{kind}:{key}"].most_common(1)[0][0] or None, "count": count}
            for key, count in need_counts[kind].most_common(top)
        ]

    return {
        "period": {"from": gap_filter.start.isoformat(), "to": gap_filter.end.isoformat()},
        "previous_period": {"from": previous.start.isoformat(), "to": previous.end.isoformat()},
        "threshold": threshold,
        "total": totals["now"],
        "previous_total": totals["before"],
        "by_kind": {kind: kinds[kind] for kind in KINDS},
        "top_private_tools": [
            {
                "private_tool": tool,
                "count": tools_now[tool],
                "previous": tools_before[tool],
                "change": tools_now[tool] - tools_before[tool],
                "departments": departments(tool_departments[tool]),
            }
            for tool in top_tools
        ],
        "uncovered_needs": top_needs("missing_tool"),
        "suggestions": top_needs("suggestion"),
        "weeks": weekly(per_day, gap_filter.start, gap_filter.end),
        "departments": departments(by_department),
    }


def weekly(days: Mapping[date, int], start: date, end: date) -> list[dict]:
    """Counts per ISO week (Monday to Sunday) from the week of `start` to the week of `end`."""
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        count = sum(days.get(monday + timedelta(days=i), 0) for i in range(7))
        year, week, _ = monday.isocalendar()
        weeks.append({"week": f"{year}-W{week:02d}", "start": monday.isoformat(), "count": count})
        monday += timedelta(days=7)
    return weeks


# --- groups ------------------------------------------------------------------------------------------


def need_key(need: str | None) -> str:
    """Needs that mean the same share a key (bot.language.norwegian.term_key)."""
    return norwegian.term_key(need)


def group_key(kind: str, private_tool: str | None, need: str | None) -> str:
    if kind == "private_tool" and private_tool:
        return f"tool:{private_tool}"
    if kind == "suggestion":
        return f"suggestion:{need_key(need)}"
    return f"need:{need_key(need)}"


@dataclass
class Group:
    key: str
    kind: str
    label: str
    count: int = 0
    statuses: Counter = field(default_factory=Counter)
    needs: set = field(default_factory=set)  # the need texts of the records (for finding members)
    latest: date | None = None  # the UTC day of the newest record (a day, as records show it)


def groups(session: Session, gap_filter: GapFilter) -> list[Group]:
    """The filtered gaps in groups, largest first: one group per private tool, and one per set of
    missing-tool needs (or of suggestions) with the same search terms."""
    found: dict[str, Group] = {}
    rows = session.execute(
        select(Gap.kind, Gap.private_tool, Gap.need, Gap.status, func.count(), func.max(Gap.created_at))
        .where(*gap_filter.conditions())
        .group_by(Gap.kind, Gap.private_tool, Gap.need, Gap.status)
    )
    for kind, tool, need, status, count, latest in rows:
        key = group_key(kind, tool, need)
        group = found.get(key)
        if group is None:
            label = tool if key.startswith("tool:") else (need or "")
            group_kind = kind if key.startswith(("tool:", "suggestion:")) else "missing_tool"
            group = found[key] = Group(key=key, kind=group_kind, label=label)
        group.count += count
        group.statuses[status] += count
        group.needs.add(need)
        latest = rollup.day_of(latest)
        group.latest = latest if group.latest is None or latest > group.latest else group.latest
    return sorted(found.values(), key=lambda g: (-g.count, g.key))


def group_member_ids(session: Session, gap_filter: GapFilter, key: str) -> list[int]:
    """The ids of the filtered gaps in the group `key` (empty when no such group)."""
    group = next((g for g in groups(session, gap_filter) if g.key == key), None)
    if group is None:
        return []
    query = select(Gap.id, Gap.kind, Gap.private_tool, Gap.need).where(*gap_filter.conditions())
    if key.startswith("tool:"):
        query = query.where(Gap.kind == "private_tool", Gap.private_tool == key[len("tool:") :])
    else:
        needs = [n for n in group.needs if n is not None]
        query = query.where(or_(Gap.need.in_(needs), Gap.need.is_(None) if None in group.needs else False))
    return [gap_id for gap_id, kind, tool, need in session.execute(query) if group_key(kind, tool, need) == key]
