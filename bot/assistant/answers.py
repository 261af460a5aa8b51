"""Catalogue answers: which tool for a need, what a tool is, access, training, support,
information classes, private tools and lists. Every answer comes from the catalogue in the
database, in short bokmål, with follow-up buttons where they help."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from bot.assistant import classification, scope
from bot.assistant.replies import Answer, Button, intent_button
from bot.catalogue import search, snapshot
from bot.catalogue.schema import PrivateToolEntry, ProcessEntry, ToolEntry
from bot.gaps.detect import missing_tool_gap, unknown_private_tool_gap

ASPECTS = ("info", "access", "training", "support")
ASPECT_INTENT = {"info": "tool_info", "access": "tool_access", "training": "tool_training", "support": "tool_support"}
MAX_LIST = 12

EMPTY_CATALOGUE = "Verktøykatalogen er tom akkurat nå, så jeg har ingen verktøy å vise. IT-avdelingen fyller den snart."
NOT_SURE = (
    "Jeg er ikke sikker på hvilket verktøy som passer. Kan du skrive litt mer om hva du skal gjøre? "
    "Du kan også spørre lederen din eller IT-servicesenteret."
)
ASK_WHICH_TOOL = "Hvilket verktøy gjelder det? Skriv navnet, for eksempel «Teams» eller «Outlook»."


@dataclass
class Mentioned:
    """The catalogue entities of one message, from the NLU."""

    tools: list[list[str]] = field(default_factory=list)  # one group per place in the text; >1 id: ambiguous
    private_tools: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    @classmethod
    def from_entities(cls, entities: list[dict]) -> "Mentioned":
        found = cls()
        by_span: dict[tuple, list[str]] = {}
        for entity in entities or ():
            kind, value = entity.get("entity"), entity.get("value")
            if not isinstance(value, str):
                continue
            if kind == "tool":
                group = by_span.setdefault((entity.get("start"), entity.get("end")), [])
                if value not in group:
                    group.append(value)
            elif kind == "private_tool" and value not in found.private_tools:
                found.private_tools.append(value)
            elif kind == "sector" and value not in found.sectors:
                found.sectors.append(value)
            elif kind == "category" and value not in found.categories:
                found.categories.append(value)
        found.tools = list(by_span.values())
        return found


def catalogue_size(session: Session) -> int:
    return len(snapshot.view(session).tools)


def follow_up_buttons(tool_id: str, skip: str | None = None) -> tuple[Button, ...]:
    titles = {"access": "Tilgang", "training": "Opplæring", "support": "Hjelp"}
    return tuple(
        intent_button(title, ASPECT_INTENT[aspect], tool=tool_id) for aspect, title in titles.items() if aspect != skip
    )


def _tool_names(session: Session, ids) -> list[str]:
    return [tool.name for tool_id in ids if (tool := snapshot.view(session).tools.get(tool_id)) is not None]


# --- which tool for a need -------------------------------------------------------------------

def need(session: Session, text: str, mentioned: Mentioned, vector: np.ndarray | None = None) -> Answer:
    """The tool or process for a free-text need; «Mente du …?» with choices when the best
    candidates are close; "nothing fits" (and a gap) only when none comes near. `vector` is the
    message's sentence embedding from the NLU, if it made one."""
    if mentioned.private_tools:
        return allowed(session, mentioned, context_tool=None)
    named = process_named(session, text)
    if named is not None:
        return process_steps(session, named)
    result = search.search(session, text, vector=vector)
    if result.decision == search.ASK:
        return did_you_mean(result.choices)
    if result.near_miss:
        return Answer(inbox="no_fit").say(NOT_SURE)
    if not result.fits:
        return no_fit(session, text)
    best = result.hits[0]
    if best.kind == "process":
        return process_steps(session, snapshot.view(session).processes[best.id])
    tool = snapshot.view(session).tools[best.id]
    return Answer(slots={"tool": tool.id}).say(
        f"Til det kan du bruke {tool.name}. {tool.summary}\nDen passer til å {best.why}."
        if best.why in tool.tasks else f"Til det kan du bruke {tool.name}. {tool.summary}",
        *follow_up_buttons(tool.id),
    )


