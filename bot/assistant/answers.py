"""Catalogue answers: which tool for a need, what a tool is, access, training, support,
information classes, private tools and lists. Every answer comes from the catalogue in the
database, in short bokmål, with follow-up buttons where they help."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from bot import texts
from bot.assistant import classification, scope
from bot.assistant.contact import reach_it
from bot.assistant.replies import Answer, Button, intent_button
from bot.catalogue import search, snapshot
from bot.catalogue.schema import PrivateToolEntry, ProcessEntry, ToolEntry, in_standard, item_in_standard
from bot.gaps.detect import missing_tool_gap, unknown_private_tool_gap
from bot.language.norwegian import terms

ASPECTS = ("info", "access", "training", "support")
ASPECT_INTENT = {"info": "tool_info", "access": "tool_access", "training": "tool_training", "support": "tool_support"}
MAX_LIST = 12
# A tool does the same job as another when it is the best other match for one of its tasks at this
# lexical score (half as much again as the lexical search needs to fit).
SAME_JOB_SCORE = 0.3
# A message that only swaps the tool: «hva med OneDrive da?», «og Teams?», «what about Outlook?».
FOLLOW_UP = re.compile(
    r"(hva|kva|ka|hvordan|korleis|kossen) (med|er det med)\b|(og|men|enn|samme med|gjelder det( også)?)\b|"
    r"(what|how) about\b|and\b",
    re.IGNORECASE,
)
# The words of a request for a list: what is left, if anything, is a need.
LIST_WORDS = re.compile(
    r"\b(hvilke|hvilket|hvilken|kva|kor|which|what|verktøy\w*|tools?|programm?\w*|apper?|appene|system\w*|"
    r"har|bruker|brukar|finnes|fins|vi|dere|de|alle|vis|liste\w*|oversikt\w*|kommunen|jobben|"
    r"do|we|use|have|show|all|list)\b",
    re.IGNORECASE,
)
# The words of a question about a tool that are not its task: left out when looking for the tool
# that fits the task named («må jeg søke om tilgang for å levere reiseregning?»).
ASPECT_WORDS = re.compile(
    r"\b(tilgang\w*|tilgong\w*|access|opplæring\w*|opplæring|kurs\w*|lære|læra|lærer|training|"
    r"hjelp\w*|support|brukerstøtte|rettigheter|lov|lova|godkjent|"
    r"personopplysning\w*|helseopplysning\w*|fortrolig\w*|sensitiv\w*|"
    r"taushetsbelagt\w*|informasjon|opplysninger)\b",
    re.IGNORECASE,
)


@dataclass
class Mentioned:
    """The catalogue entities of one message, from the NLU."""

    tools: list[list[str]] = field(default_factory=list)  # one group per place in the text; >1 id: ambiguous
    private_tools: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    @classmethod
    def from_entities(cls, entities: list[dict]) -> Mentioned:
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


def follow_up_buttons(tool_id: str, skip: str | None = None, standard: str = "nb") -> tuple[Button, ...]:
    return tuple(
        intent_button(texts.text(f"answers.button_{aspect}", standard), ASPECT_INTENT[aspect], tool=tool_id)
        for aspect in ("access", "training", "support")
        if aspect != skip
    )


def _tool_names(session: Session, ids) -> list[str]:
    return [tool.name for tool_id in ids if (tool := snapshot.view(session).tools.get(tool_id)) is not None]


# --- which tool for a need -------------------------------------------------------------------


def need(
    session: Session, text: str, mentioned: Mentioned, vector: np.ndarray | None = None, standard: str = "nb"
) -> Answer:
    """The tool or process for a free-text need; «Mente du …?» with choices when the best
    candidates are close; "nothing fits" (and a gap) only when none comes near. `vector` is the
    message's sentence embedding from the NLU, if it made one."""
    if mentioned.private_tools:
        return allowed(session, mentioned, context_tool=None, standard=standard)
    named = process_named(session, text)
    if named is not None:
        return process_steps(session, named, standard)
    result = search.search(session, text, vector=vector)
    if result.decision != search.NOTHING:
        judged = scope.assess(session, text, _named(session, mentioned))
        if _one_ordinary_word(judged, text, result.hits[0]):
            return no_fit(session, text, mentioned, judged, standard)  # "det virker ikke" is no need a tool fits
    if result.decision == search.ASK:
        return did_you_mean(result.choices, standard)
    if result.near_miss:
        return Answer(inbox="no_fit").say(not_sure(standard))
    if not result.fits:
        return no_fit(session, text, mentioned, standard=standard)
    return answer_with(session, result.hits[0], standard)


