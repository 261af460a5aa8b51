"""Rank workplace tools and processes for a need written in free text ("hvordan bytter jeg vakt?").

Each tool is split into passages (each task, its names, its summary, its category) and each
process into its names and its steps. A question and the passages are compared as TF-IDF vectors
of Norwegian search terms (lemmatised, stemmed, stop words dropped, synonyms added to the
question) and of character n-grams of those terms, which catch compounds and dialect spellings
("vaktbytte", "reiserekning"). An entry scores by its best passage plus a little for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sqlalchemy.orm import Session

from bot.catalogue import snapshot
from bot.catalogue.schema import CatalogueFile
from bot.language.norwegian import synonyms_of, terms

# Below this score no entry fits the need: the answer is "no tool fits" (and a gap).
FIT_THRESHOLD = 0.20
# Entries scoring below this are not offered as candidates at all.
CANDIDATE_FLOOR = 0.12

WORD_WEIGHT, CHAR_WEIGHT = 0.65, 0.35
BEST_PASSAGE_WEIGHT, WHOLE_ENTRY_WEIGHT = 0.8, 0.2
SYNONYM_WEIGHT = 0.5
# How much of the question an entry explains: an entry that matches one word of a long need is
# scaled down towards COVERAGE_FLOOR ("kan jeg få en ny stol" is not about new employees).
COVERAGE_FLOOR = 0.4
RERANKED = 20
MIN_SHARED_PART = 4
PASSAGE_WEIGHTS = {"task": 1.0, "name": 1.0, "step": 0.8, "summary": 0.8, "category": 0.5}


@dataclass(frozen=True)
class Hit:
    kind: str  # "tool" or "process"
    id: str
    name: str
    score: float  # 0..1
    why: str  # the task, step or text that matched best


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]  # best first, at most `limit`, all above the candidate floor

    @property
    def fits(self) -> bool:
        """Whether the best hit is good enough to answer with."""
        return bool(self.hits) and self.hits[0].score >= FIT_THRESHOLD

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.fits else None


def _passages(catalogue: CatalogueFile):
    """(entry number, passage kind, text) for every entry, entries numbered in order."""
    entries = []
    passages: list[tuple[int, str, str]] = []
    for tool in catalogue.tools:
        number = len(entries)
        entries.append(("tool", tool.id, tool.name))
        passages += [(number, "task", task) for task in tool.tasks]
        passages += [(number, "name", name) for name in (tool.name, *tool.aliases)]
        passages += [(number, "summary", tool.summary), (number, "category", tool.category)]
    for process in catalogue.processes:
        number = len(entries)
        entries.append(("process", process.id, process.name))
        passages += [(number, "name", name) for name in (process.name, *process.aliases)]
        passages += [(number, "step", step) for step in process.steps]
    return entries, passages


def _term_text(text: str, *, expand: bool = False) -> str:
    return " ".join(terms(text, expand_synonyms=expand))


def _scores(matrix, query) -> np.ndarray:
    """`matrix @ query.T` as a flat array, touching only the query's own terms' columns.

    `matrix` is column-major (CSC), so this costs the length of those columns, not the whole
    matrix: about 10x faster at 10,000 tools (bench/catalogue_scale.py)."""
    query = query.tocsr()
    return matrix[:, query.indices] @ query.data


def _highest(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first; a partial sort, as sorting every entry costs
    about 0.7 ms a time at 10,000 tools."""
    if k < len(scores):
        candidates = np.argpartition(-scores, k)[:k]
        return candidates[np.argsort(-scores[candidates], kind="stable")]
    return np.argsort(-scores, kind="stable")


