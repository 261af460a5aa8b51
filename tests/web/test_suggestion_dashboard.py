"""Issue 17's done means for suggestions: a suggestion written in the widget goes over the web relay
to the real assistant (trained model, action server), is thanked for and appears in IT's dashboard
beside the other gaps, anonymous."""

from __future__ import annotations

import asyncio
import random
import uuid

import pytest
import requests
from argon2 import PasswordHasher

from bot import db
from bot.auth.models import User
from bot.texts import text

pytestmark = pytest.mark.slow


def _chat(url: str, message: str) -> str:
    response = requests.post(f"{url}/api/messages", json={"message": message}, timeout=120)
    assert response.status_code == 200
    return "\n".join(reply.get("text", "") for reply in response.json()["replies"])


async def test_a_suggestion_over_the_web_relay_appears_in_the_dashboard(web_service, make_client, csrf_of, password):
    marker = "".join(random.choice("bdfgklmnprstv") + random.choice("aeiou") for _ in range(4))  # an unseen word
    said = await asyncio.to_thread(
        _chat, web_service.url, f"Jeg har et forslag: dere burde hatt et felles {marker}system for nøkkelutlån"
    )
    assert text("suggestions.thanks") in said

    # IT signs in to the web app on the assistant's database.
    name = f"it-{uuid.uuid4().hex[:8]}"
    with db.session_scope(web_service.assistant.db_url) as session:
        session.add(User(name=name, role="it", password_hash=PasswordHasher().hash(password)))
    client = await make_client(database_url=web_service.assistant.db_url)
    page = await client.get("/admin/login")
    signed_in = await client.post(
        "/admin/login", data={"name": name, "password": password, "csrf": csrf_of(await page.text())}
    )
    assert signed_in.status == 200 and str(signed_in.url).endswith("/admin/")
    dashboard = await signed_in.text()
    section = dashboard[dashboard.index('<h2 id="suggestions">Forslag fra ansatte</h2>') :]
    assert marker in section[: section.index("</section>")]
    listed = await (await client.get("/admin/gaps?kind=suggestion")).text()
    assert marker in listed and "Forslag" in listed
