"""The TOPdesk adapter: its REST API for incidents (POST /tas/api/incidents, GET
/tas/api/incidents/number/{number}) with basic auth (operator login name + application
password). Our reference goes into `externalNumber`, and an incident that already carries it is
found, not made again."""

from __future__ import annotations

import requests

from bot.config import HandoffSettings
from bot.handoff.adapter import DeskRefused, DeskUnavailable
from bot.handoff.case import Case, CaseReceipt

INCIDENTS = "/tas/api/incidents"


def _errors(response: requests.Response) -> str:
    """TOPdesk's error answer, a list of {"message": …}, as one line."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, list):
        return "; ".join(str(item.get("message", item)) for item in body if isinstance(item, dict))[:200]
    return str(body)[:200]


def _check(response: requests.Response, what: str) -> None:
    """Map TOPdesk's error answers to our errors."""
    if response.status_code in (401, 403):
        raise DeskRefused(
            f"TOPdesk refused the operator ({response.status_code}) when {what}: check BOT_HANDOFF_TOPDESK_OPERATOR, "
            "its application password and the operator's permissions for incidents"
        )
    if response.status_code >= 500 or response.status_code == 429:
        raise DeskUnavailable(f"TOPdesk answered {response.status_code} when {what}: {_errors(response)}")
    if response.status_code >= 400:
        raise DeskRefused(f"TOPdesk answered {response.status_code} when {what}: {_errors(response)}")


def request_text(case: Case, reference: str) -> str:
    """The incident's request: who, where from, and the masked excerpt (TOPdesk takes <br> for lines)."""
    contact = case.contact
    lines = [
        f"Sak {reference} fra Digihjelpen ({case.channel}), sendt med den ansattes samtykke.",
        f"Navn: {contact.name or '(ikke oppgitt)'}",
        f"E-post: {contact.email or '(ikke oppgitt)'}",
    ]
    if contact.teams_id:
        lines.append(f"Teams-bruker: {contact.teams_id}")
    lines += ["", "Utdrag av samtalen (personnummer og lignende er maskert):", *case.excerpt.splitlines()]
    escaped = (line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in lines)
    return "<br>".join(escaped)


class TopdeskDesk:
    def __init__(self, config: HandoffSettings):
        self.config = config
        self.http = requests.Session()
        self.http.auth = (config.topdesk_operator, config.topdesk_password)
        self.http.headers["Accept"] = "application/json"

    def _call(self, method: str, path: str, what: str, **kwargs) -> requests.Response:
        try:
            response = self.http.request(
                method, self.config.topdesk_url + path, timeout=self.config.timeout_seconds, **kwargs
            )
        except requests.RequestException as error:
            raise DeskUnavailable(f"TOPdesk at {self.config.topdesk_url} when {what}: {type(error).__name__}") from None
        return response

    def existing(self, reference: str) -> str | None:
        """The number of the incident already made for `reference`, or None."""
        response = self._call(
            "GET",
            INCIDENTS,
            "looking for the case",
            params={"query": f'externalNumber=="{reference}"', "fields": "number"},
        )
        if response.status_code == 204:
            return None
        _check(response, "looking for the case")
        found = response.json()
        return found[0]["number"] if found else None

    def send(self, case: Case, reference: str) -> CaseReceipt:
        number = self.existing(reference)
        if number is None:
            number = self._create(case, reference)
        return CaseReceipt(number=number, reference=reference)

    def _create(self, case: Case, reference: str) -> str:
        body: dict = {
            "briefDescription": case.description,
            "request": request_text(case, reference),
            "externalNumber": reference,
        }
        if self.config.topdesk_category:
            body["category"] = {"name": self.config.topdesk_category}
        contact = case.contact
        if contact.email:
            response = self._call(
                "POST", INCIDENTS, "creating the case", json={**body, "callerLookup": {"email": contact.email}}
            )
            if response.status_code != 400:
                _check(response, "creating the case")
                return response.json()["number"]
            # The e-mail address is not a registered person's: the caller is then unregistered.
        unregistered = {"dynamicName": contact.name or "Ansatt via Digihjelpen"}
        if contact.email:
            unregistered["email"] = contact.email
        response = self._call("POST", INCIDENTS, "creating the case", json={**body, "caller": unregistered})
        _check(response, "creating the case")
        return response.json()["number"]

    def status(self, number: str) -> str | None:
        response = self._call(
            "GET", f"{INCIDENTS}/number/{requests.utils.quote(number, safe='')}", "reading the status"
        )
        if response.status_code == 404:
            return None
        _check(response, "reading the status")
        body = response.json()
        if body.get("closed"):
            return "closed"
        return (body.get("processingStatus") or {}).get("name")
