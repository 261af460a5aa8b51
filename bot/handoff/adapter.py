"""The one interface every service-desk adapter has, and its errors (bot.handoff.outbox.desk_for
makes the adapter the settings choose)."""

from __future__ import annotations

from typing import Protocol

from bot.handoff.case import Case, CaseReceipt


class DeskUnavailable(Exception):
    """The desk could not be reached or failed (5xx, timeout): the case waits and is sent later."""


class DeskRefused(Exception):
    """The desk refused the case for good (bad request, wrong credentials, no access): sending it
    again will not help; an operator must fix the settings."""


class Desk(Protocol):
    def send(self, case: Case, reference: str) -> CaseReceipt:
        """Deliver `case` under our `reference`, at most once per reference where the desk allows."""

    def status(self, number: str) -> str | None:
        """The desk's status of case `number`, or None when the desk cannot tell."""
