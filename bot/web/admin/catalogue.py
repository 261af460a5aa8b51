"""The catalogue pages (/admin/katalog) for roles it and admin: list and search the workplace
tools, private tools and processes, create, edit and remove one. A form goes through the file
format's own validation (bot.catalogue.changes.save_entry), each error shown at its field; every
change is audited and bumps the catalogue revision, so the assistant answers with it from the next
message on every replica."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aiohttp import web
from sqlalchemy import select

from bot.catalogue import changes, freshness, schema, snapshot
from bot.feedback.models import Feedback, InboxItem
from bot.training import names
from bot.training.project import Project
from bot.web.admin import pages, trainer
from bot.web.admin.auth import require
from bot.web.database import in_session

PATH = "/admin/katalog"
ROLES = ("it", "admin")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str = ""
    long: bool = False  # a text area; list fields are always one item per line


# Each kind's URL part, Norwegian names, and its fields in the file format's order.
KINDS = {
    "verktoy": "tool",
    "private-verktoy": "private_tool",
    "prosesser": "process",
}
SLUGS = {kind: slug for slug, kind in KINDS.items()}
TITLES = {"tool": "Arbeidsverktøy", "private_tool": "Private verktøy", "process": "Prosesser"}
ONE = {"tool": "arbeidsverktøy", "private_tool": "privat verktøy", "process": "prosess"}
NEW = {"tool": "Nytt arbeidsverktøy", "private_tool": "Nytt privat verktøy", "process": "Ny prosess"}
_ID_HINT = "Bokstaver a–z, tall, _ og -. Kan ikke endres senere."
_AUDIENCE_HINT = f"Én sektor per linje, blant: {', '.join(schema.known_sectors())}. Tom betyr alle."
_OWNERSHIP = (
    Field("owner", "Eier", "Person eller team som svarer for oppføringen, med e-post eller telefon."),
    Field("reviewed", "Sist gjennomgått", "Dato på formen ÅÅÅÅ-MM-DD, for eksempel 2026-03-01."),
)
_NN_HINT = "Valgfritt. Brukes når assistenten svarer på nynorsk; tomt betyr at feltet over brukes som det står."


def _nynorsk(field: Field, hint: str = "") -> Field:
    """The optional nynorsk twin of a field (catalogue format 1.2), shown right after it."""
    return Field(
        field.name + schema.NYNORSK_SUFFIX, f"{field.label} på nynorsk", f"{_NN_HINT} {hint}".strip(), field.long
    )


_SUMMARY = Field("summary", "Kort beskrivelse", long=True)
_TASKS = Field(
    "tasks", "Oppgaver", "Én per linje, som fortsetter «Den passer til å …», for eksempel «holde videomøter»."
)
_ACCESS = Field("access", "Slik får du tilgang", long=True)
_TRAINING = Field("training", "Opplæring", long=True)
_SUPPORT = Field("support", "Brukerstøtte", long=True)
_GUIDANCE = Field("guidance", "Råd", long=True)
_STEPS = Field("steps", "Steg", "Ett steg per linje.")
FIELDS = {
    "tool": (
        Field("id", "Id", _ID_HINT),
        Field("name", "Navn"),
        Field("aliases", "Andre navn", "Ett per linje."),
        Field("category", "Kategori"),
        _SUMMARY,
        _nynorsk(_SUMMARY),
        _TASKS,
        _nynorsk(_TASKS, "Én per linje, for eksempel «halde videomøte»."),
        _ACCESS,
        _nynorsk(_ACCESS),
        _TRAINING,
        _nynorsk(_TRAINING),
        _SUPPORT,
        _nynorsk(_SUPPORT),
        Field("url", "Nettadresse", "Begynner med https://"),
        Field("data_classification", "Høyeste klassifisering", ", ".join(schema.CLASSIFICATIONS)),
        Field("audience", "Målgruppe", _AUDIENCE_HINT),
        *_OWNERSHIP,
    ),
    "private_tool": (
        Field("id", "Id", _ID_HINT),
        Field("name", "Navn"),
        Field("aliases", "Andre navn", "Ett per linje."),
        Field("category", "Kategori"),
        Field("alternatives", "Godkjente alternativer", "Id-en til et arbeidsverktøy per linje."),
        _GUIDANCE,
        _nynorsk(_GUIDANCE),
        *_OWNERSHIP,
    ),
    "process": (
        Field("id", "Id", _ID_HINT),
        Field("name", "Navn"),
        Field("aliases", "Andre navn", "Ett per linje."),
        Field("tools", "Verktøy", "Id-en til et arbeidsverktøy per linje."),
        _STEPS,
        _nynorsk(_STEPS, "Ett steg per linje, like mange som over."),
        Field("audience", "Målgruppe", _AUDIENCE_HINT),
        *_OWNERSHIP,
    ),
}
CHANGE_LABELS = {
    "created": "Opprettet",
    "updated": "Endret",
    "deleted": "Fjernet",
    "task_added": "Oppgave lagt til fra trenerinnboksen",
    "alias_added": "Annet navn lagt til fra trenerinnboksen",
}
DONE = {
    "lagret": "Endringen er lagret. Assistenten svarer med den fra neste melding.",
    "fjernet": "Oppføringen er fjernet.",
}


def _is_list(entry_kind: str, name: str) -> bool:
    return schema.SECTIONS[changes.SECTION_OF[entry_kind]][name] not in ("text", "date")


def _kind(request: web.Request) -> str:
    return KINDS[request.match_info["kind"]]  # the routes accept only these


def form_values(entry_kind: str, entry) -> dict[str, str]:
    """An entry as the form shows it: list fields one item per line."""
    values = schema.entry_fields(entry) if entry is not None else {}
    return {
        field.name: "\n".join(values.get(field.name, ()))
        if _is_list(entry_kind, field.name)
        else values.get(field.name, "")
        for field in FIELDS[entry_kind]
    }


def entry_of_form(entry_kind: str, form: dict[str, str]) -> dict:
    """The posted form as a file entry: list fields split by line, empty fields left out."""
    entry: dict = {}
    for field in FIELDS[entry_kind]:
        value = form.get(field.name, "")
        if _is_list(entry_kind, field.name):
            entry[field.name] = [line.strip() for line in value.splitlines() if line.strip()]
        elif value.strip():
            entry[field.name] = value
    return entry


def _matches(entry, query: str) -> bool:
    text = " ".join(str(value) for value in schema.entry_fields(entry).values()).casefold()
    return all(word in text for word in query.casefold().split())


def _listing(session, query: str) -> dict:
    catalogue = snapshot.view(session).file
    sections = []
    for entry_kind, section in changes.SECTION_OF.items():
        entries = sorted(getattr(catalogue, section), key=lambda entry: entry.name.casefold())
        shown = [entry for entry in entries if _matches(entry, query)] if query else entries
        sections.append({"kind": entry_kind, "slug": SLUGS[entry_kind], "title": TITLES[entry_kind], "entries": shown})
    return {"sections": sections}


@require(*ROLES)
async def catalogue_page(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()
    context = {
        **await in_session(request, _listing, query),
        "query": query,
        "NEW": NEW,
        "done": next((text for key, text in DONE.items() if key in request.query), None),
    }
    return pages.render(request, "catalogue.html", context)


def _history(session, entry_kind: str, entry_id: str) -> list:
    return [
        {"when": change.changed_at, "by": change.changed_by, "action": change.action, "field": change.field}
        for change in reversed(changes.history(session, entry_kind, entry_id))
    ]


async def _entry_page(
    request: web.Request,
    entry_kind: str,
    values: dict,
    *,
    creating: bool,
    wrong: dict | None = None,
    status=200,
    saved=None,
) -> web.Response:
    """The entry's form; `saved` (the stored entry) adds advice on its text by the content rules."""
    entry_id = None if creating else request.match_info["id"]
    history = [] if creating else await in_session(request, _history, entry_kind, entry_id)
    context = {
        "kind": entry_kind,
        "slug": SLUGS[entry_kind],
        "new_title": NEW[entry_kind],
        "fields": FIELDS[entry_kind],
        "lists": {field.name for field in FIELDS[entry_kind] if _is_list(entry_kind, field.name)},
        "CHANGE_LABELS": CHANGE_LABELS,
        "values": values,
        "wrong": wrong or {},
        "creating": creating,
        "entry_id": entry_id,
        "history": history,
        "advice": [problem.norwegian for problem in schema.entry_warnings(saved)],
        "done": next((text for key, text in DONE.items() if key in request.query), None),
    }
    return pages.render(request, "catalogue_entry.html", context, status=status)


