"""The one interface every service-desk adapter has, its errors, and the adapter the settings
choose."""

from __future__ import annotations

from typing import Protocol

from bot.config import HandoffSettings
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


def desk_for(config: HandoffSettings) -> Desk | None:
    """The adapter `config` names, or None when handoff is off."""
    if config.adapter == "email":
        from bot.handoff.mail import EmailDesk

        return EmailDesk(config)
    if config.adapter == "topdesk":
        from bot.handoff.topdesk import TopdeskDesk

        return TopdeskDesk(config)
    return None
