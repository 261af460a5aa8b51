"""Catalogue quality benchmark: tool recognition and task search against labelled messages.

Run from the project root (takes well under a minute):

    .venv/bin/python bench/catalogue_quality.py
    .venv/bin/python bench/catalogue_quality.py --catalogue FILE --recognition FILE --search FILE

It imports the seed catalogue (data/catalogue/tools.yml) into a fresh SQLite database in a
temporary directory and scores
  * recognise() on bench/data/recognition.yml: micro precision / recall / F1 over
    (message, id) pairs, per category, with every false positive and negative listed at the end;
  * search() on bench/data/search.yml: top-1 / top-3 accuracy and "no tool fits" precision /
    recall, plus a sweep of fit thresholds around search.FIT_THRESHOLD (information only);
each side by side with a naive baseline. The report goes to stdout and to
bench/results/catalogue_quality.md (git-ignored). It never fails on a score: it is a report.
"""

from __future__ import annotations

import sys

# spaCy (through thinc) imports TensorFlow whenever it is installed, as it is beside Rasa. That
# costs seconds and hundreds of MB and nothing here needs it, so make the import fail fast.
sys.modules.setdefault("tensorflow", None)

import argparse  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import (  # noqa: E402
    PROJECT_ROOT,
    SEED_CATALOGUE,
    load_labelled,
    machine,
    pct,
    publish,
    seeded,
    table,
)

from bot import db  # noqa: E402
from bot.catalogue import recognition, search, store  # noqa: E402
from bot.catalogue.schema import CatalogueFile  # noqa: E402
from bot.language.norwegian import STOP_WORDS  # noqa: E402

RECOGNITION_FILE = PROJECT_ROOT / "bench" / "data" / "recognition.yml"
SEARCH_FILE = PROJECT_ROOT / "bench" / "data" / "search.yml"
# Fit thresholds to sweep (information only); the current search.FIT_THRESHOLD is always added.
THRESHOLDS = tuple(round(0.125 + 0.025 * i, 3) for i in range(14))  # 0.125 .. 0.45
SEARCH_LIMIT = 3


# --- scoring helpers ---------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    messages: int = 0
    exact: int = 0  # messages whose predicted set equals the expected set

    def add(self, expected: set[str], predicted: set[str]) -> None:
        self.tp += len(expected & predicted)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)
        self.messages += 1
        self.exact += expected == predicted

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)


