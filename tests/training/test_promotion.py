"""Scores, the promotion rule and the quality table (pure functions; the slow tests train real
candidates in test_train_and_promote.py)."""

from __future__ import annotations

import pytest

from bot.training.evaluation import Scores, nlu_scores, scores_from
from bot.training.promotion import decide, table


def scores(macro_f1: float, failed: int = 0, accuracy: float = 0.9, **per_intent: float) -> Scores:
    return Scores(accuracy, macro_f1, per_intent or {"greet": 1.0}, 100, [f"story {i}" for i in range(failed)], 64)


def test_scores_count_fallback_as_an_error_but_not_as_a_class():
    rows = [
        {"gold": "greet", "predicted": "greet"},
        {"gold": "greet", "predicted": "nlu_fallback"},
        {"gold": "help", "predicted": "help"},
        {"gold": "help", "predicted": "greet"},
    ]
    accuracy, macro, per_intent = nlu_scores(rows)
    assert accuracy == 0.5
    # greet: precision 1/2, recall 1/2 -> 0.5; help: precision 1, recall 1/2 -> 2/3
    assert per_intent == pytest.approx({"greet": 0.5, "help": 2 / 3})
    assert macro == pytest.approx((0.5 + 2 / 3) / 2)


def test_scores_from_a_worker_result():
    result = {"nlu": [{"gold": "greet", "predicted": "greet"}], "stories": {"total": 3, "failed": ["a"]}}
    assert scores_from(result) == Scores(1.0, 1.0, {"greet": 1.0}, 1, ["a"], 3)
    assert Scores.from_dict(scores_from(result).to_dict()) == scores_from(result)


def test_the_first_model_is_promoted():
    assert decide(scores(0.5, failed=9), None, 0.01).promote


@pytest.mark.parametrize(
    "old, new, promote",
    [
        (scores(0.95), scores(0.95), True),
        (scores(0.95), scores(0.96), True),
        (scores(0.95), scores(0.941), True),  # within the tolerance
        (scores(0.95), scores(0.939), False),  # beyond it
        (scores(0.95, failed=1), scores(0.97, failed=2), False),  # better NLU, but a story more fails
        (scores(0.95, failed=2), scores(0.95, failed=1), True),
    ],
)
def test_a_candidate_is_promoted_only_when_not_worse(old, new, promote):
    assert decide(new, old, 0.01).promote is promote


def test_the_reason_says_what_got_worse():
    old = Scores(0.9, 0.95, {}, 100, ["a"], 64)
    new = Scores(0.8, 0.90, {}, 100, ["a", "b", "c"], 64)
    reason = decide(new, old, 0.01).reason
    assert "macro-F1 fell from 0.950 to 0.900" in reason and "3 test stories fail instead of 1" in reason
    assert "now failing: b; c" in reason


def test_the_table_shows_old_new_and_change_with_only_changed_intents():
    old = scores(0.95, failed=1, accuracy=0.93, greet=0.9, help=0.8, thanks=1.0)
    new = scores(0.96, failed=0, accuracy=0.94, greet=0.95, help=0.8, thanks=1.0)
    lines = table(new, old).splitlines()
    assert lines[0].split() == ["in", "service", "candidate", "change"]
    assert lines[2].split() == ["accuracy", "(held-out)", "0.930", "0.940", "+0.010"]
    assert lines[3].split() == ["macro-F1", "(held-out)", "0.950", "0.960", "+0.010"]
    assert lines[4].split() == ["failed", "test", "stories", "1", "/", "64", "0", "/", "64", "-1"]
    assert lines[5].strip() == "F1 per intent (changed)"
    assert lines[6].split() == ["greet", "0.900", "0.950", "+0.050"]
    assert lines[-1] == "(F1 of the other 2 intents changed by less than 0.005)"


def test_the_table_without_a_model_in_service_lists_every_intent():
    text = table(scores(0.95, greet=0.9, help=0.8), None)
    assert "greet" in text and "help" in text and "change" in text.splitlines()[0]
