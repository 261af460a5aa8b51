"""Reading the gap log: records (whole, or k-anonymous for IT), exports (JSON, CSV, XLSX) and a
readable summary for the terminal."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Container, Iterable
from datetime import date, datetime, time, timezone

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.gaps.models import Gap

FIELDS = (
    "id",
    "created_at",
    "kind",
    "private_tool",
    "need",
    "alternatives",
    "department",
    "channel",
    "text",
    "language",
    "status",
    "note",
    "public_note",
)


def since_datetime(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


def gaps_since(session: Session, since: date | None = None) -> list[Gap]:
    query = select(Gap).order_by(Gap.created_at, Gap.id)
    if since:
        query = query.where(Gap.created_at >= since_datetime(since))
    return list(session.scalars(query))


def as_dict(gap: Gap) -> dict:
    """The whole record: `bot gaps export`, run with the database's own credentials."""
    row = {name: getattr(gap, name) for name in FIELDS}
    created = gap.created_at if gap.created_at.tzinfo else gap.created_at.replace(tzinfo=timezone.utc)
    row["created_at"] = created.astimezone(timezone.utc).isoformat(timespec="seconds")
    row["alternatives"] = list(gap.alternatives or [])
    return row


def record(gap: Gap, shown_departments: Container[str]) -> dict:
    """The record as IT's pages, the API and their downloads show it, k-anonymously: the UTC day
    instead of the time, and the department only when it is one of `shown_departments` (shared
    by at least the threshold of records, bot.gaps.queries), else None like one not given."""
    row = as_dict(gap)
    row["created_at"] = row["created_at"][:10]
    if row["department"] not in shown_departments:
        row["department"] = None
    return row


def to_json(gaps: list[Gap]) -> str:
    return json.dumps([as_dict(g) for g in gaps], ensure_ascii=False, indent=2) + "\n"


# --- spreadsheets ------------------------------------------------------------------------------------
# A spreadsheet runs a cell that starts with = + - @ (or a tab or line break before one, or their
# full-width forms) as a formula: =HYPERLINK or =WEBSERVICE can send the sheet's data away, DDE
# (=cmd|...) can start programs. Employees and IT write the texts, so no cell may start one.

FORMULA_START = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _looks_like_formula(value: str) -> bool:
    return value.lstrip(" \u00a0")[:1] in FORMULA_START  # after spaces too: LibreOffice may trim them


def _cells(row: dict) -> list:
    """A row's cells in FIELDS order: alternatives joined with ', ', None as empty."""
    cells = {**row, "alternatives": ", ".join(row["alternatives"])}
    return ["" if cells[name] is None else cells[name] for name in FIELDS]


def to_csv(rows: Iterable[dict]) -> str:
    """Rows (`as_dict` or `record`) as CSV for Excel with Norwegian settings: a BOM (else Excel
    reads Windows-1252), ';' between fields (the list separator where the decimal sign is a comma),
    every field quoted, and a text that starts a formula given a leading apostrophe, which Excel
    and LibreOffice take as "this is text" (other readers show it)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(
            "'" + cell if isinstance(cell, str) and _looks_like_formula(cell) else cell for cell in _cells(row)
        )
    return buffer.getvalue()


def _xlsx_cell(sheet, name: str, value) -> WriteOnlyCell:
    if value == "":
        return WriteOnlyCell(sheet)
    if name == "created_at":
        cell = WriteOnlyCell(sheet, value=date.fromisoformat(value))
        cell.number_format = "yyyy-mm-dd"
        return cell
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))  # XML 1.0 cannot hold them
    cell.data_type = "s"
    cell.quotePrefix = _looks_like_formula(value)
    return cell


def to_xlsx(rows: Iterable[dict]) -> bytes:
    """`record` rows as an Excel workbook (openpyxl, written as it goes): every text a text cell,
    exactly as written (openpyxl would make one that starts with '=' a formula), marked
    quote-prefixed when it looks like a formula so that editing it keeps it text; created_at a
    date cell."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Behov")
    sheet.append(FIELDS)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, name, value) for name, value in zip(FIELDS, _cells(row))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary(gaps: list[Gap], top: int = 10) -> str:
    """Top private tools, needs no tool covers, suggestions, by department and by week."""
    if not gaps:
        return "No gaps recorded in this period.\n"
    private = Counter(g.private_tool for g in gaps if g.kind == "private_tool")
    missing = Counter((g.need or "").casefold() for g in gaps if g.kind == "missing_tool")
    suggested = Counter((g.need or "").casefold() for g in gaps if g.kind == "suggestion")
    departments = Counter(g.department or "(not given)" for g in gaps)
    weeks = Counter(f"{g.created_at.isocalendar()[0]}-W{g.created_at.isocalendar()[1]:02d}" for g in gaps)
    lines = [
        f"Gaps: {len(gaps)} ({sum(private.values())} private tool, {sum(missing.values())} missing tool"
        + (f", {sum(suggested.values())} suggestion)" if suggested else ")")
    ]

    def table(title: str, counts: Counter, limit: int | None = top, ordered: bool = False) -> None:
        lines.append("")
        lines.append(title)
        items = sorted(counts.items()) if ordered else counts.most_common(limit)
        width = max((len(str(k)) for k, _ in items), default=0)
        lines.extend(f"  {str(name):<{width}}  {count:>5}" for name, count in items)

    table("Top private tools", private)
    table("Needs no tool covers", missing)
    if suggested:
        table("Suggestions", suggested)
    table("By department", departments, limit=None)
    table("By week", weeks, ordered=True)
    return "\n".join(lines) + "\n"
