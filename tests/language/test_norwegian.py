"""Norwegian normalisation: folding, words, stop words, lemmas, stems, search terms and synonyms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.language import norwegian
from bot.language.norwegian import STOP_WORDS, fold, lexicon, normalise_word, terms, words


def test_fold_lowercases_and_normalises_unicode():
    assert fold("ＴＥＡＭＳ") == "teams"  # full-width letters
    assert fold("ÆØÅ Møte") == "æøå møte"
    assert fold("Straße") == "strasse"
    assert fold("e\u0301") == "é"  # combining accent composed


def test_words_fold_and_split_at_hyphens_and_punctuation():
    assert words("Teams-møtet på ＰＣ, i dag!") == ["teams", "møtet", "på", "pc", "i", "dag"]
    assert words("e-post/kalender") == ["e", "post", "kalender"]
    assert words("  ...  ") == []


@pytest.mark.parametrize(
    "word", ["hvordan", "hvor", "jeg", "korleis", "kva", "eg", "ikkje", "åssen", "koss", "jæ", "how", "the", "what"]
)
def test_function_words_of_bokmal_nynorsk_dialect_and_english_are_stop_words(word):
    assert word in STOP_WORDS
    assert terms(f"{word} lønn") == terms("lønn")


@pytest.mark.parametrize("word", ["se", "ny", "leder", "vakt", "lønn", "ferie", "passord", "møte"])
def test_words_that_matter_at_work_are_not_stop_words(word):
    assert word not in STOP_WORDS
    assert terms(word) != []


@pytest.mark.parametrize(
    "form, lemma",
    [
        ("gikk", "gå"),
        ("barna", "barn"),
        ("kontoer", "konto"),
        ("møtet", "møte"),
        ("vakter", "vakt"),
        ("byttet", "bytte"),
        ("turnusen", "turnus"),
        ("profilen", "profil"),
    ],
)
def test_lexicon_gives_the_lemma(form, lemma):
    assert lexicon().lemma(form) == lemma
    assert lexicon().is_word(form)


def test_lexicon_knows_no_tool_names_or_nonsense():
    for word in ("teams", "gmail", "dropbox", "xqzzy"):
        assert lexicon().lemma(word) is None
        assert not lexicon().is_word(word)


@pytest.mark.parametrize(
    "forms",
    [
        ("bytte", "bytter", "byttet"),
        ("vakt", "vakter", "vaktene"),
        ("turnus", "turnusen"),
        ("lønnsslipp", "lønnsslippen"),  # unknown to the lexicon: the stemmer joins them
        ("reiserekning", "reiserekninga"),  # nynorsk
        ("gå", "gikk", "gått"),  # irregular: only the lemma joins them
        ("møte", "møtet", "møter"),
    ],
)
def test_inflected_forms_give_the_same_term(forms):
    assert len({normalise_word(form) for form in forms}) == 1, {f: normalise_word(f) for f in forms}


def test_terms_drop_stop_words_and_numbers_and_normalise_the_rest():
    assert terms("Hvordan bytter jeg vakter i turnusen?") == ["bytt", "vakt", "turnus"]
    assert terms("Korleis sender eg reiserekninga mi?") == ["send", "reiserekning"]
    assert terms("Jeg har 2 PC-er og 10 skjermer") == ["pc", "skjerm"]
    assert terms("") == [] and terms("og så videre det er jo") == [normalise_word("videre")]


def test_different_words_stay_different():
    assert normalise_word("vakt") != normalise_word("lønn")
    assert len(set(terms("ferie passord møte skjerm"))) == 4


def test_synonyms_expand_only_when_asked():
    plain = terms("hvor ser jeg lønnsslippen")
    expanded = terms("hvor ser jeg lønnsslippen", expand_synonyms=True)
    assert expanded[: len(plain)] == plain  # the question's own terms first
    extra = set(expanded[len(plain) :])
    assert {normalise_word("lønn"), normalise_word("utbetaling"), normalise_word("payslip")} <= extra
    assert normalise_word("lønnsslipp") not in extra  # a term does not expand to itself
    assert normalise_word("ferie") not in extra  # nor to another group's words


def test_synonym_groups_are_symmetric():
    shift = terms("vaktbytte", expand_synonyms=True)
    assert normalise_word("turnus") in shift
    assert normalise_word("vaktbytte") in terms("turnus", expand_synonyms=True)


def test_word_in_no_group_is_not_expanded():
    assert terms("lasagne", expand_synonyms=True) == terms("lasagne") == [normalise_word("lasagne")]


def test_autosvar_and_fravaersmelding_are_synonyms():
    assert normalise_word("fraværsmelding") in terms("autosvar", expand_synonyms=True)


def test_every_synonym_item_gives_exactly_one_term():
    """The file promises one word per item; an item that is only stop words would silently vanish."""
    groups = yaml.safe_load((Path(norwegian.__file__).with_name("synonyms.yml")).read_text(encoding="utf-8"))
    problems = []
    for group in groups["groups"]:
        assert len(group) >= 2, group
        for item in group:
            if len(norwegian._plain_terms(item)) != 1:
                problems.append((item, norwegian._plain_terms(item)))
    assert problems == []
