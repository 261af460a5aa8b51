"""IT edits a tool on the catalogue pages in real Chromium (axe-clean) and both Rasa replicas of
the cluster answer with the new text at once, without retraining: the admin pages are a web process
on the cluster's PostgreSQL catalogue, and each replica, whose action server had read the catalogue
before the edit, is asked directly (its REST channel)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from admin_process import admin_pages_process
from browser_session import accessible
from catalogue_browser import open_tool, tool_restored
from cluster_replicas import ask
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
expect.set_options(timeout=30_000)

PASSWORD = "et-langt-passord-til-klyngen"
NEW_SUMMARY = "Kommunens kart, nå også med turstier i hele kommunen."
USER = f"it-klynge-{uuid.uuid4().hex[:8]}"  # one per run: the cluster's database outlives a test


@pytest.fixture
def admin_pages(cluster, tmp_path) -> Iterator[str]:
    with admin_pages_process(cluster.db_url, USER, "it", PASSWORD, tmp_path) as url:
        yield url


@pytest.fixture
def kommunekart_restored(cluster) -> Iterator[None]:
    with tool_restored(cluster.db_url, "kommunekart"):
        yield


def test_both_replicas_answer_with_a_tool_edited_in_the_browser(
    page: Page, cluster, admin_pages, kommunekart_restored, artifacts, accessibility_violations
):
    assert len(cluster.rasa_urls) == 2
    for rasa_url in cluster.rasa_urls:  # each replica has read the catalogue before the edit
        assert NEW_SUMMARY not in ask(rasa_url, f"before-{uuid.uuid4().hex}", "hva er Kommunekart?")

    open_tool(page, admin_pages, USER, PASSWORD, "kart", "Kommunekart", accessibility_violations)
    page.get_by_label("Kort beskrivelse", exact=True).fill(NEW_SUMMARY)
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_role("status")).to_contain_text("Endringen er lagret.")
    accessible(page, accessibility_violations)
    page.screenshot(path=str(artifacts / "cluster-catalogue-entry.png"), full_page=True)

    for rasa_url in cluster.rasa_urls:
        assert NEW_SUMMARY in ask(rasa_url, f"after-{uuid.uuid4().hex}", "hva er Kommunekart?")
