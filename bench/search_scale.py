"""Search at 10,000 tools: the time of the search in service per message, apart from the one
encoder call (the NLU's), with the semantic view included.

    .venv/bin/python bench/search_scale.py                 # 10,000 tools, 300 messages (~2 min)
    .venv/bin/python bench/search_scale.py --tools 1000

Embedding 10,000 tools' passages with the real encoder takes most of an hour on two cores, and
the time of the search does not depend on what the vectors say, so here every passage and every
message gets a random unit vector (seeded; a message's vector is a noisy copy of one passage's,
so it has a clear closest entry as a real need does). The lexical view, the fusion and the
decision run as in service, on the catalogue and messages of bench/catalogue_scale.py (names,
inflections, typos, needs, small talk). Reported: p50 / p95 / max per message of
`LexicalIndex.scores` + `fuse` (what `search.search` does after the encoder), against the goal of
recognition + search < 10 ms (recognition's own time is in bench/catalogue_scale.py's report).
"""

from __future__ import annotations

import sys

sys.modules.setdefault("tensorflow", None)

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from _common import machine, percentile, publish, table  # noqa: E402
from catalogue_scale import generate_catalogue, generate_messages  # noqa: E402

from bot.catalogue import schema, search, semantic  # noqa: E402

DIM = 384
SEED = 7


def random_embedder(rng: np.random.Generator):
    def embed(texts: list[str]) -> np.ndarray:
        vectors = rng.standard_normal((len(texts), DIM)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    return embed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    document = generate_catalogue(args.tools, args.tools // 10, args.tools // 20)
    catalogue = schema.parse(yaml.safe_dump(document, allow_unicode=True))
    messages = generate_messages(document, args.messages)

    started = time.perf_counter()
    lexical = search.LexicalIndex(catalogue)
    lexical_s = time.perf_counter() - started
    semantic.embed_cached = random_embedder(rng)  # this process only: see the module doc
    started = time.perf_counter()
    meaning = semantic.SemanticIndex(catalogue)
    semantic_s = time.perf_counter() - started

    timings, decisions = [], {search.ANSWER: 0, search.ASK: 0, search.NOTHING: 0}
    for text in messages:
        row = meaning.passage_vectors[rng.integers(len(meaning.passage_vectors))]
        vector = row + 0.5 * rng.standard_normal(DIM).astype(np.float32) / np.sqrt(DIM)
        vector /= np.linalg.norm(vector)
        started = time.perf_counter()
        scored = lexical.scores(text, by_sentence=True)
        result = search.fuse(lexical, meaning, scored, vector, text=text) if scored else search.SearchResult(())
        timings.append(1000 * (time.perf_counter() - started))
        decisions[result.decision] += 1

    report = "\n".join(
        [
            "# Search at scale (random vectors, real lexical view and decision)",
            "",
            f"Machine: {machine()}.",
            f"{len(catalogue.tools)} tools, {len(catalogue.processes)} processes, "
            f"{len(meaning.passage_vectors)} semantic passages; {len(messages)} messages.",
            "",
            table(
                ["what", "value"],
                [
                    ["build LexicalIndex", f"{lexical_s:.1f} s"],
                    ["build SemanticIndex (vectors random, so no encoder time)", f"{semantic_s:.1f} s"],
                    [
                        "search per message p50 / p95 / max",
                        f"{percentile(timings, 50):.2f} / {percentile(timings, 95):.2f} / {max(timings):.2f} ms",
                    ],
                    [
                        "decisions (answer / ask / nothing)",
                        f"{decisions[search.ANSWER]} / {decisions[search.ASK]} / {decisions[search.NOTHING]}",
                    ],
                ],
            ),
            "",
            "Goal: recognition + search < 10 ms per message apart from the encoder call (reported, never asserted).",
        ]
    )
    publish("search_scale", report, not args.no_write)


if __name__ == "__main__":
    main()
