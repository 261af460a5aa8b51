"""bot/training/model.py: the inputs Rasa training needs."""

from __future__ import annotations


def test_the_spacy_pipeline_is_written_even_where_its_parent_folders_are_missing(monkeypatch, tmp_path):
    from bot.training import model

    monkeypatch.setattr(model, "SPACY_MODEL_DIR", tmp_path / "fresh-checkout" / "var" / "spacy-nb")
    assert (model.ensure_spacy_model() / "config.cfg").is_file()