def answer_with(session: Session, best: search.Hit, standard: str = "nb") -> Answer:
    """The answer naming the entry that fits a need: a process's steps, or the tool and why; the
    catalogue's texts in `standard` where the entry has them (in_standard)."""
    if best.kind == "process":
        return process_steps(session, snapshot.view(session).processes[best.id], standard)
    tool = snapshot.view(session).tools[best.id]
    summary = in_standard(tool, "summary", standard)
    if best.why in tool.tasks:
        task = item_in_standard(tool, "tasks", best.why, standard)
        reply = texts.text("answers.use_tool_why", standard, tool=tool.name, summary=summary, task=task)
    else:
        reply = texts.text("answers.use_tool", standard, tool=tool.name, summary=summary)
    return Answer(slots={"tool": tool.id}).say(reply, *follow_up_buttons(tool.id, standard=standard))


def _named(session: Session, mentioned: Mentioned) -> list[str]:
    """The names of the catalogue tools the NLU found in the message."""
    return _tool_names(session, [tool_id for group in mentioned.tools for tool_id in group])


def _one_ordinary_word(judged: scope.Scope, text: str, best: search.Hit) -> bool:
    """Whether a message says no more than one word, and that word is neither from work nor in
    the name of the entry found ("det virker ikke", but not "hvordan slutter jeg")."""
    if len(judged.content) > 1 or judged.about_work:
        return False
    return not set(terms(text)) & set(terms(best.name))


def did_you_mean(choices: tuple[search.Hit, ...], standard: str = "nb") -> Answer:
    """Close candidates as buttons: a tool's button tells what it is, a process's shows its steps."""
    buttons = [
        intent_button(hit.name, "tool_info", tool=hit.id) if hit.kind == "tool" else Button(hit.name, hit.name)
        for hit in choices
    ]
    question = "answers.did_you_mean_one" if len(choices) == 1 else "answers.did_you_mean_many"
    return Answer().say(texts.text(question, standard), *buttons)


def process_named(session: Session, text: str) -> ProcessEntry | None:
    """The process whose name is the whole text, as a candidate button sends it. Search alone
    could rank the process's tool first again ("Levere reiseregning" → Visma Reise)."""
    wanted = text.strip().casefold()
    catalogue = snapshot.view(session).file
    return next((p for p in catalogue.processes if p.name.casefold() == wanted), None)


def no_fit(
    session: Session, text: str, mentioned: Mentioned, judged: scope.Scope | None = None, standard: str = "nb"
) -> Answer:
    """Nothing in the catalogue fits: a gap for IT only when the need is about work; a need that
    is not is out of scope ("hvordan lager jeg pannekaker"), and a vague one is neither."""
    if catalogue_size(session) == 0:
        return Answer().say(texts.text("answers.empty_catalogue", standard))
    judged = judged or scope.assess(session, text, _named(session, mentioned))
    if judged.vague:
        return no_tool_fits(standard)
    if not judged.about_work:
        return Answer(out_of_scope=True)
    answer = no_tool_fits(standard)
    answer.gaps.append(missing_tool_gap(text))
    answer.inbox = "no_fit"  # a trainer may attach it to the entry that should have answered
    return answer


def not_sure(standard: str = "nb") -> str:
    return texts.text("answers.not_sure", standard, contact=reach_it(standard))


def no_tool_fits(standard: str = "nb") -> Answer:
    return Answer().say(texts.text("answers.no_tool_fits", standard, contact=reach_it(standard)))


def process_steps(session: Session, process: ProcessEntry, standard: str = "nb") -> Answer:
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(in_standard(process, "steps", standard), 1))
    text = f"{process.name}:\n{steps}"
    names = _tool_names(session, process.tools)
    if names:
        text += "\n" + texts.text("answers.process_tools", standard, tools=", ".join(names))
    slots = {"tool": process.tools[0]} if process.tools else {}
    return Answer(slots=slots).say(text, *(intent_button(n, "tool_info", tool=t) for n, t in zip(names, process.tools)))


# --- questions about one tool ------------------------------------------------------------------


def about_tool(
    session: Session,
    aspect: str,
    text: str,
    mentioned: Mentioned,
    context_tool: str | None,
    vector: np.ndarray | None = None,
    previous_level: str | None = None,
    standard: str = "nb",
) -> Answer:
    """A question about one aspect of a tool: info, access, training, support, classification
    (may this information be kept there?) or allowed (may I use it?)."""
    if aspect == "classification":
        return information_class(session, text, mentioned, context_tool, vector, previous_level, standard)
    if aspect == "allowed":
        return allowed(session, mentioned, context_tool, text, standard)
    return tool_question(session, aspect, mentioned, context_tool, text, vector, standard)


