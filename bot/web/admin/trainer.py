"""The trainer inbox at /admin/trainer: the open inbox items (bot.training.inbox) in groups of
similar messages, newest first, and one form per group to assign the chosen messages to a theme
(intent) that exists, to a new theme with its Norwegian name, answer and at least three examples,
to attach them to the tool or process that should have answered them (a task or name in the
catalogue, answered at once), or to dismiss them. Themes are shown by their Norwegian names
(bot.training.names).

The work itself is bot.training.inbox's; this module only reads the form, runs it in a worker
thread (one assignment at a time per process, so two trainers do not add the same example at
once) and shows the outcome in Norwegian. Examples and themes go into the database; the app's
TRAINING_PROJECT (tests give a copy) is only read, for the examples and intents of its files."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from urllib.parse import urlencode

from aiohttp import web

from bot.catalogue import snapshot, store
from bot.catalogue.changes import MAX_PHRASE, PHRASE_KINDS, ChangeError
from bot.gaps.queries import FilterError, Page, parse_paging
from bot.training import additions, inbox
from bot.training.examples import ExampleError
from bot.training.names import display_names
from bot.training.project import Project
from bot.web.admin import pages
from bot.web.admin.auth import require
from bot.web.admin.reasons import in_norwegian
from bot.web.database import in_session

TRAINER_ROLES = ("trainer", "admin")
TRAINING_PROJECT = web.AppKey("admin.training_project", Project)
ACTIONS = ("existing", "new", "attach", "dismiss")
KIND_LABELS = {
    "fallback": "Ikke forstått",
    "out_of_scope": "Utenfor området",
    "not_helpful": "Ikke til hjelp (👎)",
    "no_fit": "Fant ikke verktøy",
}
CHOOSE_ENTRY = "Velg verktøyet eller fremgangsmåten meldingene skal kobles til."
_WRITING = threading.Lock()


_NORWEGIAN_ORDER = str.maketrans({"æ": "z\x01", "ø": "z\x02", "å": "z\x03"})


def _by_name(name: str) -> str:
    """A sort key that puts names in Norwegian alphabetical order (æ, ø, å after z)."""
    return name.casefold().translate(_NORWEGIAN_ORDER)


def attachable_entries(session) -> dict[str, list[tuple[str, str]]]:
    """The tools and processes a message can be attached to, as (form value, name) by name."""
    catalogue = snapshot.view(session).file
    return {
        kind: sorted(((f"{kind}:{entry.id}", entry.name) for entry in entries), key=lambda pair: _by_name(pair[1]))
        for kind, entries in (("tool", catalogue.tools), ("process", catalogue.processes))
    }


def themes(session, project: Project) -> list[tuple[str, str]]:
    """The themes messages can be added to, as (intent, Norwegian name), by name."""
    names = display_names(session, project)
    return sorted(
        ((intent, names.get(intent, intent)) for intent in additions.assignable_intents(session, project)),
        key=lambda pair: _by_name(pair[1]),
    )


def _inbox_page(session, project: Project, page: int, per_page: int) -> dict:
    groups = inbox.open_groups(session)
    start = (page - 1) * per_page
    return {
        "page": Page(groups[start : start + per_page], len(groups), page, per_page),
        "waiting": sum(group.count for group in groups),
        "themes": themes(session, project),
        "theme_names": display_names(session, project),
        "entries": attachable_entries(session),
    }


async def _render(
    request: web.Request,
    *,
    status: int = 200,
    notices: Sequence[str] = (),
    errors: Sequence[str] = (),
    posted: dict | None = None,
    paging: tuple[int, int] | None = None,
    field_errors: dict[str, str] | None = None,
) -> web.Response:
    try:
        page, per_page = paging or parse_paging(request.query)
    except FilterError as error:
        page, per_page = 1, parse_paging({})[1]
        errors, status = [*errors, str(error)], 400
    context = await in_session(request, _inbox_page, request.app[TRAINING_PROJECT], page, per_page)
    return pages.render(
        request,
        "trainer.html",
        {
            **context,
            "notices": list(notices),
            "errors": list(errors),
            "posted": posted or {},
            "kind_labels": KIND_LABELS,
            "per_page": per_page,
            "field_errors": field_errors or {},
            "max_phrase": MAX_PHRASE,
            "min_examples": additions.MIN_NEW_INTENT_EXAMPLES,
            "max_name": additions.MAX_DISPLAY_NAME,
        },
        status=status,
    )


def _notices(query, names: dict[str, str]) -> list[str]:
    """The outcome of the last form, from the redirect's query (see _done)."""
    notices = []
    intent = query.get("tema", "")
    name = f"«{names[intent]}»" if intent in names else ""
    if query.get("nytt") == "1" and name:
        notices.append(f"Temaet {name} er laget, med svaret ditt og eksemplene.")
    if query.get("tildelt", "").isdigit() and name:
        notices.append(f"{query['tildelt']} {_messages(int(query['tildelt']))} lagt til som eksempel på temaet {name}.")
    if query.get("avvist", "").isdigit():
        notices.append(f"{query['avvist']} {_messages(int(query['avvist']))} avvist.")
    if notices:
        notices.append("Eksemplene tas i bruk når du lager en ny versjon på siden Versjoner.")
    return notices


