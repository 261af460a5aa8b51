"""Reading the gap log: export (JSON/CSV) and a readable summary for the terminal."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, datetime, time, timezone
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.gaps.models import Gap

FIELDS = (
    "id", "created_at", "kind", "private_tool", "need", "alternatives", "department", "channel",
    "text", "language", "status", "note",
)


def since_datetime(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


def gaps_since(session: Session, since: date | None = None) -> list[Gap]:
    query = select(Gap).order_by(Gap.created_at, Gap.id)
    if since:
        query = query.where(Gap.created_at >= since_datetime(since))
    return list(session.scalars(query))


def as_dict(gap: Gap) -> dict:
    row = {name: getattr(gap, name) for name in FIELDS}
    created = gap.created_at if gap.created_at.tzinfo else gap.created_at.replace(tzinfo=timezone.utc)
    row["created_at"] = created.isoformat(timespec="seconds")
    row["alternatives"] = list(gap.alternatives or [])
    return row


def to_json(gaps: list[Gap]) -> str:
    return json.dumps([as_dict(g) for g in gaps], ensure_ascii=False, indent=2) + "\n"


def _no_formula(value):
    """Spreadsheets run a cell that starts with = + - @ as a formula; the employee wrote the text,
    so such a cell gets a leading apostrophe and stays text."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(gaps: Iterable[Gap]) -> str:
    """The same columns as JSON; alternatives joined with ';'; no cell starts a formula."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for gap in gaps:
        row = as_dict(gap)
        row["alternatives"] = ";".join(row["alternatives"])
        writer.writerow({name: _no_formula(value) for name, value in row.items()})
    return buffer.getvalue()


def summary(gaps: list[Gap], top: int = 10) -> str:
    """Top private tools, needs no tool covers, by department and by week."""
    if not gaps:
        return "No gaps recorded in this period.\n"
    private = Counter(g.private_tool for g in gaps if g.kind == "private_tool")
    missing = Counter((g.need or "").casefold() for g in gaps if g.kind == "missing_tool")
    departments = Counter(g.department or "(not given)" for g in gaps)
    weeks = Counter(f"{g.created_at.isocalendar()[0]}-W{g.created_at.isocalendar()[1]:02d}" for g in gaps)
    lines = [f"Gaps: {len(gaps)} ({sum(private.values())} private tool, {sum(missing.values())} missing tool)"]

    def table(title: str, counts: Counter, limit: int | None = top, ordered: bool = False) -> None:
        lines.append("")
        lines.append(title)
        items = sorted(counts.items()) if ordered else counts.most_common(limit)
        width = max((len(str(k)) for k, _ in items), default=0)
        lines.extend(f"  {str(name):<{width}}  {count:>5}" for name, count in items)

    table("Top private tools", private)
    table("Needs no tool covers", missing)
    table("By department", departments, limit=None)
    table("By week", weeks, ordered=True)
    return "\n".join(lines) + "\n"
