"""The Norwegian names of intents: one home (data/intent_names.yml) that covers every intent of the
domain, and the trainers' own themes from the database."""

from __future__ import annotations

import yaml

from bot import db
from bot.config import PROJECT_ROOT
from bot.training import additions
from bot.training.names import display_names, file_names, intent_name_for
from bot.training.project import Project


def test_every_intent_of_the_domain_has_a_norwegian_name_and_the_docs_point_there():
    project = Project()
    names = file_names(project)
    intents = yaml.safe_load(project.domain.read_text(encoding="utf-8"))["intents"]
    assert [intent for intent in intents if not names.get(intent)] == []
    assert len(set(names.values())) == len(names)  # no two themes look the same to a trainer
    assert names["find_tool"] == "Finne et verktøy"
    assert "data/intent_names.yml" in (PROJECT_ROOT / "docs" / "intents.md").read_text(encoding="utf-8")


def test_the_trainers_themes_have_their_own_names(project, db_url):
    with db.session_scope(db_url) as session:
        additions.create_intent(
            session, project, "vpn", "VPN hjemmefra", "Bruk VPN.", ["a b c", "d e f", "g h"], by="x"
        )
    with db.session_scope(db_url) as session:
        names = display_names(session, project)
    assert names["vpn"] == "VPN hjemmefra" and names["tool_access"] == "Tilgang til et verktøy"


def test_an_intent_name_is_made_of_plain_letters():
    assert intent_name_for("Tilgang på Kjøkkenet, ÆØÅ!", ()) == "tilgang_pa_kjokkenet_aeoa"
    assert intent_name_for("   ", ()) == "tema"
    assert intent_name_for("x" * 100, ()) == "x" * 60
    assert intent_name_for("Hjelp", ["hjelp", "hjelp_2"]) == "hjelp_3"
