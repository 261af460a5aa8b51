"""IT's admin pages in real headless Chromium against `python -m bot.web` on a seeded database:
log in, filter, open a gap, change its status, download CSV, with screenshots and an axe-core
check (no serious or critical violations) of every page on the way."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from admin_process import admin_pages_process
from browser_session import accessible

from bot import db
from bot.gaps.models import Gap

pytestmark = pytest.mark.slow
PASSWORD = "et-langt-passord-til-test"


def _seed(url: str) -> None:
    now = datetime.now(timezone.utc)
    rows: list[tuple[str, str | None, str, str]] = []
    rows += [("private_tool", "whatsapp", "Samhandling", "NAV")] * 6 + [
        ("private_tool", "dropbox", "Lagring", "Oppvekst")
    ] * 3
    rows += [("missing_tool", None, "lage skjema", "NAV"), ("missing_tool", None, "Lager skjemaer", "Kultur")]
    with db.session_scope(url) as session:
        for i, (kind, tool, need, department) in enumerate(rows):
            session.add(
                Gap(
                    record_id=str(uuid.uuid4()),
                    created_at=now - timedelta(days=i),
                    kind=kind,
                    private_tool=tool,
                    need=need,
                    alternatives=["teams"] if tool else [],
                    department=department,
                    text=f"Melding {i} om {need} fra <e-post>",
                )
            )


@pytest.fixture(scope="module")
def admin_site(tmp_path_factory):
    """The web service on a fresh SQLite database with gaps and one IT user made by `bot users add`."""
    workdir = tmp_path_factory.mktemp("admin-site")
    url = f"sqlite:///{workdir / 'bot.db'}"
    db.upgrade(url)
    _seed(url)
    with admin_pages_process(url, "it-kari", "it", PASSWORD, workdir) as site:
        yield site
    assert PASSWORD not in (workdir / "web.log").read_text()


def test_it_logs_in_filters_triages_a_gap_and_downloads_csv(admin_site, page, artifacts, accessibility_violations):
    page.goto(f"{admin_site}/admin/")
    assert "/admin/login" in page.url
    accessible(page, accessibility_violations)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hopp til hovedinnholdet"
    page.get_by_label("Brukernavn").fill("it-kari")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    page.get_by_role("heading", name="Oversikt", level=1).wait_for()
    assert page.locator("svg.chart rect").count() >= 1
    assert "færre enn 5" in page.content()  # dropbox (3) and the small departments
    page.screenshot(path=str(artifacts / "admin-dashboard.png"), full_page=True)
    accessible(page, accessibility_violations)

    page.get_by_role("link", name="Alle behov", exact=True).click()
    page.get_by_label("Avdeling").select_option("NAV")
    page.get_by_label("Type").select_option("private_tool")
    page.get_by_role("button", name="Vis").click()
    page.get_by_text("6 behov passer med valgene.").wait_for()
    page.screenshot(path=str(artifacts / "admin-gap-list.png"), full_page=True)
    accessible(page, accessibility_violations)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned som CSV").click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read()), delimiter=";"))
    assert (
        len(rows) == 6
        and {r["department"] for r in rows} == {"NAV"}
        and {r["private_tool"] for r in rows} == {"whatsapp"}
    )
    download.save_as(artifacts / "admin-gaps.csv")

    page.locator("table.gaps a").first.click()
    page.get_by_role("heading", name="Behov nr.", level=1).wait_for()
    assert "&lt;e-post&gt;" in page.content()
    accessible(page, accessibility_violations)
    page.get_by_label("Status", exact=True).select_option("planlagt")
    page.get_by_label("Internt notat").fill("Vi ser på Teams for vaktlister")
    page.get_by_label("Melding til ansatte").fill("IT planlegger vaktbytte i Teams fra mars.")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Endringene er lagret.").wait_for()
    audit = page.locator("table").last.inner_text()
    assert "it-kari" in audit and "planlagt" in audit and "Vi ser på Teams for vaktlister" in audit
    assert "Melding til ansatte" in audit and "IT planlegger vaktbytte i Teams fra mars." in audit
    accessible(page, accessibility_violations)
    page.screenshot(path=str(artifacts / "admin-gap-detail.png"), full_page=True)

    page.get_by_role("link", name="Grupper", exact=True).click()
    page.get_by_role("heading", name="Grupper", level=1).wait_for()
    assert page.locator('input[name="key"]').count() == 3  # whatsapp, dropbox, and the two "skjema" needs
    page.screenshot(path=str(artifacts / "admin-groups.png"), full_page=True)
    accessible(page, accessibility_violations)

    page.get_by_role("link", name="Drift", exact=True).click()
    page.get_by_role("heading", name="Drift", level=1).wait_for()
    assert page.get_by_role("heading", name="Sletting av gamle meldinger").is_visible()
    page.screenshot(path=str(artifacts / "admin-status.png"), full_page=True)
    accessible(page, accessibility_violations)