def follow_up_aspect(text: str, mentioned: Mentioned, previous: str | None) -> str | None:
    """The aspect to keep when a message only swaps the tool («hva med OneDrive da?», «og
    Teams?») after a question about access, training, support, information classes or whether a
    tool may be used; None when the message asks something of its own."""
    if previous and mentioned.tools and FOLLOW_UP.match(text.strip()):
        return previous
    return None


def resolve_tool(mentioned: Mentioned, context_tool: str | None) -> list[str]:
    """The workplace tool a question is about: the one named (several if ambiguous), else context."""
    if mentioned.tools:
        return mentioned.tools[0]
    return [context_tool] if context_tool else []


def clarify(session: Session, intent: str, candidates: list[str], standard: str = "nb") -> Answer:
    names = _tool_names(session, candidates)
    return Answer().say(
        texts.text("answers.which_of_these", standard),
        *(intent_button(name, intent, tool=tool_id) for name, tool_id in zip(names, candidates)),
    )


def tool_question(
    session: Session,
    aspect: str,
    mentioned: Mentioned,
    context_tool: str | None,
    text: str = "",
    vector: np.ndarray | None = None,
    standard: str = "nb",
) -> Answer:
    """What a tool is, or how to get access, training or support: for the tool named, else the
    tool for the task the question names («må jeg søke om tilgang for å levere reiseregning?»),
    else the tool the conversation is about."""
    if mentioned.private_tools and not mentioned.tools:
        return allowed(session, mentioned, context_tool=None, standard=standard)
    if not mentioned.tools:
        for_task = tool_for_task(session, text, vector, ASPECT_INTENT[aspect], standard)
        if for_task is not None:
            tool, answer = for_task
            return answer if tool is None else answer.extend(tool_aspect(tool, aspect, standard))
    candidates = resolve_tool(mentioned, context_tool)
    if len(candidates) > 1:
        return clarify(session, ASPECT_INTENT[aspect], candidates, standard)
    tool = snapshot.view(session).tools.get(candidates[0]) if candidates else None
    if tool is None:
        empty = catalogue_size(session) == 0
        return Answer().say(texts.text("answers.empty_catalogue" if empty else "answers.ask_which_tool", standard))
    return tool_aspect(tool, aspect, standard)


def tool_for_task(
    session: Session,
    text: str,
    vector: np.ndarray | None,
    intent: str,
    standard: str = "nb",
) -> tuple[ToolEntry | None, Answer] | None:
    """The tool for the task a question about access, training, support or information names:
    (the tool, an answer that says so) when the search is sure; (None, «Mente du» with buttons for
    `intent`) when it has close candidates; None when the question names no task it knows. The
    words of the question itself (tilgang, opplæring, personopplysninger …) are left out."""
    task = ASPECT_WORDS.sub(" ", text)
    if not terms(task) or not scope.assess(session, task, tool_names=()).about_work:
        return None  # "det virker ikke": no task named
    result = search.search(session, task, vector=vector)
    view = snapshot.view(session)

    def tool_of(hit: search.Hit) -> ToolEntry | None:
        if hit.kind == "tool":
            return view.tools.get(hit.id)
        process = view.processes.get(hit.id)
        return view.tools.get(process.tools[0]) if process is not None and process.tools else None

    if result.fits:
        tool = tool_of(result.hits[0])
        return (
            None
            if tool is None
            else (tool, Answer().say(texts.text("answers.tool_for_task", standard, tool=tool.name)))
        )
    if result.decision == search.ASK:
        tools = list({t.id: t for hit in result.choices if (t := tool_of(hit)) is not None}.values())
        if tools:
            return None, Answer().say(
                texts.text("answers.one_of_these_tools", standard),
                *(intent_button(t.name, intent, tool=t.id) for t in tools),
            )
    return None


