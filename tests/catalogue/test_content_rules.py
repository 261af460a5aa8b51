"""The content rules of the catalogue: audiences must be known sectors (enforced), tasks that are no
verb phrase and more categories than fit as buttons are warned about (import goes on), and CSV as
Norwegian Excel writes it (a BOM, ';') is read as well as plain comma CSV."""

from __future__ import annotations

import pytest

from bot import throwaway
from bot.catalogue import store
from bot.catalogue.schema import MAX_CATEGORY_BUTTONS, CatalogueError, entry_warnings, known_sectors, parse, warnings

TOOL = """\
version: 1.1
tools:
  - id: teams
    name: Microsoft Teams
    category: Samhandling
    summary: Chat og møter.
    tasks: [{tasks}]
    access: Alle har det.
    audience: [{audience}]
"""


def tool_file(tasks: str = "holde videomøter", audience: str = "alle") -> str:
    return TOOL.format(tasks=tasks, audience=audience)


def test_an_audience_must_be_a_known_sector():
    assert {"alle", "helse og omsorg", "skole", "NAV"} <= set(known_sectors())
    assert parse(tool_file(audience="helse og omsorg, skole")).tools[0].audience == ("helse og omsorg", "skole")
    with pytest.raises(CatalogueError) as refused:
        parse(tool_file(audience="helse"))
    [problem] = refused.value.problems
    assert (problem.field, problem.line) == ("audience", 9)
    assert str(problem).startswith("line 9: tools › id teams › audience: unknown sector 'helse'")
    assert problem.norwegian.startswith("Ukjent sektor «helse». Bruk en av: alle, administrasjon,")


@pytest.mark.parametrize(
    "task, warned",
    [
        ("holde videomøter", False),
        ("gå på kurs", False),
        ("Videomøter", True),
        ("videomøter", True),
        ("Bestille flybillett", True),
    ],
)
def test_a_task_that_is_no_verb_phrase_is_warned_about(task, warned):
    [tool] = parse(tool_file(tasks=task)).tools
    problems = entry_warnings(tool)
    assert bool(problems) == warned
    if warned:
        assert problems[0].field == "tasks"
        assert problems[0].norwegian == f"«{task}» bør fortsette «Den passer til å …», for eksempel «holde videomøter»."


def test_more_categories_than_fit_as_buttons_are_warned_about():
    entry = "  - {{id: t{n}, name: T{n}, category: K{n}, summary: S., tasks: [lese post], access: A.}}\n"
    many = "version: 1\ntools:\n" + "".join(entry.format(n=n) for n in range(MAX_CATEGORY_BUTTONS + 1))
    [problem] = warnings(parse(many))
    assert problem.field == "category" and problem.norwegian.startswith(f"{MAX_CATEGORY_BUTTONS + 1} kategorier")
    fewer = "version: 1\ntools:\n" + "".join(entry.format(n=n) for n in range(MAX_CATEGORY_BUTTONS))
    assert warnings(parse(fewer)) == []


def test_the_seed_catalogue_obeys_its_own_content_rules():
    """The sample every municipality starts from imports without a single warning."""
    seed = parse(throwaway.SEED_CATALOGUE.read_text(encoding="utf-8"))
    assert [str(problem) for problem in warnings(seed)] == []
    assert 1 < len({tool.category for tool in seed.tools}) <= MAX_CATEGORY_BUTTONS


def test_csv_is_written_as_norwegian_excel_reads_it_and_read_either_way():
    catalogue = parse(tool_file())
    exported = store.to_csv(catalogue)
    assert exported.startswith("\ufeffkind;id;name;")
    assert parse(exported, fmt="csv") == catalogue
    comma = exported.removeprefix("\ufeff").replace(";", ",")
    assert parse(comma, fmt="csv") == catalogue


def test_import_warns_and_goes_on(cli, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    path = tmp_path / "katalog.yml"
    path.write_text(tool_file(tasks="Videomøter"), encoding="utf-8")
    code, out, err = cli("catalogue", "import", str(path))
    assert code == 0 and "Imported" in out
    assert f"{path}: warning: tools › id teams › tasks: task 'Videomøter' should read on from" in err
