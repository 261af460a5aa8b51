"""Which standard the assistant answers in (bot.language.standard.standard_for)."""

from __future__ import annotations

import pytest

from bot.language.standard import standard_for

NYNORSK = "Eg får ikkje logga inn i Visma, kva gjer eg no?"
BOKMAL = "Jeg får ikke logget inn i Visma, hva gjør jeg nå?"


def test_a_bokmal_municipality_answers_bokmal_until_the_employee_clearly_writes_nynorsk():
    assert standard_for(["Hei"], None) == "nb"
    assert standard_for(["Hei", NYNORSK], "nb") == "nn"


@pytest.mark.parametrize("short", ["ok", "takk", "Teams?", "Takk for hjelpa", "ja", "Kan du hjelpe meg?"])
def test_short_messages_do_not_flip_the_standard(short):
    assert standard_for([short], "nb") == "nb"
    assert standard_for([short], "nn") == "nn"


def test_one_nynorsk_word_is_not_enough():
    assert standard_for(["Korleis bestiller jeg ny PC?"], "nb") == "nb"


def test_a_mixed_message_does_not_flip_it():
    mixed = "Eg lurer på hvordan jeg får tilgang, ikkje sikker"  # eg, ikkje vs hvordan, jeg
    assert standard_for([mixed], "nb") == "nb"
    assert standard_for([mixed], "nn") == "nn"


def test_a_conversation_in_nynorsk_stays_nynorsk_through_short_replies():
    messages = [NYNORSK]
    assert standard_for(messages, "nb") == "nn"
    for reply in ["ok", "takk", "Teams?", "/affirm"]:
        messages.append(reply)
        assert standard_for(messages, "nn") == "nn"


def test_back_to_bokmal_when_the_employee_clearly_writes_bokmal():
    assert standard_for([NYNORSK, "ok", BOKMAL, "Hvor finner jeg skjemaet?"], "nn") == "nb"


def test_one_bokmal_message_after_nynorsk_does_not_flap_it_back():
    assert standard_for([NYNORSK, "Hvordan da?"], "nn") == "nn"


def test_button_payloads_are_not_read():
    assert standard_for(['/tool_info{"tool": "ikkje kva korleis"}'], "nb") == "nb"


def test_mirroring_off_always_answers_in_the_municipality_standard():
    assert standard_for([NYNORSK, NYNORSK], "nn", written="nb", mirror=False) == "nb"
    assert standard_for([BOKMAL], "nb", written="nn", mirror=False) == "nn"


def test_a_nynorsk_municipality_answers_nynorsk_from_the_first_message():
    assert standard_for(["Hei"], None, written="nn") == "nn"
    assert standard_for(["Teams?"], None, written="nn") == "nn"


def test_a_nynorsk_municipality_mirrors_an_employee_writing_bokmal():
    assert standard_for([BOKMAL], None, written="nn") == "nb"
