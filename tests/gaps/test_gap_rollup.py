"""The dashboard summary from the gap counts (bot.gaps.rollup) equals the summary counted from the
records, on SQLite and PostgreSQL: random logs, random periods, status and department changes,
deletions, the threshold."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from bot import db
from bot.gaps import queries, recorder, rollup, triage
from bot.gaps.models import Gap

TOOLS = ["dropbox", "whatsapp", "chatgpt", "miro", None]
NEEDS = ["lage skjema", "Lage skjemaer", "dele filer", "booke møterom", "Lagring", None]
DEPARTMENTS = ["NAV", "Kultur", "Oppvekst", None]
TODAY = date(2024, 6, 12)


def _gap(created_at: datetime, rng: random.Random) -> Gap:
    kind = rng.choice(["private_tool", "missing_tool"])
    return Gap(
        record_id=str(uuid.uuid4()),
        created_at=created_at,
        kind=kind,
        private_tool=rng.choice(TOOLS) if kind == "private_tool" else None,
        need=rng.choice(NEEDS),
        department=rng.choice(DEPARTMENTS),
        status=rng.choice(["ny", "ny", "løst", "avvist"]),
        text="",
    )


def _filters() -> list[queries.GapFilter]:
    def f(start: date, end: date = TODAY, **params):
        return queries.parse_filter({"from": start.isoformat(), "to": end.isoformat(), **params}, TODAY)

    return [
        f(TODAY - timedelta(days=29)),
        f(TODAY - timedelta(days=89)),
        f(TODAY - timedelta(days=364)),
        f(date(2024, 3, 1), date(2024, 5, 31)),
        f(date(2024, 2, 29), date(2024, 2, 29)),
        f(date(2023, 12, 31), date(2024, 4, 1)),
        f(date(2024, 1, 1), date(2024, 1, 7)),
        f(TODAY - timedelta(days=364), status="ny"),
        f(TODAY - timedelta(days=200), kind="missing_tool"),
        f(TODAY - timedelta(days=364), need="skjema"),
        f(TODAY - timedelta(days=364), tool="dropbox", department="NAV"),
        f(TODAY - timedelta(days=364), department="Kultur", status="løst"),
    ]


def _random_filters(rng: random.Random, count: int) -> list[queries.GapFilter]:
    """Periods that start and end anywhere (mid-week, mid-month, mid-quarter, across a new year),
    some with a filter; a need filter makes the summary read gap_counts instead of gap_totals."""
    found = []
    for _ in range(count):
        start = date(2023, 4, 20) + timedelta(days=rng.randrange(420))
        params = {"from": start.isoformat(), "to": (start + timedelta(days=rng.randrange(400))).isoformat()}
        params.update(
            rng.choice(
                [
                    {},
                    {},
                    {"status": "ny"},
                    {"need": "skjema"},
                    {"need": "lagring", "department": "NAV"},
                    {"kind": "private_tool"},
                    {"tool": "miro"},
                ]
            )
        )
        found.append(queries.parse_filter(params, TODAY))
    return found


def _summary_or_withheld(summary, *args) -> dict | str:
    """The summary, or the message of Withheld (a filter on a department below the threshold)."""
    try:
        return summary(*args)
    except queries.Withheld as withheld:
        return str(withheld)


def _same_summaries(url: str, threshold: int = 5, filters: list[queries.GapFilter] | None = None) -> None:
    with db.session_scope(url) as session:
        for gap_filter in filters or _filters():
            for top in (3, 10):
                args = (session, gap_filter, threshold, top)
                expected = _summary_or_withheld(queries.summary_from_records, *args)
                assert _summary_or_withheld(queries.summary, *args) == expected, gap_filter


def _cells(url: str) -> dict:
    """Every non-zero count of both tables, by table and cell."""
    cells = {}
    with db.session_scope(url) as session:
        for model, names in rollup.TABLES.items():
            key = [model.grain, model.day, *(getattr(model, name) for name in names)]
            for *cell, count in session.execute(select(*key, func.sum(model.count)).group_by(*key)):
                if count:
                    cells[(model.__tablename__, *cell)] = count
    return cells


def test_random_log_status_and_department_changes_keep_the_counts_exact(db_url):
    rng = random.Random(5)
    start = datetime(2023, 5, 1, tzinfo=timezone.utc)
    with db.session_scope(db_url) as session:
        for _ in range(3):  # several flushes, some cells made in one flush and grown in the next
            session.add_all(_gap(start + timedelta(minutes=rng.randrange(60 * 24 * 420)), rng) for _ in range(300))
            session.flush()
    _same_summaries(db_url)
    _same_summaries(db_url, threshold=2)
    _same_summaries(db_url, filters=_random_filters(rng, 40))

    with db.session_scope(db_url) as session:
        ids = list(session.scalars(select(Gap.id).order_by(Gap.id)))
        rng.shuffle(ids)
        assert triage.change_status_of(session, ids[:200], "it-ola", "planlagt") > 0
        for gap in session.scalars(select(Gap).where(Gap.id.in_(ids[200:260]))):
            triage.change(session, gap, "it-kari", status="avvist", note="ikke aktuelt")
        for gap in session.scalars(select(Gap).where(Gap.id.in_(ids[260:280]))):
            session.delete(gap)
    with db.session_scope(db_url) as session:
        without = list(session.scalars(select(Gap.record_id).where(Gap.department.is_(None)).limit(30)))
    with db.session_scope(db_url) as session:
        recorder._write_department(session, {"record_ids": without, "department": "Teknisk"})
    _same_summaries(db_url)
    _same_summaries(db_url, filters=_random_filters(rng, 20))

    kept = _cells(db_url)
    with db.session_scope(db_url) as session:
        rollup.rebuild(session)
    assert _cells(db_url) == kept  # what the hook kept is what a recount from the records gives


def test_a_status_change_moves_the_count_and_the_threshold_still_hides_small_groups(db_url):
    when = datetime(2024, 6, 3, 9, 30, tzinfo=timezone.utc)
    with db.session_scope(db_url) as session:
        for department in ["NAV"] * 5 + ["Kultur"] * 4:
            session.add(
                Gap(
                    record_id=str(uuid.uuid4()),
                    created_at=when,
                    kind="private_tool",
                    private_tool="dropbox",
                    need="Lagring",
                    department=department,
                    text="",
                )
            )
    new = queries.parse_filter({"from": "2024-05-01", "to": "2024-06-30", "status": "ny"}, TODAY)
    with db.session_scope(db_url) as session:
        result = queries.summary(session, new, 5)
        assert result["total"] == 9
        assert result["departments"] == [{"department": "NAV", "count": 5}, {"department": "Kultur", "count": None}]
        nav = session.scalars(select(Gap).where(Gap.department == "NAV").limit(1)).one()
        triage.change(session, nav, "it-ola", status="løst")
    solved = queries.parse_filter({"from": "2024-05-01", "to": "2024-06-30", "status": "løst"}, TODAY)
    with db.session_scope(db_url) as session:
        result = queries.summary(session, new, 5)
        assert result["total"] == 8
        # NAV now has 4 "ny" records: below the threshold, hidden like Kultur
        assert result["departments"] == [{"department": "Kultur", "count": None}, {"department": "NAV", "count": None}]
        assert result["top_private_tools"][0]["departments"] == result["departments"]
        assert queries.summary(session, solved, 5)["total"] == 1
        assert queries.summary(session, solved, 1)["departments"] == [{"department": "NAV", "count": 1}]
    _same_summaries(db_url)


def test_the_recorder_and_spool_replay_count_each_record_once(db_url, monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    payload = {
        "record_id": str(uuid.uuid4()),
        "created_at": "2024-06-10T23:59:59+00:00",
        "kind": "missing_tool",
        "private_tool": None,
        "need": "lage skjema",
        "alternatives": [],
        "department": None,
        "channel": "rest",
        "text": "",
        "language": "nb",
    }
    for _ in range(2):  # a replayed record is written once
        with db.session_scope(db_url) as session:
            recorder._write_gap(session, dict(payload))
    gap_filter = queries.parse_filter({"from": "2024-06-10", "to": "2024-06-10"}, TODAY)
    with db.session_scope(db_url) as session:
        assert queries.summary(session, gap_filter, 5)["total"] == 1
        assert queries.summary(session, gap_filter, 5)["uncovered_needs"] == [{"need": "lage skjema", "count": 1}]


@pytest.fixture
def counting_not_installed():
    """The process as it is before a gap writer has run: no counting hook."""
    _uninstall()
    yield
    rollup.install()


def _uninstall() -> None:
    event.remove(Session, "after_flush", rollup._count_flushed_gaps)


def _installed() -> bool:
    return event.contains(Session, "after_flush", rollup._count_flushed_gaps)


def test_the_gap_writers_install_the_counting_that_imports_do_not(db_url, counting_not_installed, monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    rng = random.Random(3)
    when = datetime(2024, 6, 3, 9, 30, tzinfo=timezone.utc)
    with db.session_scope(db_url) as session:
        session.add(_gap(when, rng))
    assert not _installed() and _cells(db_url) == {}  # importing bot.gaps.* installs nothing

    payload = {"record_id": str(uuid.uuid4()), "created_at": when.isoformat(), "kind": "missing_tool", "need": "x"}
    with db.session_scope(db_url) as session:
        recorder._write_gap(session, payload)
        session.add(_gap(when, rng))  # from now on every gap flushed in this process is counted
    with db.session_scope(db_url) as session:
        assert (
            queries.summary(session, queries.parse_filter({"from": "2024-06-03", "to": "2024-06-03"}, TODAY), 5)[
                "total"
            ]
            == 2
        )

    _uninstall()
    with db.session_scope(db_url) as session:
        triage.change(session, session.scalars(select(Gap).limit(1)).one(), "it-ola", status="planlagt")
    assert _installed()


def _unit_length(grain: str, first: date) -> int:
    return (rollup.after(grain, first) - first).days


def test_spans_cover_each_day_once_with_whole_units_and_the_coarsest_first():
    rng = random.Random(7)
    periods = [
        (date(2023, 12, 30), date(2024, 3, 2)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 1, 3), date(2024, 1, 4)),
        (date(2023, 11, 29), date(2024, 11, 28)),
        (date(2024, 1, 1), date(2024, 12, 31)),
    ]
    periods += [
        (start, start + timedelta(days=rng.randrange(800)))
        for start in (date(2022, 1, 1) + timedelta(days=rng.randrange(1500)) for _ in range(300))
    ]
    for start, end in periods:
        for grains in (("quarter", "month", "week"), ("week",), ()):
            covered = []
            for grain, first, last in rollup.spans(start, end, grains):
                assert grain in (*grains, "day")
                unit = first
                while unit <= last:
                    assert rollup.starts(unit)[grain] == unit  # a whole unit, never part of one
                    covered += [unit + timedelta(days=i) for i in range(_unit_length(grain, unit))]
                    unit = rollup.after(grain, unit)
            assert covered == [start + timedelta(days=i) for i in range((end - start).days + 1)]
    assert rollup.spans(date(2023, 11, 29), date(2024, 11, 28)) == [
        ("day", date(2023, 11, 29), date(2023, 11, 30)),
        ("month", date(2023, 12, 1), date(2023, 12, 1)),
        ("quarter", date(2024, 1, 1), date(2024, 7, 1)),
        ("month", date(2024, 10, 1), date(2024, 10, 1)),
        ("day", date(2024, 11, 1), date(2024, 11, 3)),
        ("week", date(2024, 11, 4), date(2024, 11, 18)),
        ("day", date(2024, 11, 25), date(2024, 11, 28)),
    ]
    assert rollup.spans(date(2024, 11, 1), date(2024, 11, 3)) == [("day", date(2024, 11, 1), date(2024, 11, 3))]