def tool_aspect(tool: ToolEntry, aspect: str, standard: str = "nb") -> Answer:
    """A tool's summary, access, training or support, in `standard` where the entry has it."""
    answer = Answer(slots={"tool": tool.id, "aspect": aspect})
    name = tool.name
    if aspect == "info":
        text = f"{name} ({tool.category}): {in_standard(tool, 'summary', standard)}"
        if tool.url:
            text += "\n" + texts.text("answers.link", standard, url=tool.url)
        return answer.say(text, *follow_up_buttons(tool.id, standard=standard))
    if aspect == "access":
        access = in_standard(tool, "access", standard)
        text = texts.text("answers.access", standard, tool=name, access=access)
    elif aspect == "training":
        training = in_standard(tool, "training", standard)
        text = (
            texts.text("answers.training", standard, tool=name, training=training)
            if tool.training
            else texts.text("answers.no_training", standard, tool=name)
        )
    else:
        support = in_standard(tool, "support", standard)
        text = (
            texts.text("answers.support", standard, tool=name, support=support)
            if tool.support
            else texts.text("answers.no_support", standard, tool=name, contact=reach_it(standard))
        )
    return answer.say(text, *follow_up_buttons(tool.id, skip=aspect, standard=standard))


# --- private tools and whether a tool may be used -------------------------------------------------


def private_tool_advice(session: Session, private: PrivateToolEntry, standard: str = "nb") -> Answer:
    names = _tool_names(session, private.alternatives)
    guidance = in_standard(private, "guidance", standard)
    answer = Answer(slots={"private_tool": private.id})
    if names:
        answer.slots["tool"] = private.alternatives[0]
        text = texts.text("answers.alternative", standard, guidance=guidance, tools=", ".join(names))
        buttons = [
            intent_button(texts.text("answers.access_to", standard, tool=n), "tool_access", tool=t)
            for n, t in zip(names, private.alternatives)
        ]
        return answer.say(text, *buttons[:3])
    return answer.say(texts.text("answers.no_alternative", standard, tool=private.name, guidance=guidance))


def allowed(
    session: Session, mentioned: Mentioned, context_tool: str | None, text: str = "", standard: str = "nb"
) -> Answer:
    """May I use this tool? Private tools get the approved alternative and the guidance."""
    answer = Answer()
    for private_id in mentioned.private_tools:
        private = snapshot.view(session).private_tools.get(private_id)
        if private is not None:
            answer.extend(private_tool_advice(session, private, standard))
    if answer.replies:
        return answer
    candidates = resolve_tool(mentioned, None if mentioned.private_tools else context_tool)
    if len(candidates) > 1:
        return clarify(session, "ask_allowed", candidates, standard)
    tool = snapshot.view(session).tools.get(candidates[0]) if candidates else None
    if tool is None:
        if catalogue_size(session) == 0:
            return Answer().say(texts.text("answers.empty_catalogue", standard))
        answer = Answer().say(texts.text("answers.unknown_tool", standard, contact=reach_it(standard)))
        unknown = unknown_private_tool_gap(text)
        if unknown is not None:
            answer.gaps.append(unknown)
        return answer
    text = texts.text("answers.approved", standard, tool=tool.name)
    if tool.data_classification:
        level = classification.explained(tool.data_classification, standard)
        text += texts.text("answers.approved_for", standard, level=level)
    return Answer(slots={"tool": tool.id, "aspect": "allowed"}).say(
        text, *follow_up_buttons(tool.id, standard=standard)
    )


def information_class(
    session: Session,
    text: str,
    mentioned: Mentioned,
    context_tool: str | None,
    vector: np.ndarray | None = None,
    previous_level: str | None = None,
    standard: str = "nb",
) -> Answer:
    """May this kind of information be stored or shared in this tool? The tool is the one named,
    else the one for the task the question names, else the conversation's. `previous_level` is the
    kind of information asked about before, for a follow-up («hva med OneDrive da?»)."""
    if mentioned.private_tools and not mentioned.tools:
        answer = Answer().say(texts.text("answers.no_private", standard))
        return answer.extend(allowed(session, mentioned, context_tool=None, standard=standard))
    needed = classification.level_asked_about(text) or previous_level
    found = Answer()
    tool = None
    if not mentioned.tools:
        for_task = tool_for_task(session, text, vector, "ask_classification", standard)
        if for_task is not None:
            tool, found = for_task
            if tool is None:
                return found
    if tool is None:
        candidates = resolve_tool(mentioned, context_tool)
        if len(candidates) > 1:
            return clarify(session, "ask_classification", candidates, standard)
        tool = snapshot.view(session).tools.get(candidates[0]) if candidates else None
    if tool is None:
        if catalogue_size(session) == 0:
            return Answer().say(texts.text("answers.empty_catalogue", standard))
        if needed is None:
            return Answer().say(texts.text("answers.depends", standard))
        return tools_approved_for(session, needed, standard=standard)
    answer = found
    answer.slots.update({"tool": tool.id, "aspect": "classification", "information_level": needed})
    if not tool.data_classification:
        return answer.say(texts.text("answers.class_unknown", standard, tool=tool.name, contact=reach_it(standard)))
    approved = classification.explained(tool.data_classification, standard)
    if needed is None:
        return answer.say(texts.text("answers.class_is", standard, tool=tool.name, approved=approved))
    if needed == tool.data_classification:
        return answer.say(texts.text("answers.class_yes", standard, tool=tool.name, approved=approved))
    asked = classification.explained(needed, standard)
    if classification.allows(tool.data_classification, needed):
        return answer.say(texts.text("answers.class_covers", standard, tool=tool.name, approved=approved, needed=asked))
    answer.say(texts.text("answers.class_no", standard, tool=tool.name, approved=approved, needed=asked))
    return answer.extend(alternatives_for(session, tool, needed, standard))


