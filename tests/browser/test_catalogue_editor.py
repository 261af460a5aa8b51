"""IT edits a tool on the catalogue pages in real Chromium (axe-clean) and the running assistant
answers with the new text at once, without retraining: the admin pages are a second web process on
the assistant's database; a wrong field is refused with its error as the field's description. The
tool, given an owner and an old review date, is then found in its owner's review list."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from admin_process import admin_pages_process
from browser_session import accessible
from catalogue_browser import open_tool, tool_restored
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow
expect.set_options(timeout=30_000)

PASSWORD = "et-langt-passord-til-katalogen"
NEW_SUMMARY = "Kommunens kart, nå med støykart og turstier."
OWNER = "Team Kart, kart@kommune.example.no"


@pytest.fixture(scope="module")
def admin_pages(web_service, tmp_path_factory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("catalogue-admin")
    with admin_pages_process(web_service.assistant.db_url, "it-katalog", "it", PASSWORD, workdir) as url:
        yield url


@pytest.fixture
def kommunekart_restored(web_service) -> Iterator[None]:
    """The shared assistant's catalogue as it was, after the test."""
    with tool_restored(web_service.assistant.db_url, "kommunekart"):
        yield


def test_it_edits_a_tool_and_the_assistant_answers_with_the_new_text(
    page: Page, web_service, admin_pages, kommunekart_restored, artifacts, accessibility_violations
):
    assistant = web_service.assistant
    assert NEW_SUMMARY not in assistant.texts("katalog-1", "hva er Kommunekart?")

    open_tool(page, admin_pages, "it-katalog", PASSWORD, "kart", "Kommunekart", accessibility_violations)

    page.get_by_label("Kort beskrivelse", exact=True).fill("")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_label("Kort beskrivelse", exact=True)).to_have_accessible_description(
        re.compile("Må fylles ut.")
    )
    accessible(page, accessibility_violations)

    page.get_by_label("Kort beskrivelse", exact=True).fill(NEW_SUMMARY)
    page.get_by_label("Eier").fill(OWNER)
    page.get_by_label("Sist gjennomgått").fill("2020-05-01")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_role("status")).to_contain_text("Endringen er lagret.")
    expect(page.get_by_role("cell", name="it-katalog")).to_be_visible()
    page.screenshot(path=str(artifacts / "admin-catalogue-entry.png"), full_page=True)
    accessible(page, accessibility_violations)

    assert NEW_SUMMARY in assistant.texts("katalog-2", "hva er Kommunekart?")

    page.get_by_role("link", name="Tilbake til katalogen").click()
    page.get_by_role("link", name=re.compile("^Til gjennomgang")).click()
    page.get_by_label("Eier").select_option(OWNER)
    page.get_by_role("button", name="Vis").click()
    row = page.get_by_role("row", name=re.compile("Kommunekart"))
    expect(row).to_contain_text("01.05.2020")
    expect(page.get_by_role("row")).to_have_count(2)  # the header and Kommunekart: the owner's only entry
    page.screenshot(path=str(artifacts / "admin-catalogue-review.png"), full_page=True)
    accessible(page, accessibility_violations)
