"""A service message from IT's page to the employees, in real Chromium against the real assistant:
posted on the admin page (`python -m bot.web` on the assistant's database), shown as the widget's
banner on the standalone page and on an intranet page and at the start of the answer to «er
Kommunekart nede?», then ended on the admin page, after which the banner is gone. axe-clean."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from admin_process import admin_pages_process
from browser_session import accessible
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow
expect.set_options(timeout=30_000)

PASSWORD = "et-langt-passord-til-driftsmeldinger"
TEXT = "Kommunekart er nede for vedlikehold til kl. 14."
INTRANET_PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Intranett</title></head>
<body><main><h1>Kommunens intranett</h1></main><script src="/widget.js" defer></script></body></html>"""


@pytest.fixture(scope="module")
def admin_pages(web_service, tmp_path_factory) -> Iterator[str]:
    """The admin pages of a second web process on the assistant's database, with an IT user."""
    workdir = tmp_path_factory.mktemp("service-message-admin")
    with admin_pages_process(web_service.assistant.db_url, "it-drift", "it", PASSWORD, workdir) as site:
        yield site


def test_it_posts_a_message_the_widget_and_the_answers_show_it_until_it_is_ended(
    page: Page, browser, web_service, admin_pages, artifacts, accessibility_violations
):
    page.goto(f"{admin_pages}/admin/driftsmeldinger")
    page.get_by_label("Brukernavn").fill("it-drift")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Driftsmeldinger", level=1).wait_for()
    accessible(page, accessibility_violations)
    page.get_by_label("Slutt").fill("snart")
    page.get_by_role("button", name="Legg inn driftsmeldingen").click()
    expect(page.get_by_label("Slutt")).to_have_accessible_description(re.compile("«snart» er ikke et tidspunkt"))
    accessible(page, accessibility_violations)
    page.get_by_label("Verktøy").select_option(label="Kommunekart")
    page.get_by_label("Melding").fill(TEXT)
    page.get_by_label("Slutt").fill("2099-01-01 14:00")
    page.get_by_role("button", name="Legg inn driftsmeldingen").click()
    expect(page.get_by_role("status")).to_have_text("Driftsmeldingen er lagt inn.")
    expect(page.get_by_role("cell", name=TEXT, exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts / "admin-service-messages.png"), full_page=True)
    accessible(page, accessibility_violations)

    chat = browser.new_context(locale="nb-NO").new_page()
    chat.goto(web_service.url + "/")
    expect(chat.get_by_role("status", name="Driftsmeldinger")).to_have_text(f"Driftsmelding for Kommunekart: {TEXT}")
    accessible(chat, accessibility_violations)
    box = chat.get_by_role("textbox", name="Skriv spørsmålet ditt")
    box.fill("er Kommunekart nede?")
    box.press("Enter")
    expect(chat.locator(".dh-bot:not(.dh-welcome) .dh-text").first).to_have_text(
        f"Driftsmelding for Kommunekart: {TEXT}"
    )
    chat.screenshot(path=str(artifacts / "widget-service-message.png"), full_page=True)

    chat.route(
        web_service.url + "/intranett", lambda route: route.fulfill(body=INTRANET_PAGE, content_type="text/html")
    )
    chat.goto(web_service.url + "/intranett")
    chat.get_by_role("button", name="Spør Digihjelpen").click()
    expect(chat.get_by_role("status", name="Driftsmeldinger")).to_contain_text(TEXT)
    accessible(chat, accessibility_violations)

    page.get_by_role("button", name=f"Avslutt driftsmeldingen for Kommunekart: {TEXT}").click()
    expect(page.get_by_role("status")).to_have_text("Driftsmeldingen er avsluttet.")
    chat.goto(web_service.url + "/")
    expect(chat.get_by_role("textbox", name="Skriv spørsmålet ditt")).to_be_visible()
    chat.wait_for_load_state("networkidle")  # the banner's request has been answered
    expect(chat.get_by_role("status", name="Driftsmeldinger")).to_have_count(0)
    chat.context.close()
