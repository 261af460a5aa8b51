"""Catalogue format 1.1: owners and review dates per entry, read from YAML and CSV, kept through
export and re-import, and the entries due for review per owner (`bot catalogue stale`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot import db
from bot.catalogue import freshness, store
from bot.catalogue.schema import CatalogueError, parse

TODAY = date.today()
RECENT = (TODAY - timedelta(days=30)).isoformat()
OLD = (TODAY - timedelta(days=400)).isoformat()
CATALOGUE = f"""\
version: 1.1
tools:
  - id: teams
    name: Microsoft Teams
    category: Samhandling
    summary: Chat og møter.
    tasks: [holde videomøter]
    access: Alle har det.
    owner: Team Samhandling, samhandling@kommune.example.no
    reviewed: {RECENT}
  - id: tidvis
    name: Tidvis
    category: Turnus
    summary: Turnus.
    tasks: [bytte vakt]
    access: Lederen din gir tilgang.
    owner: Team Samhandling, samhandling@kommune.example.no
    reviewed: {OLD}
private_tools:
  - id: whatsapp
    name: WhatsApp
    category: Meldinger
    alternatives: [teams]
    guidance: Bruk Teams.
processes:
  - id: ny-ansatt
    name: Ny ansatt
    steps: [Bestill tilgang.]
    owner: HR, 12 34 56 78
    reviewed: "{OLD}"
"""


@pytest.fixture
def url(db_url) -> str:
    with db.session_scope(db_url) as session:
        store.load_and_import(session, CATALOGUE, "catalogue.yml")
    return db_url


def test_owners_and_review_dates_survive_yaml_and_csv_export_and_reimport(url, new_database):
    with db.session_scope(url) as session:
        catalogue = store.read_catalogue(session)
        yaml_text, csv_text = store.export(session, "yaml"), store.export(session, "csv")
    teams = catalogue.tools[0]
    assert (teams.owner, teams.reviewed) == (
        "Team Samhandling, samhandling@kommune.example.no",
        date.fromisoformat(RECENT),
    )
    assert yaml_text.startswith("version: 1.2\n")
    for text, path in ((yaml_text, "export.yml"), (csv_text, "export.csv")):
        with db.session_scope(new_database()) as session:
            store.load_and_import(session, text, path, replace=True)
            assert store.read_catalogue(session) == catalogue, path


def test_a_version_1_file_without_owners_stays_valid():
    old = CATALOGUE.replace("version: 1.1", "version: 1")
    old = "\n".join(line for line in old.splitlines() if "owner:" not in line and "reviewed:" not in line)
    assert parse(old).tools[0].owner is None


def test_a_review_date_that_is_no_date_is_refused_at_its_field():
    with pytest.raises(CatalogueError) as refused:
        parse(CATALOGUE.replace(f"reviewed: {RECENT}", "reviewed: i fjor"))
    [problem] = refused.value.problems
    assert problem.field == "reviewed" and problem.line == 10
    assert problem.norwegian == "Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2026-03-01."


def test_entries_due_for_review_per_owner_oldest_first():
    catalogue = parse(CATALOGUE)
    due = freshness.due(catalogue, TODAY)
    assert [(e.owner, e.id) for e in due] == [
        ("", "whatsapp"),  # no owner, never reviewed
        ("HR, 12 34 56 78", "ny-ansatt"),
        ("Team Samhandling, samhandling@kommune.example.no", "tidvis"),
    ]
    assert [e.id for e in freshness.due(catalogue, TODAY, days=10)] == ["whatsapp", "ny-ansatt", "tidvis", "teams"]
    assert [e.id for e in freshness.due(catalogue, TODAY, owner="HR, 12 34 56 78")] == ["ny-ansatt"]
    assert freshness.owners(catalogue) == ["HR, 12 34 56 78", "Team Samhandling, samhandling@kommune.example.no"]


def test_bot_catalogue_stale_lists_them_per_owner(cli, url, monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    code, out, _ = cli("catalogue", "stale")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "(no owner): 1 due for review" and "never reviewed" in lines[1]
    assert "HR, 12 34 56 78: 1 due for review" in lines
    assert any(line.split()[:2] == ["tool", "tidvis"] and f"reviewed {OLD}" in line for line in lines)
    assert "teams" not in out.split()
    code, out, _ = cli("catalogue", "stale", "--days", "100000", "--owner", "HR, 12 34 56 78")
    assert (code, out) == (0, "Every entry of HR, 12 34 56 78 was reviewed within the last 100000 days.\n")
    code, _, err = cli("catalogue", "stale", "--days", "-1")
    assert code != 0 and "--days must be 0 or more." in err
