"""A service message in the real widget and the real assistant: posted as IT does (through
bot.catalogue.service_messages on the assistant's database), shown as the widget's banner on the
standalone page and on an intranet page, and at the start of the answer to «er Kommunekart nede?»."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from bot import db
from bot.catalogue import service_messages

pytestmark = pytest.mark.slow
expect.set_options(timeout=30_000)

TEXT = "Kommunekart er nede for vedlikehold til kl. 14."
INTRANET_PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Intranett</title></head>
<body><main><h1>Kommunens intranett</h1></main><script src="/widget.js" defer></script></body></html>"""


@pytest.fixture
def posted(web_service) -> Iterator[int]:
    """A message about Kommunekart, active for an hour; ended afterwards (the assistant is shared)."""
    url = web_service.assistant.db_url
    with db.session_scope(url) as session:
        ends = datetime.now(timezone.utc) + timedelta(hours=1)
        message_id = service_messages.post(session, "kommunekart", TEXT, ends, by="kari").id
    yield message_id
    with db.session_scope(url) as session:
        service_messages.end(session, message_id, by="kari")


def test_the_banner_and_the_answer_show_the_message(page: Page, web_service, posted, accessibility_violations):
    page.goto(web_service.url + "/")
    banner = page.get_by_role("status", name="Driftsmeldinger")
    expect(banner).to_have_text(f"Driftsmelding for Kommunekart: {TEXT}")
    assert accessibility_violations(page) == []

    box = page.get_by_role("textbox", name="Skriv spørsmålet ditt")
    box.fill("er Kommunekart nede?")
    box.press("Enter")
    expect(page.locator(".dh-bot .dh-text").first).to_have_text(f"Driftsmelding for Kommunekart: {TEXT}")

    page.route(
        web_service.url + "/intranett", lambda route: route.fulfill(body=INTRANET_PAGE, content_type="text/html")
    )
    page.goto(web_service.url + "/intranett")
    page.get_by_role("button", name="Spør Digihjelpen").click()
    expect(page.get_by_role("status", name="Driftsmeldinger")).to_contain_text(TEXT)
    assert accessibility_violations(page) == []


def test_without_a_message_there_is_no_banner(page: Page, web_service):
    page.goto(web_service.url + "/")
    expect(page.get_by_role("textbox", name="Skriv spørsmålet ditt")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the banner's request has been answered
    expect(page.get_by_role("status", name="Driftsmeldinger")).to_have_count(0)