def _wrong(error: changes.EntryProblems) -> dict[str, str]:
    """Each field's first problem, in Norwegian."""
    wrong: dict[str, str] = {}
    for problem in error.problems:
        wrong.setdefault(problem.field or "id", problem.norwegian or "Feltet er ikke gyldig.")
    return wrong


@require(*ROLES)
async def new_page(request: web.Request) -> web.Response:
    entry_kind = _kind(request)
    return await _entry_page(request, entry_kind, form_values(entry_kind, None), creating=True)


@require(*ROLES)
async def edit_page(request: web.Request) -> web.Response:
    entry_kind = _kind(request)
    entry = await in_session(request, changes.read_entry, entry_kind, request.match_info["id"])
    if entry is None:
        return pages.error(request, 404, f"Fant ikke {ONE[entry_kind]} med id «{request.match_info['id']}».")
    return await _entry_page(request, entry_kind, form_values(entry_kind, entry), creating=False, saved=entry)


async def _save(request: web.Request, *, creating: bool) -> web.StreamResponse:
    entry_kind = _kind(request)
    form = pages.text_fields(await request.post())
    if not creating:
        form["id"] = request.match_info["id"]
    fields = entry_of_form(entry_kind, form)
    try:
        entry, _ = await in_session(
            request, changes.save_entry, entry_kind, fields, by=request["user"].name, creating=creating
        )
    except changes.EntryProblems as error:
        return await _entry_page(request, entry_kind, form, creating=creating, wrong=_wrong(error), status=400)
    except changes.EntryError:
        return pages.error(request, 404, f"Fant ikke {ONE[entry_kind]} med id «{form['id']}».")
    raise web.HTTPSeeOther(f"{PATH}/{SLUGS[entry_kind]}/{entry.id}?lagret=1")


