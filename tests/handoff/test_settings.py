"""BOT_HANDOFF_*: the adapter chosen, and settings that cannot work refused with a clear message."""

from __future__ import annotations

import pytest
from topdesk_standin import APPLICATION_PASSWORD

from bot.config import handoff_settings
from bot.handoff.outbox import desk_for

TOPDESK = {
    "BOT_HANDOFF_ADAPTER": "topdesk",
    "BOT_HANDOFF_TOPDESK_URL": "https://kommune.topdesk.net/",
    "BOT_HANDOFF_TOPDESK_OPERATOR": "digihjelpen",
    "BOT_HANDOFF_TOPDESK_PASSWORD": APPLICATION_PASSWORD,
}


@pytest.fixture(autouse=True)
def no_handoff_settings(monkeypatch):
    for name in [*TOPDESK, "BOT_HANDOFF_EMAIL_TO"]:
        monkeypatch.delenv(name, raising=False)


def set_env(monkeypatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_email_is_the_default_once_the_desks_address_is_set(monkeypatch):
    assert handoff_settings().adapter == "off"
    monkeypatch.setenv("BOT_HANDOFF_EMAIL_TO", "servicedesk@kommune.example.no")
    config = handoff_settings()
    assert (config.adapter, config.email_from, config.daily_cap) == ("email", "servicedesk@kommune.example.no", 3)


def test_topdesk_settings_are_read(monkeypatch):
    set_env(monkeypatch, TOPDESK)
    config = handoff_settings()
    assert (config.adapter, config.topdesk_url) == ("topdesk", "https://kommune.topdesk.net")


@pytest.mark.parametrize(
    "values, words",
    [
        ({"BOT_HANDOFF_ADAPTER": "servicenow"}, "must be one of email, topdesk, off"),
        ({"BOT_HANDOFF_ADAPTER": "email"}, "BOT_HANDOFF_EMAIL_TO must name"),
        ({**TOPDESK, "BOT_HANDOFF_TOPDESK_PASSWORD": ""}, "needs BOT_HANDOFF_TOPDESK_URL"),
        ({**TOPDESK, "BOT_HANDOFF_TOPDESK_URL": "http://topdesk.kommune.no"}, "must be an https:// address"),
        ({**TOPDESK, "BOT_HANDOFF_TOPDESK_PASSWORD": "changeme-changeme"}, "looks like a placeholder"),
        ({**TOPDESK, "BOT_HANDOFF_TOPDESK_PASSWORD": "abcdefgh"}, "too easy to guess"),
    ],
)
def test_settings_that_cannot_work_are_refused(monkeypatch, values, words):
    set_env(monkeypatch, values)
    with pytest.raises(SystemExit, match=words):
        desk_for(handoff_settings())  # a weak password is refused where the adapter is made
