"""Answer quality: does a need in everyday words get the right tool, a «Mente du …?» with the right
tool among the choices, an honest "nothing fits", or a wrong tool?

Run from the project root (about a minute per catalogue, most of it embedding the catalogue):

    .venv/bin/python bench/answer_quality.py                 # both catalogues below
    .venv/bin/python bench/answer_quality.py --only seed     # or --only unseen

Catalogues and needs:
  * seed: data/catalogue/tools.yml with bench/data/search.yml, the set the search was tuned on;
  * seed-styles: the same catalogue with bench/data/search_styles.yml (English, nynorsk, dialect,
    long, telegraphic and misspelt needs), also tuned on;
  * unseen: bench/data/unseen/catalogue.yml with bench/data/unseen/needs.yml, a fictional
    municipality's sparse catalogue and needs written before any tuning by someone who did not
    read the search code. Never tune on its individual errors: this report lists only its totals
    and its totals per writing style.

Each need is scored as
  * right: the answer names an accepted entry;
  * asked: «Mente du …?» offers an accepted entry among its choices;
  * abstained: "nothing fits" (right for a need nothing covers);
  * wrong: a wrong entry as the answer, or choices of which none is accepted, or, for a need
    nothing covers, any answer or question with an entry in it.
Three systems side by side: the search in service (`search.search`: lexical + semantic fused,
precision first), the lexical search alone as it answered before (`LexicalIndex.search`: answer
with the best when it fits, else nothing), and plain BM25 (rank_bm25's BM25Okapi over each
entry's names, summary and tasks or steps, lower-cased words; it answers with the best entry
whenever any word matches). The report goes to stdout and bench/results/answer_quality.md.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)  # spaCy would import it for nothing (see catalogue_quality.py)

import argparse  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _common import PROJECT_ROOT, SEED_CATALOGUE, load_labelled, machine, pct, publish, seeded, table  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from bot import db  # noqa: E402
from bot.catalogue import search, store  # noqa: E402
from bot.catalogue.passages import catalogue_passages  # noqa: E402
from bot.language.sentence_encoder import embed  # noqa: E402

SETS = {
    "seed": (SEED_CATALOGUE, PROJECT_ROOT / "bench" / "data" / "search.yml"),
    "seed-styles": (SEED_CATALOGUE, PROJECT_ROOT / "bench" / "data" / "search_styles.yml"),
    "unseen": (
        PROJECT_ROOT / "bench" / "data" / "unseen" / "catalogue.yml",
        PROJECT_ROOT / "bench" / "data" / "unseen" / "needs.yml",
    ),
}
OUTCOMES = ("right", "asked", "abstained", "wrong")
SYSTEMS = ("search in service", "lexical alone (before)", "BM25")


def outcome(accept: list[str], result: search.SearchResult) -> str:
    """One need's outcome (see the module doc)."""
    if result.decision == search.ANSWER:
        offered, kind = [result.hits[0].key], "right"
    elif result.decision == search.ASK and result.choices:
        offered, kind = [hit.key for hit in result.choices], "asked"
    else:
        return "abstained"
    return kind if any(key in accept for key in offered) else "wrong"


class BM25Baseline:
    """Plain BM25 over each entry's text; the best entry is the answer whenever any word matches."""

    def __init__(self, catalogue):
        self.entries, passages = catalogue_passages(catalogue)
        documents: list[list[str]] = [[] for _ in self.entries]
        for passage in passages:
            if passage.kind != "category":
                documents[passage.entry] += self._words(passage.text)
        self.bm25 = BM25Okapi(documents)

    @staticmethod
    def _words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    def search(self, text: str) -> search.SearchResult:
        scores = self.bm25.get_scores(self._words(text))
        best = int(np.argmax(scores)) if len(scores) else 0
        if not len(scores) or scores[best] <= 0:
            return search.SearchResult(())
        entry = self.entries[best]
        return search.SearchResult((search.Hit(entry.kind, entry.id, entry.name, 1.0, ""),), search.ANSWER)


