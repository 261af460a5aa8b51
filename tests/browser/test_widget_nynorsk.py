"""The widget of a nynorsk municipality (BOT_WRITTEN_STANDARD=nn) in real Chromium, axe-clean: the
standalone page and the widget on an intranet page show their own texts, the privacy notice, the
greeting and the relay's error in nynorsk, marked lang="nn". Rasa is down here on purpose: the
widget's own texts need no model (the answers in nynorsk are tested with the trained model by the
assistant's end-to-end tests)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from admin_process import web_process
from assistant_services import free_port
from browser_session import accessible
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow
expect.set_options(timeout=30_000)

INTRANET_PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Intranett</title></head>
<body><main><h1>Kommunens intranett</h1></main><script src="/widget.js" defer></script></body></html>"""


@pytest.fixture
def nynorsk_site(tidvis, tmp_path) -> Iterator[str]:
    """`python -m bot.web` of a nynorsk municipality on a database with one tool; Rasa is down."""
    port, admin_port = free_port(), free_port()
    env = {
        **os.environ,
        "BOT_DATABASE_URL": tidvis,
        "BOT_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "BOT_WRITTEN_STANDARD": "nn",
        "BOT_WEB_PORT": str(port),
        "BOT_ADMIN_PORT": str(admin_port),
        "BOT_RASA_PORT": str(free_port()),
        "BOT_RASA_URLS": "",
        "BOT_HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    with web_process(env, tmp_path, f"http://127.0.0.1:{admin_port}/health/live"):
        yield f"http://127.0.0.1:{port}"


def test_the_standalone_page_and_the_embedded_widget_speak_nynorsk(
    page: Page, nynorsk_site, artifacts, accessibility_violations
):
    page.goto(nynorsk_site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page).to_have_title("Digihjelpen – spør om digitale verktøy på jobben")
    chat = page.locator(".dh")
    expect(chat).to_have_attribute("lang", "nn")
    expect(
        page.get_by_text("Digihjelpen er ein robot, ikkje eit menneske. Ikkje skriv personopplysningar")
    ).to_be_visible()
    expect(page.locator(".dh-welcome")).to_contain_text("Hei! Eg er Digihjelpen")
    expect(page.get_by_role("group", name="Svaralternativ")).to_contain_text("Eg er ny. Kva treng eg?")
    box = page.get_by_role("textbox", name="Skriv spørsmålet ditt")
    box.fill("kva er Tidvis?")
    box.press("Enter")
    expect(page.locator(".dh-error")).to_contain_text("Digihjelpen svarar ikkje akkurat no. Prøv igjen om litt.")
    expect(page.get_by_role("button", name="Prøv igjen")).to_be_visible()
    page.screenshot(path=str(artifacts / "widget-nynorsk.png"), full_page=True)
    accessible(page, accessibility_violations)

    page.route(nynorsk_site + "/intranett", lambda route: route.fulfill(body=INTRANET_PAGE, content_type="text/html"))
    page.goto(nynorsk_site + "/intranett")
    page.get_by_role("button", name="Spør Digihjelpen").click()
    dialog = page.get_by_role("dialog", name="Digihjelpen")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Digihjelpen er ein robot, ikkje eit menneske.")).to_be_visible()
    expect(dialog.get_by_role("button", name="Lukk Digihjelpen")).to_be_visible()
    accessible(page, accessibility_violations)
