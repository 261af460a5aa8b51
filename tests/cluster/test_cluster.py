"""The cluster as production runs it: two Rasa servers sharing the PostgreSQL tracker store and the
Redis lock store. A conversation keeps its context whichever replica answers, and one
conversation's concurrent messages are handled one at a time."""

from __future__ import annotations

import asyncio
import uuid

import aiohttp
import pytest
from assistant_services import CHANNEL_HEADERS
from cluster_replicas import ask
from sqlalchemy import create_engine, text

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# Ten tools whose "hva er …?" answer names them (checked per turn below).
TOOLS = ["Teams", "Outlook", "Excel", "OneDrive", "GAT", "Elements", "Gerica", "Vigilo", "Bitwarden", "Altinn"]


def turns(tracker_store_url: str, sender: str) -> list[tuple[str, list[str], str]]:
    """The conversation's turns from the tracker store, in order: (user text, bot texts, last action)."""
    engine = create_engine(tracker_store_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT type_name, action_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            ).all()
    finally:
        engine.dispose()
    import json

    result: list[tuple[str, list[str], str]] = []
    for type_name, action_name, data in rows:
        if type_name == "user":
            result.append((json.loads(data).get("text", ""), [], ""))
        elif result and type_name == "bot":
            result[-1][1].append(json.loads(data).get("text") or "")
        elif result and type_name == "action":
            result[-1] = (result[-1][0], result[-1][1], action_name)
    return result


def assert_not_interleaved(tracker_store_url: str, sender: str, questions: list[str]) -> None:
    """Every user message is followed by its own answer and the wait for the next message before
    the next user message comes: no other message slipped into a turn."""
    found = turns(tracker_store_url, sender)
    assert sorted(user for user, _, _ in found) == sorted(questions)
    for user, bots, last_action in found:
        tool = user.removeprefix("hva er ").removesuffix("?")
        assert any(tool.lower() in bot.lower() for bot in bots), (user, bots)
        assert last_action == "action_listen", (user, bots, last_action)


def test_a_conversation_alternating_between_the_rasa_servers_keeps_its_context(cluster):
    first, second = cluster.rasa_urls
    sender = f"cluster-{uuid.uuid4().hex}"
    assert "Elements" in ask(first, sender, "hva er elements?")
    assert "tilgang til Elements" in ask(second, sender, "hvordan får jeg tilgang til det?")
    assert "GAT" in ask(second, sender, "hva er gat?")
    assert "GAT" in ask(first, sender, "hvordan får jeg tilgang til det?")


async def _concurrently(urls: list[str], sender: str, questions: list[str]) -> None:
    async with aiohttp.ClientSession(headers=CHANNEL_HEADERS, timeout=aiohttp.ClientTimeout(total=120)) as session:

        async def post(url: str, question: str) -> None:
            async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": question}) as r:
                assert r.status == 200
                await r.json()

        await asyncio.gather(*(post(urls[n % len(urls)], q) for n, q in enumerate(questions)))


# Only within one replica: Rasa 3.6's Redis lock store issues tickets non-atomically across
# replicas, and sending one conversation's concurrent messages to both did lose a message in CI.
# That is why the relay routes every conversation to one replica (the relay test below).
async def test_the_lock_store_serialises_concurrent_messages_of_one_conversation(cluster):
    sender = f"cluster-{uuid.uuid4().hex}"
    questions = [f"hva er {tool.lower()}?" for tool in TOOLS]
    await _concurrently(cluster.rasa_urls[:1], sender, questions)
    assert_not_interleaved(cluster.tracker_store_url, sender, questions)


async def test_the_web_relay_keeps_a_conversation_in_order_and_in_context(cluster):
    jar = aiohttp.CookieJar(unsafe=True)  # keep the conversation cookie of 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=120)) as session:

        async def say(message: str) -> str:
            async with session.post(f"{cluster.web_url}/api/messages", json={"message": message}) as response:
                assert response.status == 200
                return "\n".join(m.get("text", "") for m in (await response.json())["replies"])

        assert "Elements" in await say("hva er elements?")  # the cookie is set here
        assert "tilgang til Elements" in await say("hvordan får jeg tilgang til det?")
        questions = [f"hva er {tool.lower()}?" for tool in TOOLS]
        answers = await asyncio.gather(*(say(q) for q in questions))
        for tool, answer in zip(TOOLS, answers):
            assert tool.lower() in answer.lower()
