"""How the search's fusion and decision constants were chosen: a grid over them on the SEED
catalogue's needs only (bench/data/search.yml and search_styles.yml), never on bench/data/unseen.

    .venv/bin/python bench/fusion_tuning.py

For each cap on wrong answers (share of all needs) it prints the settings with the most covered
needs answered right or asked, with their share of needs nothing covers that got a tool. The
constants in bot/catalogue/search.py are one of these rows (bench/README.md says which and why).
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)

import itertools  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402

from _common import SEED_CATALOGUE, load_labelled, seeded, table  # noqa: E402
from answer_quality import SETS, outcome  # noqa: E402

from bot import db  # noqa: E402
from bot.catalogue import search  # noqa: E402
from bot.language.sentence_encoder import embed  # noqa: E402

# The last grid run; earlier runs (bench/README.md) settled LEXICAL_WEIGHT, SEMANTIC_LOW and ASK_RATIO.
GRID = {
    "LEXICAL_WEIGHT": (0.35,),
    "SEMANTIC_LOW": (0.75,),
    "ANSWER_SCORE": (0.4, 0.5),
    "ANSWER_MARGIN": (0.05, 0.1),
    "ASK_SCORE": (0.5, 0.55, 0.6),
    "ASK_RATIO": (0.8,),
    "SEMANTIC_STANDOUT": (4.0, 4.5),
    "STANDOUT_CHOICES_WITHIN": (0.01,),
    "STANDOUT": tuple({"en": en} for en in (3.0, 3.5, 4.0)),
    "STANDOUT_WITHIN": ({"en": 0.02},),
}
CAPS = (0.03, 0.05, 0.10)


def main() -> None:
    needs = load_labelled(SETS["seed"][1], "needs") + load_labelled(SETS["seed-styles"][1], "needs")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-tuning-") as tmp:
        url = seeded(f"sqlite:///{tmp}/catalogue.db", SEED_CATALOGUE)
        with db.session_scope(url) as session:
            lexical, semantic = search.lexical_index(session), search.semantic_index(session)
            prepared = [
                (
                    need["text"],
                    list(need.get("accept") or []),
                    lexical.scores(need["text"], by_sentence=True),
                    embed([need["text"]])[0],
                )
                for need in needs
            ]
        db.engine_for(url).dispose()
    names = list(GRID)
    for values in itertools.product(*GRID.values()):
        settings = dict(zip(names, values))
        for name, value in settings.items():
            setattr(search, name, value)
        covered, uncovered = Counter(), Counter()
        for text, accept, scored, vector in prepared:
            result = search.fuse(lexical, semantic, scored, vector, text=text) if scored else search.SearchResult(())
            (covered if accept else uncovered)[outcome(accept, result)] += 1
        n_c, n_u = sum(covered.values()), sum(uncovered.values())
        rows.append(
            (
                (covered["right"] + covered["asked"]) / n_c,
                covered["right"] / n_c,
                (covered["wrong"] + uncovered["wrong"]) / (n_c + n_u),
                uncovered["wrong"] / n_u,
                settings,
            )
        )
    for cap in CAPS:
        best = sorted((row for row in rows if row[2] <= cap), key=lambda row: (-row[0], -row[1]))[:5]
        print(f"\n## wrong (all needs) <= {cap:.0%}\n")
        print(
            table(
                ["right + asked", "right", "wrong (all)", "uncovered with a tool", "settings"],
                [
                    [f"{a:.1%}", f"{r:.1%}", f"{w:.1%}", f"{u:.1%}", " ".join(f"{k}={v}" for k, v in s.items())]
                    for a, r, w, u, s in best
                ],
                align="rrrrl",
            )
        )


if __name__ == "__main__":
    main()
