"""The quality floor (issue 15, item 5): a first model below it is promoted, since the assistant
needs some model, but never silently: a banner in `bot train`'s output, a WARNING in the log and
the problems in its registry record, where a status page finds them."""

from __future__ import annotations

import logging

import pytest

from bot.training import pipeline, registry
from bot.training.evaluation import Scores
from bot.training.promotion import below_floor, decide, quality_warning


def scores(macro_f1: float, failed: int = 0, stories: int = 64) -> Scores:
    return Scores(0.9, macro_f1, {"greet": macro_f1}, 100, [f"story {i}" for i in range(failed)], stories)


@pytest.mark.parametrize(
    "candidate, problems",
    [
        (scores(0.85, failed=6), ()),  # 6 of 64 is within a tenth
        (scores(0.849), ("held-out macro-F1 0.849 is below the floor of 0.85 (BOT_QUALITY_FLOOR)",)),
        (scores(0.95, failed=7), ("7 of 64 test stories fail (more than 10%)",)),
        (scores(0.95, failed=0, stories=0), ()),
    ],
)
def test_the_floor_is_macro_f1_and_a_tenth_of_the_test_stories(candidate, problems):
    assert below_floor(candidate, 0.85) == problems


def test_a_first_model_below_the_floor_is_promoted_with_a_warning():
    decision = decide(scores(0.6, failed=20), None, 0.01, 0.85)
    assert decision.promote and len(decision.below_floor) == 2
    assert "without a model the assistant cannot answer at all" in decision.reason
    warning = quality_warning("20990101-000000", decision)
    assert "20990101-000000 IS BELOW THE QUALITY FLOOR, AND IT IS NOW IN SERVICE" in warning
    assert all(f"  - {problem}" in warning.splitlines() for problem in decision.below_floor)


def test_no_warning_above_the_floor_or_when_nothing_is_promoted():
    first = decide(scores(0.95), None, 0.01, 0.85)
    assert first.promote and first.below_floor == () and quality_warning("m", first) is None
    rejected = decide(scores(0.5), scores(0.7), 0.01, 0.85)
    assert not rejected.promote and rejected.below_floor and quality_warning("m", rejected) is None
    not_worse = decide(scores(0.7), scores(0.7), 0.01, 0.85)  # a weak model replaced by one as weak
    assert not_worse.promote and "IS BELOW THE QUALITY FLOOR" in quality_warning("m", not_worse)


@pytest.mark.slow
@pytest.mark.parametrize("databases", ["sqlite"], indirect=True)  # it trains a model: once is enough
def test_bot_train_says_logs_and_records_a_first_model_below_the_floor(project, database, monkeypatch, caplog):
    monkeypatch.setenv("BOT_QUALITY_FLOOR", "0.999")  # the project's data scores about 0.95
    said: list[str] = []
    with caplog.at_level(logging.WARNING, logger="bot.training.pipeline"):
        outcome = pipeline.train_and_promote(
            project,
            say=said.append,
            rasa_urls=["http://127.0.0.1:9"],
            secret="a-jwt-secret-for-the-tests-0123456789abcdef",
        )
    print("\n".join(said))

    assert outcome.promoted and registry.in_service(project.models_dir) == outcome.candidate
    assert outcome.below_floor and "below the floor of 0.999" in outcome.below_floor[0]
    assert f"WARNING: {outcome.candidate.name} IS BELOW THE QUALITY FLOOR" in "\n".join(said)
    assert [r.levelno for r in caplog.records if "below the quality floor" in r.getMessage()] == [logging.WARNING]
    assert registry.quality_problems(outcome.candidate) == list(outcome.below_floor)
