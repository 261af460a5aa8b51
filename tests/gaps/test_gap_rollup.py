"""The dashboard summary from the gap counts (bot.gaps.rollup) equals the summary counted from the
records, on SQLite and PostgreSQL: random logs, status and department changes, the threshold."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from bot import db
from bot.gaps import queries, recorder, rollup, triage
from bot.gaps.models import Gap, GapCount

TOOLS = ["dropbox", "whatsapp", "chatgpt", "miro", None]
NEEDS = ["lage skjema", "Lage skjemaer", "dele filer", "booke møterom", "Lagring", None]
DEPARTMENTS = ["NAV", "Kultur", "Oppvekst", None]
TODAY = date(2024, 6, 12)


def _gap(created_at: datetime, rng: random.Random) -> Gap:
    kind = rng.choice(["private_tool", "missing_tool"])
    return Gap(
        record_id=str(uuid.uuid4()), created_at=created_at, kind=kind,
        private_tool=rng.choice(TOOLS) if kind == "private_tool" else None,
        need=rng.choice(NEEDS), department=rng.choice(DEPARTMENTS),
        status=rng.choice(["ny", "ny", "løst", "avvist"]), text="",
    )


def _filters() -> list[queries.GapFilter]:
    def f(start: date, end: date = TODAY, **params):
        return queries.parse_filter({"from": start.isoformat(), "to": end.isoformat(), **params}, TODAY)

    return [
        f(TODAY - timedelta(days=29)), f(TODAY - timedelta(days=89)), f(TODAY - timedelta(days=364)),
        f(date(2024, 3, 1), date(2024, 5, 31)), f(date(2024, 2, 29), date(2024, 2, 29)),
        f(date(2023, 12, 31), date(2024, 4, 1)), f(date(2024, 1, 1), date(2024, 1, 7)),
        f(TODAY - timedelta(days=364), status="ny"), f(TODAY - timedelta(days=200), kind="missing_tool"),
        f(TODAY - timedelta(days=364), need="skjema"), f(TODAY - timedelta(days=364), tool="dropbox", department="NAV"),
        f(TODAY - timedelta(days=364), department="Kultur", status="løst"),
    ]


def _same_summaries(url: str, threshold: int = 5) -> None:
    with db.session_scope(url) as session:
        for gap_filter in _filters():
            for top in (3, 10):
                expected = queries.summary_from_records(session, gap_filter, threshold, top)
                assert queries.summary(session, gap_filter, threshold, top) == expected, gap_filter


def _cells(url: str) -> dict:
    with db.session_scope(url) as session:
        rows = session.execute(
            select(GapCount.grain, GapCount.day, GapCount.kind, GapCount.private_tool, GapCount.need,
                   GapCount.department, GapCount.status, func.sum(GapCount.count))
            .group_by(GapCount.grain, GapCount.day, GapCount.kind, GapCount.private_tool, GapCount.need,
                      GapCount.department, GapCount.status)
        )
        return {tuple(row[:-1]): row[-1] for row in rows if row[-1]}


def test_random_log_status_and_department_changes_keep_the_counts_exact(db_url):
    rng = random.Random(5)
    start = datetime(2023, 5, 1, tzinfo=timezone.utc)
    with db.session_scope(db_url) as session:
        for _ in range(3):  # several flushes, some cells made in one flush and grown in the next
            session.add_all(_gap(start + timedelta(minutes=rng.randrange(60 * 24 * 420)), rng) for _ in range(300))
            session.flush()
    _same_summaries(db_url)
    _same_summaries(db_url, threshold=2)

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

    kept = _cells(db_url)
    with db.session_scope(db_url) as session:
        rollup.rebuild(session)
    assert _cells(db_url) == kept  # what the hook kept is what a recount from the records gives


def test_a_status_change_moves_the_count_and_the_threshold_still_hides_small_groups(db_url):
    when = datetime(2024, 6, 3, 9, 30, tzinfo=timezone.utc)
    with db.session_scope(db_url) as session:
        for department in ["NAV"] * 5 + ["Kultur"] * 4:
            session.add(Gap(record_id=str(uuid.uuid4()), created_at=when, kind="private_tool",
                            private_tool="dropbox", need="Lagring", department=department, text=""))
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
        "record_id": str(uuid.uuid4()), "created_at": "2024-06-10T23:59:59+00:00", "kind": "missing_tool",
        "private_tool": None, "need": "lage skjema", "alternatives": [], "department": None, "channel": "rest",
        "text": "", "language": "nb",
    }
    for _ in range(2):  # a replayed record is written once
        with db.session_scope(db_url) as session:
            recorder._write_gap(session, dict(payload))
    gap_filter = queries.parse_filter({"from": "2024-06-10", "to": "2024-06-10"}, TODAY)
    with db.session_scope(db_url) as session:
        assert queries.summary(session, gap_filter, 5)["total"] == 1
        assert queries.summary(session, gap_filter, 5)["uncovered_needs"] == [{"need": "lage skjema", "count": 1}]


def test_spans_cover_each_day_once():
    for start, end in [(date(2023, 12, 30), date(2024, 3, 2)), (date(2024, 2, 1), date(2024, 2, 29)), (date(2024, 1, 3), date(2024, 1, 4))]:
        for grain in ("week", "month"):
            covered = []
            for unit, first, last in queries._spans(start, end, grain):
                day = first
                while day <= last:
                    width = {"day": 1, "week": 7}.get(unit) or ((day.replace(day=28) + timedelta(days=4)).replace(day=1) - day).days
                    covered += [day + timedelta(days=i) for i in range(width)]
                    day += timedelta(days=width)
            assert covered == [start + timedelta(days=i) for i in range((end - start).days + 1)]
