"""What `bot train` prints after a training, in Norwegian (bot.cli.model._report over
bot.training.summary): the side-by-side table with Norwegian headings, the decision and why, the
examples changed per theme by their Norwegian names, and a loud warning below the quality floor.
The records are written as bot.training.pipeline writes them (the real training is in the slow tests)."""

from __future__ import annotations

from bot.cli import model as cli_model
from bot.training import registry, serving
from bot.training.pipeline import Outcome


def scores(macro_f1: float, failed: int) -> dict:
    stories = [f"story {n}" for n in range(failed)]
    return {"accuracy": macro_f1, "macro_f1": macro_f1, "failed_stories": stories, "stories": 20, "per_intent_f1": {}}


def _models(tmp_path, new_scores: dict, status: str):
    old, new = tmp_path / "20260101-000000.tar.gz", tmp_path / "20260102-000000.tar.gz"
    for path in (old, new):
        path.write_bytes(b"a model")
    registry.write_record(old, {"scores": scores(0.95, 1), "examples": {"greet": ["hei"]}})
    registry.put_in_service(old, "first")
    registry.write_record(
        new,
        {
            "scores": new_scores,
            "tolerance": 0.01,
            "compared_with": {"model": old.name, "scores": scores(0.95, 1)},
            "status": status,
            "examples": {"greet": ["hei", "god morgen", "god kveld"]},
        },
    )
    return old, new


def test_a_rejected_version_is_reported_in_norwegian(tmp_path, database, capsys):
    old, new = _models(tmp_path, scores(0.90, 1), registry.REJECTED)
    outcome = Outcome(new, False, "macro-F1 fell", "", old, None)
    assert cli_model._report(outcome) == 1
    out = capsys.readouterr().out
    assert "Resultat for den nye versjonen 20260102-000000:" in out
    assert "i bruk" in out and "ny versjon" in out and "endring" in out
    assert "Gjennomsnittlig treffsikkerhet per tema (macro-F1)" in out and "95,0 %" in out and "90,0 %" in out
    assert "-5,0 prosentpoeng" in out and "Testsamtaler som går riktig" in out and "19 av 20" in out
    assert "Ikke tatt i bruk automatisk, fordi treffsikkerheten per tema falt fra 95,0 % til 90,0 %" in out
    assert "Tema «Hilsen»: 2 nye eksempler, 0 fjernet." in out
    assert "20260102-000000 er ikke tatt i bruk. Versjonen i bruk er fortsatt 20260101-000000." in out
    assert "macro-F1 fell" not in out and "ADVARSEL" not in out


def test_a_version_in_service_below_the_quality_floor_is_reported_loudly(tmp_path, database, capsys):
    old, new = _models(tmp_path, scores(0.80, 1), registry.PROMOTED)
    switch = serving.Switch(new, ())
    outcome = Outcome(new, True, "not worse", "", new, switch, ("held-out macro-F1 0.800 is below the floor",))
    cli_model._report(outcome)
    out = capsys.readouterr().out
    assert "ADVARSEL: 20260102-000000 HOLDER IKKE KVALITETSKRAVET, OG DEN ER NÅ I BRUK." in out
    assert "Treffsikkerheten per tema er 80,0 %, under kvalitetskravet på 85,0 %." in out
    assert "20260102-000000 er tatt i bruk." in out
