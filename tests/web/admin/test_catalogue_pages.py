"""The catalogue pages: IT and admin list, search, create, edit and remove entries through
CSRF-checked forms; errors are shown in Norwegian at their field with the form kept; every change is
audited; trainers are refused; the pages show names, not ids."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import db, retention, spool
from bot.assistant.turn import Said, Turn, respond
from bot.catalogue import store
from bot.catalogue.models import CatalogueChange
from bot.feedback.models import Feedback
from bot.web.admin.catalogue import form_values

TEST_CATALOGUE = Path(__file__).parents[2] / "catalogue" / "data" / "catalogue.yml"
PAGE = "/admin/katalog"
NEW = {
    "id": "kommunekart",
    "name": "Kommunekart",
    "aliases": "",
    "category": "Kart",
    "summary": "Kart over kommunen.",
    "tasks": "finne eiendomsgrenser\nse reguleringsplaner",
    "access": "Åpent for alle ansatte.",
    "training": "",
    "support": "",
    "url": "",
    "data_classification": "",
    "audience": "",
    "owner": "",
    "reviewed": "",
}


@pytest.fixture
def catalogue(db_url):
    with db.session_scope(db_url) as session:
        store.load_and_import(session, TEST_CATALOGUE.read_text(encoding="utf-8"), str(TEST_CATALOGUE))


def changes_in(db_url) -> list[tuple[str, str, str]]:
    with db.session_scope(db_url) as session:
        return [(c.changed_by, c.entry_id, c.action) for c in session.scalars(select(CatalogueChange))]


@pytest.mark.parametrize("role", ["it", "admin"])
async def test_it_lists_and_searches_by_name(client, login, catalogue, role):
    await login(role)
    html = await (await client.get(PAGE)).text()
    assert 'href="/admin/katalog" aria-current="page"' in html
    assert '<a href="/admin/katalog/verktoy/teams">Microsoft Teams</a>' in html
    assert '<a href="/admin/katalog/private-verktoy/google-drive">Google Drive</a>' in html
    found = await (await client.get(PAGE, params={"q": "reiseregning"})).text()
    assert "Visma Reise" in found and "Microsoft Teams" not in found


async def test_it_creates_edits_and_removes_a_tool_each_audited(client, login, catalogue, db_url, csrf_of):
    csrf = await login("it")
    created = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW})
    html = await created.text()
    assert created.status == 200 and str(created.url).endswith("/admin/katalog/verktoy/kommunekart?lagret=1")
    assert "Endringen er lagret." in html and "se reguleringsplaner</textarea>" in html
    edited = await client.post(f"{PAGE}/verktoy/kommunekart", data={"csrf": csrf, **NEW, "summary": "Nytt kart."})
    assert edited.status == 200 and "Nytt kart." in await edited.text()
    with db.session_scope(db_url) as session:
        assert store.get_tool(session, "kommunekart").summary == "Nytt kart."
    removed = await client.post(f"{PAGE}/verktoy/kommunekart/fjern", data={"csrf": csrf})
    assert removed.status == 200 and "Oppføringen er fjernet." in await removed.text()
    assert changes_in(db_url) == [
        ("it-kari", "kommunekart", "created"),
        ("it-kari", "kommunekart", "updated"),
        ("it-kari", "kommunekart", "deleted"),
    ]


@pytest.mark.parametrize(
    "changed, field, says",
    [
        ({"tasks": ""}, "tasks", "Skriv minst én, én per linje."),
        ({"url": "kart.no"}, "url", "Må være en nettadresse som begynner med http:// eller https://."),
        ({"id": "teams"}, "id", "Id-en «teams» er i bruk allerede. Velg en annen."),
    ],
)
async def test_an_error_is_shown_at_its_field_and_the_form_kept(client, login, catalogue, db_url, changed, field, says):
    csrf = await login("it")
    response = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW, **changed})
    html = await response.text()
    assert response.status == 400 and "Endringen ble ikke lagret." in html
    assert f'<span id="{field}-error" class="alert field-error">{says}</span>' in html
    assert 'aria-invalid="true"' in html and "Kart over kommunen." in html
    assert changes_in(db_url) == []


async def test_a_tool_other_entries_point_at_is_not_removed(client, login, catalogue, db_url):
    csrf = await login("it")
    response = await client.post(f"{PAGE}/verktoy/teams/fjern", data={"csrf": csrf})
    assert response.status == 409 and "Verktøyet brukes av" in await response.text()
    with db.session_scope(db_url) as session:
        assert store.get_tool(session, "teams") is not None


async def test_a_trainer_is_refused_and_a_form_without_its_csrf_token_changes_nothing(client, login, catalogue, db_url):
    csrf = await login("trainer")
    assert (await client.get(PAGE)).status == 403
    assert (await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW})).status == 403
    await client.post("/admin/logout", data={"csrf": csrf})
    await login("it")
    refused = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": "forged", **NEW})
    assert refused.status == 403 and "Skjemaet var utløpt" in await refused.text()
    assert changes_in(db_url) == []


async def test_an_unknown_entry_is_a_norwegian_404(client, login, catalogue):
    await login("it")
    response = await client.get(f"{PAGE}/prosesser/finnes-ikke")
    assert response.status == 404 and "Fant ikke prosess med id «finnes-ikke»." in await response.text()


async def test_the_gap_pages_show_names_not_ids(client, login, catalogue, add_gap):
    await login("it")
    gap_id = add_gap(
        private_tool="google-drive", alternatives=["onedrive", "gone-tool"], channel="teams", language="nn"
    )
    pages = {path: await (await client.get(path)).text() for path in ("/admin/", "/admin/gaps", "/admin/groups")}
    detail = await (await client.get(f"/admin/gaps/{gap_id}")).text()
    for path, html in pages.items():
        assert ">Google Drive</" in html and ">google-drive</" not in html, path
    assert "<dd>Google Drive</dd>" in detail and "<dd>Teams, nynorsk</dd>" in detail
    assert "<li>OneDrive</li>" in detail and "<li>gone-tool</li>" in detail  # an id no longer in the catalogue


async def test_the_review_page_lists_an_owners_entries_due_for_review(client, login, catalogue, db_url):
    csrf = await login("it")
    owner = "Team Kart, kart@kommune.example.no"
    for entry_id, reviewed in (("kommunekart", "2020-05-01"), ("kommunekart-ny", date.today().isoformat())):
        fields = {**NEW, "id": entry_id, "name": entry_id.capitalize(), "owner": owner, "reviewed": reviewed}
        assert (await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **fields})).status == 200
    html = await (await client.get(f"{PAGE}/gjennomgang", params={"eier": owner})).text()
    assert '<a href="/admin/katalog/verktoy/kommunekart">Kommunekart</a>' in html and "01.05.2020" in html
    assert "Kommunekart-ny" not in html and "Microsoft Teams" not in html  # fresh, and another owner's
    everyone = await (await client.get(f"{PAGE}/gjennomgang")).text()
    assert "Microsoft Teams" in everyone and "Ingen eier" in everyone and "Aldri" in everyone
    wrong = await client.get(f"{PAGE}/gjennomgang", params={"dager": "et år"})
    assert wrong.status == 400 and "Skriv antall dager som et helt tall" in await wrong.text()
    bad = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW, "reviewed": "i går"})
    assert '<span id="reviewed-error" class="alert field-error">Skriv datoen som ÅÅÅÅ-MM-DD' in await bad.text()


async def test_the_edit_page_advises_on_a_task_that_is_no_verb_phrase_and_refuses_an_unknown_sector(
    client, login, catalogue
):
    csrf = await login("it")
    refused = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW, "audience": "helse"})
    assert refused.status == 400
    assert '<span id="audience-error" class="alert field-error">Ukjent sektor «helse».' in await refused.text()
    saved = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW, "tasks": "Kart\nmåle avstander"})
    html = await saved.text()
    assert "Råd om teksten" in html and "<li>«Kart» bør fortsette «Den passer til å …»" in html
    assert "«måle avstander»" not in html


async def test_the_review_page_shows_the_thumbs_down_on_answers_about_the_owners_tools(
    client, login, catalogue, db_url
):
    csrf = await login("it")
    owner = "Team Samhandling"
    with db.session_scope(db_url) as session:
        teams = form_values("tool", store.get_tool(session, "teams"))
    saved = await client.post(f"{PAGE}/verktoy/teams", data={"csrf": csrf, **teams, "owner": owner})
    assert saved.status == 200 and "Endringen er lagret." in await saved.text()
    with db.session_scope(db_url) as session:
        assert store.get_tool(session, "teams").owner == owner
    with db.session_scope(db_url) as session:
        for tool, helpful in (("teams", False), ("teams", True), ("outlook", False)):
            session.add(Feedback(record_id=str(uuid.uuid4()), helpful=helpful, intent="tool_info", tool=tool))
    html = await (await client.get(f"{PAGE}/gjennomgang", params={"eier": owner})).text()
    section = html.split("Svar som ikke hjalp")[1]
    assert section.count("<tr><td>") == 1 and "<td>Microsoft Teams</td><td>Hva et verktøy er</td>" in section
    everyone = (await (await client.get(f"{PAGE}/gjennomgang")).text()).split("Svar som ikke hjalp")[1]
    assert everyone.count("<tr><td>") == 2 and "Outlook" in everyone


async def test_a_thumbs_down_shows_its_masked_question_to_the_owner_until_retention_deletes_it(
    client, login, catalogue, database
):
    csrf = await login("it")
    owner = "Team Samhandling"
    with db.session_scope(database) as session:
        teams = form_values("tool", store.get_tool(session, "teams"))
    assert (await client.post(f"{PAGE}/verktoy/teams", data={"csrf": csrf, **teams, "owner": owner})).status == 200
    national_id = "01019010046"  # a valid fødselsnummer (born 1 January 1990)
    thumbs_down = Turn(
        "/feedback_not_helpful",
        intent="feedback_not_helpful",
        slots={"tool": "teams"},
        answered=Said('/tool_access{"tool": "teams"}', "tool_access", 1.0),
        question=Said(f"Hvordan får jeg Teams? Fødselsnummeret mitt er {national_id}", "tool_access", 0.8),
    )
    with db.session_scope(database) as session:
        assert spool.write_all(respond(session, "action_feedback_not_helpful", thumbs_down).records)

    async def section() -> str:
        html = await (await client.get(f"{PAGE}/gjennomgang", params={"eier": owner})).text()
        return html.split("Svar som ikke hjalp")[1]

    shown = await section()
    assert "<td>Hvordan får jeg Teams? Fødselsnummeret mitt er [fødselsnummer]</td>" in shown
    assert national_id not in shown and shown.count("<tr><td>") == 1
    assert retention.purge(0, ["inbox"])[1]  # the inbox's retention, as `bot privacy purge` runs it
    after = await section()
    assert "Hvordan får jeg Teams" not in after
    assert after.count("<tr><td>") == 1 and "<td>Microsoft Teams</td>" in after and "<td>Ikke lagret</td>" in after
