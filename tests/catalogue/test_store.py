"""Import, export and reading the catalogue in a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import textwrap
from dataclasses import replace as changed
from pathlib import Path

import pytest

from bot import db
from bot.catalogue import store
from bot.catalogue.schema import CatalogueError, CatalogueFile, parse

SOURCE = (Path(__file__).parent / "data" / "catalogue.yml").read_text(encoding="utf-8")


def import_text(url: str, text: str, path: str = "catalogue.yml", *, replace: bool = False):
    with db.session_scope(url) as session:
        return store.load_and_import(session, text, path, replace=replace)[1]


def export(url: str, fmt: str = "yaml") -> str:
    with db.session_scope(url) as session:
        return store.export(session, fmt)


def read(url: str) -> CatalogueFile:
    with db.session_scope(url) as session:
        return store.read_catalogue(session)


def stamp(url: str) -> tuple:
    with db.session_scope(url) as session:
        return store.stamp(session)


def by_id(catalogue: CatalogueFile) -> CatalogueFile:
    return CatalogueFile(
        *(tuple(sorted(getattr(catalogue, s), key=lambda e: e.id)) for s in ("tools", "private_tools", "processes"))
    )


def test_import_stores_every_field_as_in_the_file(db_url):
    result = import_text(db_url, SOURCE)
    assert result.created == {"tools": 15, "private_tools": 8, "processes": 3}
    assert result.updated == result.removed == {"tools": 0, "private_tools": 0, "processes": 0}
    assert read(db_url) == by_id(parse(SOURCE))
    with db.session_scope(db_url) as session:
        teams = store.get_tool(session, "teams")
        assert teams.name == "Microsoft Teams"
        assert teams.aliases == ("Teams", "MS Teams")
        assert teams.tasks[0] == "holde videomøter" and len(teams.tasks) == 4
        assert teams.data_classification == "intern"
        assert store.get_tool(session, "whatsapp") is None
        assert store.get_private_tool(session, "whatsapp").alternatives == ("teams",)
        assert store.get_process(session, "bytte-vakt").steps[1] == "Be om bytte i MinGat."
        assert not store.is_empty(session)


@pytest.mark.parametrize("fmt, path", [("yaml", "again.yml"), ("csv", "again.csv")])
def test_round_trip_import_export_import(new_database, fmt, path):
    first, second = new_database(), new_database()
    import_text(first, SOURCE)
    exported = export(first, fmt)
    import_text(second, exported, path)
    assert export(second, fmt) == exported
    assert read(second) == read(first) == by_id(parse(SOURCE))
    # Both forms say the same: the other format's export agrees too.
    other = "csv" if fmt == "yaml" else "yaml"
    assert export(second, other) == export(first, other)


def test_export_of_multiline_and_special_text_round_trips(new_database):
    text = textwrap.dedent("""\
        version: 1
        tools:
          - id: spesiell
            name: 'Verktøy: «sitat», komma, "anførsel"'
            category: Test
            summary: |
              Første linje.
              Andre linje med æøå.
            tasks: ['oppgave, med komma', "oppgave med 'fnutter'"]
            access: 'ja: nei'
    """)
    first, second = new_database(), new_database()
    import_text(first, text)
    for fmt, path in (("yaml", "x.yml"), ("csv", "x.csv")):
        import_text(second, export(first, fmt), path, replace=True)
        assert read(second) == read(first) == parse(text)
    assert read(first).tools[0].summary == "Første linje.\nAndre linje med æøå."


def test_exporting_an_empty_catalogue_gives_a_valid_empty_file(db_url):
    assert parse(export(db_url, "yaml")) == CatalogueFile()
    assert parse(export(db_url, "csv"), fmt="csv") == CatalogueFile()


def test_upsert_changes_a_field_adds_an_entry_and_leaves_the_rest(db_url):
    import_text(db_url, SOURCE)
    before = read(db_url)
    update = textwrap.dedent("""\
        version: 1
        tools:
          - id: teams
            name: Microsoft Teams
            category: Samhandling
            summary: Ny beskrivelse av Teams.
            tasks: [holde videomøter]
            access: Alle ansatte har Teams.
          - id: zoom
            name: Zoom
            category: Samhandling
            summary: Videomøter med eksterne.
            tasks: [holde webinar]
            access: Bestilles i Selvbetjeningsportalen.
    """)
    result = import_text(db_url, update)
    assert result.created["tools"] == 1 and result.updated["tools"] == 1
    assert result.removed == {"tools": 0, "private_tools": 0, "processes": 0}
    after = read(db_url)
    teams = next(t for t in after.tools if t.id == "teams")
    assert teams.summary == "Ny beskrivelse av Teams."
    # An import replaces the whole entry: its lists and optional fields are those of the file.
    assert teams.tasks == ("holde videomøter",)
    assert teams.aliases == () and teams.url is None
    assert [t.id for t in after.tools] == sorted([t.id for t in before.tools] + ["zoom"])
    untouched = [t for t in before.tools if t.id != "teams"]
    assert [t for t in after.tools if t.id not in ("teams", "zoom")] == untouched
    assert after.private_tools == before.private_tools
    assert after.processes == before.processes


def test_replace_removes_entries_not_in_the_file(db_url):
    import_text(db_url, SOURCE)
    small = textwrap.dedent("""\
        version: 1
        tools:
          - id: teams
            name: Microsoft Teams
            category: Samhandling
            summary: Chat og videomøter.
            tasks: [holde videomøter]
            access: Alle.
        private_tools:
          - id: whatsapp
            name: WhatsApp
            category: Meldinger
            alternatives: [teams]
            guidance: Bruk Teams.
    """)
    result = import_text(db_url, small, replace=True)
    assert result.removed == {"tools": 14, "private_tools": 7, "processes": 3}
    assert result.updated == {"tools": 1, "private_tools": 1, "processes": 0}
    assert read(db_url) == parse(small)


def test_upsert_without_replace_keeps_entries_not_in_the_file(db_url):
    import_text(db_url, SOURCE)
    import_text(db_url, "version: 1\n")
    assert read(db_url) == by_id(parse(SOURCE))


ALTERNATIVE_TO_DB_TOOL = textwrap.dedent("""\
    version: 1
    private_tools:
      - id: signal
        name: Signal
        category: Meldinger
        alternatives: [teams]
        guidance: Bruk Teams til jobbprat.
