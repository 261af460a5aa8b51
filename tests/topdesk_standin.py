"""A stand-in for TOPdesk's incident API, run in a thread for the handoff tests. It follows
TOPdesk's documented REST API as far as the adapter uses it (developers.topdesk.com, incident
API; the field notes): basic auth with an operator's login name and application password (401
without it, 403 for an operator without incident rights), POST /tas/api/incidents with
callerLookup (a registered person, here looked up by e-mail) or an unregistered caller
(dynamicName, email), briefDescription (at most 80 characters), request, category by name and
externalNumber (at most 60 characters); GET /tas/api/incidents with a FIQL query on
externalNumber (204 when nothing matches); GET /tas/api/incidents/number/{number} (404 when
unknown). Errors are answered as TOPdesk does, a JSON list of {"message": …}."""

from __future__ import annotations

import asyncio
import base64
import re
import socket
import threading
import uuid

from aiohttp import web

OPERATOR = "digihjelpen"
APPLICATION_PASSWORD = "x7kq2-mzp4w-r9tbc-v3hnd-j8fgy"
NO_RIGHTS_OPERATOR = "uten-rettigheter"


def _error(status: int, message: str) -> web.Response:
    return web.json_response([{"message": message}], status=status)


class TopdeskStandIn:
    def __init__(self) -> None:
        self.persons = {"kari.nordmann@kommune.example.no": {"id": str(uuid.uuid4()), "dynamicName": "Nordmann, Kari"}}
        self.categories = {"Digihjelpen", "Programvare"}
        self.incidents: list[dict] = []
        self.unavailable = False  # answer 503 to everything (maintenance)
        self.lose_next_create_answer = False  # create the incident, then answer 503 (a lost response)
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._auth])
        app.router.add_post("/tas/api/incidents", self._create)
        app.router.add_get("/tas/api/incidents", self._list)
        app.router.add_get("/tas/api/incidents/number/{number}", self._by_number)
        return app

    @web.middleware
    async def _auth(self, request: web.Request, handler):
        if self.unavailable:
            return _error(503, "TOPdesk is down for maintenance")
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return _error(401, "No credentials")
        login, _, password = base64.b64decode(header[6:]).decode().partition(":")
        if login == NO_RIGHTS_OPERATOR and password == APPLICATION_PASSWORD:
            return _error(403, "The operator has no permission for incidents")
        if (login, password) != (OPERATOR, APPLICATION_PASSWORD):
            return _error(401, "Invalid login name or application password")
        return await handler(request)

    async def _create(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "The request body is not valid JSON")
        brief = body.get("briefDescription", "")
        if len(brief) > 80:
            return _error(400, "briefDescription is longer than 80 characters")
        if len(body.get("externalNumber", "")) > 60:
            return _error(400, "externalNumber is longer than 60 characters")
        if "callerLookup" in body:
            person = self.persons.get(body["callerLookup"].get("email", "").lower())
            if person is None:
                return _error(400, "callerLookup: no person found")
            caller = {**person, "email": body["callerLookup"]["email"]}
        elif body.get("caller", {}).get("dynamicName"):
            caller = {
                "id": None,
                "dynamicName": body["caller"]["dynamicName"],
                "email": body["caller"].get("email", ""),
            }
        else:
            return _error(400, "Either callerLookup or caller.dynamicName is required")
        category = body.get("category")
        if category and category.get("name") not in self.categories:
            return _error(400, f"category: no category named {category.get('name')!r}")
        incident = {
            "id": str(uuid.uuid4()),
            "number": f"I 2612 {len(self.incidents) + 1:03d}",
            "caller": caller,
            "briefDescription": brief,
            "request": body.get("request", ""),
            "externalNumber": body.get("externalNumber", ""),
            "category": {"name": category["name"]} if category else None,
            "processingStatus": {"id": str(uuid.uuid4()), "name": "Registrert"},
            "closed": False,
        }
        self.incidents.append(incident)
        if self.lose_next_create_answer:
            self.lose_next_create_answer = False
            return _error(503, "Gateway timeout")
        return web.json_response(incident, status=201)

    async def _list(self, request: web.Request) -> web.Response:
        query = request.query.get("query", "")
        wanted = re.fullmatch(r'externalNumber=="?([^"]*)"?', query)
        if query and not wanted:
            return _error(400, f"Unsupported query: {query}")
        found = [i for i in self.incidents if not wanted or i["externalNumber"] == wanted.group(1)]
        if not found:
            return web.Response(status=204)
        return web.json_response(found)

    async def _by_number(self, request: web.Request) -> web.Response:
        number = request.match_info["number"]
        incident = next((i for i in self.incidents if i["number"] == number), None)
        if incident is None:
            return _error(404, f"No incident with number {number}")
        return web.json_response(incident)

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        started = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._runner = web.AppRunner(self._app())
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            started.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        assert started.wait(10), "the TOPdesk stand-in did not start"

    def stop(self) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
