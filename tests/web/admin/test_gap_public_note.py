"""IT's public note on gaps (issue 17, item 4) on real databases: set through the gap page, the
group form and PATCH /api/v1/gaps/{id}, audited, refused when it holds personal data, documented
in the OpenAPI document; the wish list's votes shown beside the gaps."""

from __future__ import annotations

import re
import uuid

from bot import db
from bot.auth import accounts
from bot.gaps.models import Gap, GapChange, GapVote

NOTE = "IT planlegger å ta i bruk en felles vaktbytte-app i mars."


async def test_the_gap_page_sets_the_public_note_apart_from_the_internal_note(client, login, add_gap, db_url):
    gap_id = add_gap()
    csrf = await login("it")
    page = await (await client.get(f"/admin/gaps/{gap_id}")).text()
    assert "Internt notat (bare IT ser det)" in page and "Melding til ansatte" in page
    form = {"csrf": csrf, "status": "planlagt", "note": "Budsjett avklart", "public_note": NOTE}
    response = await client.post(f"/admin/gaps/{gap_id}", data=form)
    assert response.status == 200 and NOTE in await response.text()
    with db.session_scope(db_url) as session:
        gap = session.get(Gap, gap_id)
        assert (gap.status, gap.note, gap.public_note) == ("planlagt", "Budsjett avklart", NOTE)
        fields = [c.field for c in session.query(GapChange).filter_by(gap_id=gap_id)]
        assert sorted(fields) == ["note", "public_note", "status"]


async def test_a_public_note_with_personal_data_is_refused_in_norwegian(client, login, add_gap, db_url):
    gap_id = add_gap()
    csrf = await login("it")
    form = {"csrf": csrf, "status": "planlagt", "public_note": "Spør Kari på 912 34 567"}
    response = await client.post(f"/admin/gaps/{gap_id}", data=form)
    assert response.status == 400 and "personopplysninger" in await response.text()
    with db.session_scope(db_url) as session:
        assert session.get(Gap, gap_id).public_note is None and session.get(Gap, gap_id).status == "ny"


async def test_the_group_form_sets_the_public_note_of_every_member(client, login, add_gap, db_url):
    members = [add_gap() for _ in range(3)]
    other = add_gap(private_tool="dropbox")
    csrf = await login("it")
    html = await (await client.get("/admin/groups")).text()
    assert "Melding til ansatte" in html
    form = {"csrf": csrf, "key": "tool:whatsapp", "new_status": "avvist", "public_note": "Teams dekker behovet."}
    response = await client.post("/admin/groups/status", data=form)
    assert response.status == 200 and "Status er endret for 3 behov." in await response.text()
    with db.session_scope(db_url) as session:
        notes = {g.id: (g.status, g.public_note) for g in session.query(Gap)}
    assert [notes[i] for i in members] == [("avvist", "Teams dekker behovet.")] * 3 and notes[other] == ("ny", None)
    refused = {**form, "public_note": "kari.nordmann@kommune.no vet mer"}
    assert (await client.post("/admin/groups/status", data=refused)).status == 400


async def test_a_group_status_with_the_note_field_empty_keeps_the_notes_it_had(client, login, add_gap, db_url):
    members = [add_gap() for _ in range(2)]
    csrf = await login("it")
    form = {"csrf": csrf, "key": "tool:whatsapp", "new_status": "planlagt", "public_note": NOTE}
    assert (await client.post("/admin/groups/status", data=form)).status == 200
    assert (
        await client.post("/admin/groups/status", data={**form, "new_status": "løst", "public_note": ""})
    ).status == 200
    with db.session_scope(db_url) as session:
        assert [(session.get(Gap, i).status, session.get(Gap, i).public_note) for i in members] == [("løst", NOTE)] * 2


async def test_votes_are_shown_beside_the_gaps(client, login, add_gap, db_url):
    gap_id = add_gap()
    with db.session_scope(db_url) as session:
        session.add_all(GapVote(record_id=str(uuid.uuid4()), group_key="tool:whatsapp") for _ in range(2))
    await login("it")
    page = await (await client.get(f"/admin/gaps/{gap_id}")).text()
    assert re.search(r"<dt>Stemmer på ønskelista</dt><dd>2</dd>", page)
    groups = await (await client.get("/admin/groups")).text()
    assert "Stemmer på ønskelista" in groups and re.search(r'<td class="num">1</td>\s*<td class="num">2</td>', groups)


def _bearer(db_url) -> dict:
    with db.session_scope(db_url) as session:
        _, plain = accounts.create_token(session, "it", "test")
    return {"Authorization": f"Bearer {plain}"}


async def test_the_api_sets_status_and_public_note_and_refuses_personal_data(client, add_gap, db_url):
    gap_id = add_gap()
    headers = _bearer(db_url)
    response = await client.patch(
        f"/api/v1/gaps/{gap_id}", json={"status": "løst", "public_note": NOTE}, headers=headers
    )
    assert response.status == 200
    body = await response.json()
    assert (body["status"], body["public_note"], body["note"]) == ("løst", NOTE, None)
    with db.session_scope(db_url) as session:
        assert [c.actor for c in session.query(GapChange).filter_by(gap_id=gap_id)] == ["api:test", "api:test"]
    refused = await client.patch(f"/api/v1/gaps/{gap_id}", json={"public_note": "Ring 912 34 567"}, headers=headers)
    assert refused.status == 400 and "personopplysninger" in (await refused.json())["error"]
    for bad in ({"status": "ferdig"}, {"note": 5}, ["status"]):
        assert (await client.patch(f"/api/v1/gaps/{gap_id}", json=bad, headers=headers)).status == 400
    assert (await client.patch("/api/v1/gaps/999999", json={"status": "ny"}, headers=headers)).status == 404
    assert (await client.patch(f"/api/v1/gaps/{gap_id}", json={"status": "ny"})).status == 401
    with db.session_scope(db_url) as session:
        assert session.get(Gap, gap_id).public_note == NOTE
    listed = await (await client.get("/api/v1/gaps", headers=headers)).json()
    assert listed["items"][0]["public_note"] == NOTE


async def test_the_openapi_document_describes_the_public_note_and_the_change(client):
    document = await (await client.get("/api/v1/openapi.json")).json()
    assert "public_note" in document["components"]["schemas"]["Gap"]["properties"]
    assert document["paths"]["/api/v1/gaps/{id}"]["patch"]["operationId"] == "updateGap"
    assert set(document["components"]["schemas"]["GapChange"]["properties"]) == {"status", "note", "public_note"}
