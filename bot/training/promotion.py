"""The promotion rule and the side-by-side quality table.

A candidate replaces the model in service only when it is not worse:
  * its macro-F1 on the held-out set is at most `tolerance` below the model in service's
    (BOT_PROMOTE_TOLERANCE, default 0.01: differences that small are noise on ~400 messages), and
  * no more test stories fail than with the model in service.
With no model in service, a candidate that passed `rasa data validate` and trained is promoted.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.training.evaluation import Scores

PER_INTENT_CHANGE = 0.005  # smaller per-intent F1 changes are left out of the table


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str


def decide(new: Scores, old: Scores | None, tolerance: float) -> Decision:
    if old is None:
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
        return Decision(False, "; ".join(problems))
    return Decision(
        True,
        f"not worse: macro-F1 {old.macro_f1:.3f} -> {new.macro_f1:.3f}, "
        f"failed test stories {len(old.failed_stories)} -> {len(new.failed_stories)}",
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
