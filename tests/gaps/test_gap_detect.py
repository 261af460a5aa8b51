"""What counts as a gap (bot.gaps.detect): private tools from the NLU's entities, unknown tool
names as written, needs no tool covers, and when two notes are the same gap."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from bot import db
from bot.assistant.answers import Mentioned
from bot.gaps.detect import (
    MAX_NEED,
    GapNote,
    missing_tool_gap,
    private_tool_gaps,
    unknown_private_tool_gap,
    unknown_tool_name,
)


@pytest.fixture(scope="module")
def seed(seed_db_url) -> Iterator[Session]:
    """A session on the seed catalogue (data/catalogue/tools.yml), imported into a fresh database."""
    with db.session_scope(seed_db_url) as session:
        yield session


def entity(kind: str, value: str) -> dict:
    return {"entity": kind, "value": value, "extractor": "CatalogueEntityExtractor"}


def private(tool_id: str, category: str, *alternatives: str) -> GapNote:
    return GapNote("private_tool", private_tool=tool_id, need=category, alternatives=alternatives)


WHATSAPP = private("whatsapp", "Samhandling", "teams")
DROPBOX = private("dropbox", "Lagring", "onedrive", "sikker-filoverforing")
PADLET = private("padlet", "Skole")  # no approved alternative yet
GMAIL = private("gmail", "E-post", "outlook")

# (message, the NLU's entities) → the notes, in the order of the entities.
ENTITY_CASES = [
    ("kan jeg bruke WhatsApp?", [entity("private_tool", "whatsapp")], [WHATSAPP]),
    ("kan jeg dele filer i Dropbox?", [entity("private_tool", "dropbox")], [DROPBOX]),
    ("er Padlet greit i klassen?", [entity("private_tool", "padlet")], [PADLET]),
    (
        "WhatsApp eller Dropbox?",
        [entity("private_tool", "whatsapp"), entity("private_tool", "dropbox")],
        [WHATSAPP, DROPBOX],
    ),
    (
        "WhatsApp, whatsapp og Gmail",
        [entity("private_tool", "whatsapp"), entity("private_tool", "whatsapp"), entity("private_tool", "gmail")],
        [WHATSAPP, GMAIL],
    ),
    ("kan jeg bruke Teams?", [entity("tool", "teams")], []),  # a workplace tool is no gap
    ("Teams eller WhatsApp?", [entity("tool", "teams"), entity("private_tool", "whatsapp")], [WHATSAPP]),
    ("jeg jobber i hjemmetjenesten", [entity("sector", "hjemmetjenesten")], []),
    ("kan jeg bruke Foo?", [entity("private_tool", "finnes-ikke")], []),  # an id the catalogue lacks
    ("hei", [], []),
]


@pytest.mark.parametrize("message, entities, expected", ENTITY_CASES, ids=[c[0] for c in ENTITY_CASES])
def test_private_tool_entities_give_notes_from_the_catalogue(seed, message, entities, expected):
    notes = private_tool_gaps(seed, Mentioned.from_entities(entities).private_tools)
    assert notes == expected
    assert all(isinstance(note.alternatives, tuple) for note in notes)


NAME_CASES = [
    ("kan jeg bruke Mentimeter?", "Mentimeter"),
    ("Mentimeter", "Mentimeter"),
    ("er Kahoot lov på jobben?", "Kahoot"),
    ("Hei! Kan jeg bruke Canva?", "Canva"),
    ("Kan jeg bruke Notion til møtereferater?", "Notion"),
    ("«Trello» – er det greit?", "Trello"),
    ("er Miro lovlig å bruke på jobben?", "Miro"),
    ("kan vi bruke kahoot i klassen", "kahoot"),  # as written, not capitalised
    ("er det ok å bruke Canva, Trello eller Notion?", "Canva"),  # the first name
    ("kan jeg bruke det?", None),
    ("kan jeg bruke det på jobben?", None),
    ("er det lov?", None),
    ("kan jeg bruke appen?", None),
    ("hva med programmet?", None),
    ("kan jeg bruke min private mobil?", None),
    ("", None),
]


@pytest.mark.parametrize("message, expected", NAME_CASES, ids=[c[0] or "empty" for c in NAME_CASES])
def test_unknown_tool_name_as_written(message, expected):
    assert unknown_tool_name(message) == expected
    note = unknown_private_tool_gap(message)
    if expected is None:
        assert note is None
    else:
        assert note == GapNote("private_tool", private_tool=expected, need="ukjent verktøy")


MISSING_CASES = [
    ("jeg trenger et verktøy for å lage spørreundersøkelser", "jeg trenger et verktøy for å lage spørreundersøkelser"),
    ("  jeg  trenger\n et verktøy\tfor å  ringe 98765432 ", "jeg trenger et verktøy for å ringe [telefon]"),
    ("send vaktlisten til ola@kommune.no automatisk", "send vaktlisten til [e-post] automatisk"),
    ("betal refusjon til 1234.56.78903 fra skjemaet", "betal refusjon til [kontonummer] fra skjemaet"),
]


@pytest.mark.parametrize("message, need", MISSING_CASES)
def test_missing_tool_note_is_the_message_masked_with_spaces_collapsed(message, need):
    assert missing_tool_gap(message) == GapNote("missing_tool", need=need)


def test_missing_tool_note_is_truncated_after_masking():
    # A phone number across the cut is masked first, so no part of it survives the truncation.
    text = "x" * (MAX_NEED - 5) + " 98765432 og mer tekst etterpå " * 10
    note = missing_tool_gap(text)
    assert len(note.need) == MAX_NEED
    assert note.need == ("x" * (MAX_NEED - 5) + " [telefon] og mer")[:MAX_NEED]
    assert "9876" not in note.need
    assert len(missing_tool_gap("ord " * 500).need) == MAX_NEED


KEY_SAME = [
    (GapNote("private_tool", private_tool="Mentimeter"), GapNote("private_tool", private_tool="mentimeter")),
    (WHATSAPP, GapNote("private_tool", private_tool="whatsapp")),  # category and alternatives do not count
    (GapNote("missing_tool", need="Lage Skjema"), GapNote("missing_tool", need="lage skjema")),
    (
        GapNote("private_tool", private_tool="Mentimeter", need="ukjent verktøy"),
        GapNote("private_tool", private_tool="MENTIMETER", need="annet"),
    ),
]
KEY_DIFFERENT = [
    (WHATSAPP, DROPBOX),
    (GapNote("private_tool", private_tool="skjema"), GapNote("missing_tool", need="skjema")),  # the kind counts
    (GapNote("missing_tool", need="lage skjema"), GapNote("missing_tool", need="lage skjemaer")),
]


@pytest.mark.parametrize("one, other", KEY_SAME)
def test_notes_with_the_same_key_are_one_gap(one, other):
    assert one.key == other.key


@pytest.mark.parametrize("one, other", KEY_DIFFERENT)
def test_notes_with_different_keys_are_different_gaps(one, other):
    assert one.key != other.key


def test_the_key_reads_kind_and_name():
    assert WHATSAPP.key == "private_tool:whatsapp"
    assert GapNote("missing_tool", need="Lage Skjema").key == "missing_tool:lage skjema"