def rel(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def ratio(hit: int, total: int) -> float | None:
    return hit / total if total else None


# --- recognition -------------------------------------------------------------------------------


class NaiveRecogniser:
    """Baseline: a case-insensitive whole-word regex for every name and alias, nothing more."""

    def __init__(self, catalogue: CatalogueFile):
        self.patterns: list[tuple[re.Pattern, str]] = []
        for entry in (*catalogue.tools, *catalogue.private_tools):
            for surface in (entry.name, *entry.aliases):
                self.patterns.append((re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", re.IGNORECASE), entry.id))

    def find(self, text: str) -> set[str]:
        return {entry_id for pattern, entry_id in self.patterns if pattern.search(text)}


@dataclass
class RecognitionRun:
    overall: Counts = field(default_factory=Counts)
    by_category: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[tuple[str, str, set[str], set[str]]] = field(default_factory=list)  # category, text, fp, fn
    seconds: float = 0.0

    def add(self, category: str, text: str, expected: set[str], predicted: set[str]) -> None:
        self.overall.add(expected, predicted)
        self.by_category[category].add(expected, predicted)
        if expected != predicted:
            self.errors.append((category, text, predicted - expected, expected - predicted))


def run_recognition(url: str, catalogue: CatalogueFile, messages: list[dict]) -> tuple[RecognitionRun, RecognitionRun]:
    system, naive = RecognitionRun(), RecognitionRun()
    baseline = NaiveRecogniser(catalogue)
    with db.session_scope(url) as session:
        recognition.recognise(session, "oppvarming")  # build the index outside the timing
        for message in messages:
            text, expected = message["text"], set(message.get("expect") or [])
            started = time.perf_counter()
            predicted = {mention.id for mention in recognition.recognise(session, text)}
            system.seconds += time.perf_counter() - started
            system.add(message["_category"], text, expected, predicted)
            started = time.perf_counter()
            predicted = baseline.find(text)
            naive.seconds += time.perf_counter() - started
            naive.add(message["_category"], text, expected, predicted)
    return system, naive


def recognition_report(system: RecognitionRun, naive: RecognitionRun, source: Path) -> list[str]:
    out = [f"## Recognition ({system.overall.messages} messages, {rel(source)})", ""]
    s, n = system.overall, naive.overall
    out.append(
        table(
            ["metric (micro, over (message, id) pairs)", "recognise()", "naive regex baseline"],
            [
                ["precision", pct(s.precision), pct(n.precision)],
                ["recall", pct(s.recall), pct(n.recall)],
                ["F1", pct(s.f1), pct(n.f1)],
                ["true positives", s.tp, n.tp],
                ["false positives", s.fp, n.fp],
                ["false negatives", s.fn, n.fn],
                [
                    "messages exactly right",
                    f"{s.exact}/{s.messages} ({pct(ratio(s.exact, s.messages))})",
                    f"{n.exact}/{n.messages} ({pct(ratio(n.exact, n.messages))})",
                ],
                [
                    "mean time per message",
                    f"{1000 * system.seconds / max(s.messages, 1):.2f} ms",
                    f"{1000 * naive.seconds / max(n.messages, 1):.2f} ms",
                ],
            ],
        )
    )
    if len(system.by_category) > 1:
        out += ["", "### Recognition by category", ""]
        rows = []
        for category, counts in system.by_category.items():
            base = naive.by_category[category]
            rows.append(
                [
                    category,
                    counts.messages,
                    pct(counts.precision),
                    pct(counts.recall),
                    pct(counts.f1),
                    f"{counts.exact}/{counts.messages}",
                    pct(base.precision),
                    pct(base.recall),
                    pct(base.f1),
                    f"{base.exact}/{base.messages}",
                ]
            )
        out.append(
            table(["category", "msgs", "P", "R", "F1", "exact", "naive P", "naive R", "naive F1", "naive exact"], rows)
        )
    return out


# --- search ------------------------------------------------------------------------------------


def hit_key(hit) -> str:
    return f"process:{hit.id}" if hit.kind == "process" else hit.id


class NaiveSearcher:
    """Baseline: count the query's words in each entry's tasks, name(s) and summary; best wins.

    Lower-cased \\w+ words, no lemmatising, stemming or synonyms; an entry fits with one shared word.
    With `stop_words` the shared function words are dropped first (a second, slightly fairer baseline).
    """

    THRESHOLD = 1

    def __init__(self, catalogue: CatalogueFile, *, stop_words: bool = False):
        self.stop_words = stop_words
        self.entries: list[tuple[str, set[str]]] = []
        for tool in catalogue.tools:
            self.entries.append((tool.id, self._words(" ".join((*tool.tasks, tool.name, *tool.aliases, tool.summary)))))
        for process in catalogue.processes:
            # Processes have no tasks or summary: their names and steps play those parts.
            self.entries.append(
                (f"process:{process.id}", self._words(" ".join((process.name, *process.aliases, *process.steps))))
            )

    def _words(self, text: str) -> set[str]:
        found = set(re.findall(r"\w+", text.lower()))
        return found - STOP_WORDS if self.stop_words else found

    def search(self, text: str) -> tuple[list[tuple[str, int]], bool]:
        query = self._words(text)
        scored = [(entry_id, len(query & words)) for entry_id, words in self.entries]
        scored.sort(key=lambda item: -item[1])  # stable: ties keep catalogue order
        top = [item for item in scored[:SEARCH_LIMIT] if item[1] > 0]
        return top, bool(top) and top[0][1] >= self.THRESHOLD


@dataclass
class SearchScore:
    total: int = 0
    top1: int = 0
    top3: int = 0
    fit_total: int = 0  # needs with an accepted answer
    fit_top1: int = 0
    fit_top3: int = 0
    predicted_nofit: int = 0
    true_nofit: int = 0  # predicted no fit and labelled no fit
    labelled_nofit: int = 0

    def add(self, accept: list[str], ranked: list[str], fits: bool) -> tuple[bool, bool]:
        self.total += 1
        if not fits:
            self.predicted_nofit += 1
        if not accept:
            self.labelled_nofit += 1
            ok1 = ok3 = not fits
            self.true_nofit += ok1
        else:
            self.fit_total += 1
            ok1 = fits and bool(ranked) and ranked[0] in accept
            ok3 = any(key in accept for key in ranked[:SEARCH_LIMIT])
            self.fit_top1 += ok1
            self.fit_top3 += ok3
        self.top1 += ok1
        self.top3 += ok3
        return ok1, ok3

    @property
    def nofit_precision(self) -> float | None:
        return ratio(self.true_nofit, self.predicted_nofit)

    @property
    def nofit_recall(self) -> float | None:
        return ratio(self.true_nofit, self.labelled_nofit)


def run_search(url: str, catalogue: CatalogueFile, needs: list[dict]):
    system, naive, naive_stop = SearchScore(), SearchScore(), SearchScore()
    by_category: dict[str, list[SearchScore]] = defaultdict(lambda: [SearchScore(), SearchScore()])
    errors = []
    results = []  # (accept, hits) for the threshold sweep
    baseline = NaiveSearcher(catalogue)
    baseline_stop = NaiveSearcher(catalogue, stop_words=True)
    seconds = 0.0
    with db.session_scope(url) as session:
        search.search(session, "oppvarming")  # build the index outside the timing
        for need in needs:
            text, accept = need["text"], list(need.get("accept") or [])
            started = time.perf_counter()
            result = search.search(session, text, limit=SEARCH_LIMIT)
            seconds += time.perf_counter() - started
            ranked = [hit_key(hit) for hit in result.hits]
            ok1, _ = system.add(accept, ranked, result.fits)
            by_category[need["_category"]][0].add(accept, ranked, result.fits)
            results.append((accept, result.hits))
            if not ok1:
                errors.append((need["_category"], text, accept, result))
            top, fits = baseline.search(text)
            naive.add(accept, [entry_id for entry_id, _ in top], fits)
            by_category[need["_category"]][1].add(accept, [entry_id for entry_id, _ in top], fits)
            top, fits = baseline_stop.search(text)
            naive_stop.add(accept, [entry_id for entry_id, _ in top], fits)
    return system, naive, naive_stop, by_category, errors, results, seconds


def sweep(results) -> list[list[str]]:
    rows = []
    for threshold in sorted(set(THRESHOLDS) | {search.FIT_THRESHOLD}):
        score = SearchScore()
        for accept, hits in results:
            fits = bool(hits) and hits[0].score >= threshold
            score.add(accept, [hit_key(hit) for hit in hits], fits)
        marker = " (current)" if abs(threshold - search.FIT_THRESHOLD) < 1e-9 else ""
        rows.append(
            [
                f"{threshold:.3f}{marker}",
                pct(ratio(score.top1, score.total)),
                pct(ratio(score.fit_top1, score.fit_total)),
                pct(score.nofit_precision),
                pct(score.nofit_recall),
            ]
        )
    return rows


def search_report(system, naive, naive_stop, by_category, results, seconds, source: Path) -> list[str]:
    out = [
        f"## Task search ({system.total} needs, {system.labelled_nofit} of them with no fitting tool, {rel(source)})",
        "",
    ]

    def column(score: SearchScore) -> list[str]:
        return [
            pct(ratio(score.top1, score.total)),
            pct(ratio(score.top3, score.total)),
            pct(ratio(score.fit_top1, score.fit_total)),
            pct(ratio(score.fit_top3, score.fit_total)),
            pct(score.nofit_precision),
            pct(score.nofit_recall),
        ]

    labels = [
        "top-1 accuracy (all needs)",
        "top-3 accuracy (all needs)",
        "top-1 accuracy (needs with a tool)",
        "top-3 accuracy (needs with a tool)",
        "no-fit precision",
        "no-fit recall",
    ]
    columns = [column(system), column(naive), column(naive_stop)]
    rows = [[label, *(c[i] for c in columns)] for i, label in enumerate(labels)]
    rows.append(["mean time per need", f"{1000 * seconds / max(system.total, 1):.2f} ms", "", ""])
    out.append(
        table(
            [
                "metric",
                f"search() (fit ≥ {search.FIT_THRESHOLD})",
                "naive word overlap (≥ 1 word)",
                "naive, stop words dropped",
            ],
            rows,
        )
    )
    out += [
        "",
        "Top-1 counts a need with a tool as right when the best hit is accepted and fits; top-3 when any of "
        "the three hits is accepted (fit or not). A need with no fitting tool (`accept: []`) is right in both "
        'when the result does not fit. No-fit precision/recall treat "no tool fits" as the positive class '
        '(– = undefined: the method never answered "no tool fits").',
    ]
    if len(by_category) > 1:
        out += ["", "### Search by category", ""]
        rows = []
        for category, (score, base) in by_category.items():
            rows.append(
                [
                    category,
                    score.total,
                    pct(ratio(score.top1, score.total)),
                    pct(ratio(score.top3, score.total)),
                    pct(ratio(base.top1, base.total)),
                    pct(ratio(base.top3, base.total)),
                ]
            )
        out.append(table(["category", "needs", "top-1", "top-3", "naive top-1", "naive top-3"], rows))
    out += [
        "",
        f"### Fit threshold sweep (information only; the constant stays {search.FIT_THRESHOLD})",
        "",
        table(["threshold", "top-1 (all)", "top-1 (with a tool)", "no-fit precision", "no-fit recall"], sweep(results)),
        "",
        f"Hits below search.CANDIDATE_FLOOR ({search.CANDIDATE_FLOOR}) are never returned, so thresholds "
        "at or under it behave alike.",
    ]
    return out


# --- errors --------------------------------------------------------------------------------------


def error_report(recognition_run: RecognitionRun, search_errors) -> list[str]:
    out = ["## Errors", "", f"### Recognition ({len(recognition_run.errors)} messages)", ""]
    for category, text, false_pos, false_neg in recognition_run.errors:
        parts = []
        if false_pos:
            parts.append("false positive " + ", ".join(sorted(false_pos)))
        if false_neg:
            parts.append("missed " + ", ".join(sorted(false_neg)))
        out.append(f"- [{category}] {text!r}: {'; '.join(parts)}")
    out += ["", f"### Search, top-1 wrong ({len(search_errors)} needs)", ""]
    for category, text, accept, result in search_errors:
        hits = ", ".join(f"{hit_key(h)} {h.score:.2f}" for h in result.hits) or "no hits"
        verdict = "fits" if result.fits else "no fit"
        want = ", ".join(accept) if accept else "no tool fits"
        out.append(f"- [{category}] {text!r}: want {want}; got {verdict} [{hits}]")
    return out


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--catalogue", type=Path, default=SEED_CATALOGUE)
    parser.add_argument("--recognition", type=Path, default=RECOGNITION_FILE)
    parser.add_argument("--search", type=Path, default=SEARCH_FILE)
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/catalogue_quality.md")
    args = parser.parse_args()
    for path in (args.catalogue, args.recognition, args.search):
        if not path.is_file():
            raise SystemExit(f"missing file: {path}")

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        url = seeded(f"sqlite:///{tmp}/catalogue.db", args.catalogue)
        with db.session_scope(url) as session:
            catalogue = store.read_catalogue(session)

        messages = load_labelled(args.recognition, "messages")
        needs = load_labelled(args.search, "needs")
        rec_system, rec_naive = run_recognition(url, catalogue, messages)
        system, naive, naive_stop, by_category, search_errors, results, seconds = run_search(url, catalogue, needs)
        engine = db.engine_for(url)
        engine.dispose()

    report = [
        "# Catalogue quality benchmark",
        "",
        f"Catalogue: {rel(args.catalogue)} "
        f"({len(catalogue.tools)} tools, {len(catalogue.private_tools)} private tools, "
        f"{len(catalogue.processes)} processes). Machine: {machine()}.",
        "",
        *recognition_report(rec_system, rec_naive, args.recognition),
        "",
        *search_report(system, naive, naive_stop, by_category, results, seconds, args.search),
        "",
        *error_report(rec_system, search_errors),
        "",
        f"Total run time {time.perf_counter() - started:.1f} s.",
    ]
    text = "\n".join(report)
    publish("catalogue_quality", text, not args.no_write)


if __name__ == "__main__":
    main()
