"""The promotion rule and the side-by-side quality table.

A candidate replaces the model in service only when it is not worse:
  * its macro-F1 on the held-out set is at most `tolerance` below the model in service's
    (BOT_PROMOTE_TOLERANCE, default 0.01: differences that small are noise on ~400 messages), and
  * no more test stories fail than with the model in service.
With no model in service, a candidate that passed `rasa data validate` and trained is promoted.

The quality floor: held-out macro-F1 below BOT_QUALITY_FLOOR (default 0.85; the project's data
scores about 0.95) or more than a tenth of the test stories failing. A first model below it is
still promoted, since without a model the assistant answers nothing at all (`bot run` does not
start, the cluster's Rasa servers have nothing to pull), but never silently: `bot train` prints
`quality_warning`, logs it at WARNING and records the problems (`registry.quality_problems`), and
the same goes for any later model below the floor that is promoted as not worse.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.training.evaluation import Scores

PER_INTENT_CHANGE = 0.005  # smaller per-intent F1 changes are left out of the table
MAX_FAILED_STORY_SHARE = 0.1  # more failing test stories than this share is below the quality floor


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str
    below_floor: tuple[str, ...] = ()  # why the candidate is below the quality floor (empty: it is not)


def below_floor(scores: Scores, floor: float) -> tuple[str, ...]:
    """Why `scores` are below the quality floor; empty when they are not."""
    problems = []
    if scores.macro_f1 < floor:
        problems.append(f"held-out macro-F1 {scores.macro_f1:.3f} is below the floor of {floor:g} (BOT_QUALITY_FLOOR)")
    if len(scores.failed_stories) > MAX_FAILED_STORY_SHARE * scores.stories:
        problems.append(
            f"{len(scores.failed_stories)} of {scores.stories} test stories fail "
            f"(more than {MAX_FAILED_STORY_SHARE:.0%})"
        )
    return tuple(problems)


def decide(new: Scores, old: Scores | None, tolerance: float, floor: float = 0.0) -> Decision:
    weak = below_floor(new, floor)
    if old is None:
        if weak:
            return Decision(
                True,
                "no model was in service; promoted although below the quality floor, "
                "because without a model the assistant cannot answer at all",
                weak,
            )
        return Decision(True, "no model was in service")
    problems = []
    if new.macro_f1 < old.macro_f1 - tolerance:
        problems.append(
            f"macro-F1 fell from {old.macro_f1:.3f} to {new.macro_f1:.3f}, more than the tolerance of {tolerance:g}"
        )
    if len(new.failed_stories) > len(old.failed_stories):
        newly = sorted(set(new.failed_stories) - set(old.failed_stories))
        problems.append(
            f"{len(new.failed_stories)} test stories fail instead of {len(old.failed_stories)}"
            + (f" (now failing: {'; '.join(newly)})" if newly else "")
        )
    if problems:
        return Decision(False, "; ".join(problems), weak)
    return Decision(
        True,
        f"not worse: macro-F1 {old.macro_f1:.3f} -> {new.macro_f1:.3f}, "
        f"failed test stories {len(old.failed_stories)} -> {len(new.failed_stories)}",
        weak,
    )


def quality_warning(model_name: str, decision: Decision) -> str | None:
    """The banner `bot train` prints when it puts a model below the quality floor in service; None
    when it does not."""
    if not (decision.promote and decision.below_floor):
        return None
    rule = "!" * 78
    return "\n".join(
        [
            rule,
            f"WARNING: {model_name} IS BELOW THE QUALITY FLOOR, AND IT IS NOW IN SERVICE:",
            *(f"  - {problem}" for problem in decision.below_floor),
            f"Why it was promoted: {decision.reason}.",
            "Expect wrong or missing answers. Improve the training data (docs/trainers.md) and run `bot train` "
            "again: a model that is not worse replaces it.",
            rule,
        ]
    )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _change(new: float, old: float | None, integer: bool = False) -> str:
    if old is None:
        return ""
    delta = new - old
    if integer:
        return f"{delta:+d}" if delta else "0"
    return "0" if abs(delta) < 0.0005 else f"{delta:+.3f}"


def table(new: Scores, old: Scores | None, old_label: str = "in service", new_label: str = "candidate") -> str:
    """Old | new | change for accuracy, macro-F1, failed test stories and the intents whose F1 changed."""
    rows: list[tuple[str, str, str, str]] = [
        (
            "accuracy (held-out)",
            _number(old.accuracy if old else None),
            _number(new.accuracy),
            _change(new.accuracy, old.accuracy if old else None),
        ),
        (
            "macro-F1 (held-out)",
            _number(old.macro_f1 if old else None),
            _number(new.macro_f1),
            _change(new.macro_f1, old.macro_f1 if old else None),
        ),
        (
            "failed test stories",
            f"{len(old.failed_stories)} / {old.stories}" if old else "-",
            f"{len(new.failed_stories)} / {new.stories}",
            _change(len(new.failed_stories), len(old.failed_stories) if old else None, integer=True),
        ),
    ]
    intents = sorted(set(new.per_intent_f1) | set(old.per_intent_f1 if old else {}))
    changed = [
        i
        for i in intents
        if old is None or abs(new.per_intent_f1.get(i, 0.0) - old.per_intent_f1.get(i, 0.0)) >= PER_INTENT_CHANGE
    ]
    if changed:
        rows.append(("F1 per intent" + ("" if old is None else " (changed)"), "", "", ""))
        rows += [
            (
                f"  {i}",
                _number(old.per_intent_f1.get(i) if old else None),
                _number(new.per_intent_f1.get(i)),
                _change(new.per_intent_f1.get(i, 0.0), old.per_intent_f1.get(i, 0.0) if old else None),
            )
            for i in changed
        ]
    header = ("", old_label, new_label, "change")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(4)]
    lines = [
        f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip()
        for r in [header, *rows]
    ]
    lines.insert(1, "-" * len(lines[0]))
    if old is not None and len(changed) < len(intents):
        lines.append(
            f"(F1 of the other {len(intents) - len(changed)} intents changed by less than {PER_INTENT_CHANGE})"
        )
    return "\n".join(lines)
