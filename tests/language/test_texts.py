"""The message catalogue (bot/texts): every text in both standards, with the same placeholders."""

from __future__ import annotations

import pytest

from bot.texts import STANDARDS, UnknownText, catalogue, placeholders, text


def test_every_text_exists_in_bokmal_and_nynorsk():
    missing = [
        f"{key}: {standard}"
        for key, by_standard in catalogue().items()
        for standard in STANDARDS
        if not (by_standard.get(standard) or "").strip()
    ]
    assert not missing, "texts in one standard only:\n" + "\n".join(missing)


def test_both_standards_fill_in_the_same_values():
    differ = [
        key
        for key, by_standard in catalogue().items()
        if len({frozenset(placeholders(by_standard.get(standard, ""))) for standard in STANDARDS}) > 1
    ]
    assert not differ, f"bokmål and nynorsk name different placeholders: {differ}"


def test_only_known_standards():
    strays = {standard for by_standard in catalogue().values() for standard in by_standard} - set(STANDARDS)
    assert not strays


def test_a_text_is_filled_in_and_chosen_by_standard(monkeypatch, tmp_path):
    (tmp_path / "sample.yml").write_text(
        'sample.hello:\n  nb: "Jeg hjelper deg med {tool}."\n  nn: "Eg hjelper deg med {tool}."\n', encoding="utf-8"
    )
    monkeypatch.setattr("bot.texts.FOLDER", tmp_path)
    catalogue.cache_clear()
    try:
        assert text("sample.hello", "nb", tool="Teams") == "Jeg hjelper deg med Teams."
        assert text("sample.hello", "nn", tool="Teams") == "Eg hjelper deg med Teams."
        with pytest.raises(UnknownText):
            text("sample.nothing")
    finally:
        catalogue.cache_clear()


def test_a_key_in_two_files_is_refused(monkeypatch, tmp_path):
    for name in ("a.yml", "b.yml"):
        (tmp_path / name).write_text('same.key:\n  nb: "x"\n  nn: "x"\n', encoding="utf-8")
    monkeypatch.setattr("bot.texts.FOLDER", tmp_path)
    catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="same.key"):
            catalogue()
    finally:
        catalogue.cache_clear()
