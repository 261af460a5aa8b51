"""`bot gaps export` and `bot gaps report`, run through bot.cli.main on real databases: standard
output carries only the data, logs and errors go to standard error."""

from __future__ import annotations

import csv
import io
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest

from bot import db
from bot.gaps import report
from bot.gaps.models import Gap

COLUMNS = [
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
]
TRICKY_TEXT = 'Kan jeg dele "filer", bilder og lister i Dropbox?\nDet haster; æøå'

# created_at (UTC), kind, private_tool, need, alternatives, department, text, language
GAPS = [
    (datetime(2024, 3, 4, 10, 0), "private_tool", "whatsapp", "Samhandling", ["teams"], "NAV", "WhatsApp?", "nb"),
    (
        datetime(2024, 3, 5, 9, 30),
        "private_tool",
        "whatsapp",
        "Samhandling",
        ["teams"],
        None,
        "whatsapp til vakter",
        "nb",
    ),
    (
        datetime(2024, 3, 11, 0, 0),
        "private_tool",
        "dropbox",
        "Lagring",
        ["onedrive", "sikker-filoverforing"],
        "Oppvekst",
        TRICKY_TEXT,
        "nb",
    ),
    (datetime(2024, 3, 13, 14, 0), "missing_tool", None, "lage skjema", [], "Helse og omsorg", "lage skjema", "nn"),
    (datetime(2024, 3, 14, 23, 59), "missing_tool", None, "Lage Skjema", [], "NAV", "Lage Skjema", "en"),
]


@pytest.fixture
def gap_log(database) -> str:
    with db.session_scope(database) as session:
        for created, kind, tool, need, alternatives, department, text, language in GAPS:
            session.add(
                Gap(
                    record_id=str(uuid.uuid4()),
                    created_at=created.replace(tzinfo=timezone.utc),
                    kind=kind,
                    private_tool=tool,
                    need=need,
                    alternatives=alternatives,
                    department=department,
                    channel="rest",
                    text=text,
                    language=language,
                )
            )
    return database