@dataclass
class Tally:
    covered: Counter
    uncovered: Counter

    @classmethod
    def new(cls) -> Tally:
        return cls(Counter(), Counter())

    def add(self, accept: list[str], result: str) -> None:
        (self.covered if accept else self.uncovered)[result] += 1

    def row(self) -> list[str]:
        c, u = self.covered, self.uncovered
        n_covered, n_uncovered = sum(c.values()), sum(u.values())
        wrong_all = c["wrong"] + u["wrong"]
        return [
            pct(c["right"] / n_covered) if n_covered else "–",
            pct(c["asked"] / n_covered) if n_covered else "–",
            pct((c["right"] + c["asked"]) / n_covered) if n_covered else "–",
            pct(c["abstained"] / n_covered) if n_covered else "–",
            pct(c["wrong"] / n_covered) if n_covered else "–",
            pct(wrong_all / (n_covered + n_uncovered)) if n_covered + n_uncovered else "–",
            pct(u["wrong"] / n_uncovered) if n_uncovered else "–",
        ]


HEADERS = [
    "covered: right",
    "asked",
    "right + asked",
    "abstained",
    "wrong",
    "wrong (all needs)",
    "uncovered answered with a tool",
]


def run(name: str, catalogue_path: Path, needs_path: Path, show_errors: bool) -> list[str]:
    needs = load_labelled(needs_path, "needs")
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as tmp:
        url = seeded(f"sqlite:///{tmp}/catalogue.db", catalogue_path)
        with db.session_scope(url) as session:
            catalogue = store.read_catalogue(session)
            started = time.perf_counter()
            search.semantic_index(session)
            embed_seconds = time.perf_counter() - started
            lexical = search.lexical_index(session)
            bm25 = BM25Baseline(catalogue)
            tallies = {system: Tally.new() for system in SYSTEMS}
            by_style: dict[str, Tally] = defaultdict(Tally.new)
            errors = []
            search_seconds = 0.0
            for need in needs:
                text, accept = need["text"], list(need.get("accept") or [])
                vector = embed([text])[0]  # the NLU's one encoder call, made outside the timing
                started = time.perf_counter()
                result = search.search(session, text, vector=vector)
                search_seconds += time.perf_counter() - started
                verdict = outcome(accept, result)
                tallies[SYSTEMS[0]].add(accept, verdict)
                by_style[need.get("style") or need["_category"]].add(accept, verdict)
                if verdict == "wrong" or (accept and verdict == "abstained"):
                    errors.append((text, accept, result))
                tallies[SYSTEMS[1]].add(accept, outcome(accept, lexical.search(text)))
                tallies[SYSTEMS[2]].add(accept, outcome(accept, bm25.search(text)))
        db.engine_for(url).dispose()
    covered = sum(1 for need in needs if need.get("accept"))
    out = [
        f"## {name}: {catalogue_path.relative_to(PROJECT_ROOT)} ({len(catalogue.tools)} tools, "
        f"{len(catalogue.private_tools)} private tools, {len(catalogue.processes)} processes), "
        f"{len(needs)} needs ({covered} covered, {len(needs) - covered} not)",
        "",
        table(["system", *HEADERS], [[system, *tally.row()] for system, tally in tallies.items()]),
        "",
        f"Embedding the catalogue took {embed_seconds:.1f} s; search in service {1000 * search_seconds / len(needs):.1f} ms "
        "per need (without the message's encoder call).",
        "",
        "### Search in service by writing style (or theme)",
        "",
        table(["style", *HEADERS], [[style, *tally.row()] for style, tally in sorted(by_style.items())]),
    ]
    if show_errors:
        out += ["", f"### Not right ({len(errors)})", ""]
        for text, accept, result in errors:
            got = ", ".join(f"{hit.key} {hit.score:.2f}" for hit in result.hits) or "no hits"
            out.append(f"- {text!r}: want {', '.join(accept) or 'nothing'}; {result.decision} [{got}]")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", choices=sorted(SETS))
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/answer_quality.md")
    args = parser.parse_args()
    started = time.perf_counter()
    report = ["# Answer quality", "", f"Machine: {machine()}.", ""]
    for name, (catalogue_path, needs_path) in SETS.items():
        if args.only in (None, name):
            report += run(name, catalogue_path, needs_path, show_errors=name != "unseen") + [""]
    report.append(f"Total run time {time.perf_counter() - started:.0f} s.")
    publish("answer_quality", "\n".join(report), not args.no_write)


if __name__ == "__main__":
    main()
