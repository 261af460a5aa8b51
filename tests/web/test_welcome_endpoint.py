"""GET /api/welcome: the widget's greeting for a conversation with nothing in it yet, in the shape
of a history message, with the questions the catalogue has something for."""

from __future__ import annotations

from pathlib import Path

from bot import db
from bot.catalogue import store

TEST_CATALOGUE = Path(__file__).parents[1] / "catalogue" / "data" / "catalogue.yml"


async def test_the_greeting_suggests_from_the_catalogue(client, db_url):
    empty = await client.get("/api/welcome")
    assert empty.status == 200 and empty.headers["Cache-Control"] == "no-store"
    greeting = await empty.json()
    assert greeting["from"] == "bot" and greeting["text"].startswith("Hei! Jeg er Digihjelpen")
    assert greeting["buttons"] == [{"title": "Hva savner andre?", "payload": "Hva savner andre?"}]

    with db.session_scope(db_url) as session:
        store.load_and_import(session, TEST_CATALOGUE.read_text(encoding="utf-8"), str(TEST_CATALOGUE))
    titles = [b["title"] for b in (await (await client.get("/api/welcome")).json())["buttons"]]
    assert titles[0] == "Jeg er ny. Hva trenger jeg?" and titles[-1] == "Hva savner andre?"
    assert titles[1].startswith("Hvordan kan jeg ") and titles[2].startswith("Kan jeg bruke ")
