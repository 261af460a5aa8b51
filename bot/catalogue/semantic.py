"""How close in meaning a message is to each catalogue entry, with multilingual-e5-small.

Each passage of an entry is embedded, and so is the whole entry (its passages joined), when the
catalogue changes. A tool's passages are its tasks, written as what an employee would say
("Jeg vil føre timer"), and its summary; a process's are its names (the same way) and its steps.
Written as a wish, a task comes closer to the employees' own sentences than the bare phrase, and
names and categories only blur it (bench/README.md, "Answer quality"). Embedding happens when the
catalogue changes: `snapshot.derived` rebuilds this index only then,
and texts embedded before are remembered (`sentence_encoder.embed_cached`), so a changed entry
costs only its new texts. A message costs one encoder call, which the NLU has usually made
already (the vector comes in the parse data). An entry's closeness is the mean of its closest
passage's cosine and the whole entry's: the passage catches a precise task, the whole entry a
need that spreads over several ("logge timer og se turnus").
"""

from __future__ import annotations

import numpy as np

from bot.catalogue.passages import Entry
from bot.catalogue.schema import CatalogueFile
from bot.language.sentence_encoder import embed_cached

# Beyond this many passages, only the entries closest as a whole (and those the caller adds) get
# their passages compared: 10,000 tools have ~100,000 passages (bench/catalogue_scale.py).
ALL_PASSAGES_UP_TO = 4000
SHORTLIST = 200
AS_A_WISH = "Jeg vil {}"


def semantic_passages(catalogue: CatalogueFile) -> tuple[list[Entry], list[tuple[int, str, str]]]:
    """The entries in the order of bot.catalogue.passages, and (entry, text shown, text embedded)."""
    entries: list[Entry] = []
    passages: list[tuple[int, str, str]] = []
    for tool in catalogue.tools:
        entries.append(Entry("tool", tool.id, tool.name))
        passages += [(len(entries) - 1, task, AS_A_WISH.format(task)) for task in tool.tasks]
        passages.append((len(entries) - 1, tool.summary, tool.summary))
    for process in catalogue.processes:
        entries.append(Entry("process", process.id, process.name))
        names = (process.name, *process.aliases)
        passages += [(len(entries) - 1, name, AS_A_WISH.format(name[:1].lower() + name[1:])) for name in names]
        passages += [(len(entries) - 1, step, step) for step in process.steps]
    return entries, passages


class SemanticIndex:
    """Embeddings of one catalogue snapshot's passages and entries."""

    def __init__(self, catalogue: CatalogueFile):
        self.entries, passages = semantic_passages(catalogue)
        self.shown = [shown for _, shown, _ in passages]
        texts = [embedded for _, _, embedded in passages]
        entry_of = np.array([entry for entry, _, _ in passages], dtype=np.int64)
        self.passage_start = np.searchsorted(entry_of, np.arange(len(self.entries) + 1))
        self.passage_vectors = embed_cached(texts)
        wholes = [". ".join(texts[self.passage_start[n] : self.passage_start[n + 1]]) for n in range(len(self.entries))]
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
        starts, ends = self.passage_start[shortlist], self.passage_start[shortlist + 1]
        lengths = ends - starts
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        rows = np.arange(lengths.sum()) - np.repeat(offsets - starts, lengths)  # their passages, in order
        best = np.maximum.reduceat(self.passage_vectors[rows] @ query, offsets)
        result = np.full(len(self.entries), np.nan)
        result[shortlist] = (best + whole[shortlist]) / 2
        return result

    def best_passage(self, entry: int, query: np.ndarray) -> str:
        """The entry's passage closest to the query (a task, the summary, a name or a step)."""
        start, end = self.passage_start[entry], self.passage_start[entry + 1]
        return self.shown[int(start + np.argmax(self.passage_vectors[start:end] @ query))]