def _messages(count: int) -> str:
    return "melding er" if count == 1 else "meldinger er"


def _entry(value: str) -> tuple[str, str] | None:
    """("tool" or "process", id) from a form or query value such as "tool:visma-reise"."""
    kind, _, entry_id = value.partition(":")
    return (kind, entry_id) if kind in PHRASE_KINDS and entry_id else None


def _attach_notices(session, kind: str, entry_id: str, count: int, changed: bool) -> list[str]:
    """The outcome of attaching messages (see handle), with the entry's name as it is now."""
    entry = store.get_tool(session, entry_id) if kind == "tool" else store.get_process(session, entry_id)
    if entry is None:
        return []
    notices = [f"{count} {_messages(count)} koblet til {entry.name}."]
    if not changed:
        notices.append(
            f"{entry.name} har allerede denne oppgaven. Katalogen er ikke endret."
            if kind == "tool"
            else f"Fremgangsmåten {entry.name} har allerede dette navnet. Katalogen er ikke endret."
        )
    elif kind == "tool":
        notices.append(f"Lagt til som oppgave for {entry.name}. Assistenten svarer med det med en gang.")
    else:
        notices.append(
            f"Lagt til som nytt navn på fremgangsmåten {entry.name}. Assistenten svarer med det med en gang."
        )
    return notices


async def _names(request: web.Request) -> dict[str, str]:
    return await in_session(request, display_names, request.app[TRAINING_PROJECT])


@require(*TRAINER_ROLES)
async def inbox_page(request: web.Request) -> web.Response:
    notices = _notices(request.query, await _names(request))
    attached, count = _entry(request.query.get("til", "")), request.query.get("koblet", "")
    if attached and count.isdigit():
        notices += await in_session(request, _attach_notices, *attached, int(count), request.query.get("endret") == "1")
    return await _render(request, notices=notices)


def _done(page: str, **outcome) -> web.HTTPSeeOther:
    return web.HTTPSeeOther("/admin/trainer?" + urlencode({"page": page, **outcome}))


