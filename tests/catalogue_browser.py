"""The catalogue pages in a browser, shared by the browser test on one assistant
(tests/browser/test_catalogue_editor.py) and the one on the two-replica cluster
(tests/cluster/test_catalogue_browser.py): sign in and open a tool's edit page, each page checked
with axe-core; and a tool put back as it was after a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from browser_session import accessible
from playwright.sync_api import Page

from bot import db
from bot.catalogue import changes, schema, store


def open_tool(
    page: Page, admin_url: str, user: str, password: str, search: str, name: str, accessibility_violations
) -> None:
    """Sign in to the admin pages, search the catalogue for `search` and open the tool `name`."""
    page.goto(f"{admin_url}/admin/katalog")
    page.get_by_label("Brukernavn").fill(user)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("link", name="Katalog", exact=True).click()
    page.get_by_role("heading", name="Katalog", level=1).wait_for()
    page.get_by_label("Søk i katalogen").fill(search)
    page.get_by_role("button", name="Søk").click()
    accessible(page, accessibility_violations)
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=name, level=1).wait_for()
    accessible(page, accessibility_violations)


@contextmanager
def tool_restored(db_url: str, tool_id: str) -> Iterator[None]:
    """The tool as it was before, afterwards (the databases of these tests outlive one test)."""
    with db.session_scope(db_url) as session:
        original = schema.entry_fields(store.get_tool(session, tool_id))
    yield
    with db.session_scope(db_url) as session:
        changes.save_entry(session, "tool", original, by="test", creating=False)