def did_you_mean(choices: tuple[search.Hit, ...]) -> Answer:
    """Close candidates as buttons: a tool's button tells what it is, a process's shows its steps."""
    buttons = [
        intent_button(hit.name, "tool_info", tool=hit.id) if hit.kind == "tool" else Button(hit.name, hit.name)
        for hit in choices
    ]
    question = "Mente du dette?" if len(choices) == 1 else "Mente du en av disse?"
    return Answer().say(
        f"{question} Hvis ingen passer, skriv gjerne litt mer om hva du skal gjøre.", *buttons
    )


def process_named(session: Session, text: str) -> ProcessEntry | None:
    """The process whose name is the whole text, as a candidate button sends it. Search alone
    could rank the process's tool first again ("Levere reiseregning" → Visma Reise)."""
    wanted = text.strip().casefold()
    catalogue = snapshot.view(session).file
    return next((p for p in catalogue.processes if p.name.casefold() == wanted), None)


def no_fit(session: Session, text: str) -> Answer:
    """Nothing in the catalogue fits: a gap for IT only when the need is about work; a need that
    is not is out of scope ("hvordan lager jeg pannekaker"), and a vague one is neither."""
    if catalogue_size(session) == 0:
        return Answer().say(EMPTY_CATALOGUE)
    judged = scope.assess(session, text)
    if judged.vague:
        return no_tool_fits()
    if not judged.about_work:
        return Answer(out_of_scope=True)
    answer = no_tool_fits()
    answer.gaps.append(missing_tool_gap(text))
    answer.inbox = "no_fit"  # a trainer may attach it to the entry that should have answered
    return answer


def no_tool_fits() -> Answer:
    return Answer().say(
        "Jeg fant ikke noe verktøy i katalogen som passer til det. "
        "Prøv gjerne å si det på en annen måte, eller spør lederen din eller IT-servicesenteret."
    )


def process_steps(session: Session, process: ProcessEntry) -> Answer:
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(process.steps, 1))
    text = f"{process.name}:\n{steps}"
    names = _tool_names(session, process.tools)
    if names:
        text += "\nVerktøy du trenger: " + ", ".join(names) + "."
    slots = {"tool": process.tools[0]} if process.tools else {}
    return Answer(slots=slots).say(text, *(intent_button(n, "tool_info", tool=t) for n, t in zip(names, process.tools)))


# --- questions about one tool ------------------------------------------------------------------

def resolve_tool(mentioned: Mentioned, context_tool: str | None) -> list[str]:
    """The workplace tool a question is about: the one named (several if ambiguous), else context."""
    if mentioned.tools:
        return mentioned.tools[0]
    return [context_tool] if context_tool else []


def clarify(session: Session, intent: str, candidates: list[str]) -> Answer:
    names = _tool_names(session, candidates)
    return Answer().say(
        "Det navnet passer på flere verktøy. Hvilket mener du?",
        *(intent_button(name, intent, tool=tool_id) for name, tool_id in zip(names, candidates)),
    )


def tool_question(session: Session, aspect: str, mentioned: Mentioned, context_tool: str | None) -> Answer:
    """What a tool is, or how to get access, training or support."""
    if mentioned.private_tools and not mentioned.tools:
        return allowed(session, mentioned, context_tool=None)
    candidates = resolve_tool(mentioned, context_tool)
    if len(candidates) > 1:
        return clarify(session, ASPECT_INTENT[aspect], candidates)
    tool = snapshot.view(session).tools.get(candidates[0]) if candidates else None
    if tool is None:
        return Answer().say(EMPTY_CATALOGUE if catalogue_size(session) == 0 else ASK_WHICH_TOOL)
    return tool_aspect(tool, aspect)


