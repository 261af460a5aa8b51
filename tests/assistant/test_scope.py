"""The gap guard: a need nothing in the catalogue fits is a gap only when it is about work, judged
against real catalogue databases (the seed catalogue, and a small one that changes)."""

from __future__ import annotations

import textwrap

import pytest

from bot.assistant import answers, scope
from bot.assistant.answers import Mentioned
from bot.catalogue import search, store
from bot.gaps.detect import GapNote

# Private life, hobbies, the weather: nothing in them is from work.
NOT_WORK = [
    "hvordan steker jeg pannekaker",
    "hva er oppskriften på lasagne",
    "hvordan fikser jeg sykkelen min",
    "korleis bakar eg surdeigsbrød",
    "åssen strikke æ ei lue",
    "hvordan blir katten kvitt lopper",
    "how do i knit a scarf",
    "kva blir vêret i morgon",
]
# Needs at work that no seed catalogue tool covers.
MISSING_AT_WORK = [
    "trenger et verktøy for å lage 3D-modeller av det nye rådhuset",
    "treng eit verktøy for å teikne rømingsplanar til skulen",
    "is there software for counting cars at the junction for the municipality",
]


def test_the_texts_here_fit_nothing_in_the_seed_catalogue(seed):
    for text in NOT_WORK + MISSING_AT_WORK:
        assert not search.search(seed, text).fits, text


@pytest.mark.parametrize("text", NOT_WORK)
def test_a_need_outside_work_is_out_of_scope_and_no_gap(seed, text):
    answer = answers.need(seed, text, Mentioned())
    assert answer.out_of_scope
    assert answer.replies == [] and answer.gaps == [] and answer.slots == {}


@pytest.mark.parametrize("text", MISSING_AT_WORK)
def test_a_need_at_work_that_nothing_fits_is_a_gap(seed, text):
    answer = answers.need(seed, text, Mentioned())
    assert not answer.out_of_scope
    assert [reply.text for reply in answer.replies] == [answers.no_tool_fits().replies[0].text]
    assert answer.gaps == [GapNote("missing_tool", need=text)]


def test_a_need_near_a_tool_gets_not_sure_and_no_gap(seed):
    # Recording a podcast is near the school's tools but none of them does it: too near to tell IT
    # that a tool is missing, so the employee is asked for more and the trainers see it.
    answer = answers.need(seed, "trenger en app for å spille inn podkast med elevene", Mentioned())
    assert [reply.text for reply in answer.replies] == [answers.not_sure()]
    assert answer.gaps == [] and not answer.out_of_scope and answer.inbox == "no_fit"


def test_the_need_in_the_gap_is_masked(seed):
    text = "trenger en app for å spille inn podkast med elevene, ring meg på 98765432"
    answer = answers.need(seed, text, Mentioned())
    assert answer.gaps == [GapNote("missing_tool", need=text.replace("98765432", "[telefon]"))]


@pytest.mark.parametrize(
    "text, found",
    [
        ("hva gjør vi med vaktloggen", "vaktloggen"),  # the head of a compound
        ("trenger noe til bygdebiblioteket", "bygdebiblioteket"),  # the tail, inflected
        ("kor skal eg skrive om pasientane", "pasientane"),  # nynorsk, not in the lexicon
        ("trenger en app til fakturaene", "app"),
        ("need software for the office", "software"),
        ("jeg er sykepleier og mangler noe for natta", "helse og omsorg"),  # a sector
        ("hvordan gjør jeg dette i Teams", "Microsoft Teams"),  # a tool by name
        ("hvor fører jeg matrikkelen", "matrikkelen"),  # what a catalogue task acts on
    ],
)
def test_work_is_found_in_many_forms(seed, text, found):
    assert found in scope.assess(seed, text).work


def test_a_known_word_is_judged_as_itself_not_as_a_compound(seed):
    assert not scope.assess(seed, "hvordan får jeg barna til å spise grønnsaker").about_work  # not a "sak"


@pytest.mark.parametrize(
    "text",
    ["hvordan lager jeg det", "kan jeg få skrive og sende noe nytt", "hvor finner jeg en god måte å gjøre det på"],
)
def test_everyday_words_alone_are_vague_not_work(seed, text):
    judged = scope.assess(seed, text)
    assert judged.vague and not judged.about_work


def test_a_task_counts_for_what_it_acts_on_not_for_its_verb(small):
    # SMALL_CATALOGUE has "arkivere dokumenter" and "ta notater".
    assert scope.assess(small, "hvor legger jeg dokumentene").work == ("dokumentene",)
    assert not scope.assess(small, "hvordan tar jeg en pause").about_work


def test_the_vocabulary_follows_the_catalogue_without_a_restart(small):
    text = "hvor fører jeg matrikkelen"
    assert not scope.assess(small, text).about_work
    extra = textwrap.dedent(
        """\
        version: 1
        tools:
          - id: matrikkelverktoy
            name: Matrikkelverktøyet
            category: Kart
            summary: Føring av matrikkelen.
            tasks: [føre matrikkelen]
            access: Lederen din bestiller tilgang.
        """
    )
    store.load_and_import(small, extra, "extra.yml")
    small.commit()
    assert scope.assess(small, text).work == ("matrikkelen",)
