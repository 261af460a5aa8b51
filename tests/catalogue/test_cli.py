"""The `bot catalogue ...` commands, run through bot.cli.main against real databases."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bot import db
from bot.catalogue import store
from bot.catalogue.schema import parse

CATALOGUE = Path(__file__).parent / "data" / "catalogue.yml"

BROKEN = textwrap.dedent("""\
    version: 1
    tools:
      - id: ny
        name: 42
        category: Test
        summary: Et nytt verktøy.
        tasks: oppgave
        access: Alle.
""")


@pytest.fixture
def cli(cli, db_url, monkeypatch):
    """The shared `cli` fixture, on the test database."""
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    return cli


def exported(url: str, fmt: str = "yaml") -> str:
    with db.session_scope(url) as session:
        return store.export(session, fmt)


def test_import_then_list_and_show(cli, db_url):
    code, out, err = cli("catalogue", "import", str(CATALOGUE))
    assert code == 0, err
    assert f"Imported {CATALOGUE} (15 tools, 8 private tools, 3 processes)." in out
    assert "tools: 15 created, 0 updated, 0 removed" in out

    code, out, _ = cli("catalogue", "list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 15 + 8 + 3
    assert any(line.split()[:2] == ["tool", "teams"] and "Microsoft Teams" in line for line in lines)
    assert any(line.split()[:2] == ["private", "whatsapp"] for line in lines)
    assert any(line.split()[:2] == ["process", "bytte-vakt"] for line in lines)

    code, out, _ = cli("catalogue", "show", "teams")
    assert code == 0
    assert out.startswith("[tool]\nid: teams\nname: Microsoft Teams\n")
    assert "aliases: Teams, MS Teams\n" in out
    assert "data_classification: intern\n" in out

    code, out, _ = cli("catalogue", "show", "reiseregning")
    assert code == 0
    assert "[process]" in out and "\n  1. Ta bilde av kvitteringene." in out


def test_import_again_updates_and_replace_removes(cli, db_url, tmp_path):
    assert cli("catalogue", "import", str(CATALOGUE))[0] == 0
    code, out, _ = cli("catalogue", "import", str(CATALOGUE))
    assert code == 0 and "tools: 0 created, 15 updated, 0 removed" in out

    small = tmp_path / "liten.yml"
    small.write_text(
        "version: 1\ntools:\n  - id: teams\n    name: Teams\n    category: Samhandling\n"
        "    summary: Chat.\n    tasks: [chatte]\n    access: Alle.\n",
        encoding="utf-8",
    )
    code, out, _ = cli("catalogue", "import", str(small), "--replace")
    assert code == 0
    assert "tools: 0 created, 1 updated, 14 removed; private_tools: 0 created, 0 updated, 8 removed" in out
    assert cli("catalogue", "list")[1].split() == ["tool", "teams", "Teams", "Samhandling"]


def test_import_of_csv_file(cli, db_url, tmp_path):
    csv_file = tmp_path / "katalog.csv"
    csv_file.write_text(store.to_csv(parse(CATALOGUE.read_text(encoding="utf-8"))), encoding="utf-8")
    code, out, err = cli("catalogue", "import", str(csv_file))
    assert code == 0, err
    assert "(15 tools, 8 private tools, 3 processes)" in out


def test_import_of_broken_file_fails_and_changes_nothing(cli, db_url, tmp_path):
    cli("catalogue", "import", str(CATALOGUE))
    before = exported(db_url)
    broken = tmp_path / "feil.yml"
    broken.write_text(BROKEN, encoding="utf-8")
    code, out, err = cli("catalogue", "import", str(broken))
    assert code == 1
    assert out == ""
    assert f"{broken}: 2 problem(s); nothing was changed:" in err
    assert "  line 4: tools › id ny › name: must be text, not a number (put it in quotes)" in err
    assert "  line 7: tools › id ny › tasks: must be a list like [a, b], not a str" in err
    assert "Traceback" not in err
    assert exported(db_url) == before


def test_validate_reports_problems_on_stderr_and_changes_nothing(cli, db_url, tmp_path):
    broken = tmp_path / "feil.yml"
    broken.write_text(BROKEN, encoding="utf-8")
    code, out, err = cli("catalogue", "validate", str(broken))
    assert code == 1 and out == ""
    assert "2 problem(s); nothing was changed" in err
    assert "line 4:" in err and "line 7:" in err
    with db.session_scope(db_url) as session:
        assert store.is_empty(session) and store.revision(session) == 0


def test_validate_of_a_good_file_changes_nothing(cli, db_url):
    code, out, err = cli("catalogue", "validate", str(CATALOGUE))
    assert (code, err) == (0, "")
    assert out == f"{CATALOGUE} is valid: 15 tools, 8 private tools, 3 processes.\n"
    with db.session_scope(db_url) as session:
        assert store.is_empty(session) and store.revision(session) == 0


def test_validate_with_replace_checks_references_against_the_file_only(cli, tmp_path):
    cli("catalogue", "import", str(CATALOGUE))
    private = tmp_path / "privat.yml"
    private.write_text(
        "version: 1\nprivate_tools:\n  - id: signal\n    name: Signal\n    category: Meldinger\n"
        "    alternatives: [teams]\n    guidance: Bruk Teams.\n",
        encoding="utf-8",
    )
    assert cli("catalogue", "validate", str(private))[0] == 0
    code, _, err = cli("catalogue", "validate", str(private), "--replace")
    assert code == 1 and "points at unknown workplace tool 'teams'" in err


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_export_to_stdout(cli, db_url, fmt):
    cli("catalogue", "import", str(CATALOGUE))
    code, out, err = cli("catalogue", "export", "--format", fmt)
    assert (code, err) == (0, "")
    assert out == exported(db_url, fmt)
    assert parse(out, fmt=fmt) == parse(exported(db_url, "yaml"))
    assert len(parse(out, fmt=fmt).tools) == 15


def test_export_to_file(cli, db_url, tmp_path):
    cli("catalogue", "import", str(CATALOGUE))
    target = tmp_path / "ut.csv"
    code, out, err = cli("catalogue", "export", "--format", "csv", "-o", str(target))
    assert code == 0 and out == ""
    assert err == f"Wrote {target}\n"
    assert target.read_text(encoding="utf-8") == exported(db_url, "csv")


def test_seed_imports_only_into_an_empty_database(cli, db_url, tmp_path):
    code, out, _ = cli("catalogue", "seed", str(CATALOGUE))
    assert code == 0 and "Imported" in out
    before = exported(db_url)
    other = tmp_path / "annen.yml"
    shutil.copy(CATALOGUE, other)
    other.write_text(other.read_text(encoding="utf-8").replace("Microsoft Teams", "Teams 2"), encoding="utf-8")
    code, out, _ = cli("catalogue", "seed", str(other))
    assert code == 0
    assert out == "The database already holds a catalogue; the seed was not imported.\n"
    assert exported(db_url) == before


def test_list_of_empty_catalogue(cli):
    code, out, _ = cli("catalogue", "list")
    assert code == 0
    assert out == "The catalogue is empty. Import one with: bot catalogue import FILE\n"


def test_show_unknown_id_is_a_usage_error(cli):
    cli("catalogue", "import", str(CATALOGUE))
    code, out, err = cli("catalogue", "show", "finnes-ikke")
    assert code == 2 and out == ""
    assert err == "error: No tool, private tool or process has the id 'finnes-ikke'. See: bot catalogue list\n"


def test_import_of_missing_file_is_a_usage_error(cli, db_url, tmp_path):
    missing = tmp_path / "finnes-ikke.yml"
    code, out, err = cli("catalogue", "import", str(missing))
    assert code == 2 and out == ""
    assert err == f"error: No such file: {missing}\n"


def test_import_of_non_utf8_file_is_a_usage_error(cli, tmp_path):
    latin1 = tmp_path / "latin1.yml"
    latin1.write_bytes("version: 1\n# Bærum kommune\n".encode("latin-1"))
    code, _, err = cli("catalogue", "import", str(latin1))
    assert code == 2
    assert "is not UTF-8 text; save it as UTF-8 and try again" in err


def test_ask_shows_mentions_and_search(cli):
    cli("catalogue", "import", str(CATALOGUE))
    code, out, _ = cli("catalogue", "ask", "Kan jeg dele filer på Dropbox?")
    assert code == 0
    assert "private_tool" in out and "dropbox" in out and "'Dropbox'" in out
    assert "\nSearch: " in out and "onedrive" in out


def test_db_upgrade(cli):
    code, out, _ = cli("db", "upgrade")
    assert (code, out) == (0, "Database schema is up to date.\n")


def test_validate_needs_no_database_and_makes_none(cli, monkeypatch, tmp_path):
    missing = tmp_path / "nowhere" / "bot.db"
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{missing}")
    code, out, err = cli("catalogue", "validate", str(CATALOGUE))
    assert code == 0 and out == f"{CATALOGUE} is valid: 15 tools, 8 private tools, 3 processes.\n"
    assert "checked against the file alone" in err
    assert not missing.exists() and not missing.parent.exists()
