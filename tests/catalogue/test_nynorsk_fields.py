"""Catalogue format 1.2: optional nynorsk fields (`summary_nn`, `tasks_nn`, …), validated like the
bokmål ones, kept through the database and YAML/CSV export and re-import, and read through the one
accessor answer code uses (`in_standard`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import db
from bot.catalogue import store
from bot.catalogue.schema import CatalogueError, entry_warnings, in_standard, item_in_standard, parse

CATALOGUE = """\
version: 1.2
tools:
  - id: teams
    name: Microsoft Teams
    category: Samhandling
    summary: Chat og møter for alle ansatte.
    summary_nn: Chat og møte for alle tilsette.
    tasks: [holde videomøter, dele filer]
    tasks_nn: [halde videomøte, dele filer]
    access: Alle ansatte har det.
    access_nn: Alle tilsette har det.
    training: Kurs i læringsportalen.
    training_nn: Kurs i læringsportalen, på nynorsk òg.
    support: Ring IT-servicesenteret.
    support_nn: Ring IT-servicesenteret.
  - id: tidvis
    name: Tidvis
    category: Turnus
    summary: Turnus og vaktbytte.
    tasks: [bytte vakt]
    access: Lederen din gir tilgang.
private_tools:
  - id: whatsapp
    name: WhatsApp
    category: Meldinger
    alternatives: [teams]
    guidance: Bruk Teams til jobbprat.
    guidance_nn: Bruk Teams når du pratar om jobb.
processes:
  - id: ny-ansatt
    name: Ny ansatt
    steps: [Bestill tilgang., Meld på kurs.]
    steps_nn: [Bestill tilgang., Meld på kurs.]
"""


def test_the_nynorsk_fields_are_read_and_an_entry_without_them_keeps_its_own_text():
    catalogue = parse(CATALOGUE)
    teams, tidvis = catalogue.tools
    assert in_standard(teams, "summary", "nn") == "Chat og møte for alle tilsette."
    assert in_standard(teams, "summary", "nb") == "Chat og møter for alle ansatte."
    assert in_standard(teams, "tasks", "nn") == ("halde videomøte", "dele filer")
    assert in_standard(teams, "access", "nn") == "Alle tilsette har det."
    assert in_standard(tidvis, "summary", "nn") == "Turnus og vaktbytte."  # no twin: the text as written
    assert in_standard(tidvis, "tasks", "nn") == ("bytte vakt",)
    assert in_standard(tidvis, "training", "nn") is None
    assert in_standard(catalogue.private_tools[0], "guidance", "nn") == "Bruk Teams når du pratar om jobb."
    assert in_standard(catalogue.processes[0], "steps", "nn") == ("Bestill tilgang.", "Meld på kurs.")


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_older_files_without_nynorsk_fields_stay_valid(version):
    old = "\n".join(line for line in CATALOGUE.splitlines() if "_nn:" not in line)
    catalogue = parse(old.replace("version: 1.2", f"version: {version}"))
    assert catalogue.tools[0].summary_nn is None and catalogue.tools[0].tasks_nn == ()


def test_a_nynorsk_field_is_checked_like_its_bokmål_twin():
    broken = CATALOGUE.replace("tasks_nn: [halde videomøte, dele filer]", "tasks_nn: halde videomøte")
    broken = broken.replace("access_nn: Alle tilsette har det.", "access_nn: [Alle]")
    broken = broken.replace("summary_nn:", "sumary_nn:")
    with pytest.raises(CatalogueError) as refused:
        parse(broken)
    found = {(p.field, p.line): p.message for p in refused.value.problems}
    assert found[("tasks_nn", 9)].startswith("must be a list")
    assert found[("access_nn", 11)].startswith("must be text")
    assert found[("sumary_nn", 7)] == "unknown field (did you mean 'summary_nn'?)"


def test_a_nynorsk_field_needs_the_field_it_translates():
    with pytest.raises(CatalogueError) as refused:
        parse(CATALOGUE.replace("    training: Kurs i læringsportalen.\n", ""))
    [problem] = refused.value.problems
    assert (problem.field, problem.line) == ("training_nn", 12)
    assert "'training'" in problem.message
    assert problem.norwegian == "Fyll også ut feltet over: nynorskfeltet er et tillegg til det, ikke en erstatning."


def test_nynorsk_tasks_are_verb_phrases_too_and_nynorsk_steps_match_the_steps():
    catalogue = parse(
        CATALOGUE.replace("[halde videomøte, dele filer]", "[Videomøte, dele filer]").replace(
            "steps_nn: [Bestill tilgang., Meld på kurs.]", "steps_nn: [Bestill tilgang.]"
        )
    )
    [task] = entry_warnings(catalogue.tools[0])
    assert task.field == "tasks_nn" and task.norwegian.startswith(
        "«Videomøte» bør fortsette «Verktøyet passar til å …»"
    )
    [steps] = entry_warnings(catalogue.processes[0])
    assert steps.field == "steps_nn" and steps.norwegian.startswith("Nynorskfeltet har 1 linjer og feltet over 2")
    assert entry_warnings(parse(CATALOGUE).tools[0]) == []


def test_the_task_an_answer_names_is_the_nynorsk_one_at_the_same_place():
    teams, tidvis = parse(CATALOGUE).tools
    assert item_in_standard(teams, "tasks", "holde videomøter", "nn") == "halde videomøte"
    assert item_in_standard(teams, "tasks", "holde videomøter", "nb") == "holde videomøter"
    assert item_in_standard(tidvis, "tasks", "bytte vakt", "nn") == "bytte vakt"  # no nynorsk tasks
    uneven = replace(teams, tasks_nn=("halde videomøte",))
    assert item_in_standard(uneven, "tasks", "holde videomøter", "nn") == "holde videomøter"  # which is which?


def test_the_nynorsk_fields_survive_the_database_and_yaml_and_csv_export(db_url, new_database):
    with db.session_scope(db_url) as session:
        store.load_and_import(session, CATALOGUE, "catalogue.yml")
    with db.session_scope(db_url) as session:
        catalogue = store.read_catalogue(session)
        yaml_text, csv_text = store.export(session, "yaml"), store.export(session, "csv")
    assert catalogue == parse(CATALOGUE)
    assert "summary_nn: Chat og møte for alle tilsette." in yaml_text
    assert "tasks_nn:\n  - halde videomøte" in yaml_text
    assert "summary_nn" not in yaml_text.split("id: tidvis")[1].split("private_tools")[0]  # empty twins left out
    assert csv_text.splitlines()[0].endswith(
        ";summary_nn;tasks_nn;access_nn;training_nn;support_nn;guidance_nn;steps_nn"
    )
    for text, path in ((yaml_text, "export.yml"), (csv_text, "export.csv")):
        with db.session_scope(new_database()) as session:
            store.load_and_import(session, text, path, replace=True)
            assert store.read_catalogue(session) == catalogue, path