@require(*ROLES)
async def create(request: web.Request) -> web.StreamResponse:
    return await _save(request, creating=True)


@require(*ROLES)
async def update(request: web.Request) -> web.StreamResponse:
    return await _save(request, creating=False)


@require(*ROLES)
async def remove(request: web.Request) -> web.StreamResponse:
    entry_kind = _kind(request)
    entry_id = request.match_info["id"]
    try:
        await in_session(request, changes.remove_entry, entry_kind, entry_id, by=request["user"].name)
    except changes.EntryProblems as error:
        return pages.error(request, 409, error.problems[0].norwegian or "Oppføringen kan ikke fjernes.")
    except changes.EntryError:
        return pages.error(request, 404, f"Fant ikke {ONE[entry_kind]} med id «{entry_id}».")
    raise web.HTTPSeeOther(f"{PATH}?fjernet=1")


REVIEW_PATH = PATH + "/gjennomgang"


MAX_DISLIKES = 50


def _dislikes(session, tools: dict[str, str], project: Project) -> list[dict]:
    """The latest 👎 on answers about these tools (id → name), newest first, each with the masked
    question while its trainer inbox item is kept (retention deletes it, and the question with it)."""
    rows = session.execute(
        select(Feedback.created_at, Feedback.tool, Feedback.intent, InboxItem.text)
        .outerjoin(InboxItem, InboxItem.record_id == Feedback.inbox_record_id)
        .where(Feedback.helpful.is_(False), Feedback.tool.in_(list(tools)))
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(MAX_DISLIKES)
    )
    intents = names.display_names(session, project)
    return [
        {"when": when, "tool": tools[tool], "answer": intents.get(intent or "", intent or ""), "question": question}
        for when, tool, intent, question in rows
    ]


def _review(session, owner: str | None, days: int, project: Project) -> dict:
    catalogue = snapshot.view(session).file
    owned = {tool.id: tool.name for tool in catalogue.tools if owner is None or tool.owner == owner}
    return {
        "owners": freshness.owners(catalogue),
        "entries": freshness.due(catalogue, date.today(), days, owner),
        "dislikes": _dislikes(session, owned, project),
    }


@require(*ROLES)
async def review_page(request: web.Request) -> web.Response:
    """The entries due for review, per owner (one owner's when `eier` is given)."""
    owner = request.query.get("eier") or None
    days_text = request.query.get("dager", "").strip() or str(freshness.REVIEW_DAYS)
    error = None
    if not days_text.isdigit():
        error, days_text = "Skriv antall dager som et helt tall, for eksempel 365.", str(freshness.REVIEW_DAYS)
    days = int(days_text)
    context = {
        **await in_session(request, _review, owner, days, request.app[trainer.TRAINING_PROJECT]),
        "owner": owner,
        "days": days,
        "retention_days": request.app["settings"].retention_days,
        "error": error,
        "slugs": SLUGS,
        "ONE": ONE,
    }
    return pages.render(request, "catalogue_review.html", context, status=400 if error else 200)


def routes() -> list[web.RouteDef]:
    kind = "{kind:verktoy|private-verktoy|prosesser}"
    return [
        web.get(PATH, catalogue_page),
        web.get(REVIEW_PATH, review_page),
        web.get(f"{PATH}/{kind}/ny", new_page),
        web.post(f"{PATH}/{kind}/ny", create),
        web.get(f"{PATH}/{kind}/{{id}}", edit_page),
        web.post(f"{PATH}/{kind}/{{id}}", update),
        web.post(f"{PATH}/{kind}/{{id}}/fjern", remove),
    ]
