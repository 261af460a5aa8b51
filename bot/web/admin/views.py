"""The gap pages for IT: the overview, the filtered list with paging and CSV/XLSX downloads, one
gap with its status, internal note, public note (told to employees who mention the gap,
bot.assistant.gap_status) and audit trail, and groups of similar gaps whose status can be set
together. Records show days, and departments only above the threshold (bot.gaps.queries)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.catalogue import snapshot
from bot.gaps import queries, report, triage, wishes
from bot.gaps.models import STATUSES, Gap
from bot.web.admin import pages
from bot.web.admin.auth import require
from bot.web.admin.chart import weekly_svg
from bot.web.database import in_session

GAP_ROLES = ("it", "admin")
CHANNEL_LABELS = {"rest": "nettsiden", "web": "nettsiden", "teams": "Teams"}
LANGUAGE_LABELS = {"nb": "bokmål", "nn": "nynorsk", "en": "engelsk"}
PERSONAL_DATA = (
    "Meldingen til ansatte ser ut til å inneholde personopplysninger (for eksempel et telefonnummer, "
    "en e-postadresse eller et fødselsnummer). Den er ikke lagret. Skriv den uten personopplysninger."
)


def _names(session) -> dict[str, str]:
    """The catalogue's tools and private tools by id, so the pages show names, not ids (an id no
    longer in the catalogue is shown as it is)."""
    view = snapshot.view(session)
    return {entry_id: entry.name for entries in (view.tools, view.private_tools) for entry_id, entry in entries.items()}


def _filter_context(request: web.Request, gap_filter: queries.GapFilter | None) -> dict:
    values = gap_filter.params() if gap_filter else dict(request.query)
    return {
        "filters": values,
        "departments": request.app["settings"].departments,
        "statuses": STATUSES,
        "query": urlencode(gap_filter.params()) if gap_filter else "",
        "names": {},
    }


def _parse(request: web.Request) -> queries.GapFilter:
    return queries.parse_filter(request.query)


def _threshold(request: web.Request) -> int:
    return request.app["settings"].department_threshold


@require(*GAP_ROLES)
async def dashboard(request: web.Request) -> web.Response:
    try:
        period = _parse(request)
        gap_filter = queries.GapFilter(start=period.start, end=period.end)  # the overview covers every gap
    except queries.FilterError as error:
        return pages.render(
            request,
            "dashboard.html",
            {**_filter_context(request, None), "error": str(error), "summary": None},
            status=400,
        )
    summary = await in_session(request, queries.summary, gap_filter, _threshold(request))
    return pages.render(
        request,
        "dashboard.html",
        {
            **_filter_context(request, gap_filter),
            "names": await in_session(request, _names),
            "error": None,
            "summary": summary,
            "chart": weekly_svg(summary["weeks"]),
        },
    )


@require(*GAP_ROLES)
async def gap_list(request: web.Request) -> web.Response:
    try:
        gap_filter = _parse(request)
        page, per_page = queries.parse_paging(request.query)
    except queries.FilterError as error:
        return pages.render(
            request, "gaps.html", {**_filter_context(request, None), "error": str(error), "page": None}, status=400
        )
    context = {
        **_filter_context(request, gap_filter),
        "names": await in_session(request, _names),
        "threshold": _threshold(request),
        "error": None,
        "page": None,
    }
    try:
        context["page"] = await in_session(
            request, queries.record_page, gap_filter, _threshold(request), page, per_page
        )
    except queries.Withheld as withheld:
        context["error"] = str(withheld)
    return pages.render(request, "gaps.html", context)


EXPORTS = {  # format: (content type, writer of report.record rows)
    "csv": ("text/csv", lambda rows: report.to_csv(rows).encode("utf-8")),
    "xlsx": (report.XLSX_TYPE, report.to_xlsx),
}


@require(*GAP_ROLES)
async def gap_export(request: web.Request) -> web.Response:
    """The filtered list as a download, CSV or XLSX (bot.gaps.report says how each keeps formulas out)."""
    extension, threshold = request.match_info["format"], _threshold(request)
    content_type, write = EXPORTS[extension]
    try:
        gap_filter = _parse(request)
        body = await in_session(request, lambda session: write(queries.iter_records(session, gap_filter, threshold)))
    except queries.FilterError as error:
        return pages.error(request, 400, str(error))
    except queries.Withheld as withheld:
        return pages.error(request, 403, str(withheld))
    name = f"behov-{gap_filter.start.isoformat()}-{gap_filter.end.isoformat()}.{extension}"
    return web.Response(
        body=body,
        content_type=content_type,
        charset="utf-8" if extension == "csv" else None,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _load_gap(session, gap_id: int, threshold: int):
    gap = queries.one_record(session, gap_id, threshold)
    if gap is None:
        return None, [], 0
    key = queries.group_key(gap["kind"], gap["private_tool"], gap["need"])
    return gap, triage.history(session, gap_id), wishes.vote_counts(session, [key]).get(key, 0)


def _gap_id(request: web.Request) -> int:
    try:
        return int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None


@require(*GAP_ROLES)
async def gap_detail(request: web.Request) -> web.Response:
    gap, changes, votes = await in_session(request, _load_gap, _gap_id(request), _threshold(request))
    if gap is None:
        return pages.error(request, 404, "Dette behovet finnes ikke. Det kan være slettet.")
    return pages.render(
        request,
        "gap.html",
        {
            "gap": gap,
            "changes": changes,
            "votes": votes,
            "statuses": STATUSES,
            "saved": request.query.get("lagret") == "1",
            "error": None,
            "threshold": _threshold(request),
            "names": await in_session(request, _names),
            "channels": CHANNEL_LABELS,
            "languages": LANGUAGE_LABELS,
        },
    )


@require(*GAP_ROLES)
async def gap_update(request: web.Request) -> web.StreamResponse:
    form = pages.text_fields(await request.post())
    status, note, public_note = form.get("status"), form.get("note"), form.get("public_note")
    if status not in STATUSES or any(n is not None and len(n) > 5000 for n in (note, public_note)):
        return pages.error(request, 400, "Velg en gyldig status. Notatene kan være høyst 5000 tegn.")
    actor, gap_id = request["user"].name, _gap_id(request)

    def update(session) -> bool:
        gap = session.get(Gap, gap_id)
        if gap is None:
            return False
        triage.change(session, gap, actor, status=status, note=note, public_note=public_note)
        return True

    try:
        found = await in_session(request, update)
    except triage.PersonalData:
        return pages.error(request, 400, PERSONAL_DATA)
    if not found:
        return pages.error(request, 404, "Dette behovet finnes ikke. Det kan være slettet.")
    raise web.HTTPSeeOther(f"/admin/gaps/{gap_id}?lagret=1")


@require(*GAP_ROLES)
async def group_list(request: web.Request) -> web.Response:
    context: dict[str, Any] = {"error": None, "groups": None, "votes": {}, "changed": request.query.get("endret")}
    try:
        gap_filter = _parse(request)
    except queries.FilterError as error:
        return pages.render(
            request, "groups.html", {**_filter_context(request, None), **context, "error": str(error)}, status=400
        )

    def read(session) -> tuple[list[queries.Group], dict[str, int]]:
        queries.shown_in(
            session, gap_filter, _threshold(request)
        )  # a small department's records are not grouped either
        found = queries.groups(session, gap_filter)
        return found, wishes.vote_counts(session, [g.key for g in found])

    try:
        context["groups"], context["votes"] = await in_session(request, read)
    except queries.Withheld as withheld:
        context["error"] = str(withheld)
    context["names"] = await in_session(request, _names)
    return pages.render(request, "groups.html", {**_filter_context(request, gap_filter), **context})


@require(*GAP_ROLES)
async def group_status(request: web.Request) -> web.StreamResponse:
    form = pages.text_fields(await request.post())
    status, key = form.get("new_status"), form.get("key") or ""  # "status" is the filter's
    try:
        gap_filter = queries.parse_filter(form)
    except queries.FilterError as error:
        return pages.error(request, 400, str(error))
    # An empty field leaves the gaps' public notes as they are: a status set for a whole group must
    # not wipe the notes IT wrote on its gaps (a note is cleared on the gap's own page).
    public_note = form.get("public_note") or None
    if status not in STATUSES or (public_note is not None and len(public_note) > 5000):
        return pages.error(request, 400, "Velg en gyldig status. Meldingen til ansatte kan være høyst 5000 tegn.")
    actor = request["user"].name

    def update(session) -> int:
        members = queries.group_member_ids(session, gap_filter, key)
        return triage.change_status_of(session, members, actor, status, public_note)

    try:
        changed = await in_session(request, update)
    except triage.PersonalData:
        return pages.error(request, 400, PERSONAL_DATA)
    raise web.HTTPSeeOther("/admin/groups?" + urlencode({**gap_filter.params(), "endret": changed}))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/admin/", dashboard),
        web.get("/admin/gaps", gap_list),
        web.get(r"/admin/gaps.{format:csv|xlsx}", gap_export),
        web.get(r"/admin/gaps/{id:\d+}", gap_detail),
        web.post(r"/admin/gaps/{id:\d+}", gap_update),
        web.get("/admin/groups", group_list),
        web.post("/admin/groups/status", group_status),
    ]
