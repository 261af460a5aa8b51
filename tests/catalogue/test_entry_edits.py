"""Creating, editing and removing whole catalogue entries (bot.catalogue.changes, as the catalogue
pages do) on real databases: the file format's validation with each problem at its field in
Norwegian, one audit record per change with the entry before and after, every replica's snapshot
seeing the change on its next read, and the YAML export re-importing to the same catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import db
from bot.catalogue import changes, schema, snapshot, store
from bot.catalogue import models as m

TEST_CATALOGUE = Path(__file__).parent / "data" / "catalogue.yml"
NEW_TOOL = {
    "id": "kommunekart",
    "name": "Kommunekart",
    "category": "Kart",
    "summary": "Kart over kommunen.",
    "tasks": ["finne eiendomsgrenser"],
    "access": "Åpent for alle ansatte.",
}


@pytest.fixture
def url(db_url) -> str:
    with db.session_scope(db_url) as session:
        store.load_and_import(session, TEST_CATALOGUE.read_text(encoding="utf-8"), str(TEST_CATALOGUE))
    return db_url


def save(url: str, kind: str, fields: dict, *, creating: bool, by: str = "it-kari"):
    with db.session_scope(url) as session:
        return changes.save_entry(session, kind, fields, by=by, creating=creating)


def audit(url: str) -> list[tuple]:
    with db.session_scope(url) as session:
        rows = session.scalars(select(m.CatalogueChange).order_by(m.CatalogueChange.id))
        return [
            (
                r.changed_by,
                r.entry_kind,
                r.entry_id,
                r.action,
                json.loads(r.before_json or "null"),
                json.loads(r.after_json or "null"),
            )
            for r in rows
        ]


def test_a_created_entry_is_stored_audited_and_bumps_the_revision(url):
    with db.session_scope(url) as session:
        before = store.stamp(session)
    save(url, "tool", NEW_TOOL, creating=True)
    with db.session_scope(url) as session:
        assert store.get_tool(session, "kommunekart").tasks == ("finne eiendomsgrenser",)
        assert store.stamp(session) != before
    assert audit(url) == [("it-kari", "tool", "kommunekart", "created", None, {**NEW_TOOL, "audience": ["alle"]})]


def test_an_edit_records_the_whole_entry_before_and_after_and_nothing_when_unchanged(url):
    with db.session_scope(url) as session:
        old = schema.entry_fields(store.get_tool(session, "teams"))
    save(url, "tool", {**old, "summary": "Ny tekst om Teams."}, creating=False)
    save(url, "tool", {**old, "summary": "Ny tekst om Teams."}, creating=False)  # the same again: no record
    [(by, kind, entry_id, action, before, after)] = audit(url)
    assert (by, kind, entry_id, action) == ("it-kari", "tool", "teams", "updated")
    assert before == old and after == {**old, "summary": "Ny tekst om Teams."}


@pytest.mark.parametrize(
    "fields, field, norwegian",
    [
        ({**NEW_TOOL, "tasks": []}, "tasks", "Skriv minst én, én per linje."),
        ({**NEW_TOOL, "name": " "}, "name", "Må fylles ut."),
        ({**NEW_TOOL, "id": "Kommune Kart"}, "id", "Bruk 1–64 tegn: a–z, 0–9, _ og - (for eksempel «ms-teams»)."),
        ({**NEW_TOOL, "url": "kart.no"}, "url", "Må være en nettadresse som begynner med http:// eller https://."),
        ({**NEW_TOOL, "id": "teams"}, "id", "Id-en «teams» er i bruk allerede. Velg en annen."),
    ],
)
def test_a_bad_entry_is_refused_with_a_norwegian_message_at_its_field(url, fields, field, norwegian):
    with pytest.raises(changes.EntryProblems) as refused:
        save(url, "tool", fields, creating=True)
    assert [(p.field, p.norwegian) for p in refused.value.problems] == [(field, norwegian)]
    assert audit(url) == []


def test_a_reference_to_an_unknown_tool_is_refused_at_its_field(url):
    fields = {
        "id": "signal",
        "name": "Signal",
        "category": "Meldinger",
        "alternatives": ["temas"],
        "guidance": "Bruk Teams.",
    }
    with pytest.raises(changes.EntryProblems) as refused:
        save(url, "private_tool", fields, creating=True)
    [problem] = refused.value.problems
    assert (problem.field, problem.norwegian) == ("alternatives", "Det finnes ikke noe arbeidsverktøy med id «temas».")


def test_a_removed_entry_is_audited_whole_and_a_tool_in_use_stays(url):
    with pytest.raises(changes.EntryProblems) as refused:
        with db.session_scope(url) as session:
            changes.remove_entry(session, "tool", "teams", by="it-kari")
    assert (
        "Verktøyet brukes av" in refused.value.problems[0].norwegian
        and "WhatsApp" in refused.value.problems[0].norwegian
    )
    with db.session_scope(url) as session:
        whatsapp = schema.entry_fields(store.get_private_tool(session, "whatsapp"))
        changes.remove_entry(session, "private_tool", "whatsapp", by="it-kari")
    with db.session_scope(url) as session:
        assert store.get_private_tool(session, "whatsapp") is None and store.get_tool(session, "teams") is not None
    assert audit(url) == [("it-kari", "private_tool", "whatsapp", "deleted", whatsapp, None)]


def test_the_yaml_export_after_an_edit_reimports_to_the_same_catalogue(url, new_database):
    with db.session_scope(url) as session:
        old = schema.entry_fields(store.get_tool(session, "teams"))
    save(url, "tool", {**old, "tasks": [*old["tasks"], "dele skjermen"]}, creating=False)
    save(url, "tool", NEW_TOOL, creating=True)
    with db.session_scope(url) as session:
        exported, catalogue = store.export(session), store.read_catalogue(session)
    with db.session_scope(new_database()) as session:
        store.load_and_import(session, exported, "export.yml", replace=True)
        assert store.read_catalogue(session) == catalogue


@pytest.mark.postgres
def test_every_replica_answers_from_the_edit_on_its_next_read(url):
    """Two action servers: two snapshot caches (two URLs of one database) that both read the
    catalogue before the edit, and both see it on their next session."""
    if not url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database")
    replicas = [url, url + ("&" if "?" in url else "?") + "application_name=replica-b"]
    snapshot.clear()
    for replica in replicas:
        with db.session_scope(replica) as session:
            assert snapshot.view(session).tools["teams"].summary != "Ny tekst om Teams."
    with db.session_scope(url) as session:
        old = schema.entry_fields(store.get_tool(session, "teams"))
    save(replicas[1], "tool", {**old, "summary": "Ny tekst om Teams."}, creating=False)
    for replica in replicas:
        with db.session_scope(replica) as session:
            assert snapshot.view(session).tools["teams"].summary == "Ny tekst om Teams."
