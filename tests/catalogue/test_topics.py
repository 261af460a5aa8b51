"""Categories a message names: by the whole name or, for a name that lists its parts («Lagring og
deling»), by one part; inflected forms through their lemma, and the longest phrase first."""

from __future__ import annotations

import pytest

from bot.catalogue.schema import parse
from bot.catalogue.topics import TopicIndex, category_parts

ENTRY = "  - {{id: t{n}, name: T{n}, category: '{category}', summary: S., tasks: [lese post], access: A.}}\n"
CATEGORIES = ["Lagring og deling", "Saksbehandling og kart", "Personal, lønn og HMS", "IT-hjelp og sikkerhet", "Kart"]


@pytest.fixture(scope="module")
def index() -> TopicIndex:
    text = "version: 1\ntools:\n" + "".join(ENTRY.format(n=n, category=c) for n, c in enumerate(CATEGORIES))
    return TopicIndex(parse(text))


def test_a_category_name_is_split_into_its_parts():
    assert category_parts("Lagring og deling") == ["Lagring", "deling"]
    assert category_parts("Personal, lønn og HMS") == ["Personal", "lønn", "HMS"]
    assert category_parts("Kart") == []
    assert category_parts("Oggy") == []


@pytest.mark.parametrize(
    "text, found",
    [
        ("vis verktøy for lagring og deling", ["Lagring og deling"]),
        ("hvilke verktøy finnes for lagring", ["Lagring og deling"]),
        ("har dere noe til deling av filer?", ["Lagring og deling"]),
        ("vis alt innen personal", ["Personal, lønn og HMS"]),
        ("hvilke verktøy har vi for HMS", ["Personal, lønn og HMS"]),
        ("noe om lønna mi", ["Personal, lønn og HMS"]),  # the lemma of "lønna" is "lønn"
        ("gi meg IT-hjelp verktøyene", ["IT-hjelp og sikkerhet"]),
        ("verktøy for saksbehandling", ["Saksbehandling og kart"]),
        ("vis kartverktøyene", []),  # a compound is no category word
        ("jeg vil dele en fil", []),  # "dele" is not "deling"
    ],
)
def test_a_category_is_found_by_its_name_or_one_of_its_parts(index, text, found):
    assert [topic.value for topic in index.categories_in(text)] == found


def test_a_part_that_is_itself_a_category_finds_both(index):
    """ "kart" is the category «Kart» and a part of «Saksbehandling og kart»: both are named."""
    assert {topic.value for topic in index.categories_in("vis verktøy for kart")} == {"Kart", "Saksbehandling og kart"}