""")


def test_alternative_may_point_at_a_tool_already_in_the_database(db_url):
    import_text(db_url, SOURCE)
    import_text(db_url, ALTERNATIVE_TO_DB_TOOL)
    with db.session_scope(db_url) as session:
        assert store.get_private_tool(session, "signal").alternatives == ("teams",)


def test_with_replace_the_alternative_must_be_in_the_file(db_url):
    import_text(db_url, SOURCE)
    before = export(db_url)
    with pytest.raises(CatalogueError) as caught:
        import_text(db_url, ALTERNATIVE_TO_DB_TOOL, replace=True)
    (problem,) = caught.value.problems
    assert "points at unknown workplace tool 'teams'" in problem.message
    assert (problem.line, problem.field) == (3, "alternatives")
    assert export(db_url) == before


def test_alternative_to_a_tool_in_neither_file_nor_database_is_rejected(db_url):
    with pytest.raises(CatalogueError, match="1 problem"):
        import_text(db_url, ALTERNATIVE_TO_DB_TOOL)
    with db.session_scope(db_url) as session:
        assert store.is_empty(session) and store.get_private_tool(session, "signal") is None


def test_revision_and_stamp_change_on_every_import(db_url):
    assert stamp(db_url) == (0, None)
    with db.session_scope(db_url) as session:
        assert store.revision(session) == 0 and store.is_empty(session)
    stamps = []
    for text in (SOURCE, SOURCE, "version: 1\n"):  # the same file again, and an empty one, still count
        import_text(db_url, text)
        stamps.append(stamp(db_url))
    assert [s[0] for s in stamps] == [1, 2, 3]
    assert all(s[1] is not None for s in stamps)
    assert len(set(stamps)) == 3
    assert stamps[0][1] <= stamps[1][1] <= stamps[2][1]


def test_failed_import_does_not_change_the_revision(db_url):
    import_text(db_url, SOURCE)
    before = stamp(db_url)
    with pytest.raises(CatalogueError):
        import_text(db_url, "version: 1\ntools: nei\n")
    assert stamp(db_url) == before


def test_removed_tool_takes_its_aliases_and_tasks_along(db_url):
    """Replacing must not leave orphaned child rows (or fail on foreign keys) on either backend."""
    import_text(db_url, SOURCE)
    import_text(db_url, SOURCE.replace("  - id: powerbi", "  - id: powerbi-ny"), replace=True)
    from bot.catalogue import models as m

    with db.session_scope(db_url) as session:
        assert session.get(m.Tool, "powerbi") is None
        assert session.query(m.ToolTask).filter_by(parent_id="powerbi").count() == 0
        assert session.query(m.ToolAlias).filter_by(parent_id="powerbi").count() == 0
        assert store.get_tool(session, "powerbi-ny").aliases == ("PowerBI",)


def test_entry_fields_of_a_changed_entry_is_what_export_writes(db_url):
    import_text(db_url, SOURCE)
    catalogue = read(db_url)
    gat = next(t for t in catalogue.tools if t.id == "gat")
    edited = CatalogueFile(tools=(changed(gat, summary="Endret."),))
    import_text(db_url, store.to_yaml(edited))
    assert "summary: Endret." in export(db_url)
