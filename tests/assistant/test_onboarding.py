"""The starter pack for new employees, against the seed catalogue in a real database: first the
overview (the sector's own tools first, then the tools everyone uses), then one tool at a time."""

from __future__ import annotations

import re
import textwrap

import pytest

from bot import db
from bot.assistant.onboarding import (
    MAX_OVERVIEW_LINES,
    ONBOARDING_PROCESS,
    OVERVIEW_SHOWN,
    first_sentence,
    narrowest_sector,
    onboarding,
)
from bot.catalogue import store
from bot.texts import text

ASK_SECTOR, END, NO_PACK = text("onboarding.ask_sector"), text("onboarding.end"), text("onboarding.no_pack")
STEP_THROUGH = text("onboarding.step_through")
EMPTY_CATALOGUE = text("answers.empty_catalogue")


def walk(session, sector):
    """Every step of the starter pack: (answer, tool id) until the end."""
    steps = []
    for step in range(100):
        answer = onboarding(session, sector, step)
        if "tool" not in answer.slots:
            return steps, answer
        steps.append((answer, answer.slots["tool"]))
    raise AssertionError("the starter pack never ends")


def pack_of(session, sector) -> list[str]:
    return [tool for _, tool in walk(session, sector)[0]]


def basics(session) -> list[str]:
    return list(store.get_process(session, ONBOARDING_PROCESS).tools)


def tool_lines(text: str) -> list[str]:
    """The overview's lines that name a tool (not the "… og N til" lines)."""
    return [line for line in text.splitlines() if line.startswith("- ") and not line.startswith("- … ")]


