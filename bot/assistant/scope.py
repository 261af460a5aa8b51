"""Whether a need is about work, for needs nothing in the catalogue fits: only those are gaps for
IT; one that names nothing from work ("hvordan lager jeg pannekaker") gets the out-of-scope reply.

Work is a catalogue tool's name, sector or category, what a catalogue task or process acts on
("bytte **vakt**"), or a word of `bot/language/synonyms.yml` or of `work_words.yml`'s `work` list:
as written or inflected, and for words the lexicon lacks also by stem (nynorsk, dialect) or as part
of a compound ("vaktloggen"). `work_words.yml`'s `everyday` words never count ("låne bil").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from bot.catalogue import recognition, snapshot, topics
from bot.catalogue.schema import CatalogueFile
from bot.language.norwegian import STOP_WORDS, lexicon, stem, synonym_groups, words

MIN_COMPOUND_PART = 4


@dataclass(frozen=True)
class Scope:
    """What a message says, word by word, as far as work is concerned."""

    content: tuple[str, ...]  # its words that carry meaning (not stop words or everyday words)
    work: tuple[str, ...]  # what in it is from work: words, tool names, sectors, categories

    @property
    def about_work(self) -> bool:
        return bool(self.work)

    @property
    def vague(self) -> bool:
        """Nothing to judge by ("hvordan gjør jeg det?"): not out of scope, just unclear."""
        return not self.content and not self.work


@functools.lru_cache(maxsize=1)
def _lists() -> dict[str, list[str]]:
    return yaml.safe_load(Path(__file__).with_name("work_words.yml").read_text(encoding="utf-8"))


def _lemma(word: str) -> str:
    return lexicon().lemma(word) or word


@functools.lru_cache(maxsize=1)
def _everyday_stems() -> frozenset[str]:
    return frozenset(stem(_lemma(part)) for word in _lists()["everyday"] for part in words(word))


def _everyday(word: str) -> bool:
    """Whether a word is an everyday word in any form: by its stem or its lemma's, so "kjøper"
    and "fikser" go with "kjøpe" and "fikse"."""
    return stem(word) in _everyday_stems() or stem(_lemma(word)) in _everyday_stems()


def _objects(phrase: str) -> list[str]:
    """What a task or process name acts on: its words after the leading verb ("bytte vakt" →
    vakt); a one-word name is all object."""
    found = words(phrase)
    return found[1:] if len(found) > 1 else found


class WorkVocabulary:
    """The work words of one catalogue snapshot: as written, as lemmas and as stems."""

    def __init__(self, catalogue: CatalogueFile):
        source = [*_lists()["work"], *(word for group in synonym_groups() for word in group)]
        for tool in catalogue.tools:
            source += [word for task in tool.tasks for word in _objects(task)]
        for process in catalogue.processes:
            source += [word for name in (process.name, *process.aliases) for word in _objects(name)]
        written = {word for phrase in source for word in words(phrase)}
        self.written = frozenset(
            word for word in written if word not in STOP_WORDS and not word.isdigit() and not _everyday(word)
        )
        self.lemmas = frozenset(_lemma(word) for word in self.written)
        self.stems = frozenset(stem(lemma) for lemma in self.lemmas)

    def is_work(self, word: str) -> bool:
        lemma = lexicon().lemma(word)
        if (lemma or word) in self.lemmas:
            return True
        if lemma is not None:
            return False  # a known word is itself: "grønnsaker" is not about a "sak"
        # A form the lexicon lacks: nynorsk or dialect ("pasientar", "elevane"), or a compound.
        return stem(word) in self.stems or self._compound_part_is_work(word)

    def _compound_part_is_work(self, word: str) -> bool:
        """A compound's head as written ("vakt|logg") or its tail in any form ("skole|biblioteket")."""
        for cut in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1):
            head, tail = word[:cut], word[cut:]
            if head in self.written or tail in self.written:
                return True
            if lexicon().is_word(tail) and _lemma(tail) in self.lemmas:
                return True
        return False


def vocabulary(session: Session) -> WorkVocabulary:
    return snapshot.derived(session, "work_vocabulary", WorkVocabulary)


def assess(session: Session, text: str, tool_names: Iterable[str] | None = None) -> Scope:
    """Which words of `text` carry meaning, and which of them (or which names) are from work.
    `tool_names`: the catalogue tools the NLU found in the text, so they are not looked for again."""
    content = [word for word in words(text) if word not in STOP_WORDS and not word.isdigit() and not _everyday(word)]
    known = vocabulary(session)
    work = [word for word in content if known.is_work(word)]
    if tool_names is None:
        tool_names = [m.name for m in recognition.recognise(session, text) if m.kind == "tool"]
    work += list(tool_names)
    work += [t.value for t in (*topics.sectors_in(session, text), *topics.categories_in(session, text))]
    return Scope(tuple(content), tuple(dict.fromkeys(work)))
