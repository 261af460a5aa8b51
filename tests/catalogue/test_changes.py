"""Adding a phrase to one catalogue entry (bot.catalogue.changes) on real databases (SQLite and
PostgreSQL): a tool's task or a process's alias, cleaned, never twice, audited, visible to every
process at once, and in the export."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import db
from bot.catalogue import changes, snapshot, store
from bot.catalogue import models as m
from bot.catalogue.schema import parse

TEST_CATALOGUE = Path(__file__).parent / "data" / "catalogue.yml"


@pytest.fixture
def url(db_url) -> str:
    """A database of its own with the test catalogue (these tests change it)."""
    with db.session_scope(db_url) as session:
        store.load_and_import(session, TEST_CATALOGUE.read_text(encoding="utf-8"), str(TEST_CATALOGUE))
    return db_url


def add(url: str, kind: str, entry_id: str, phrase: str, **kwargs) -> changes.PhraseAdded:
    with db.session_scope(url) as session:
        return changes.add_phrase(session, kind, entry_id, phrase, by=kwargs.pop("by", "trener-ola"), **kwargs)


def audit(url: str) -> list[m.CatalogueChange]:
    with db.session_scope(url) as session:
        return list(session.scalars(select(m.CatalogueChange).order_by(m.CatalogueChange.id)))


def stamp(url: str) -> tuple:
    with db.session_scope(url) as session:
        return store.stamp(session)


def test_a_phrase_becomes_the_last_task_of_the_tool_with_an_audit_record(url):
    before = stamp(url)
    started = datetime.now(timezone.utc)
    result = add(url, "tool", "visma-reise", "  Bestille   flybillett til kurs?! ", inbox_item_id=17)
    assert (result.added, result.phrase, result.field, result.entry_name) == (
        True,
        "Bestille flybillett til kurs",
        "tasks",
        "Visma Reise",
    )
    with db.session_scope(url) as session:
        tool = store.get_tool(session, "visma-reise")
        updated = session.get(m.Tool, "visma-reise").updated_at
    old_tasks = ["levere reiseregning", "få refusjon for utlegg", "registrere kjøring med egen bil"]
    assert list(tool.tasks) == [*old_tasks, "Bestille flybillett til kurs"]
    [change] = audit(url)
    assert (
        change.changed_by,
        change.entry_kind,
        change.entry_id,
        change.action,
        change.field,
        change.inbox_item_id,
    ) == ("trener-ola", "tool", "visma-reise", "task_added", "tasks", 17)
    assert json.loads(change.before_json) == old_tasks
    assert json.loads(change.after_json) == [*old_tasks, "Bestille flybillett til kurs"]
    assert "flybillett" in change.after_json  # readable JSON text, not \u escapes
    for moment in (change.changed_at, updated):
        assert (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)) >= started.replace(microsecond=0)
    after = stamp(url)
    assert after[0] == before[0] + 1 and after != before  # as an import bumps it


def test_a_phrase_for_a_process_becomes_an_alias(url):
    result = add(url, "process", "reiseregning", "få dekket reise til kurs.", by="cli")
    assert (result.added, result.field, result.entry_name) == (True, "aliases", "Levere reiseregning")
    with db.session_scope(url) as session:
        assert store.get_process(session, "reiseregning").aliases == ("Reiseregning", "få dekket reise til kurs")
    [change] = audit(url)
    assert (change.action, change.field, change.changed_by, change.inbox_item_id) == (
        "alias_added",
        "aliases",
        "cli",
        None,
    )
    assert json.loads(change.before_json) == ["Reiseregning"]


@pytest.mark.parametrize(
    "kind, entry_id, phrase",
    [
        ("tool", "visma-reise", "Levere   REISEREGNING ?"),  # a task it has
        ("process", "reiseregning", "reiseregning"),  # an alias it has
        ("process", "reiseregning", "levere reiseregning!"),  # its name
    ],
)
def test_a_phrase_the_entry_has_already_changes_nothing(url, kind, entry_id, phrase):
    before, catalogue = stamp(url), export_of(url)
    result = add(url, kind, entry_id, phrase)
    assert not result.added and result.change is None
    assert audit(url) == [] and stamp(url) == before and export_of(url) == catalogue


@pytest.mark.parametrize(
    "kind, entry_id, phrase, field, message",
    [
        ("tool", "visma-reise", " ?! ", "phrase", "The phrase is empty."),
        ("tool", "visma-reise", "x" * 201, "phrase", "The phrase is 201 characters long; at most 200 are allowed."),
        (
            "tool",
            "visma-reise",
            "reise med [telefon] og [e-post]",
            "phrase",
            "The phrase contains personal data or the mask that replaced it ([e-post], [telefon]); write it without.",
        ),
        ("tool", "visma-reise", "ring 98765432 om reise", "phrase", "([telefon])"),
        ("process", "reiseregning", "kontonummer 1234.56.78903", "phrase", "([kontonummer])"),
        ("tool", "no-such-tool", "levere reise", "entry", "There is no workplace tool with the id 'no-such-tool'."),
        ("process", "visma-reise", "levere reise", "entry", "There is no process with the id 'visma-reise'."),
        (
            "private_tool",
            "whatsapp",
            "chatte",
            "entry",
            "A phrase can be added to a workplace tool or a process, not to a private tool.",
        ),
    ],
)
def test_refused_phrases_change_nothing(url, kind, entry_id, phrase, field, message):
    before, catalogue = stamp(url), export_of(url)
    with pytest.raises(changes.ChangeError) as error:
        add(url, kind, entry_id, phrase)
    assert message in str(error.value) and error.value.field == field
    assert audit(url) == [] and stamp(url) == before and export_of(url) == catalogue


def export_of(url: str, fmt: str = "yaml") -> str:
    with db.session_scope(url) as session:
        return store.export(session, fmt)


@pytest.mark.parametrize("fmt, path", [("yaml", "catalogue.yml"), ("csv", "catalogue.csv")])
def test_the_export_includes_the_phrase_and_imports_again(url, new_database, fmt, path):
    add(url, "tool", "visma-reise", "bestille flybillett til kurs")
    add(url, "process", "reiseregning", "få dekket reise til kurs")
    exported = export_of(url, fmt)
    catalogue = parse(exported, fmt=fmt)
    assert next(t for t in catalogue.tools if t.id == "visma-reise").tasks[-1] == "bestille flybillett til kurs"
    assert next(p for p in catalogue.processes if p.id == "reiseregning").aliases[-1] == "få dekket reise til kurs"
    other = new_database()
    with db.session_scope(other) as session:
        store.load_and_import(session, exported, path)
    assert export_of(other, fmt) == exported


def test_every_process_sees_the_phrase_from_its_next_session(url):
    """Search and recognition build their indexes from snapshot.derived, which rebuilds on a new
    revision stamp: the view a new session gets is what the next message is answered from."""
    with db.session_scope(url) as session:  # a process that has served a message already
        assert "bestille flybillett til kurs" not in snapshot.view(session).tools["visma-reise"].tasks
    add(url, "tool", "visma-reise", "bestille flybillett til kurs")
    add(url, "process", "reiseregning", "få dekket reise til kurs")
    with db.session_scope(url) as session:
        view = snapshot.view(session)
        assert view.tools["visma-reise"].tasks[-1] == "bestille flybillett til kurs"
        assert view.processes["reiseregning"].aliases[-1] == "få dekket reise til kurs"


def test_record_is_general_enough_for_whole_entries(url):
    """What a catalogue editor would write: a created entry (no before) and a deleted one (no after)."""
    with db.session_scope(url) as session:
        changes.record(
            session,
            by="admin-per",
            entry_kind="private_tool",
            entry_id="signal",
            action="created",
            after={"id": "signal", "name": "Signal", "alternatives": ["teams"]},
        )
        changes.record(
            session,
            by="admin-per",
            entry_kind="process",
            entry_id="bytte-vakt",
            action="deleted",
            before={"id": "bytte-vakt", "name": "Bytte vakt"},
        )
        with pytest.raises(ValueError):
            changes.record(session, by="x", entry_kind="tools", entry_id="teams", action="updated")
    with db.session_scope(url) as session:
        [created] = changes.history(session, "private_tool", "signal")
        assert created.before_json is None and json.loads(created.after_json)["name"] == "Signal"
        assert created.field is None
        assert session.scalar(select(func.count()).select_from(m.CatalogueChange)) == 2
