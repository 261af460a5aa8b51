"""Import validation: every broken file gives its own precise problem and changes nothing."""

from __future__ import annotations

import textwrap

import pytest

from bot import db
from bot.catalogue import store
from bot.catalogue.schema import CatalogueError, Problem, parse


def doc(text: str) -> str:
    """A file's text written indented in the test; line 1 is the first line after the quotes."""
    return textwrap.dedent(text).lstrip("\n")


# A valid workplace tool, lines 1-8; the cases below break it one way each.
VALID = doc("""
    version: 1
    tools:
      - id: ny
        name: Nytt verktøy
        category: Test
        summary: Et verktøy for testing.
        tasks: [teste ting]
        access: Alle ansatte.
""")

CSV_HEADER = "kind,id,name,aliases,category,summary,tasks,access,training,support,url,data_classification,audience,alternatives,guidance,tools,steps\n"

# (case id, file name, text, [(message substring, line or None)], number of problems)
BROKEN = [
    (
        "invalid-yaml",
        "x.yml",
        VALID.replace("    category: Test", "    category: Test: igjen"),
        [("invalid YAML: mapping values are not allowed here", 5)],
        1,
    ),
    (
        "invalid-yaml-unclosed-list",
        "x.yml",
        VALID.replace("    tasks: [teste ting]", "    tasks: [teste ting"),
        [("invalid YAML", 8)],
        1,
    ),
    ("empty-file", "x.yml", "", [("the file is empty; it needs at least 'version: 1'", None)], 1),
    ("only-comments", "x.yml", "# bare en kommentar\n", [("the file is empty", None)], 1),
    ("top-level-list", "x.yml", "- id: ny\n- id: to\n", [("the file must be a mapping with 'version'", 1)], 1),
    (
        "missing-version",
        "x.yml",
        VALID.replace("version: 1\n", "# versjon mangler\n"),
        [("version: 'version: 1.2' (or 1) is required at the top", 1)],
        1,
    ),
    (
        "wrong-version",
        "x.yml",
        VALID.replace("version: 1", "version: 2"),
        [("version: 'version: 1.2' (or 1) is required (found 2)", 1)],
        1,
    ),
    (
        "missing-required-fields",
        "x.yml",
        VALID.replace("    summary: Et verktøy for testing.\n", "").replace("    access: Alle ansatte.\n", ""),
        [("tools › id ny › summary: is required", 3), ("tools › id ny › access: is required", 3)],
        2,
    ),
    (
        "missing-id",
        "x.yml",
        VALID.replace("  - id: ny\n    name: Nytt verktøy", "  - name: Nytt verktøy"),
        [("tools › entry at line 3 › id: is required", 3)],
        1,
    ),
    (
        "number-for-name",
        "x.yml",
        VALID.replace("name: Nytt verktøy", "name: 365"),
        [("id ny › name: must be text, not a number (put it in quotes)", 4)],
        1,
    ),
    (
        "string-for-tasks",
        "x.yml",
        VALID.replace("tasks: [teste ting]", "tasks: teste ting"),
        [("id ny › tasks: must be a list like [a, b], not a str", 7)],
        1,
    ),
    (
        "mapping-for-aliases",
        "x.yml",
        VALID + "    aliases: {kort: NV}\n",
        [("id ny › aliases: must be a list like [a, b], not a mapping", 9)],
        1,
    ),
    (
        "empty-tasks",
        "x.yml",
        VALID.replace("tasks: [teste ting]", "tasks: []"),
        [("id ny › tasks: must list at least one item", 7)],
        1,
    ),
    (
        "empty-item-in-list",
        "x.yml",
        VALID.replace("tasks: [teste ting]", "tasks: [teste ting, '']"),
        [("id ny › tasks: item 2 must be non-empty text", 7)],
        1,
    ),
    (
        "bad-id-pattern",
        "x.yml",
        VALID.replace("id: ny", "id: Nytt Verktøy"),
        [("id Nytt Verktøy › id: must be 1-64 characters of a-z, 0-9, _ and -", 3)],
        1,
    ),
    (
        "duplicate-ids",
        "x.yml",
        VALID + VALID.split("tools:\n", 1)[1],
        [("tools › id ny › id: duplicate id (first used at line 3)", 9)],
        1,
    ),
    (
        "duplicate-ids-in-private-tools",
        "x.yml",
        doc("""
            version: 1
            private_tools:
              - id: signal
                name: Signal
                category: Meldinger
                alternatives: [teams]
                guidance: Bruk Teams.
              - id: signal
                name: Signal igjen
                category: Meldinger
                alternatives: [teams]
                guidance: Bruk Teams.
        """),
        [("private_tools › id signal › id: duplicate id (first used at line 3)", 8)],
        1,
    ),
    (
        "duplicate-keys",
        "x.yml",
        VALID.replace("    category: Test\n", "    category: Test\n    name: Et annet navn\n"),
        [("id ny › name: field appears twice", 6)],
        1,
    ),
    (
        "unknown-field-with-suggestion",
        "x.yml",
        VALID.replace("summary:", "sumary:"),
        [("id ny › sumary: unknown field (did you mean 'summary'?)", 6), ("id ny › summary: is required", 3)],
        2,
    ),
    (
        "unknown-section",
        "x.yml",
        VALID.replace("tools:", "tool:"),
        [("tool: unknown section (did you mean 'tools'?)", 2)],
        1,
    ),
    (
        "section-not-a-list",
        "x.yml",
        "version: 1\ntools:\n  id: ny\n",
        [("tools: must be a list of entries, not a mapping", 2)],
        1,
    ),
    (
        "entry-not-a-mapping",
        "x.yml",
        "version: 1\ntools:\n  - teams\n",
        [("tools: each entry must be a mapping of fields, not a str", 3)],
        1,
    ),
    (
        "unknown-classification",
        "x.yml",
        VALID + "    data_classification: hemmelig\n",
        [
            (
                "data_classification: unknown classification 'hemmelig'; use one of: åpen, intern, fortrolig, strengt fortrolig",
                9,
            )
        ],
        1,
    ),
    (
        "bad-url",
        "x.yml",
        VALID + "    url: www.kommune.no/verktøy\n",
        [("id ny › url: must be a web address starting with http:// or https://", 9)],
        1,
    ),
    (
        "name-too-long",
        "x.yml",
        VALID.replace("name: Nytt verktøy", "name: " + "x" * 201),
        [("id ny › name: is longer than 200 characters", 4)],
        1,
    ),
    (
        "alternative-points-at-unknown-tool",
        "x.yml",
        doc("""
            version: 1
            private_tools:
              - id: signal
                name: Signal
                category: Meldinger
                alternatives: [teams, slack]
                guidance: Bruk Teams.
        """),
        [("private_tools › id signal › alternatives: points at unknown workplace tool 'slack'", 3)],
        1,
    ),
    (
        "process-tool-unknown-with-suggestion",
        "x.yml",
        doc("""
            version: 1
            processes:
              - id: bestille-mobil
                name: Bestille mobil
                tools: [selvbetjening, tems]
                steps: [Bestill i portalen.]
        """),
        [("processes › id bestille-mobil › tools: points at unknown workplace tool 'tems' (did you mean 'teams'?)", 3)],
        1,
    ),
    (
        "process-without-steps",
        "x.yml",
        "version: 1\nprocesses:\n  - id: p\n    name: P\n",
        [("processes › id p › steps: is required and must list at least one item", 3)],
        1,
    ),
    (
        "csv-unknown-kind",
        "x.csv",
        CSV_HEADER
        + "tool,ny,Nytt,,Test,Et verktøy.,teste,Alle.,,,,,,,,,\n"
        + "verktøy,annet,Annet,,Test,Et verktøy.,teste,Alle.,,,,,,,,,\n",
        [("unknown kind 'verktøy' (use tool, private_tool, process)", 3)],
        1,
    ),
    (
        "csv-header-lacks-kind",
        "x.csv",
        "id,name\nny,Nytt\n",
        [("CSV header lacks column(s): kind", 1)],
        1,
    ),
    (
        "csv-missing-required",
        "x.csv",
        CSV_HEADER + "tool,ny,Nytt,,Test,Et verktøy.,,Alle.,,,,,,,,,\n",
        [("tools › id ny › tasks: must list at least one item", 2)],
        1,
    ),
    (
        "csv-bad-classification",
        "x.csv",
        CSV_HEADER + 'tool,ny,Nytt,,Test,Et verktøy.,"teste\nprøve",Alle.,,,,topp hemmelig,,,,,\n',
        [("unknown classification 'topp hemmelig'", 3)],
        1,
    ),
]


