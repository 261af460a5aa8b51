"""The API for integrations: the gap log (e.g. Power BI: GET /api/v1/gaps, GET
/api/v1/gaps/summary; PATCH /api/v1/gaps/{id} sets a gap's status, note and public note), IT's service messages (GET/POST /api/v1/service-messages, DELETE
/api/v1/service-messages/{id} ends one) and the OpenAPI document at /api/v1/openapi.json.

Callers send `Authorization: Bearer TOKEN` with a token from `bot tokens create --role it`.
Filters and paging mean exactly what they mean on the admin pages (bot.gaps.queries), and records
are as k-anonymous: days, and departments only above the threshold.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.auth import accounts
from bot.catalogue import service_messages
from bot.gaps import queries, triage
from bot.gaps.models import KINDS, STATUSES, Gap
from bot.web.database import in_session

API_ROLES = ("it", "admin")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _problem(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


def _caller(session, plain: str) -> tuple[str, str] | None:
    """The role of a valid token and who it is in a record: "api:<its label or id>"."""
    token = accounts.valid_token(session, plain)
    return None if token is None else (token.role, f"api:{token.label or token.id}")


def bearer(handler: Handler) -> Handler:
    """401 without a valid, unrevoked token; 403 when the token's role may not use the API. The
    handler finds who called in request["api_caller"]."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        caller = (
            await in_session(request, _caller, token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        )
        if caller is None:
            return _problem(401, "Mangler gyldig API-nøkkel.", **{"WWW-Authenticate": 'Bearer realm="digihjelpen"'})
        if caller[0] not in API_ROLES:
            return _problem(403, "API-nøkkelen har ingen rolle som gir tilgang her (it eller admin).")
        request["api_caller"] = caller[1]
        return await handler(request)

    return guarded


@bearer
async def list_gaps(request: web.Request) -> web.Response:
    try:
        gap_filter = queries.parse_filter(request.query)
        page_no, per_page = queries.parse_paging(request.query)
    except queries.FilterError as error:
        return _problem(400, str(error))
    threshold = request.app["settings"].department_threshold
    try:
        page = await in_session(request, queries.record_page, gap_filter, threshold, page_no, per_page)
    except queries.Withheld as withheld:
        return _problem(403, str(withheld))
    return web.json_response(
        {
            "filters": gap_filter.params(),
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
            "items": page.items,
        }
    )


@bearer
async def gap_summary(request: web.Request) -> web.Response:
    try:
        gap_filter = queries.parse_filter(request.query)
    except queries.FilterError as error:
        return _problem(400, str(error))
    threshold = request.app["settings"].department_threshold
    try:
        return web.json_response(await in_session(request, queries.summary, gap_filter, threshold))
    except queries.Withheld as withheld:
        return _problem(403, str(withheld))


@bearer
async def update_gap(request: web.Request) -> web.Response:
    """Set a gap's status, internal note and/or public note (told to employees, bot.assistant.gap_status)."""
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        body = None
    fields = ("status", "note", "public_note")
    if (
        not isinstance(body, dict)
        or not all(isinstance(body.get(f), str | None) and len(body.get(f) or "") <= 5000 for f in fields)
        or body.get("status", STATUSES[0]) not in STATUSES
    ):
        return _problem(
            400,
            "Send JSON med status (en av: " + ", ".join(STATUSES) + "), note og/eller public_note, "
            "alle som tekst på høyst 5000 tegn.",
        )
    gap_id = int(request.match_info["id"])
    threshold = request.app["settings"].department_threshold

    def update(session) -> dict | None:
        gap = session.get(Gap, gap_id)
        if gap is None:
            return None
        triage.change(session, gap, request["api_caller"], **{f: body.get(f) for f in fields})
        session.flush()
        return queries.one_record(session, gap_id, threshold)

    try:
        changed = await in_session(request, update)
    except triage.PersonalData:
        return _problem(400, "public_note ser ut til å inneholde personopplysninger og er ikke lagret.")
    if changed is None:
        return _problem(404, "Fant ingen behov med det nummeret.")
    return web.json_response(changed)


