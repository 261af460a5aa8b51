"""IT edits a tool on the catalogue pages in real Chromium (axe-clean) and the running assistant
answers with the new text at once, without retraining: the admin pages are a second web process on
the assistant's database; a wrong field is refused with its error as the field's description. The
tool, given an owner and an old review date, is then found in its owner's review list."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from admin_process import admin_pages_process
from playwright.sync_api import Page, expect

from bot import db
from bot.catalogue import changes, schema, store

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
    url = web_service.assistant.db_url
    with db.session_scope(url) as session:
        original = schema.entry_fields(store.get_tool(session, "kommunekart"))
    yield
    with db.session_scope(url) as session:
        changes.save_entry(session, "tool", original, by="test", creating=False)


def _accessible(page: Page, accessibility_violations) -> None:
    violations = accessibility_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


def test_it_edits_a_tool_and_the_assistant_answers_with_the_new_text(
    page: Page, web_service, admin_pages, kommunekart_restored, artifacts, accessibility_violations
):
    assistant = web_service.assistant
    assert NEW_SUMMARY not in assistant.texts("katalog-1", "hva er Kommunekart?")

    page.goto(f"{admin_pages}/admin/katalog")
    page.get_by_label("Brukernavn").fill("it-katalog")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("link", name="Katalog", exact=True).click()
    page.get_by_role("heading", name="Katalog", level=1).wait_for()
    page.get_by_label("Søk i katalogen").fill("kart")
    page.get_by_role("button", name="Søk").click()
    _accessible(page, accessibility_violations)
    page.get_by_role("link", name="Kommunekart", exact=True).click()
    page.get_by_role("heading", name="Kommunekart", level=1).wait_for()
    _accessible(page, accessibility_violations)

    page.get_by_label("Kort beskrivelse").fill("")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_label("Kort beskrivelse")).to_have_accessible_description(re.compile("Må fylles ut."))
    _accessible(page, accessibility_violations)

    page.get_by_label("Kort beskrivelse").fill(NEW_SUMMARY)
    page.get_by_label("Eier").fill(OWNER)
    page.get_by_label("Sist gjennomgått").fill("2020-05-01")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_role("status")).to_contain_text("Endringen er lagret.")
    expect(page.get_by_role("cell", name="it-katalog")).to_be_visible()
    page.screenshot(path=str(artifacts / "admin-catalogue-entry.png"), full_page=True)
    _accessible(page, accessibility_violations)

    assert NEW_SUMMARY in assistant.texts("katalog-2", "hva er Kommunekart?")

    page.get_by_role("link", name="Tilbake til katalogen").click()
    page.get_by_role("link", name=re.compile("^Til gjennomgang")).click()
    page.get_by_label("Eier").select_option(OWNER)
    page.get_by_role("button", name="Vis").click()
    row = page.get_by_role("row", name=re.compile("Kommunekart"))
    expect(row).to_contain_text("01.05.2020")
    expect(page.get_by_role("row")).to_have_count(2)  # the header and Kommunekart: the owner's only entry
    page.screenshot(path=str(artifacts / "admin-catalogue-review.png"), full_page=True)
    _accessible(page, accessibility_violations)
