"""The handoff tests' real servers: an SMTP server (aiosmtpd, tests/smtp_server.py) and the TOPdesk
stand-in (tests/topdesk_standin.py)."""

from __future__ import annotations

import pytest
from smtp_server import SmtpServer
from topdesk_standin import APPLICATION_PASSWORD, OPERATOR, TopdeskStandIn

from bot.config import HandoffSettings

DESK_ADDRESS = "servicedesk@kommune.example.no"


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def email_config(smtp_server) -> HandoffSettings:
    return HandoffSettings(
        adapter="email",
        email_to=DESK_ADDRESS,
        email_from="digihjelpen@kommune.example.no",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        timeout_seconds=5,
    )


@pytest.fixture
def topdesk():
    standin = TopdeskStandIn()
    standin.start()
    yield standin
    standin.stop()


@pytest.fixture
def topdesk_config(topdesk) -> HandoffSettings:
    return HandoffSettings(
        adapter="topdesk",
        topdesk_url=topdesk.url,
        topdesk_operator=OPERATOR,
        topdesk_password=APPLICATION_PASSWORD,
        topdesk_category="Digihjelpen",
        timeout_seconds=5,
    )
