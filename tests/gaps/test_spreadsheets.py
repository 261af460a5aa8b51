"""The gap exports as spreadsheets open them (bot.gaps.report): CSV for Excel with Norwegian
settings and XLSX, with text that an employee or IT wrote to look like a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from bot.gaps import report

# Each starts a formula in Excel, LibreOffice or Google Sheets, some only after a space or as
# the full-width form that East Asian input methods type.
FORMULAS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    " =1+1",
    "\u00a0=1",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff201",
    "=cmd|' /C calc'!A0",
]
PLAIN = ["Kan jeg bruke WhatsApp?", "", "1+1=2", "Mail: a@b.no", "'sitat'", "#N/A"]


def _row(text: str, **fields) -> dict:
    row = {name: None for name in report.FIELDS}
    row.update(
        id=7,
        created_at="2024-03-04",
        kind="private_tool",
        alternatives=["teams", "onedrive"],
        text=text,
        need=text,
        note=text,
        status="ny",
    )
    row.update(fields)
    return row


def _cells(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_turns_every_formula_into_text(text):
    header, row = _cells(report.to_csv([_row(text)]))
    assert len(row) == len(header) == len(report.FIELDS)
    for name in ("text", "need", "note"):
        assert row[header.index(name)] == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_csv_leaves_plain_text_as_it_is(text):
    header, row = _cells(report.to_csv([_row(text)]))
    assert row[header.index("text")] == text
    assert row[header.index("alternatives")] == "teams, onedrive"


def test_csv_quotes_every_field_and_ends_rows_as_excel_does():
    text = report.to_csv([_row('a;b\n"c"')])
    assert text.splitlines()[1].startswith('"7";"2024-03-04";"private_tool";')
    assert _cells(text)[1][report.FIELDS.index("text")] == 'a;b\n"c"'


def _sheet(rows: list[dict]):
    return openpyxl.load_workbook(io.BytesIO(report.to_xlsx(rows))).active


@pytest.mark.parametrize("text", FORMULAS + PLAIN)
def test_xlsx_keeps_every_text_exact_in_a_text_cell(text):
    header, row = _sheet([_row(text)]).iter_rows()
    names = [cell.value for cell in header]
    assert names == list(report.FIELDS)
    for name in ("text", "need", "note"):
        cell = row[names.index(name)]
        assert cell.value == (text.replace("\r", "\n") or None)  # XML reads a carriage return as a line feed
        assert cell.data_type == "s" or cell.value is None
        assert cell.quotePrefix == (text in FORMULAS)  # editing the cell keeps it text
    assert row[names.index("id")].value == 7
    assert row[names.index("created_at")].value.date() == date(2024, 3, 4)
    assert row[names.index("alternatives")].value == "teams, onedrive"


def test_xlsx_replaces_characters_a_worksheet_cannot_hold():
    """A note typed into the admin form may hold control characters that XML 1.0 forbids."""
    (_, row) = _sheet([_row("før\x0better\x00", note="x\x1by")]).iter_rows()
    values = {cell.value for cell in row}
    assert "før\ufffdetter\ufffd" in values and "x\ufffdy" in values
