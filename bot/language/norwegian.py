"""Norwegian normalisation: spaCy's nb tokenizer, a lemma lexicon, a stemmer, stop words, synonyms.

The lexicon comes from spacy-lookups-data's `nb_lemma_exc` (about 590,000 word forms). Held as a
Python dict it costs some 200 MB per process, so it is copied once into a small SQLite file under
`var/` and looked up word by word through a cache.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import threading
import unicodedata
from pathlib import Path

import snowballstemmer
import yaml

from bot.config import PROJECT_ROOT

LEXICON_PATH = Path(os.environ.get("BOT_LEXICON_PATH") or PROJECT_ROOT / "var" / "lexicon-nb.sqlite")
_LEXICON_POS = ("noun", "verb", "adj", "adv")  # first one wins when a form has several lemmas

# Function words, question words and fillers in bokmål, nynorsk, dialect spellings and English.
# spaCy's nb list is tuned for news and drops words that matter here ("se", "ny", "leder").
STOP_WORDS = frozenset(
    """
    a alle allerede alt andre annen annet at av bare begge bli blir blitt ble bør både da de dei
    deg dem den denne der deres dere dersom det dette di din dine disse ditt du då eg ei ein eit
    eller elles en enn er et ett etter for fordi fra frå før ha hadde han har hen her hjå ho hoss
    hun hva hvem hver hvilke hvilken hvis hvor hvordan hvorfor i ikke ikkje inn ja jeg jæ jæg kan
    ka kem kor korleis koss kva kvar kven kvifor kunne kor må man me med meg men mi min mine mitt
    mot mæ noe noen nok nå når og også om opp oss på seg sin sine sitt skal skulle slik som så
    til ut var ved vi vil ville være vært vår vårt å åssen åkke ittj ikkje itj te ska sku kor
    e æ va d dæ hæ hvad hvafor kæ ke kossen mykje mye litt bare berre vel da jo nei vær snill takk
    the a an to of for in on is are i me my how what where can do does with and or you it this
    that be get use using
    """.split()
)

_TOKEN_RE = re.compile(r"[\wæøåÆØÅ]+", re.UNICODE)


@functools.lru_cache(maxsize=1)
def nlp():
    """spaCy's blank Norwegian bokmål pipeline: a tokenizer, no trained model."""
    import spacy

    return spacy.blank("nb")


def fold(text: str) -> str:
    """Lower case with Unicode normalised, so 'Teams' and 'ＴＥＡＭＳ' compare equal."""
    return unicodedata.normalize("NFKC", text).casefold()


# --- lexicon ---------------------------------------------------------------------------------


def _build_lexicon(path: Path) -> None:
    import spacy_lookups_data
    import srsly

    source = Path(spacy_lookups_data.__file__).parent / "data" / "nb_lemma_exc.json.gz"
    table = srsly.read_gzip_json(source)
    rows: dict[str, str] = {}
    for pos in _LEXICON_POS:
        for form, lemmas in table.get(pos, {}).items():
            if lemmas:
                rows.setdefault(form, lemmas[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with sqlite3.connect(partial) as db:
        db.execute("CREATE TABLE IF NOT EXISTS forms (form TEXT PRIMARY KEY, lemma TEXT NOT NULL) WITHOUT ROWID")
        db.executemany("INSERT OR REPLACE INTO forms VALUES (?, ?)", rows.items())
    os.replace(partial, path)


class Lexicon:
    """Word form → lemma, from a SQLite copy of spacy-lookups-data built on first use."""

    def __init__(self, path: Path = LEXICON_PATH):
        self.path = path
        self._local = threading.local()
        if not path.exists():
            _build_lexicon(path)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    @functools.lru_cache(maxsize=50_000)  # noqa: B019 - one lexicon per process (lexicon()), kept for its life
    def lemma(self, word: str) -> str | None:
        row = self._db().execute("SELECT lemma FROM forms WHERE form = ?", (word,)).fetchone()
        return row[0] if row else None

    def is_word(self, word: str) -> bool:
        return self.lemma(word) is not None


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon()


_STEMMER = snowballstemmer.stemmer("norwegian")
_STEM_LOCK = threading.Lock()


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    with _STEM_LOCK:  # the generated stemmer keeps state between calls
        return _STEMMER.stemWord(word)


# --- synonyms --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The groups of work words that mean the same (bot/language/synonyms.yml), as written."""
    document = yaml.safe_load((Path(__file__).with_name("synonyms.yml")).read_text(encoding="utf-8"))
    return tuple(tuple(group) for group in document["groups"])


@functools.lru_cache(maxsize=1)
def _synonym_groups() -> dict[str, tuple[str, ...]]:
    """Each term's stem → the stems of the other words in its group."""
    expansion: dict[str, set[str]] = {}
    for group in synonym_groups():
        stems = {term_stem for word in group for term_stem in _plain_terms(word)}
        for term_stem in stems:
            expansion.setdefault(term_stem, set()).update(stems - {term_stem})
    return {key: tuple(sorted(values)) for key, values in expansion.items()}


def synonyms_of(term: str) -> tuple[str, ...]:
    """The stems of the words in the same synonym groups as the stem `term`."""
    return _synonym_groups().get(term, ())


# --- terms for search ------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """Folded word tokens, hyphenated compounds split into their parts ('Teams-møtet' → teams, møtet)."""
    return _TOKEN_RE.findall(fold(text))


def normalise_word(word: str) -> str:
    """A word's search term: its lemma when the lexicon knows it, then the stem."""
    return stem(lexicon().lemma(word) or word)


def _plain_terms(text: str) -> list[str]:
    return [normalise_word(w) for w in words(text) if w not in STOP_WORDS and not w.isdigit()]


def word_spans(text: str) -> list[tuple[str, str | None, int, int]]:
    """Every word as (folded, lemma, start, end); the lemma is None when the lexicon does not
    know the word (nynorsk, dialect, names). Nothing is dropped or stemmed."""
    return [
        (word, lexicon().lemma(word), match.start(), match.end())
        for match in _TOKEN_RE.finditer(text)
        for word in (fold(match.group()),)
    ]


def terms(text: str, *, expand_synonyms: bool = False) -> list[str]:
    """Search terms of a text: folded, stop words dropped, lemmatised and stemmed.

    With `expand_synonyms` the stems of synonyms are appended (for queries, not documents).
    """
    result = _plain_terms(text)
    if expand_synonyms:
        result += [extra for term in list(result) for extra in synonyms_of(term)]
    return result


def term_key(text: str | None) -> str:
    """A key that texts meaning much the same share: their sorted set of search terms
    ("lage skjema", "Lager skjemaer" → "lag skjema"), else the folded text. Used to group similar
    gap needs and similar inbox messages."""
    text = text or ""
    found = sorted(set(terms(text)))
    return " ".join(found) if found else " ".join(fold(text).split())