def tool_aspect(tool: ToolEntry, aspect: str) -> Answer:
    answer = Answer(slots={"tool": tool.id})
    if aspect == "info":
        text = f"{tool.name} ({tool.category}): {tool.summary}"
        if tool.url:
            text += f"\nLenke: {tool.url}"
        return answer.say(text, *follow_up_buttons(tool.id))
    if aspect == "access":
        return answer.say(f"Slik får du tilgang til {tool.name}: {tool.access}", *follow_up_buttons(tool.id, skip="access"))
    if aspect == "training":
        text = (
            f"Opplæring i {tool.name}: {tool.training}" if tool.training
            else f"Jeg har ikke noe kurs registrert for {tool.name}. Spør lederen din eller en kollega som kan verktøyet."
        )
        return answer.say(text, *follow_up_buttons(tool.id, skip="training"))
    text = (
        f"Hjelp med {tool.name}: {tool.support}" if tool.support
        else f"For hjelp med {tool.name} kan du kontakte IT-servicesenteret."
    )
    return answer.say(text, *follow_up_buttons(tool.id, skip="support"))


# --- private tools and whether a tool may be used -------------------------------------------------

def private_tool_advice(session: Session, private: PrivateToolEntry) -> Answer:
    names = _tool_names(session, private.alternatives)
    answer = Answer(slots={"private_tool": private.id})
    if names:
        answer.slots["tool"] = private.alternatives[0]
        text = f"{private.guidance}\nGodkjent alternativ: {', '.join(names)}."
        buttons = [intent_button(f"Tilgang til {n}", "tool_access", tool=t) for n, t in zip(names, private.alternatives)]
        return answer.say(text, *buttons[:3])
    return answer.say(
        f"{private.name} er ikke godkjent for jobb, og kommunen har ikke et godkjent alternativ ennå.\n{private.guidance}"
    )


def allowed(session: Session, mentioned: Mentioned, context_tool: str | None, text: str = "") -> Answer:
    """May I use this tool? Private tools get the approved alternative and the guidance."""
    answer = Answer()
    for private_id in mentioned.private_tools:
        private = snapshot.view(session).private_tools.get(private_id)
        if private is not None:
            answer.extend(private_tool_advice(session, private))
    if answer.replies:
        return answer
    candidates = resolve_tool(mentioned, None if mentioned.private_tools else context_tool)
    if len(candidates) > 1:
        return clarify(session, "ask_allowed", candidates)
    tool = snapshot.view(session).tools.get(candidates[0]) if candidates else None
    if tool is None:
        if catalogue_size(session) == 0:
            return Answer().say(EMPTY_CATALOGUE)
        answer = Answer().say(
            "Jeg kjenner ikke det verktøyet, så jeg kan ikke si at det er godkjent. "
            "Bruk det ikke til jobb før du har spurt IT-servicesenteret. "
            "Skriv gjerne hva du vil gjøre, så finner jeg et godkjent verktøy."
        )
        unknown = unknown_private_tool_gap(text)
        if unknown is not None:
            answer.gaps.append(unknown)
        return answer
    text = f"Ja, {tool.name} er godkjent for jobb."
    if tool.data_classification:
        text += f" Det kan brukes til {classification.EXPLAINED[tool.data_classification]}."
    return Answer(slots={"tool": tool.id}).say(text, *follow_up_buttons(tool.id))