def more_counts(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^- … og (\d+) til", text, re.MULTILINE)]


def line_for(session, tool_id: str) -> str:
    tool = store.get_tool(session, tool_id)
    return f"- {tool.name}: {first_sentence(tool.access)}"


# --- the overview: the first answer ----------------------------------------------------------------


def test_without_a_sector_the_overview_names_the_new_employee_process_and_asks_where(seed):
    answer = onboarding(seed, None)
    overview, offer = answer.replies
    expected = basics(seed)
    assert overview.text.startswith(f"Velkommen! Her er {len(expected)} verktøy alle ansatte bruker. ")
    assert tool_lines(overview.text) == [line_for(seed, tool_id) for tool_id in expected]
    assert overview.text.endswith(ASK_SECTOR) and "«jeg er ny i hjemmetjenesten»" in ASK_SECTOR
    assert overview.buttons == ()
    assert [(b.title, b.payload) for b in offer.buttons] == [(STEP_THROUGH, "/onboarding_next")]
    assert answer.slots == {"onboarding_sector": None, "onboarding_step": OVERVIEW_SHOWN}


def test_a_short_pack_is_listed_whole_the_sectors_own_tools_first(seed):
    pack = pack_of(seed, "kultur")
    assert len(pack) <= MAX_OVERVIEW_LINES
    overview, offer = onboarding(seed, "kultur").replies
    assert overview.text.startswith(f"Velkommen! Startpakken din for kultur har {len(pack)} verktøy. ")
    assert tool_lines(overview.text) == [line_for(seed, tool_id) for tool_id in pack]
    assert more_counts(overview.text) == []
    heading_own, heading_all = overview.text.index("For kultur:"), overview.text.index("For alle ansatte:")
    own = [tool_id for tool_id in pack if tool_id not in basics(seed)]
    assert own and all(heading_own < overview.text.index(line_for(seed, t)) < heading_all for t in own)
    assert ASK_SECTOR not in overview.text
    assert offer.text.startswith("Vil du gå gjennom dem ett og ett?")


def test_a_long_pack_is_capped_and_says_how_many_more(seed):
    pack = pack_of(seed, "hjemmetjenesten")
    assert len(pack) > MAX_OVERVIEW_LINES
    answer = onboarding(seed, "hjemmetjenesten")
    text = answer.replies[0].text
    shown = tool_lines(text)
    assert len(shown) == MAX_OVERVIEW_LINES
    assert sum(more_counts(text)) == len(pack) - MAX_OVERVIEW_LINES
    own = [t for t in pack if t not in basics(seed)]
    # Both groups get room; the sector's own tools come first and are its most specific ones.
    assert shown[:5] == [line_for(seed, t) for t in own[:5]]
    assert shown[5:] == [line_for(seed, t) for t in basics(seed)[:5]]
    assert {"gat", "gerica", "mobil-omsorg"} <= set(own[:5])
    assert answer.slots == {"onboarding_sector": "hjemmetjenesten", "onboarding_step": OVERVIEW_SHOWN}


def test_many_own_tools_get_the_room_the_few_basics_leave(db_url):
    tools = "".join(
        f"  - {{id: t{n:02d}, name: Verktøy {n}, category: Fag, summary: Et fagsystem., tasks: [jobbe], "
        f"access: Lederen bestiller tilgang. Det tar en dag., audience: [{'alle' if n < 2 else 'teknisk'}]}}\n"
        for n in range(14)
    )
    process = "  - {id: nyansatt, name: Ny, steps: [Logg inn.], tools: [t00, t01]}\n"
    with db.session_scope(db_url) as session:
        store.load_and_import(session, f"version: 1\ntools:\n{tools}processes:\n{process}", "many.yml")
    with db.session_scope(db_url) as session:
        text = onboarding(session, "teknisk").replies[0].text
        assert len(tool_lines(text)) == MAX_OVERVIEW_LINES
        assert more_counts(text) == [12 - (MAX_OVERVIEW_LINES - 2)]  # only the sector's own are cut
        assert tool_lines(text)[0] == "- Verktøy 2: Lederen bestiller tilgang."
        assert tool_lines(text)[-2:] == [
            "- Verktøy 0: Lederen bestiller tilgang.",
            "- Verktøy 1: Lederen bestiller tilgang.",
        ]
        assert len(pack_of(session, "teknisk")) == 14  # stepping through shows every one


def test_a_sector_without_its_own_tools_gets_the_basics_and_is_told_so(small):
    text = onboarding(small, "skole").replies[0].text
    assert "Jeg fant ingen egne verktøy for skole i katalogen" in text
    assert tool_lines(text) == ["- Notatappen: Alle ansatte har Notatappen."]


def test_a_pack_of_one_tool_is_offered_in_the_singular(small):
    overview, offer = onboarding(small, None).replies
    assert overview.text.startswith("Velkommen! Her er ett verktøy alle ansatte bruker.")
    assert offer.text == "Vil du vite mer om verktøyet, med tilgang og opplæring?"
    assert [b.payload for b in offer.buttons] == ["/onboarding_next"]


# --- one tool at a time ------------------------------------------------------------------------


def test_without_a_sector_the_step_through_is_the_new_employee_process(seed):
    assert pack_of(seed, None) == basics(seed)


def test_a_sector_gets_its_own_then_the_wider_sectors_tools_then_the_basics(seed):
    pack = pack_of(seed, "hjemmetjenesten")
    first = basics(seed)
    assert pack[-len(first) :] == first
    own = pack[: -len(first)]
    assert {"mobil-omsorg", "gerica", "gat"} <= set(own)  # hjemmetjenesten's own tools
    assert "cosdoc" in own  # only for "helse og omsorg", the wider sector
    assert not {"itslearning", "unit4", "visma-flyt-skole"} & set(pack)
    assert len(pack) == len(set(pack))  # every tool once
    audiences = [set(store.get_tool(seed, tool_id).audience) for tool_id in own]
    narrow = ["hjemmetjenesten" in a for a in audiences]
    assert narrow == sorted(narrow, reverse=True)  # the sector's own before the wider sector's
    assert all(a & {"hjemmetjenesten", "helse og omsorg"} for a in audiences)


def test_school_gets_school_and_oppvekst_tools(seed):
    pack = pack_of(seed, "skole")
    assert {"itslearning", "visma-flyt-skole", "vigilo"} <= set(pack[:3])
    assert "elements" in pack  # for oppvekst
    assert "gerica" not in pack


def test_each_step_shows_one_tool_with_access_and_buttons(seed):
    steps, _ = walk(seed, "hjemmetjenesten")
    total = len(steps)
    for number, (answer, tool_id) in enumerate(steps):
        tool = store.get_tool(seed, tool_id)
        (reply,) = answer.replies  # the welcome was the overview's
        assert reply.text == f"{number + 1} av {total}: {tool.name}. {tool.summary}\nTilgang: {tool.access}"
        expected = ["/onboarding_next"] if number + 1 < total else []
        expected.append(f'/tool_training{{"tool": "{tool_id}"}}')
        assert [b.payload for b in reply.buttons] == expected
        assert answer.slots == {"onboarding_sector": "hjemmetjenesten", "onboarding_step": number, "tool": tool_id}


def test_after_the_last_tool_the_pack_ends(seed):
    steps, end = walk(seed, "skole")
    assert [r.text for r in end.replies] == [END]
    assert [b.payload for b in end.replies[0].buttons] == ["/onboarding"]  # start over: the overview
    assert end.slots == {"onboarding_sector": "skole", "onboarding_step": len(steps)}
    assert [r.text for r in onboarding(seed, "skole", len(steps) + 5).replies] == [END]


def test_without_the_process_the_sectors_tools_come_first_then_those_for_everyone(small):
    steps, _ = walk(small, "administrasjon")
    assert [tool for _, tool in steps] == ["arkivet", "notatappen"]
    assert re.match(r"2 av 2: Notatappen\. ", steps[1][0].replies[0].text)
    assert tool_lines(onboarding(small, "administrasjon").replies[0].text) == [
        "- Arkivet: Lederen din bestiller tilgang.",
        "- Notatappen: Alle ansatte har Notatappen.",
    ]


def test_without_the_process_or_a_sector_only_the_tools_for_everyone(small):
    assert pack_of(small, None) == ["notatappen"]


def test_no_tool_for_everyone_and_no_sector_is_no_pack(db_url):
    catalogue = textwrap.dedent("""\
        version: 1
        tools:
          - {id: arkivet, name: Arkivet, category: Arkiv, summary: Arkiv., tasks: [arkivere], access: Lederen., audience: [administrasjon]}
    """)
    with db.session_scope(db_url) as session:
        store.load_and_import(session, catalogue, "one.yml")
    with db.session_scope(db_url) as session:
        assert [r.text for r in onboarding(session, None).replies] == [NO_PACK]
        assert [r.text for r in onboarding(session, None, 0).replies] == [NO_PACK]


@pytest.mark.parametrize("sector, step", [(None, None), (None, 0), ("skole", 3)])
def test_an_empty_catalogue_is_said_politely(empty, sector, step):
    answer = onboarding(empty, sector, step)
    assert [r.text for r in answer.replies] == [EMPTY_CATALOGUE]
    assert answer.slots == {}


# --- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, first",
    [
        ("Alle ansatte har Teams. Du logger inn med kommunebrukeren.", "Alle ansatte har Teams."),
        ("Ring servicesenteret kl. 8 eller senere. Så får du hjelp.", "Ring servicesenteret kl. 8 eller senere."),
        ("Lederen bestiller, f.eks. i portalen. «Kurs» først.", "Lederen bestiller, f.eks. i portalen."),
        ("Lederen din gir deg tilgang", "Lederen din gir deg tilgang"),
        ("  Åpen for alle!  ", "Åpen for alle!"),
    ],
)
def test_first_sentence(text, first):
    assert first_sentence(text) == first


@pytest.mark.parametrize(
    "sectors, sector",
    [
        ([], None),
        (["skole"], "skole"),
        (["helse og omsorg", "hjemmetjenesten"], "hjemmetjenesten"),  # "ny sykepleier i hjemmesykepleien"
        (["NAV", "administrasjon"], "NAV"),
    ],
)
def test_narrowest_sector(sectors, sector):
    assert narrowest_sector(sectors) == sector
