"""Which workplace tools and processes fit a need written in free text ("hvordan bytter jeg vakt?"),
and whether to answer with the best, ask «Mente du …?» with a few, or say that nothing fits.

Two views of the catalogue's passages (bot.catalogue.passages) are combined:
- lexical (`LexicalIndex`): TF-IDF vectors of Norwegian search terms (lemmatised, stemmed, stop
  words dropped, synonyms added to the question) and of character n-grams of those terms, which
  catch compounds and dialect spellings ("vaktbytte", "reiserekning"); an entry scores by its best
  passage plus a little for the rest, scaled by how much of the question it explains;
- semantic (bot.catalogue.semantic): multilingual-e5-small closeness, which knows paraphrases,
  nynorsk and English.

The fused score and the decision rule's constants were chosen on the seed catalogue's search set
(bench/data/search.yml) and are measured on a catalogue they were not chosen on
(bench/answer_quality.py, bench/README.md). Precision first: the best entry is the answer only
when both views agree on it and it stands clear of the next; otherwise close candidates are
offered as choices, and a weak best means nothing fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sqlalchemy.orm import Session

from bot.catalogue import snapshot
from bot.catalogue.passages import catalogue_passages, entry_key
from bot.catalogue.schema import CatalogueFile
from bot.catalogue.semantic import SemanticIndex
from bot.language.detect import language_of
from bot.language.norwegian import synonyms_of, terms
from bot.language.sentence_encoder import embed

ANSWER, ASK, NOTHING = "answer", "ask", "nothing"

# The fused score: LEXICAL_WEIGHT x the lexical score + the rest x the semantic closeness mapped
# from SEMANTIC_LOW..SEMANTIC_HIGH (cosine) onto 0..1. Chosen on the seed catalogue's search set.
LEXICAL_WEIGHT = 0.35
SEMANTIC_LOW, SEMANTIC_HIGH = 0.75, 0.95
# The decision: answer when the best scores ANSWER_SCORE, leads the next by ANSWER_MARGIN (unless
# the next is a process of its or its process's tool) and both views rank it or one of those first; else ask with up to MAX_CHOICES scoring ASK_RATIO of the best, when the
# best scores ASK_SCORE; else nothing fits.
ANSWER_SCORE, ANSWER_MARGIN = 0.4, 0.1
ASK_SCORE, ASK_RATIO, MAX_CHOICES = 0.55, 0.8, 3
# Else ask when the closest entry in meaning stands this many standard deviations above the mean
# closeness (as in English or nynorsk needs that share no word with the catalogue), offering the
# entries within STANDOUT_CHOICES_WITHIN of its closeness.
SEMANTIC_STANDOUT, STANDOUT_CHOICES_WITHIN = 4.5, 0.01
# English, which shares no words with a Norwegian catalogue and comes less close to it, stands out
# at less; its next closest are offered more generously. (Nynorsk gained nothing from this.)
STANDOUT = {"en": 3.5}
STANDOUT_WITHIN = {"en": 0.02}
# Nothing fits, but a best this high is too near for a "missing tool" gap: on the seed set, 59% of
# the covered needs that got no answer score this much, and 25% of the needs nothing covers.
NEAR_MISS = 0.45
# "Hva er fremgangsmåten …": processes get this much more.
PROCESS_BONUS = 0.1
HOW_TO = re.compile(
    r"fremgangsmåte|framgangsmåte|hva (må|skal|gjør) (jeg|eg|man|vi)|ka (må|ska) (æ|eg|jeg)|"
    r"kva (må|skal|gjer) (eg|ein)|hvordan (går jeg fram|gjør jeg det når)|steg for steg|rutinen? for|what do i do",
    re.IGNORECASE,
)
# A long message (this many search terms) is also searched sentence by sentence, for sentences
# with MIN_SENTENCE_TERMS or more.
LONG_MESSAGE_TERMS = 8
SENTENCE_END = re.compile(r"[.!?;\n]+")
MIN_SENTENCE_TERMS = 2
# Entries the lexical view ranks this high are always compared semantically in a large catalogue.
SHORTLIST_LEXICAL = 50

# The lexical search alone (as before the semantic view): below this score no entry fits.
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

    @property
    def key(self) -> str:
        return entry_key(self.kind, self.id)


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]  # best first, at most `limit`
    decision: str = NOTHING  # ANSWER with hits[0], ASK with `choices`, or NOTHING fits

    @property
    def fits(self) -> bool:
        """Whether the best hit is good enough to answer with."""
        return self.decision == ANSWER

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.fits else None

    @property
    def near_miss(self) -> bool:
        """Nothing fits well enough to offer, but the best comes near: no missing-tool gap for it."""
        return self.decision == NOTHING and bool(self.hits) and self.hits[0].score >= NEAR_MISS

    @property
    def choices(self) -> tuple[Hit, ...]:
        """The candidates to offer in «Mente du …?» (ASK only)."""
        return self.hits if self.decision == ASK else ()


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


class LexicalIndex:
    """TF-IDF matrices over the passages of one catalogue snapshot."""

    def __init__(self, catalogue: CatalogueFile):
        self.entries, passages = catalogue_passages(catalogue)
        self.passage_entry = np.array([passage.entry for passage in passages], dtype=np.int64)
        self.passage_text = [passage.text for passage in passages]
        self.passage_weight = np.array([PASSAGE_WEIGHTS[passage.kind] for passage in passages])
        # Each entry and the entries that answer the same need with it: a process and its tools.
        number = {entry.key: n for n, entry in enumerate(self.entries)}
        self.family = [{n} for n in range(len(self.entries))]
        for process in catalogue.processes:
            p = number[f"process:{process.id}"]
            for tool in process.tools:
                if tool in number:
                    self.family[p].add(number[tool])
                    self.family[number[tool]].add(p)
        term_texts = [_term_text(text) for text in self.passage_text]
        self.words = TfidfVectorizer(analyzer=str.split, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        if passages:
            # Column-major, so a query reads only its terms' columns (see _scores).
            self.word_matrix = self.words.fit_transform(term_texts).tocsc()
            self.char_matrix = self.chars.fit_transform(term_texts).tocsc()
            # Whole entries: all their passages as one document.
            whole: list[list[str]] = [[] for _ in self.entries]
            for number, text in zip(self.passage_entry, term_texts):
                whole[number].append(text)
            joined = [" ".join(texts) for texts in whole]
            self.word_whole = self.words.transform(joined).tocsc()
            self.char_whole = self.chars.transform(joined).tocsc()
            # sklearn recomputes idf_ from a sparse matrix on every access (about 0.1 ms each,
            # and _weight is called for every term of every reranked entry): keep a copy.
            self.idf = self.words.idf_
            self.idf_max = float(self.idf.max())
        # catalogue_passages lists each entry's passages together and in entry order (at least its name),
        # so entry n's passages are passage_start[n]:passage_start[n + 1].
        self.passage_start = np.searchsorted(self.passage_entry, np.arange(len(self.entries) + 1))
        self.entry_terms: list[set[str]] = [set() for _ in self.entries]
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
        extra = expanded[len(plain) :].strip()
        word = self.words.transform([plain]) + SYNONYM_WEIGHT * self.words.transform([extra])
        char = self.chars.transform([plain])
        return normalize(word), char

    def scores(self, text: str, *, by_sentence: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
        """(each entry's score 0..1, each passage's score), or None when the text has no search term.

        With `by_sentence`, a message of several sentences also scores each sentence on its own and
        keeps the best, so the need inside a long message is not drowned by its other words
        ("Hei! Jeg er ny på sykehjemmet. Hvor ser jeg turnusen?")."""
        whole = self._scores_of(text)
        if whole is None or not by_sentence or len(terms(text)) < LONG_MESSAGE_TERMS:
            return whole
        for sentence in SENTENCE_END.split(text):
            if len(terms(sentence)) >= MIN_SENTENCE_TERMS:
                part = self._scores_of(sentence)
                if part is not None:
                    whole = (np.maximum(whole[0], part[0]), np.maximum(whole[1], part[1]))
        return whole

    def _scores_of(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        if not self.entries or not _term_text(text, expand=True):
            return None
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
        return scores, passage_scores

    def search(self, text: str, limit: int = 3) -> SearchResult:
        """The lexical search alone, as it answered before the semantic view: the best entry fits
        when it scores FIT_THRESHOLD (kept as a baseline for bench/answer_quality.py)."""
        scored = self.scores(text)
        if scored is None:
            return SearchResult(())
        scores, passage_scores = scored
        hits = tuple(
            self._hit(n, float(scores[n]), passage_scores)
            for n in _highest(scores, limit)
            if scores[n] >= CANDIDATE_FLOOR
        )
        return SearchResult(hits, ANSWER if hits and hits[0].score >= FIT_THRESHOLD else NOTHING)

    def _hit(self, n: int, score: float, passage_scores: np.ndarray) -> Hit:
        entry = self.entries[n]
        return Hit(
            entry.kind, entry.id, entry.name, round(score, 4), self.passage_text[self._best_passage(n, passage_scores)]
        )

    def _best_passage(self, entry: int, passage_scores: np.ndarray) -> int:
        start, end = self.passage_start[entry], self.passage_start[entry + 1]
        return int(start + np.argmax(passage_scores[start:end]))


def _how_to(text: str) -> bool:
    """Whether the message asks how a thing is done, step by step ("hva er fremgangsmåten for …",
    "hva må jeg gjøre når …"), so a matching process is the better answer than one of its tools."""
    return HOW_TO.search(text) is not None


def fuse(
    lexical: LexicalIndex,
    semantic: SemanticIndex,
    scored: tuple[np.ndarray, np.ndarray],
    vector: np.ndarray,
    limit: int = 3,
    *,
    text: str = "",
) -> SearchResult:
    """Combine both views of one message into ranked hits and the decision (see the module doc)."""
    lexical_scores, passage_scores = scored
    closeness = semantic.closeness(vector, also=_highest(lexical_scores, SHORTLIST_LEXICAL))
    known = ~np.isnan(closeness)
    semantic_scores = np.clip((np.nan_to_num(closeness, nan=0.0) - SEMANTIC_LOW) / (SEMANTIC_HIGH - SEMANTIC_LOW), 0, 1)
    fused = np.where(known, LEXICAL_WEIGHT * lexical_scores + (1 - LEXICAL_WEIGHT) * semantic_scores, 0.0)
    if text and _how_to(text):
        fused = fused + PROCESS_BONUS * np.array([entry.kind == "process" for entry in lexical.entries])
    top = _highest(fused, max(limit, 2))
    best, runner_up = float(fused[top[0]]), float(fused[top[1]]) if len(top) > 1 else 0.0

    def hit(n: int) -> Hit:
        entry = lexical.entries[n]
        if lexical_scores[n] > 0:
            why = lexical.passage_text[lexical._best_passage(n, passage_scores)]
        else:
            why = semantic.best_passage(n, vector)
        return Hit(entry.kind, entry.id, entry.name, round(float(min(fused[n], 1.0)), 4), why)

    family = lexical.family[top[0]]
    agree = int(np.argmax(lexical_scores)) in family and int(np.nanargmax(closeness)) in family
    if best >= ANSWER_SCORE and (best - runner_up >= ANSWER_MARGIN or top[1] in family) and agree:
        return SearchResult(tuple(hit(n) for n in top[:limit]), ANSWER)
    if best >= ASK_SCORE:
        choices = [n for n in top[: min(limit, MAX_CHOICES)] if fused[n] >= ASK_RATIO * best]
        return SearchResult(tuple(hit(n) for n in choices), ASK)
    compared = closeness[known]
    if len(compared) > 2 and compared.std() > 0:
        # No word in common (English, nynorsk, other words), but one entry stands out in meaning.
        language = language_of(text) if text else "nb"
        standout = (compared.max() - compared.mean()) / compared.std()
        if standout >= STANDOUT.get(language, SEMANTIC_STANDOUT):
            within = STANDOUT_WITHIN.get(language, STANDOUT_CHOICES_WITHIN)
            closest = _highest(np.nan_to_num(closeness, nan=-1.0), MAX_CHOICES)
            choices = [n for n in closest if closeness[n] >= closeness[closest[0]] - within]
            return SearchResult(tuple(hit(n) for n in choices), ASK)
    return SearchResult(tuple(hit(n) for n in top[:limit] if fused[n] > 0), NOTHING)


def lexical_index(session: Session) -> LexicalIndex:
    return snapshot.derived(session, "search", LexicalIndex)


def semantic_index(session: Session) -> SemanticIndex:
    return snapshot.derived(session, "semantic", SemanticIndex)


def search(session: Session, text: str, limit: int = 3, vector: np.ndarray | None = None) -> SearchResult:
    """Workplace tools and processes that fit a need, best first, and what to do with them.

    `vector` is the message's sentence embedding when the NLU has made it already; without it the
    message is embedded here."""
    lexical = lexical_index(session)
    scored = lexical.scores(text, by_sentence=True)
    if scored is None:
        return SearchResult(())
    if vector is None:
        vector = embed([text])[0]
    return fuse(lexical, semantic_index(session), scored, vector, limit, text=text)