def information_class(session: Session, text: str, mentioned: Mentioned, context_tool: str | None) -> Answer:
    """May this kind of information be stored or shared in this tool?"""
    if mentioned.private_tools and not mentioned.tools:
        answer = Answer().say("Nei. Jobbinformasjon skal ikke lagres eller deles i private verktøy.")
        return answer.extend(allowed(session, mentioned, context_tool=None))
    needed = classification.level_asked_about(text)
    candidates = resolve_tool(mentioned, context_tool)
    if len(candidates) > 1:
        return clarify(session, "ask_classification", candidates)
    tool = snapshot.view(session).tools.get(candidates[0]) if candidates else None
    if tool is None:
        if catalogue_size(session) == 0:
            return Answer().say(EMPTY_CATALOGUE)
        if needed is None:
            return Answer().say(
                "Det kommer an på hva slags informasjon det er og hvilket verktøy du vil bruke. "
                "Skriv for eksempel «kan jeg lagre personopplysninger i OneDrive?»."
            )
        return tools_approved_for(session, needed)
    answer = Answer(slots={"tool": tool.id})
    if not tool.data_classification:
        return answer.say(
            f"Det er ikke registrert hva slags informasjon {tool.name} er godkjent for. "
            "Spør IT-servicesenteret før du lagrer noe som ikke er åpent."
        )
    approved = classification.EXPLAINED[tool.data_classification]
    if needed is None:
        return answer.say(f"{tool.name} er godkjent for {approved}.")
    if needed == tool.data_classification:
        return answer.say(f"Ja. {tool.name} er godkjent for {approved}.")
    if classification.allows(tool.data_classification, needed):
        return answer.say(f"Ja. {tool.name} er godkjent for {approved}. Det dekker {classification.EXPLAINED[needed]}.")
    answer.say(
        f"Nei. {tool.name} er bare godkjent for {approved}. "
        f"Det du spør om er {classification.EXPLAINED[needed]}."
    )
    return answer.extend(tools_approved_for(session, needed, limit=3, category=tool.category))


def tools_approved_for(session: Session, level: str, limit: int = 5, category: str | None = None) -> Answer:
    """Tools approved for `level`, those in `category` first."""
    catalogue = snapshot.view(session).file
    tools = [t for t in catalogue.tools if t.data_classification and classification.allows(t.data_classification, level)]
    tools.sort(key=lambda t: t.category != category)
    if not tools:
        return Answer().say(
            f"Jeg finner ikke noe verktøy i katalogen som er godkjent for {classification.EXPLAINED[level]}. Spør IT-servicesenteret."
        )
    return Answer().say(
        f"Verktøy som er godkjent for {classification.EXPLAINED[level]}:",
        *(intent_button(t.name, "tool_info", tool=t.id) for t in tools[:limit]),
    )


def _in_sentence(topic: str) -> str:
    """A category or sector inside a sentence: "Samhandling" → "samhandling", but "IT-hjelp" and "NAV" stay."""
    return topic if topic[:2].isupper() else topic[:1].lower() + topic[1:]


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".")


# --- lists -------------------------------------------------------------------------------------

def tool_list(session: Session, mentioned: Mentioned) -> Answer:
    catalogue = snapshot.view(session).file
    if not catalogue.tools:
        return Answer().say(EMPTY_CATALOGUE)
    if mentioned.categories or mentioned.sectors:
        if mentioned.categories:
            topic = mentioned.categories[0]
            tools = [t for t in catalogue.tools if t.category == topic]
        else:
            topic = mentioned.sectors[0]
            tools = [t for t in catalogue.tools if topic in t.audience]
        if tools:
            tools.sort(key=lambda t: t.name.casefold())
            lines = "\n".join(f"- {t.name}: {_first_sentence(t.summary)}" for t in tools)
            return Answer().say(
                f"Verktøy for {_in_sentence(topic)}:\n{lines}", *(intent_button(t.name, "tool_info", tool=t.id) for t in tools[:MAX_LIST])
            )
    categories = sorted({t.category for t in catalogue.tools}, key=str.casefold)
    return Answer().say(
        f"Katalogen har {len(catalogue.tools)} verktøy. Velg et område, eller skriv hva du vil gjøre:",
        *(intent_button(c, "list_tools", category=c) for c in categories),
    )