class SearchIndex:
    """TF-IDF matrices over the passages of one catalogue snapshot."""

    def __init__(self, catalogue: CatalogueFile):
        self.entries, passages = _passages(catalogue)
        self.passage_entry = np.array([number for number, _, _ in passages], dtype=np.int64)
        self.passage_text = [text for _, _, text in passages]
        self.passage_weight = np.array([PASSAGE_WEIGHTS[kind] for _, kind, _ in passages])
        term_texts = [_term_text(text) for text in self.passage_text]
        self.words = TfidfVectorizer(analyzer=str.split, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        if passages:
            # Column-major, so a query reads only its terms' columns (see _scores).
            self.word_matrix = self.words.fit_transform(term_texts).tocsc()
            self.char_matrix = self.chars.fit_transform(term_texts).tocsc()
            # Whole entries: all their passages as one document.
            whole = [[] for _ in self.entries]
            for number, text in zip(self.passage_entry, term_texts):
                whole[number].append(text)
            joined = [" ".join(texts) for texts in whole]
            self.word_whole = self.words.transform(joined).tocsc()
            self.char_whole = self.chars.transform(joined).tocsc()
            # sklearn recomputes idf_ from a sparse matrix on every access (about 0.1 ms each,
            # and _weight is called for every term of every reranked entry): keep a copy.
            self.idf = self.words.idf_
            self.idf_max = float(self.idf.max())
        # _passages lists each entry's passages together and in entry order (at least its name),
        # so entry n's passages are passage_start[n]:passage_start[n + 1].
        self.passage_start = np.searchsorted(self.passage_entry, np.arange(len(self.entries) + 1))
        self.entry_terms = [set() for _ in self.entries]
        for number, text in zip(self.passage_entry, term_texts):
            self.entry_terms[number].update(text.split())

    def _weight(self, term: str) -> float:
        """A term's IDF: rare terms say more about the need; terms the catalogue never uses most."""
        column = self.words.vocabulary_.get(term)
        return float(self.idf[column]) if column is not None else self.idf_max

    def _coverage(self, entry: int, query_terms: list[str]) -> float:
        """The IDF-weighted share of the question's terms the entry has: equal, a synonym, or part
        of a compound."""
        known = self.entry_terms[entry]

        def covered(term: str) -> bool:
            if term in known or any(s in known for s in synonyms_of(term)):
                return True
            return len(term) >= MIN_SHARED_PART and any(
                len(k) >= MIN_SHARED_PART and (term in k or k in term) for k in known
            )

        total = sum(self._weight(t) for t in query_terms)
        return sum(self._weight(t) for t in query_terms if covered(t)) / total if total else 0.0

    def _query_vectors(self, text: str):
        plain, expanded = _term_text(text), _term_text(text, expand=True)
        extra = expanded[len(plain):].strip()
        word = self.words.transform([plain]) + SYNONYM_WEIGHT * self.words.transform([extra])
        char = self.chars.transform([plain])
        return normalize(word), char

    def search(self, text: str, limit: int = 3) -> SearchResult:
        if not self.entries or not _term_text(text, expand=True):
            return SearchResult(())
        word, char = self._query_vectors(text)
        passage_scores = (
            WORD_WEIGHT * _scores(self.word_matrix, word) + CHAR_WEIGHT * _scores(self.char_matrix, char)
        ) * self.passage_weight
        best = np.maximum.reduceat(passage_scores, self.passage_start[:-1])  # each entry's best passage
        whole = WORD_WEIGHT * _scores(self.word_whole, word) + CHAR_WEIGHT * _scores(self.char_whole, char)
        scores = BEST_PASSAGE_WEIGHT * best + WHOLE_ENTRY_WEIGHT * whole
        query_terms = terms(text)
        for n in _highest(scores, RERANKED):
            scores[n] *= COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * self._coverage(n, query_terms)
        top = _highest(scores, limit)
        hits = tuple(
            Hit(
                *self.entries[n], score=round(float(scores[n]), 4),
                why=self.passage_text[self._best_passage(n, passage_scores)],
            )
            for n in top
            if scores[n] >= CANDIDATE_FLOOR
        )
        return SearchResult(hits)

    def _best_passage(self, entry: int, passage_scores: np.ndarray) -> int:
        start, end = self.passage_start[entry], self.passage_start[entry + 1]
        return int(start + np.argmax(passage_scores[start:end]))


def index(session: Session) -> SearchIndex:
    return snapshot.derived(session, "search", SearchIndex)


def search(session: Session, text: str, limit: int = 3) -> SearchResult:
    """Workplace tools and processes that fit a need, best first."""
    return index(session).search(text, limit)
