"""bot/training/model.py: the inputs Rasa training needs."""

from __future__ import annotations


def test_the_spacy_pipeline_is_written_even_where_its_parent_folders_are_missing(monkeypatch, tmp_path):
    from bot.training import model

    monkeypatch.setattr(model, "SPACY_MODEL_DIR", tmp_path / "fresh-checkout" / "var" / "spacy-nb")
    assert (model.ensure_spacy_model() / "config.cfg").is_file()


def test_a_model_trained_with_other_nlu_code_is_not_current(monkeypatch, tmp_path, project):
    """The fingerprint covers our NLU components' code, so `bot model ensure` retrains a model that
    an older release trained (its components would run with code they were not trained with)."""
    import shutil

    from bot.config import PROJECT_ROOT
    from bot.training import model, registry

    code = tmp_path / "code"
    for directory in model.NLU_CODE:
        shutil.copytree(directory, code / directory.relative_to(PROJECT_ROOT))
    copies = tuple(code / directory.relative_to(PROJECT_ROOT) for directory in model.NLU_CODE)
    monkeypatch.setattr(model, "PROJECT_ROOT", code)
    monkeypatch.setattr(model, "NLU_CODE", copies)
    trained = project.models_dir / "old-release.tar.gz"
    trained.parent.mkdir(parents=True, exist_ok=True)
    trained.write_bytes(b"")
    registry.write_record(trained, {"fingerprint": model.fingerprint(project)})
    assert model.is_current(trained, project)

    classifier = copies[0] / "intent_classifier.py"
    classifier.write_text(classifier.read_text(encoding="utf-8") + "\n# a release changed this\n", encoding="utf-8")
    assert not model.is_current(trained, project)