@bearer
async def list_service_messages(request: web.Request) -> web.Response:
    def listed(session) -> list[dict]:
        return [service_messages.as_dict(session, m) for m in service_messages.current(session)]

    return web.json_response({"items": await in_session(request, listed)})


@bearer
async def post_service_message(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        body = None
    fields = ("tool", "text", "starts", "ends")
    if not isinstance(body, dict) or not all(isinstance(body.get(f, ""), str) for f in fields) or "ends" not in body:
        return _problem(400, "Send JSON med tool, text og ends (og gjerne starts), alle som tekst.")

    def posted(session) -> dict:
        starts = service_messages.parse_time(body["starts"], "starts") if body.get("starts") else None
        ends = service_messages.parse_time(body["ends"], "ends")
        message = service_messages.post(
            session, body.get("tool", ""), body.get("text", ""), ends, request["api_caller"], starts
        )
        return service_messages.as_dict(session, message)

    try:
        created = await in_session(request, posted)
    except service_messages.MessageError as error:
        return web.json_response({"error": error.norwegian, "field": error.field}, status=400)
    return web.json_response(created, status=201)


@bearer
async def end_service_message(request: web.Request) -> web.Response:
    try:
        message_id = int(request.match_info["id"])
    except ValueError:
        message_id = 0
    if not await in_session(request, service_messages.end, message_id, request["api_caller"]):
        return _problem(404, "Fant ingen aktiv eller kommende driftsmelding med det nummeret.")
    return web.Response(status=204)


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


def _string(description: str, **extra) -> dict:
    return {"type": "string", "description": description, **extra}


_FILTERS = [
    {
        "name": "from",
        "in": "query",
        "schema": _string(
            "First day (UTC), YYYY-MM-DD, 2000-01-01 to 2099-12-31; default 29 days before `to`", format="date"
        ),
    },
    {
        "name": "to",
        "in": "query",
        "schema": _string(
            "Last day (UTC), YYYY-MM-DD, included, 2000-01-01 to 2099-12-31; default today", format="date"
        ),
    },
    {"name": "kind", "in": "query", "schema": _string("Kind of gap", enum=list(KINDS))},
    {"name": "status", "in": "query", "schema": _string("Triage status", enum=list(STATUSES))},
    {"name": "need", "in": "query", "schema": _string("Part of the need (category or description), any case")},
    {"name": "tool", "in": "query", "schema": _string("Private tool (catalogue id), exact")},
    {
        "name": "department",
        "in": "query",
        "schema": _string(
            "Department, exact. The list answers 403 when fewer than the threshold of the matching records are from it"
        ),
    },
]
_TIME = (
    "ISO 8601 date and time, e.g. 2026-12-04T14:00+01:00; without an offset it is Norwegian time (Europe/Oslo); "
    "HH:MM alone is that time today"
)
_COUNT_OR_HIDDEN = {"type": ["integer", "null"], "description": "null when fewer records than `threshold` back it"}
_DEPARTMENTS = {
    "type": "array",
    "items": {"type": "object", "properties": {"department": {"type": ["string", "null"]}, "count": _COUNT_OR_HIDDEN}},
}
_PERIOD = {
    "type": "object",
    "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}},
}
_ERRORS = {
    "400": {
        "description": "A filter or paging value cannot be used",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "401": {"description": "No valid, unrevoked token"},
    "403": {"description": "The token's role may not read the gap log"},
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Digihjelpen API",
        "version": "1.0.0",
        "description": (
            "Read-only access to the anonymous gap log (what employees needed that workplace tools did not cover), "
            "and IT's service messages about tools. Create a token with `bot tokens create --role it`."
        ),
    },
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "paths": {
        "/api/v1/gaps": {
            "get": {
                "summary": "Gap records, filtered, newest first, one page at a time",
                "operationId": "listGaps",
                "parameters": _FILTERS
                + [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": queries.MAX_PER_PAGE,
                            "default": queries.DEFAULT_PER_PAGE,
                        },
                    },
                ],
                "responses": {
                    "200": {
                        "description": "One page of gaps",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GapPage"}}},
                    },
                    **_ERRORS,
                    "403": {
                        "description": "The token's role may not read the gap log, or `department` names a department that fewer "
                        "than the threshold of the matching records are from (they are not listed one by one)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            }
        },
        "/api/v1/gaps/summary": {
            "get": {
                "summary": "Counts for the period: totals, top private tools with trend, uncovered needs, weeks, departments",
                "operationId": "gapSummary",
                "parameters": _FILTERS,
                "responses": {
                    "200": {
                        "description": "The summary",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Summary"}}},
                    },
                    **_ERRORS,
                    "403": {
                        "description": "The token's role may not read the gap log, or `department` names a department "
                        "that fewer than the threshold of the matching records are from",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            }
        },
        "/api/v1/gaps/{id}": {
            "patch": {
                "summary": "Set a gap's status, internal note and/or public note (recorded in its audit trail)",
                "operationId": "updateGap",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GapChange"}}},
                },
                "responses": {
                    "200": {
                        "description": "The gap as changed",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gap"}}},
                    },
                    "400": {
                        "description": "Not JSON, an unknown status, a text too long, or a public note with personal data",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "401": _ERRORS["401"],
                    "403": {"description": "The token's role is neither it nor admin"},
                    "404": {"description": "No gap with that id"},
                },
            }
        },
        "/api/v1/service-messages": {
            "get": {
                "summary": "Service messages not yet ended (active and upcoming), the soonest start first",
                "operationId": "listServiceMessages",
                "responses": {
                    "200": {
                        "description": "The messages",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/ServiceMessage"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "401": _ERRORS["401"],
                    "403": {"description": "The token's role is neither it nor admin"},
                },
            },
            "post": {
                "summary": "Post a service message about a tool: every answer about the tool starts with it, and the "
                "chat widget shows it as a banner, from `starts` (default now) until `ends`",
                "operationId": "postServiceMessage",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewServiceMessage"}}},
                },
                "responses": {
                    "201": {
                        "description": "The message as stored (text masked)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceMessage"}}},
                    },
                    "400": {
                        "description": "The body cannot be used: unknown tool, empty or too long text, a time that is no "
                        "time, an end before the start or in the past; `field` names the field at fault",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                    "401": _ERRORS["401"],
                    "403": {"description": "The token's role is neither it nor admin"},
                },
            },
        },
        "/api/v1/service-messages/{id}": {
            "delete": {
                "summary": "End a service message now (one not yet started is never shown)",
                "operationId": "endServiceMessage",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "204": {"description": "Ended"},
                    "401": _ERRORS["401"],
                    "403": {"description": "The token's role is neither it nor admin"},
                    "404": {
                        "description": "No active or upcoming message with that id",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {"error": {"type": "string"}, "field": {"type": "string"}},
                "required": ["error"],
            },
            "NewServiceMessage": {
                "type": "object",
                "properties": {
                    "tool": _string("The tool's catalogue id, e.g. teams"),
                    "text": _string(
                        f"The message, at most {service_messages.MAX_TEXT} characters; personal data is masked"
                    ),
                    "starts": _string(_TIME + "; default now"),
                    "ends": _string(_TIME),
                },
                "required": ["tool", "text", "ends"],
            },
            "ServiceMessage": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "tool": {"type": "string"},
                    "tool_name": {"type": "string"},
                    "text": {"type": "string"},
                    "starts": {"type": "string", "format": "date-time"},
                    "ends": {"type": "string", "format": "date-time"},
                    "active": {"type": "boolean", "description": "Shown now: starts <= now < ends"},
                    "created_by": {"type": "string", "description": "An admin user's name, api:<token label> or cli"},
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
            "Gap": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "created_at": {
                        "type": "string",
                        "format": "date",
                        "description": "The UTC day it was recorded (no time)",
                    },
                    "kind": {"type": "string", "enum": list(KINDS)},
                    "private_tool": {"type": ["string", "null"]},
                    "need": {"type": ["string", "null"]},
                    "alternatives": {"type": "array", "items": {"type": "string"}},
                    "department": {
                        "type": ["string", "null"],
                        "description": (
                            "null when not given, or when fewer than the threshold (BOT_DEPARTMENT_THRESHOLD) of the matching "
                            "records are from it"
                        ),
                    },
                    "channel": {"type": "string"},
                    "text": {"type": "string", "description": "The employee's message with personal data masked"},
                    "language": {"type": "string"},
                    "status": {"type": "string", "enum": list(STATUSES)},
                    "note": {"type": ["string", "null"], "description": "IT's internal note"},
                    "public_note": {
                        "type": ["string", "null"],
                        "description": "IT's word to employees: told with the status (planlagt, løst, avvist) to "
                        "employees who mention this private tool or need",
                    },
                },
            },
            "GapChange": {
                "type": "object",
                "description": "Fields to change; a field left out stays as it is, an empty note removes it",
                "properties": {
                    "status": {"type": "string", "enum": list(STATUSES)},
                    "note": {"type": "string", "maxLength": 5000, "description": "IT's internal note"},
                    "public_note": {
                        "type": "string",
                        "maxLength": 5000,
                        "description": "Told to employees with a status that carries news; refused when it seems "
                        "to hold personal data",
                    },
                },
            },
            "GapPage": {
                "type": "object",
                "properties": {
                    "filters": {"type": "object", "additionalProperties": {"type": "string"}},
                    "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                    "total": {"type": "integer"},
                    "pages": {"type": "integer"},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Gap"}},
                },
            },
            "Summary": {
                "type": "object",
                "properties": {
                    "period": _PERIOD,
                    "previous_period": _PERIOD,
                    "threshold": {"type": "integer", "description": "Department counts below this are hidden (null)"},
                    "total": {"type": "integer"},
                    "previous_total": {"type": "integer"},
                    "by_kind": {"type": "object", "properties": {k: {"type": "integer"} for k in KINDS}},
                    "top_private_tools": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "private_tool": {"type": "string"},
                                "count": {"type": "integer"},
                                "previous": {"type": "integer"},
                                "change": {"type": "integer"},
                                "departments": _DEPARTMENTS,
                            },
                        },
                    },
                    "uncovered_needs": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"need": {"type": ["string", "null"]}, "count": {"type": "integer"}},
                        },
                    },
                    "suggestions": {
                        "type": "array",
                        "description": "The most common suggestions from employees (gap kind suggestion)",
                        "items": {
                            "type": "object",
                            "properties": {"need": {"type": ["string", "null"]}, "count": {"type": "integer"}},
                        },
                    },
                    "weeks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "week": {"type": "string", "example": "2024-W10"},
                                "start": {"type": "string", "format": "date"},
                                "count": {"type": "integer"},
                            },
                        },
                    },
                    "departments": _DEPARTMENTS,
                },
            },
        },
    },
}


def setup(app: web.Application) -> None:
    app.router.add_get("/api/v1/service-messages", list_service_messages)
    app.router.add_post("/api/v1/service-messages", post_service_message)
    app.router.add_delete("/api/v1/service-messages/{id}", end_service_message)
    app.router.add_get("/api/v1/gaps", list_gaps)
    app.router.add_get("/api/v1/gaps/summary", gap_summary)
    app.router.add_patch(r"/api/v1/gaps/{id:\d+}", update_gap)
    app.router.add_get("/api/v1/openapi.json", openapi)
