"""bot.gaps.queries without the web: periods, weeks, similar needs, and the threshold setting."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest

from bot import db
from bot.config import settings
from bot.gaps import queries
from bot.gaps.models import Gap


def test_the_default_period_is_the_last_30_days_and_the_previous_one_as_long():
    gap_filter = queries.parse_filter({}, date(2024, 3, 31))
    assert (gap_filter.start, gap_filter.end, gap_filter.days) == (date(2024, 3, 2), date(2024, 3, 31), 30)
    previous = gap_filter.previous()
    assert (previous.start, previous.end) == (date(2024, 2, 1), date(2024, 3, 1))
    assert queries.parse_filter(gap_filter.params(), date(2030, 1, 1)) == gap_filter


def test_weeks_run_monday_to_sunday_and_include_empty_ones():
    days = {date(2024, 3, 4): 2, date(2024, 3, 10): 1, date(2024, 3, 20): 4}
    weeks = queries.weekly(days, date(2024, 3, 6), date(2024, 3, 20))
    assert weeks == [
        {"week": "2024-W10", "start": "2024-03-04", "count": 3},
        {"week": "2024-W11", "start": "2024-03-11", "count": 0},
        {"week": "2024-W12", "start": "2024-03-18", "count": 4},
    ]


def test_similar_needs_share_a_key():
    assert queries.need_key("lage skjema") == queries.need_key("Lager skjemaer") == queries.need_key("lage et skjema")
    assert queries.need_key("lage skjema") != queries.need_key("booke møterom")
    assert queries.need_key(None) == ""


def test_the_threshold_comes_from_the_environment(monkeypatch, db_url):
    monkeypatch.setenv("BOT_DEPARTMENT_THRESHOLD", "3")
    threshold = settings().department_threshold
    with db.session_scope(db_url) as session:
        for department in ("NAV", "NAV", "NAV", "Kultur"):
            session.add(
                Gap(
                    record_id=str(uuid.uuid4()),
                    created_at=datetime(2024, 3, 5, tzinfo=timezone.utc),
                    kind="private_tool",
                    private_tool="dropbox",
                    department=department,
                    text="",
                )
            )
    with db.session_scope(db_url) as session:
        result = queries.summary(session, queries.parse_filter({}, date(2024, 3, 31)), threshold)
    assert result["departments"] == [{"department": "NAV", "count": 3}, {"department": "Kultur", "count": None}]
    monkeypatch.setenv("BOT_DEPARTMENT_THRESHOLD", "fem")
    with pytest.raises(SystemExit):
        settings()


@pytest.mark.parametrize(
    "params",
    [
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "1999-12-31", "to": "2000-01-01"},
        {"from": "2099-12-31", "to": "2100-01-01"},
    ],
)
def test_dates_outside_2000_to_2099_are_refused_with_a_clear_message(params):
    with pytest.raises(queries.FilterError, match=r"^Datoene må ligge mellom 01\.01\.2000 og 31\.12\.2099\.$"):
        queries.parse_filter(params, date(2024, 3, 31))


def test_the_widest_period_has_a_previous_period_and_weeks():
    gap_filter = queries.parse_filter({"from": "2000-01-01", "to": "2099-12-31"})
    previous = gap_filter.previous()
    assert (previous.end, previous.days) == (date(1999, 12, 31), gap_filter.days)
    assert len(queries.weekly({}, gap_filter.start, gap_filter.end)) == 5219
