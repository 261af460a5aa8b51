"""How close in meaning a message is to each catalogue entry, with multilingual-e5-small.

Each passage of an entry (bot.catalogue.passages) is embedded, and so is the whole entry (its
passages joined), when the catalogue changes: `snapshot.derived` rebuilds this index only then,
and texts embedded before are remembered (`sentence_encoder.embed_cached`), so a changed entry
costs only its new texts. A message costs one encoder call, which the NLU has usually made
already (the vector comes in the parse data). An entry's closeness is the mean of its closest
passage's cosine and the whole entry's: the passage catches a precise task, the whole entry a
need that spreads over several ("logge timer og se turnus").
"""

from __future__ import annotations

import numpy as np

from bot.catalogue.passages import catalogue_passages
from bot.catalogue.schema import CatalogueFile
from bot.language.sentence_encoder import embed_cached

# Beyond this many passages, only the entries closest as a whole (and those the caller adds) get
# their passages compared: 10,000 tools have ~100,000 passages (bench/catalogue_scale.py).
ALL_PASSAGES_UP_TO = 4000
SHORTLIST = 200


class SemanticIndex:
    """Embeddings of one catalogue snapshot's passages and entries."""

    def __init__(self, catalogue: CatalogueFile):
        self.entries, passages = catalogue_passages(catalogue)
        texts = [passage.text for passage in passages]
        entry_of = np.array([passage.entry for passage in passages], dtype=np.int64)
        self.passage_start = np.searchsorted(entry_of, np.arange(len(self.entries) + 1))
        self.passage_vectors = embed_cached(texts)
        wholes = [". ".join(texts[self.passage_start[n]:self.passage_start[n + 1]]) for n in range(len(self.entries))]
        self.entry_vectors = embed_cached(wholes)

    def closeness(self, query: np.ndarray, also: np.ndarray | None = None) -> np.ndarray:
        """Each entry's closeness to the query vector (cosine, about 0.7-0.95 for e5), or NaN for
        an entry outside the shortlist of a large catalogue (the entries closest as a whole, and
        `also`)."""
        whole = self.entry_vectors @ query
        if len(self.passage_vectors) <= ALL_PASSAGES_UP_TO:
            best = np.maximum.reduceat(self.passage_vectors @ query, self.passage_start[:-1])
            return (best + whole) / 2
        shortlist = np.argpartition(-whole, min(SHORTLIST, len(whole) - 1))[:SHORTLIST]
        if also is not None:
            shortlist = np.union1d(shortlist, also)
        result = np.full(len(self.entries), np.nan)
        for n in shortlist:
            rows = self.passage_vectors[self.passage_start[n]:self.passage_start[n + 1]]
            result[n] = (float((rows @ query).max()) + whole[n]) / 2
        return result

    def best_passage(self, entry: int, query: np.ndarray) -> int:
        """The index (into the catalogue's passages) of the entry's passage closest to the query."""
        start, end = self.passage_start[entry], self.passage_start[entry + 1]
        return int(start + np.argmax(self.passage_vectors[start:end] @ query))
