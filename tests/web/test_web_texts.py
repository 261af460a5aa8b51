"""The web's own texts in the municipality's written standard (BOT_WRITTEN_STANDARD): the page's
language and title, widget.js's texts and language, and the relay's error messages, in bokmål and
nynorsk from the message catalogue (bot/texts/widget.yml, web.yml)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from bot.config import settings
from bot.texts import catalogue, text
from bot.web.app import create_app

NOTICE = {
    "nb": "Digihjelpen er en robot, ikke et menneske.",
    "nn": "Digihjelpen er ein robot, ikkje eit menneske.",
}
TOO_LONG = {
    "nb": "Meldingen er for lang. Skriv kortere, høyst 1000 tegn.",
    "nn": "Meldinga er for lang. Skriv kortare, høgst 1000 teikn.",
}


@pytest.fixture(params=["nb", "nn"])
async def served(request, aiohttp_client, tmp_path):
    config = replace(
        settings(),
        written_standard=request.param,
        tracker_store_url=f"sqlite:///{tmp_path / 'tracker.db'}",
        rasa_port=1,  # nothing listens: Rasa is down
        session_secret="",
    )
    return request.param, await aiohttp_client(create_app(config))


async def test_the_page_has_the_standards_language_and_title(served):
    standard, client = served
    html = await (await client.get("/")).text()
    assert f'<html lang="{standard}">' in html
    assert f"<title>{text('web.page_title', standard)}</title>" in html


async def test_widget_js_carries_every_widget_text_in_the_standard(served):
    standard, client = served
    script = await client.get("/widget.js")
    source = await script.text()
    assert script.status == 200 and script.content_type == "text/javascript"
    found = re.search(r"const TEXT = (\{.*?\}); const LANG = (\"n[bn]\");", source)
    assert found, "widget.js has no texts filled in"
    texts, lang = json.loads(found.group(1)), json.loads(found.group(2))
    assert lang == standard
    assert set(texts) == {key.removeprefix("widget.") for key in catalogue() if key.startswith("widget.")}
    assert texts["notice"].startswith(NOTICE[standard])
    assert all(value == text(f"widget.{name}", standard) for name, value in texts.items())
    assert "lang: LANG" in source
    unchanged = await client.get("/widget.js", headers={"If-None-Match": script.headers["ETag"]})
    assert unchanged.status == 304 and script.headers["Cache-Control"] == "no-cache"


async def test_the_relays_errors_are_in_the_standard(served):
    standard, client = served
    long = await client.post("/api/messages", json={"message": "x" * 1001})
    assert long.status == 413 and (await long.json())["error"] == TOO_LONG[standard]
    empty = await client.post("/api/messages", json={"message": "  "})
    assert (await empty.json())["error"] == text("web.empty", standard)
    down = await client.post("/api/messages", json={"message": "hei"})
    assert down.status == 502 and (await down.json())["error"] == text("web.unavailable", standard)


def test_the_nynorsk_texts_are_not_the_bokmål_ones_word_for_word():
    keys = [key for key in catalogue() if key.split(".")[0] in ("widget", "web")]
    differ = [key for key in keys if text(key, "nb") != text(key, "nn")]
    assert {"widget.notice", "widget.confirmRemove", "web.too_long", "web.unavailable"} <= set(differ)
