"""The Teams app package: a manifest that names our bot and icons of the sizes Teams requires."""

from __future__ import annotations

import json

from PIL import Image

from bot.config import PROJECT_ROOT

TEAMS = PROJECT_ROOT / "teams"


def test_manifest_names_the_bot_and_its_icons():
    manifest = json.loads((TEAMS / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["manifestVersion"] == "1.16"
    assert manifest["bots"][0]["botId"] == manifest["id"]  # docs/teams.md: both are the Azure Bot's app id
    assert "personal" in manifest["bots"][0]["scopes"]
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000


def test_icons_have_the_sizes_teams_requires():
    color = Image.open(TEAMS / "color.png")
    assert (color.format, color.size) == ("PNG", (192, 192))
    outline = Image.open(TEAMS / "outline.png").convert("RGBA")
    assert outline.size == (32, 32)
    # The outline icon is white on a transparent background.
    assert {pixel[:3] for pixel in outline.getdata() if pixel[3] > 0} == {(255, 255, 255)}
    assert any(pixel[3] == 0 for pixel in outline.getdata())