@contextmanager
def logging_as_outside_pytest() -> Iterator[None]:
    """Let bot.cli.main configure logging as it does outside pytest: pytest's handlers on the root
    logger (added around each test's call) would make logging.basicConfig do nothing."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(timezone.utc)


def test_export_json_is_only_the_data(gap_log, cli):
    code, out, err = cli("gaps", "export", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [list(row) for row in rows] == [COLUMNS] * len(GAPS)
    assert [instant(r["created_at"]) for r in rows] == [g[0].replace(tzinfo=timezone.utc) for g in GAPS]
    assert [(r["kind"], r["private_tool"], r["need"], r["alternatives"], r["department"]) for r in rows] == [
        (kind, tool, need, alternatives, department) for _, kind, tool, need, alternatives, department, _, _ in GAPS
    ]
    assert [r["text"] for r in rows] == [g[6] for g in GAPS]
    assert all(r["status"] == "ny" and r["channel"] == "rest" and r["note"] is None for r in rows)
    assert len({r["id"] for r in rows}) == len(GAPS) and all(isinstance(r["id"], int) for r in rows)
    assert "æøå" in out  # written as UTF-8, not \u escapes


def csv_rows(out: str) -> list[dict]:
    """The rows of the CSV export as a spreadsheet reads them: BOM, ';' between fields."""
    assert out.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(out[1:]), delimiter=";"))


def test_export_csv_has_the_same_columns_and_rows(gap_log, cli):
    _, json_out, _ = cli("gaps", "export")  # json is the default
    code, out, err = cli("gaps", "export", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "\ufeff" + ";".join(f'"{name}"' for name in COLUMNS)  # every field quoted
    rows = csv_rows(out)
    assert list(rows[0]) == COLUMNS
    as_json = json.loads(json_out)
    assert [int(r["id"]) for r in rows] == [r["id"] for r in as_json]
    assert [r["alternatives"] for r in rows] == [", ".join(r["alternatives"]) for r in as_json]
    assert rows[2]["text"] == TRICKY_TEXT  # quotes, commas and a line break survive
    for csv_row, json_row in zip(rows, as_json):
        for column in (
            "created_at",
            "kind",
            "private_tool",
            "need",
            "department",
            "channel",
            "text",
            "language",
            "status",
        ):
            assert csv_row[column] == (json_row[column] or "")


@pytest.mark.parametrize(
    "since, expected",
    [("2024-03-11", 3), ("2024-03-05", 4), ("2024-03-15", 0), ("2020-01-01", 5)],
)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_since_a_date(gap_log, cli, fmt, since, expected):
    code, out, err = cli("gaps", "export", "--format", fmt, "--since", since)
    assert code == 0, err
    rows = json.loads(out) if fmt == "json" else csv_rows(out)
    assert len(rows) == expected
    assert all(instant(r["created_at"]).date().isoformat() >= since for r in rows)


@pytest.mark.parametrize("bad", ["12.03.2024", "2024-13-01", "i går", ""])
@pytest.mark.parametrize("command", ["export", "report"])
def test_a_bad_date_is_a_usage_error(gap_log, cli, command, bad):
    code, out, err = cli("gaps", command, "--since", bad)
    assert code == 2
    assert out == ""
    assert err == f"error: --since takes a date as YYYY-MM-DD, got {bad!r}\n"


def test_export_of_an_empty_log(database, cli):
    assert cli("gaps", "export")[:2] == (0, "[]\n")
    assert cli("gaps", "export", "--format", "csv")[:2] == (0, "\ufeff" + ";".join(f'"{c}"' for c in COLUMNS) + "\n")


def test_logs_go_to_standard_error(gap_log, cli, monkeypatch):
    original = report.gaps_since

    def gaps_since(session, since=None):
        logging.getLogger("bot.gaps.report").warning("reading the gap log")
        logging.getLogger("bot.gaps.report").debug("since %s", since)
        return original(session, since)

    monkeypatch.setattr(report, "gaps_since", gaps_since)
    for fmt in ("json", "csv"):
        with logging_as_outside_pytest():
            code, out, err = cli("-v", "gaps", "export", "--format", fmt)
        assert code == 0
        assert "reading the gap log" in err and "since None" in err
        assert "reading the gap log" not in out
        assert len(json.loads(out) if fmt == "json" else csv_rows(out)) == len(GAPS)


def sections(out: str) -> dict[str, list[list[str]]]:
    """The report's sections: title → rows split into (name, count)."""
    found = {}
    for block in out.strip().split("\n\n"):
        title, *rows = block.splitlines()
        found[title] = [row.strip().rsplit(None, 1) for row in rows]
    return found


def test_report_sections(gap_log, cli):
    code, out, err = cli("gaps", "report")
    assert code == 0, err
    found = sections(out)
    assert list(found) == [
        "Gaps: 5 (3 private tool, 2 missing tool)",
        "Top private tools",
        "Needs no tool covers",
        "By department",
        "By week",
    ]
    assert found["Top private tools"] == [["whatsapp", "2"], ["dropbox", "1"]]
    assert found["Needs no tool covers"] == [["lage skjema", "2"]]  # the same need in any case
    assert sorted(found["By department"]) == sorted(
        [["NAV", "2"], ["(not given)", "1"], ["Oppvekst", "1"], ["Helse og omsorg", "1"]]
    )
    assert found["By department"][0] == ["NAV", "2"]
    assert found["By week"] == [["2024-W10", "2"], ["2024-W11", "3"]]


def test_report_since_a_date(gap_log, cli):
    code, out, _ = cli("gaps", "report", "--since", "2024-03-12")
    found = sections(out)
    assert code == 0
    assert "Gaps: 2 (0 private tool, 2 missing tool)" in found
    assert found["Top private tools"] == []
    assert found["By week"] == [["2024-W11", "2"]]

    code, out, _ = cli("gaps", "report", "--since", "2025-01-01")
    assert (code, out) == (0, "No gaps recorded in this period.\n")
