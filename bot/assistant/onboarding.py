"""The starter pack for a new employee: first an overview of every tool in it, the sector's own
tools first and then the tools everyone uses, each with one line on how to get started; then, if
the employee wants, the same tools one at a time, each with its access text and a training button.

The tools everyone needs are those of the catalogue process with id `nyansatt` (so IT support
decides them in the catalogue); without that process, the tools for everyone (audience `alle`) in
the catalogue's order are used, at most MAX_BASICS_FALLBACK of them.

The slot `onboarding_step` is the index of the tool last shown; OVERVIEW_SHOWN after the overview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.assistant.answers import EMPTY_CATALOGUE
from bot.assistant.replies import Answer, intent_button
from bot.catalogue import snapshot
from bot.catalogue.schema import EVERYONE, CatalogueFile, ToolEntry, in_standard

ONBOARDING_PROCESS = "nyansatt"
# A sector that belongs to a wider one also gets the wider one's tools, after its own.
WIDER_SECTOR = {
    "hjemmetjenesten": "helse og omsorg",
    "sykehjem": "helse og omsorg",
    "skole": "oppvekst",
    "barnehage": "oppvekst",
}
MAX_BASICS_FALLBACK = 5
MAX_OVERVIEW_LINES = 10  # tool lines in the overview; the rest are counted, and shown step by step
OVERVIEW_SHOWN = -1
STEP_THROUGH = "Gå gjennom ett og ett"
ASK_SECTOR = (
    "Hvor jobber du? Skriv det gjerne, for eksempel «jeg er ny i hjemmetjenesten», "
    "så tar jeg med verktøyene for ditt område."
)
NO_PACK = "Jeg har ingen startpakke å vise ennå. Spør lederen din hvilke verktøy du trenger."
END = "Det var alle verktøyene i startpakken. Lykke til i ny jobb! Spør meg gjerne om noe annet."
# A sentence ends at . ! or ? before the end of the text or before a new sentence's first letter,
# so "kl. 8" and "f.eks. på mobil" do not end it.
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÆØÅ«\"]|\s*$)")


@dataclass(frozen=True)
class StarterPack:
    """The sector's own tools (the sector's before the wider sector's) and the tools for everyone."""

    sector_tools: tuple[ToolEntry, ...]
    basics: tuple[ToolEntry, ...]

    @property
    def tools(self) -> tuple[ToolEntry, ...]:
        """Every tool, in the order they are shown: the sector's own first."""
        return self.sector_tools + self.basics


def starter_pack(catalogue: CatalogueFile, sector: str | None) -> StarterPack:
    tools = {tool.id: tool for tool in catalogue.tools}
    process = next((p for p in catalogue.processes if p.id == ONBOARDING_PROCESS), None)
    if process is not None:
        basics = [tools[t] for t in process.tools if t in tools]
    else:
        basics = [t for t in catalogue.tools if EVERYONE in t.audience][:MAX_BASICS_FALLBACK]
    taken = {t.id for t in basics}
    own: list[ToolEntry] = []
    for audience in (sector, WIDER_SECTOR.get(sector or "")):
        for tool in catalogue.tools:
            if audience and audience in tool.audience and tool.id not in taken:
                own.append(tool)
                taken.add(tool.id)
    return StarterPack(tuple(own), tuple(basics))


def narrowest_sector(sectors: list[str]) -> str | None:
    """The sector to onboard for when a message names several ("ny sykepleier i hjemmesykepleien"):
    the first that belongs to a wider one, else the first."""
    return next((s for s in sectors if s in WIDER_SECTOR), sectors[0] if sectors else None)


def first_sentence(text: str) -> str:
    match = _SENTENCE_END.search(text.strip())
    return text.strip()[: match.end()] if match else text.strip()


def onboarding(session: Session, sector: str | None, step: int | None = None, standard: str = "nb") -> Answer:
    """The overview of the starter pack for `sector` (step None), or its tool number `step` (0-based)."""
    catalogue = snapshot.view(session).file
    if not catalogue.tools:
        return Answer().say(EMPTY_CATALOGUE)
    pack = starter_pack(catalogue, sector)
    if not pack.tools:
        return Answer().say(NO_PACK)
    if step is None:
        return overview(pack, sector, standard)
    tools = pack.tools
    if step >= len(tools):
        return Answer(slots={"onboarding_sector": sector, "onboarding_step": len(tools)}).say(
            END, intent_button("Start på nytt", "onboarding")
        )
    step = max(step, 0)
    tool = tools[step]
    buttons = [intent_button("Neste", "onboarding_next")] if step + 1 < len(tools) else []
    buttons.append(intent_button("Opplæring", "tool_training", tool=tool.id))
    answer = Answer(slots={"onboarding_sector": sector, "onboarding_step": step, "tool": tool.id})
    summary, access = in_standard(tool, "summary", standard), in_standard(tool, "access", standard)
    return answer.say(f"{step + 1} av {len(tools)}: {tool.name}. {summary}\nTilgang: {access}", *buttons)


def overview(pack: StarterPack, sector: str | None, standard: str = "nb") -> Answer:
    """Every tool of the pack with how to get started, grouped, then the offer to step through."""
    total = len(pack.tools)
    own_lines, basic_lines = _share(len(pack.sector_tools), len(pack.basics), MAX_OVERVIEW_LINES)
    if sector:
        text = [f"Velkommen! Startpakken din for {sector} har {_count(total)}. Slik kommer du i gang:"]
    else:
        text = [f"Velkommen! Her er {_count(total)} alle ansatte bruker. Slik kommer du i gang:"]
    if pack.sector_tools:
        text += ["", f"For {sector}:", *_tool_lines(pack.sector_tools, own_lines, standard)]
    elif sector:
        text += ["", f"Jeg fant ingen egne verktøy for {sector} i katalogen, bare dem alle ansatte bruker."]
    if pack.basics and sector:
        text += ["", "For alle ansatte:"]
    text += _tool_lines(pack.basics, basic_lines, standard)
    if not sector:
        text += ["", ASK_SECTOR]
    offer = (
        "Vil du gå gjennom dem ett og ett? Da får du vite mer om hvert verktøy, med tilgang og opplæring."
        if total > 1
        else "Vil du vite mer om verktøyet, med tilgang og opplæring?"
    )
    answer = Answer(slots={"onboarding_sector": sector, "onboarding_step": OVERVIEW_SHOWN})
    return answer.say("\n".join(text)).say(offer, intent_button(STEP_THROUGH, "onboarding_next"))


def _count(n: int) -> str:
    return "ett verktøy" if n == 1 else f"{n} verktøy"


def _share(own: int, basics: int, limit: int) -> tuple[int, int]:
    """How many tools of each group the overview names: all when they fit in `limit`; else the
    sector's own get what the tools for everyone leave, but at least half, and those the rest."""
    if own + basics <= limit:
        return own, basics
    own_lines = min(own, max(limit - basics, limit // 2))
    return own_lines, min(basics, limit - own_lines)


def _tool_lines(tools: tuple[ToolEntry, ...], shown: int, standard: str) -> list[str]:
    lines = [
        f"- {tool.name}: {first_sentence(in_standard(tool, 'access', standard)) or in_standard(tool, 'summary', standard)}"
        for tool in tools[:shown]
    ]
    if len(tools) > shown:
        lines.append(f"- … og {len(tools) - shown} til, som du får se når vi går gjennom ett og ett.")
    return lines
