"""The starter pack for new employees, against the seed catalogue in a real database."""

from __future__ import annotations

import re

import pytest

from bot.assistant.answers import EMPTY_CATALOGUE
from bot.assistant.onboarding import ONBOARDING_PROCESS, onboarding
from bot.catalogue import store

END = "Det var alle verktøyene i startpakken. Lykke til i ny jobb! Spør meg gjerne om noe annet."


def walk(session, sector):
    """Every step of the starter pack: (answer, tool id) until the end."""
    steps = []
    for step in range(100):
        answer = onboarding(session, sector, step)
        if "tool" not in answer.slots:
            return steps, answer
        steps.append((answer, answer.slots["tool"]))
    raise AssertionError("the starter pack never ends")


def basics(session) -> list[str]:
    return list(store.get_process(session, ONBOARDING_PROCESS).tools)


def test_without_a_sector_the_pack_is_the_new_employee_process(seed):
    steps, _ = walk(seed, None)
    assert [tool for _, tool in steps] == basics(seed)
    welcome = steps[0][0].replies[0].text
    assert welcome.startswith(f"Velkommen! Her er verktøyene du trenger først, ett om gangen ({len(steps)} i alt).")
    assert "«jeg er ny i hjemmetjenesten»" in welcome  # asks where they work


def test_a_sector_gets_its_own_and_the_wider_sectors_tools_after_the_basics(seed):
    steps, _ = walk(seed, "hjemmetjenesten")
    pack = [tool for _, tool in steps]
    first = basics(seed)
    assert pack[: len(first)] == first
    rest = pack[len(first):]
    assert {"mobil-omsorg", "gerica", "gat"} <= set(rest)  # hjemmetjenesten's own tools
    assert "cosdoc" in rest  # only for "helse og omsorg", the wider sector
    assert not {"itslearning", "unit4", "visma-flyt-skole"} & set(pack)
    assert len(pack) == len(set(pack))  # every tool once
    for tool_id in rest:
        audience = set(store.get_tool(seed, tool_id).audience)
        assert audience & {"hjemmetjenesten", "helse og omsorg"}


def test_school_gets_school_and_oppvekst_tools(seed):
    steps, _ = walk(seed, "skole")
    pack = [tool for _, tool in steps]
    assert {"itslearning", "visma-flyt-skole", "vigilo"} <= set(pack)
    assert "elements" in pack  # for oppvekst
    assert "gerica" not in pack
    assert steps[0][0].replies[0].text.startswith("Velkommen i skole! ")


def test_each_step_shows_one_tool_with_access_and_buttons(seed):
    steps, _ = walk(seed, "hjemmetjenesten")
    total = len(steps)
    for number, (answer, tool_id) in enumerate(steps):
        tool = store.get_tool(seed, tool_id)
        assert len(answer.replies) == (2 if number == 0 else 1)  # the welcome only on the first step
        reply = answer.replies[-1]
        assert reply.text == f"{number + 1} av {total}: {tool.name}. {tool.summary}\nTilgang: {tool.access}"
        expected = ["/onboarding_next"] if number + 1 < total else []
        expected.append(f'/tool_training{{"tool": "{tool_id}"}}')
        assert [b.payload for b in reply.buttons] == expected
        assert answer.slots == {"onboarding_sector": "hjemmetjenesten", "onboarding_step": number, "tool": tool_id}


def test_after_the_last_tool_the_pack_ends(seed):
    steps, end = walk(seed, "skole")
    assert [r.text for r in end.replies] == [END]
    assert [b.payload for b in end.replies[0].buttons] == ["/onboarding"]  # start over
    assert end.slots == {"onboarding_sector": "skole", "onboarding_step": len(steps)}
    assert [r.text for r in onboarding(seed, "skole", len(steps) + 5).replies] == [END]


def test_without_the_process_the_tools_for_everyone_come_first(small):
    steps, _ = walk(small, "administrasjon")
    assert [tool for _, tool in steps] == ["notatappen", "arkivet"]
    assert re.match(r"2 av 2: Arkivet\. ", steps[1][0].replies[0].text)


def test_without_the_process_or_a_sector_only_the_tools_for_everyone(small):
    steps, _ = walk(small, None)
    assert [tool for _, tool in steps] == ["notatappen"]


@pytest.mark.parametrize("sector, step", [(None, 0), ("skole", 3)])
def test_an_empty_catalogue_is_said_politely(empty, sector, step):
    answer = onboarding(empty, sector, step)
    assert [r.text for r in answer.replies] == [EMPTY_CATALOGUE]
    assert answer.slots == {}
