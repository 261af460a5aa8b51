"""An edit on the catalogue pages reaches both replicas of the cluster at once: IT signs in to the
admin pages (a web process on the cluster's PostgreSQL catalogue), changes Kommunekart's summary
through the form, and both Rasa servers, whose action servers had read the catalogue before,
answer «hva er Kommunekart?» with the new text, without retraining."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
import requests
from admin_process import admin_pages_process
from cluster_replicas import ask

from bot import db
from bot.catalogue import changes, schema, store
from bot.web.admin.catalogue import form_values

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PASSWORD = "et-langt-passord-til-klyngen"
NEW_SUMMARY = "Kommunens kart, nå også med turstier i hele kommunen."


USER = f"it-klynge-{uuid.uuid4().hex[:8]}"  # one per run: the cluster's database outlives a test


@pytest.fixture
def admin_pages(cluster, tmp_path) -> Iterator[str]:
    with admin_pages_process(cluster.db_url, USER, "it", PASSWORD, tmp_path) as url:
        yield url


@pytest.fixture
def kommunekart_restored(cluster) -> Iterator[None]:
    with db.session_scope(cluster.db_url) as session:
        original = schema.entry_fields(store.get_tool(session, "kommunekart"))
    yield
    with db.session_scope(cluster.db_url) as session:
        changes.save_entry(session, "tool", original, by="test", creating=False)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def test_both_replicas_answer_with_a_tool_edited_on_the_catalogue_pages(cluster, admin_pages, kommunekart_restored):
    for rasa_url in cluster.rasa_urls:  # each replica has read the catalogue before the edit
        assert NEW_SUMMARY not in ask(rasa_url, f"before-{uuid.uuid4().hex}", "hva er Kommunekart?")

    browser = requests.Session()
    login = browser.get(f"{admin_pages}/admin/login", timeout=30)
    signed_in = browser.post(
        f"{admin_pages}/admin/login", data={"name": USER, "password": PASSWORD, "csrf": _csrf(login.text)}, timeout=30
    )
    assert signed_in.ok
    with db.session_scope(cluster.db_url) as session:
        form = form_values("tool", store.get_tool(session, "kommunekart"))
    saved = browser.post(
        f"{admin_pages}/admin/katalog/verktoy/kommunekart",
        data={**form, "summary": NEW_SUMMARY, "csrf": _csrf(signed_in.text)},
        timeout=30,
    )
    assert saved.ok and "Endringen er lagret." in saved.text

    for rasa_url in cluster.rasa_urls:
        assert NEW_SUMMARY in ask(rasa_url, f"after-{uuid.uuid4().hex}", "hva er Kommunekart?")
