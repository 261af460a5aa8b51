"""Gap guard benchmark: which needs become a "need no tool covers" gap in IT's log.

Run from the project root (a few seconds):

    .venv/bin/python bench/gap_scope.py
    .venv/bin/python bench/gap_scope.py --catalogue FILE --dev FILE

Every message of bench/data/gap_scope.yml (real needs at work that the catalogue lacks, and
out-of-scope questions phrased as needs) goes through task search and `bot.assistant.answers.need`
on a fresh SQLite database with the seed catalogue, as if the NLU had classified it `find_tool`
(the worst case: most out-of-scope questions never get there). It scores "record a gap" against
the labels for three rules: the code before the guard (which recorded no missing-tool gap at all),
a gap for every need nothing fits, and the guard (a gap only when the need is about work,
`bot.assistant.scope`). It also counts what each out-of-scope question gets as its answer.
The report goes to stdout and bench/results/gap_scope.md (git-ignored).
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # nothing here needs it (see catalogue_quality.py)

import argparse  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
from _common import PROJECT_ROOT, SEED_CATALOGUE, machine, pct, publish, seeded, table  # noqa: E402

from bot import db  # noqa: E402
from bot.assistant import answers  # noqa: E402
from bot.assistant.answers import Mentioned  # noqa: E402
from bot.catalogue import search  # noqa: E402

DEV_SET = PROJECT_ROOT / "bench" / "data" / "gap_scope.yml"


def scores(predicted: list[bool], expected: list[bool]) -> tuple[float | None, float | None, int, int, int]:
    """Precision, recall, true positives, false positives, false negatives of "record a gap"."""
    tp = sum(p and e for p, e in zip(predicted, expected))
    fp = sum(p and not e for p, e in zip(predicted, expected))
    fn = sum(e and not p for p, e in zip(predicted, expected))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall, tp, fp, fn


def outcome(answer) -> str:
    if answer.out_of_scope:
        return "out-of-scope reply"
    if answer.gaps:
        return "no tool fits + gap"
    if answer.slots.get("tool") or any(reply.buttons for reply in answer.replies):
        return "a tool or process"
    return "no tool fits, no gap"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=SEED_CATALOGUE)
    parser.add_argument("--dev", type=Path, default=DEV_SET)
    parser.add_argument("--no-write", action="store_true", help="print only; write nothing to bench/results/")
    args = parser.parse_args()
    dev = yaml.safe_load(args.dev.read_text(encoding="utf-8"))
    items = [(text, True) for text in dev["work"]] + [(text, False) for text in dev["out_of_scope"]]

    with tempfile.TemporaryDirectory(prefix="bench-gap-scope-") as tmp:
        url = seeded(f"sqlite:///{tmp}/catalogue.db", args.catalogue)
        with db.session_scope(url) as session:
            fits = [search.search(session, text).fits for text, _ in items]
            outcomes = [outcome(answers.need(session, text, Mentioned())) for text, _ in items]
        db.engine_for(url).dispose()

    expected = [work for _, work in items]
    rules = {
        "before (no missing-tool gap recorded)": [False] * len(items),
        "a gap for every need nothing fits": [not fit for fit in fits],
        "guard (a gap only when about work)": [o == "no tool fits + gap" for o in outcomes],
    }
    rows = []
    for name, predicted in rules.items():
        precision, recall, tp, fp, fn = scores(predicted, expected)
        rows.append([name, pct(precision), pct(recall), tp, fp, fn])
    n_work, n_out = sum(expected), len(items) - sum(expected)
    by_label = {label: Counter(o for o, (_, work) in zip(outcomes, items) if work == label) for label in (True, False)}
    kinds = ["out-of-scope reply", "no tool fits + gap", "no tool fits, no gap", "a tool or process"]
    report = "\n".join(
        [
            "# Gap guard benchmark",
            "",
            f"Dev set: {args.dev.relative_to(PROJECT_ROOT) if args.dev.is_relative_to(PROJECT_ROOT) else args.dev} "
            f"({n_work} needs at work the catalogue lacks, {n_out} out-of-scope questions). "
            f"Catalogue: {args.catalogue.name}. Machine: {machine()}.",
            f"Search finds a fit (no gap under any rule) for {sum(f for f, e in zip(fits, expected) if e)} of the "
            f"needs at work and {sum(f for f, e in zip(fits, expected) if not e)} of the out-of-scope questions.",
            "",
            "## Record a gap (every message taken as find_tool)",
            "",
            table(["rule", "precision", "recall", "TP", "FP", "FN"], rows),
            "",
            "## What the guard answers",
            "",
            table(
                ["answer", "needs at work", "out of scope"], [[k, by_label[True][k], by_label[False][k]] for k in kinds]
            ),
        ]
    )
    publish("gap_scope", report, not args.no_write)


if __name__ == "__main__":
    main()
