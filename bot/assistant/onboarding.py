"""The starter pack for a new employee: the tools everyone needs first, then the sector's tools,
one step at a time, each with how to get access.

The tools everyone needs are those of the catalogue process with id `nyansatt` (so IT support
decides them in the catalogue); without that process, the tools for everyone (audience `alle`) in
the IT-help and collaboration categories are used.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.assistant.answers import EMPTY_CATALOGUE
from bot.assistant.replies import Answer, intent_button
from bot.catalogue import snapshot
from bot.catalogue.schema import CatalogueFile, ToolEntry
from bot.catalogue.topics import EVERYONE

ONBOARDING_PROCESS = "nyansatt"
# A sector that belongs to a wider one also gets the wider one's tools.
WIDER_SECTOR = {"hjemmetjenesten": "helse og omsorg", "sykehjem": "helse og omsorg", "skole": "oppvekst", "barnehage": "oppvekst"}
MAX_BASICS_FALLBACK = 5


def starter_pack(catalogue: CatalogueFile, sector: str | None) -> list[ToolEntry]:
    tools = {tool.id: tool for tool in catalogue.tools}
    process = next((p for p in catalogue.processes if p.id == ONBOARDING_PROCESS), None)
    if process is not None:
        basics = [tools[t] for t in process.tools if t in tools]
    else:
        basics = [t for t in catalogue.tools if EVERYONE in t.audience][:MAX_BASICS_FALLBACK]
    pack = list(basics)
    if sector:
        sectors = {sector, WIDER_SECTOR.get(sector, sector)}
        pack += [t for t in catalogue.tools if t not in pack and sectors & set(t.audience)]
    return pack


def onboarding(session: Session, sector: str | None, step: int = 0) -> Answer:
    """Step `step` (0-based) of the starter pack for `sector`."""
    catalogue = snapshot.view(session).file
    if not catalogue.tools:
        return Answer().say(EMPTY_CATALOGUE)
    pack = starter_pack(catalogue, sector)
    if not pack:
        return Answer().say("Jeg har ingen startpakke å vise ennå. Spør lederen din hvilke verktøy du trenger.")
    answer = Answer(slots={"onboarding_sector": sector, "onboarding_step": step})
    if step == 0:
        where = f" i {sector}" if sector else ""
        answer.say(
            f"Velkommen{where}! Her er verktøyene du trenger først, ett om gangen ({len(pack)} i alt). "
            "Verktøyene alle ansatte bruker kommer først."
            + ("" if sector else " Skriv gjerne hvor du jobber, for eksempel «jeg er ny i hjemmetjenesten», så tar jeg med verktøyene for ditt område.")
        )
    if step >= len(pack):
        return Answer(slots={"onboarding_sector": sector, "onboarding_step": len(pack)}).say(
            "Det var alle verktøyene i startpakken. Lykke til i ny jobb! Spør meg gjerne om noe annet.",
            intent_button("Start på nytt", "onboarding"),
        )
    tool = pack[step]
    answer.slots["tool"] = tool.id
    buttons = [intent_button("Neste", "onboarding_next")] if step + 1 < len(pack) else []
    buttons.append(intent_button("Opplæring", "tool_training", tool=tool.id))
    return answer.say(f"{step + 1} av {len(pack)}: {tool.name}. {tool.summary}\nTilgang: {tool.access}", *buttons)
