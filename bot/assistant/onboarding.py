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

from bot.assistant.replies import Answer, intent_button
from bot.catalogue import snapshot
from bot.catalogue.schema import EVERYONE, CatalogueFile, ToolEntry, in_standard
from bot.texts import text

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
        return Answer().say(text("answers.empty_catalogue", standard))
    pack = starter_pack(catalogue, sector)
    if not pack.tools:
        return Answer().say(text("onboarding.no_pack", standard))
    if step is None:
        return overview(pack, sector, standard)
    tools = pack.tools
    if step >= len(tools):
        return Answer(slots={"onboarding_sector": sector, "onboarding_step": len(tools)}).say(
            text("onboarding.end", standard), intent_button(text("onboarding.restart", standard), "onboarding")
        )
    step = max(step, 0)
    tool = tools[step]
    buttons = [intent_button(text("onboarding.next", standard), "onboarding_next")] if step + 1 < len(tools) else []
    buttons.append(intent_button(text("onboarding.training", standard), "tool_training", tool=tool.id))
    answer = Answer(slots={"onboarding_sector": sector, "onboarding_step": step, "tool": tool.id})
    summary, access = in_standard(tool, "summary", standard), in_standard(tool, "access", standard)
    return answer.say(
        text(
            "onboarding.tool",
            standard,
            number=step + 1,
            total=len(tools),
            tool=tool.name,
            summary=summary,
            access=access,
        ),
        *buttons,
    )


def overview(pack: StarterPack, sector: str | None, standard: str = "nb") -> Answer:
    """Every tool of the pack with how to get started, grouped, then the offer to step through."""
    total = len(pack.tools)
    own_lines, basic_lines = _share(len(pack.sector_tools), len(pack.basics), MAX_OVERVIEW_LINES)
    count = text("onboarding.one_tool", standard) if total == 1 else text("onboarding.tools", standard, count=total)
    if sector:
        lines = [text("onboarding.welcome_sector", standard, sector=sector, count=count)]
    else:
        lines = [text("onboarding.welcome", standard, count=count)]
    if pack.sector_tools:
        lines += [
            "",
            text("onboarding.for_sector", standard, sector=sector),
            *_tool_lines(pack.sector_tools, own_lines, standard),
        ]
    elif sector:
        lines += ["", text("onboarding.no_sector_tools", standard, sector=sector)]
    if pack.basics and sector:
        lines += ["", text("onboarding.for_everyone", standard)]
    lines += _tool_lines(pack.basics, basic_lines, standard)
    if not sector:
        lines += ["", text("onboarding.ask_sector", standard)]
    offer = text("onboarding.offer_many" if total > 1 else "onboarding.offer_one", standard)
    answer = Answer(slots={"onboarding_sector": sector, "onboarding_step": OVERVIEW_SHOWN})
    step_through = intent_button(text("onboarding.step_through", standard), "onboarding_next")
    return answer.say("\n".join(lines)).say(offer, step_through)


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
        lines.append(text("onboarding.more", standard, count=len(tools) - shown))
    return lines