@require(*TRAINER_ROLES)
async def handle(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    fields = pages.text_fields(form)
    posted = {
        name: fields.get(name, "")
        for name in ("group", "action", "intent", "name", "response", "examples", "entry", "phrase")
    }
    action = posted["action"]
    paging = (1, parse_paging({})[1])
    try:
        paging = parse_paging(fields)
        ids = [int(value) for value in form.getall("ids", []) if isinstance(value, str)]
    except (FilterError, ValueError):
        return await _render(request, status=400, errors=["Skjemaet var ugyldig. Last siden på nytt og prøv igjen."])
    page = str(paging[0])
    if not ids:
        return await _render(request, status=400, errors=["Velg minst én melding."], posted=posted, paging=paging)
    if action not in ACTIONS:
        return await _render(
            request, status=400, errors=["Velg hva du vil gjøre med meldingene."], posted=posted, paging=paging
        )
    if action == "attach":
        return await _attach(request, ids, posted, paging)
    project = request.app[TRAINING_PROJECT]

    by = request["user"].name
    new_examples = tuple(line.strip() for line in posted["examples"].splitlines() if line.strip())
    if action == "new":
        wrong = _new_theme_errors(posted, len(set(ids)) + len(new_examples))
        if wrong:
            return await _render(
                request, status=400, errors=list(wrong.values()), field_errors=wrong, posted=posted, paging=paging
            )

    def work(session):
        with _WRITING:
            if action == "dismiss":
                return inbox.dismiss(session, ids)
            if action == "existing":
                return inbox.assign(session, ids, posted["intent"], by=by, project=project)
            return inbox.assign(
                session,
                ids,
                "",
                by=by,
                extra_examples=new_examples,
                new_response=posted["response"],
                new_name=posted["name"],
                project=project,
            )

    try:
        result = await in_session(request, work)
    except ExampleError as error:
        message = _too_few(error, await _names(request)) if error.outcomes else in_norwegian(str(error))
        wrong = {error.field: message} if action == "new" and error.field else {}
        return await _render(request, status=400, errors=[message], field_errors=wrong, posted=posted, paging=paging)
    if action == "dismiss":
        raise _done(page, avvist=result)
    outcome = {"tildelt": len(result.assigned), "tema": result.intent, **({"nytt": 1} if result.created else {})}
    if not result.left:
        raise _done(page, **outcome)
    names = await _names(request)
    outcomes = dict(zip(sorted(set(ids)), result.outcomes))
    errors = [
        f"Melding nr. {item_id} («{outcomes[item_id].text}») ble ikke lagt til: {_reason(outcomes[item_id], names)}."
        for item_id in result.left
    ]
    return await _render(
        request,
        status=200 if result.assigned else 400,
        paging=paging,
        posted=posted,
        notices=_notices({key: str(value) for key, value in outcome.items()}, names) if result.assigned else [],
        errors=errors,
    )


def _new_theme_errors(posted: dict, examples: int) -> dict[str, str]:
    """The new-theme form's fields that are missing, in Norwegian, by field name."""
    wrong = {}
    if not posted["name"].strip():
        wrong["name"] = "Skriv navnet på det nye temaet, for eksempel «Gjestenett for besøkende»."
    if not posted["response"].strip():
        wrong["response"] = "Skriv svaret roboten skal gi."
    if examples < additions.MIN_NEW_INTENT_EXAMPLES:
        wrong["examples"] = (
            f"Et nytt tema trenger minst {additions.MIN_NEW_INTENT_EXAMPLES} eksempler. Du har valgt eller skrevet "
            f"{examples}. Skriv flere eksempler i feltet, ett per linje."
        )
    return wrong


def _reason(outcome, names: dict[str, str]) -> str:
    """Why an example was not added, in Norwegian, naming the theme that has it by its Norwegian name."""
    if outcome.status == "refused" and outcome.intent:
        return (
            f"finnes allerede som eksempel på et annet tema, «{names.get(outcome.intent, outcome.intent)}». "
            "Avgjør hvilket tema som er riktig; spør en utvikler om det gamle eksempelet skal flyttes"
        )
    return in_norwegian(outcome.reason).rstrip(".")


def _too_few(error: ExampleError, names: dict[str, str]) -> str:
    """The Norwegian message when too few of a new theme's examples can be used."""
    usable = sum(1 for outcome in error.outcomes if outcome.status == "added")
    refused = [f"«{o.text}» {_reason(o, names)}" for o in error.outcomes if o.status != "added"]
    return (
        f"Et nytt tema trenger minst {additions.MIN_NEW_INTENT_EXAMPLES} eksempler som ikke finnes fra før, og bare "
        f"{usable} kan brukes."
        + (f" {'; '.join(refused)}." if refused else "")
        + " Skriv flere eksempler, ett per linje."
    )


async def _attach(request: web.Request, ids: list[int], posted: dict, paging: tuple[int, int]) -> web.StreamResponse:
    """Attach the messages to the chosen tool or process (bot.training.inbox.attach)."""
    entry = _entry(posted["entry"])
    if entry is None:
        return await _render(
            request,
            status=400,
            errors=[CHOOSE_ENTRY],
            field_errors={"entry": CHOOSE_ENTRY},
            posted=posted,
            paging=paging,
        )
    try:
        result = await in_session(request, inbox.attach, ids, *entry, phrase=posted["phrase"], by=request["user"].name)
    except ChangeError as error:
        message = in_norwegian(str(error))
        return await _render(
            request, status=400, errors=[message], field_errors={error.field: message}, posted=posted, paging=paging
        )
    except ExampleError as error:
        return await _render(request, status=400, errors=[in_norwegian(str(error))], posted=posted, paging=paging)
    added = result.added
    raise _done(
        str(paging[0]), koblet=len(result.attached), til=f"{added.entry_kind}:{added.entry_id}", endret=int(added.added)
    )


def routes() -> list[web.RouteDef]:
    return [web.get("/admin/trainer", inbox_page), web.post("/admin/trainer", handle)]