def _export_all(url: str) -> tuple[str, tuple]:
    with db.session_scope(url) as session:
        return store.export(session, "yaml"), store.stamp(session)


@pytest.mark.parametrize("path, text, expected, count", [pytest.param(*case[1:], id=case[0]) for case in BROKEN])
def test_broken_file_is_rejected_with_its_problem_and_changes_nothing(loaded_db_url, path, text, expected, count):
    before = _export_all(loaded_db_url)
    with pytest.raises(CatalogueError) as caught:
        with db.session_scope(loaded_db_url) as session:
            store.load_and_import(session, text, path)
    problems = caught.value.problems
    rendered = [str(p) for p in problems]
    for substring, line in expected:
        matching = [p for p in problems if substring in str(p)]
        assert matching, f"no problem contains {substring!r}; got {rendered}"
        assert [p.line for p in matching] == [line], f"{substring!r}: wrong line in {rendered}"
    assert len(problems) == count, rendered
    assert _export_all(loaded_db_url) == before


def test_there_are_enough_broken_cases():
    assert len(BROKEN) >= 15


def test_file_with_several_problems_reports_all_of_them_in_line_order():
    text = doc("""
        version: 1
        tools:
          - id: a
            name: A
            category: Test
            summary: A.
            tasks: []
            access: Alle.
          - id: B
            name: B
            category: Test
            summary: B.
            tasks: [b]
            access: Alle.
            colour: blå
        private_tools:
          - id: p
            name: P
            category: Test
            alternatives: [a, finnes-ikke]
            guidance: Bruk A.
        processes:
          - id: q
            name: Q
    """)
    with pytest.raises(CatalogueError) as caught:
        parse(text)
    problems = caught.value.problems
    assert [(p.line, p.entry, p.field) for p in problems] == [
        (7, "id a", "tasks"),
        (9, "id B", "id"),
        (15, "id B", "colour"),
        (17, "id p", "alternatives"),
        (23, "id q", "steps"),
    ]
    assert "finnes-ikke" in problems[3].message
    assert str(caught.value) == "5 problem(s) in the catalogue file"


def test_problem_renders_its_place():
    problem = Problem("is required", line=12, section="tools", entry="id teams", field="access")
    assert str(problem) == "line 12: tools › id teams › access: is required"
    assert str(Problem("the file is empty")) == "the file is empty"


def test_valid_file_normalises_values():
    catalogue = parse(
        VALID.replace("summary: Et verktøy for testing.", "summary: '  Mellomrom.  '")
        + "    data_classification: Strengt Fortrolig\n    aliases: [' NV ']\n"
    )
    (tool,) = catalogue.tools
    assert tool.summary == "Mellomrom."
    assert tool.data_classification == "strengt fortrolig"
    assert tool.aliases == ("NV",)
    assert tool.audience == ("alle",)  # the default audience
    assert tool.training is None and tool.url is None


def test_test_catalogue_is_valid(test_catalogue):
    assert len(test_catalogue.tools) == 15
    assert len(test_catalogue.private_tools) == 8
    assert len(test_catalogue.processes) == 3
