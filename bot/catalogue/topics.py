"""Sectors and categories a message names: "jeg er ny lærer" → skole, "verktøy for samhandling"
→ «Samarbeid og møter». Sectors come from the catalogue's audiences plus the role words in
`sector_words.yml`; categories from the catalogue's categories, by their whole name or one of its
parts («lagring» → «Lagring og deling»). Whole phrases are matched
word by word, inflected forms through their lemma, so "lærere" is a teacher but "lære" is not, and
"hjelpe" is not "IT-hjelp"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.catalogue import snapshot
from bot.catalogue.schema import EVERYONE, CatalogueFile, sector_words
from bot.language.norwegian import stem, word_spans, words


class TopicIndex:
    """Term sequences for each sector and category of one catalogue snapshot."""

    def __init__(self, catalogue: CatalogueFile):
        audiences = [tool.audience for tool in catalogue.tools] + [process.audience for process in catalogue.processes]
        sectors = {a for audience in audiences for a in audience} - {EVERYONE}
        self.sectors: list[tuple[tuple[str, ...], str]] = []
        for sector in sorted(sectors):
            for phrase in (sector, *sector_words().get(sector, ())):
                self._add(self.sectors, phrase, sector)
        self.categories: list[tuple[tuple[str, ...], str]] = []
        for category in sorted({tool.category for tool in catalogue.tools}):
            for phrase in (category, *category_parts(category)):
                self._add(self.categories, phrase, category)
        # Longer phrases first, so "helse og omsorg" wins over "omsorg".
        self.sectors.sort(key=lambda item: -len(item[0]))
        self.categories.sort(key=lambda item: -len(item[0]))

    @staticmethod
    def _add(target: list, phrase: str, value: str) -> None:
        phrase_terms = tuple(words(phrase))
        if phrase_terms:
            target.append((phrase_terms, value))

    @staticmethod
    def _find(table, text: str) -> list[Topic]:
        """Phrases in the text, word by word: a word matches a phrase word written as it is, when
        its lemma is that word ("lærere" → lærer, but not "lære"), or, for a word the lexicon does
        not know (nynorsk, dialect), when the stems agree ("skulen" → skule)."""
        message = word_spans(text)
        found: dict[str, Topic] = {}
        for phrase_terms, value in table:
            n = len(phrase_terms)
            for i in range(len(message) - n + 1):
                window = message[i : i + n]
                if value not in found and all(_same_word(w, p) for p, w in zip(phrase_terms, window)):
                    found[value] = Topic(value, window[0][2], window[-1][3])
        return sorted(found.values(), key=lambda t: t.start)

    def sectors_in(self, text: str) -> list[Topic]:
        return self._find(self.sectors, text)

    def categories_in(self, text: str) -> list[Topic]:
        return self._find(self.categories, text)


def _same_word(word: tuple, phrase_word: str) -> bool:
    folded, lemma = word[0], word[1]
    if phrase_word in (folded, lemma):
        return True
    return lemma is None and stem(folded) == stem(phrase_word)


CATEGORY_PARTS = re.compile(r"\s*,\s*|\s+og\s+")


def category_parts(category: str) -> list[str]:
    """The parts of a category named as a list: «Personal og lønn» → personal, lønn; a category of
    one part has none."""
    parts = [part for part in CATEGORY_PARTS.split(category) if part]
    return parts if len(parts) > 1 else []


@dataclass(frozen=True)
class Topic:
    value: str  # the sector or category as the catalogue names it
    start: int
    end: int


def index(session: Session) -> TopicIndex:
    return snapshot.derived(session, "topics", TopicIndex)


def sectors_in(session: Session, text: str) -> list[Topic]:
    """Catalogue sectors (audience values) the text names, in text order."""
    return index(session).sectors_in(text)


def categories_in(session: Session, text: str) -> list[Topic]:
    return index(session).categories_in(text)