def alternatives_for(session: Session, tool: ToolEntry, level: str, standard: str = "nb") -> Answer:
    """Approved tools for `level` that do the same job as `tool`: its category, or what fits its
    tasks best. Not any tool with the class: a password manager is no place to share files."""
    view = snapshot.view(session)
    approved = {
        t.id: t
        for t in view.file.tools
        if t.id != tool.id and t.data_classification and classification.allows(t.data_classification, level)
    }
    same_job = [t for t in approved.values() if t.category == tool.category]
    index = search.lexical_index(session)
    for task in tool.tasks:
        others = [h for h in index.search(task, limit=2).hits if h.id != tool.id]
        if others and others[0].score >= SAME_JOB_SCORE and others[0].id in approved:
            same_job.append(approved[others[0].id])
    same_job = list({t.id: t for t in same_job}.values())[:3]
    explained = classification.explained(level, standard)
    if not same_job:
        return Answer().say(texts.text("answers.no_same_job", standard, level=explained, contact=reach_it(standard)))
    return Answer().say(
        texts.text("answers.same_job", standard, level=explained),
        *(intent_button(t.name, "tool_info", tool=t.id) for t in same_job),
    )


def tools_approved_for(session: Session, level: str, limit: int = 5, standard: str = "nb") -> Answer:
    """Tools approved for `level`."""
    catalogue = snapshot.view(session).file
    tools = [
        t for t in catalogue.tools if t.data_classification and classification.allows(t.data_classification, level)
    ]
    explained = classification.explained(level, standard)
    if not tools:
        return Answer().say(texts.text("answers.none_approved", standard, level=explained, contact=reach_it(standard)))
    return Answer().say(
        texts.text("answers.approved_tools", standard, level=explained),
        *(intent_button(t.name, "tool_info", tool=t.id) for t in tools[:limit]),
    )


def _in_sentence(topic: str) -> str:
    """A category or sector inside a sentence: "Samhandling" → "samhandling", but "IT-hjelp" and "NAV" stay."""
    return topic if topic[:2].isupper() else topic[:1].lower() + topic[1:]


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".")


# --- lists -------------------------------------------------------------------------------------


def tool_list(
    session: Session, mentioned: Mentioned, text: str = "", vector: np.ndarray | None = None, standard: str = "nb"
) -> Answer:
    """The tools of a category or sector, else the categories to choose from. A list request that
    names a need («hvilket verktøy bruker vi til å dele skjerm?») is a need."""
    catalogue = snapshot.view(session).file
    if not catalogue.tools:
        return Answer().say(texts.text("answers.empty_catalogue", standard))
    if not (mentioned.categories or mentioned.sectors) and terms(LIST_WORDS.sub(" ", text)):
        return need(session, text, mentioned, vector, standard)
    if mentioned.categories or mentioned.sectors:
        if mentioned.categories:
            topic = mentioned.categories[0]
            tools = [t for t in catalogue.tools if t.category == topic]
        else:
            topic = mentioned.sectors[0]
            tools = [t for t in catalogue.tools if topic in t.audience]
        if tools:
            tools.sort(key=lambda t: t.name.casefold())
            lines = "\n".join(f"- {t.name}: {_first_sentence(str(in_standard(t, 'summary', standard)))}" for t in tools)
            return Answer().say(
                texts.text("answers.tools_for", standard, topic=_in_sentence(topic), lines=lines),
                *(intent_button(t.name, "tool_info", tool=t.id) for t in tools[:MAX_LIST]),
            )
    categories = sorted({t.category for t in catalogue.tools}, key=str.casefold)
    return Answer().say(
        texts.text("answers.catalogue_areas", standard, count=len(catalogue.tools)),
        *(intent_button(c, "list_tools", category=c) for c in categories),
    )
