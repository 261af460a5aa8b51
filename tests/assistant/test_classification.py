"""The information classes in plain words, in both written standards (no database needed)."""

from __future__ import annotations

from bot.assistant import classification
from bot.catalogue.schema import CLASSIFICATIONS


def test_each_class_is_explained_in_bokmål_and_nynorsk():
    assert classification.explained("fortrolig") == "fortrolig informasjon, for eksempel personopplysninger"
    assert classification.explained("fortrolig", "nn") == "fortruleg informasjon, til dømes personopplysningar"
    assert classification.explained("intern", "nn") == (
        "intern informasjon, som ikkje er hemmeleg, men berre er for tilsette"
    )
    for level in CLASSIFICATIONS:
        assert classification.explained(level, "nn") != classification.explained(level, "nb")


def test_the_highest_class_the_words_point_at_is_the_one_asked_about():
    assert classification.level_asked_about("kan jeg lagre personopplysninger og diagnoser her?") == "strengt fortrolig"
    assert classification.level_asked_about("et møtereferat") == "intern"
    assert classification.level_asked_about("hvor lagrer jeg dette?") is None
