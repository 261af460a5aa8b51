"""The widget's relay to Rasa, through the whole web app: server-issued signed conversation ids,
the length and rate limits, messages with nothing visible, masking, Rasa being down or answering
nothing, and the history and deletion in a SQL tracker store of Rasa's schema. Rasa itself is
stood in for by a small aiohttp server (the real one is tested in tests/browser/test_widget.py)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import time
from dataclasses import replace

import pytest
from aiohttp import web
from limit_counts import BACKENDS, FakeClock, make_counts, redis_url, unique_prefix
from sqlalchemy import text

from bot.config import settings
from bot.db import engine_for
from bot.web import chat
from bot.web.app import create_app
from bot.web.ratelimit import RateLimit
from bot.web.widget_session import COOKIE

# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent).
EVENTS_TABLE = """CREATE TABLE events (
    id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""
SHARED_SESSION_SECRET = base64.b64encode(hashlib.sha256(b"tests/web two replicas").digest()).decode()
BUTTONS = [{"title": "👍 Ja", "payload": "/feedback_helpful"}, {"title": "👎 Nei", "payload": "/feedback_not_helpful"}]


class FakeRasa:
    """Rasa's REST webhook: records what it is sent and answers with a text and two buttons, or,
    when `silent`, with nothing, as Rasa does when an action fails (its action server is down)."""

    def __init__(self):
        self.received: list[dict] = []
        self.silent = False

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.silent:
            return web.json_response([])
        return web.json_response(
            [
                {"recipient_id": body["sender"], "text": f"Svar på: {body['message']}"},
                {"recipient_id": body["sender"], "text": "Fikk du svar?", "buttons": BUTTONS},
                {"recipient_id": body["sender"], "image": "https://example.org/x.png"},
            ]
        )


@pytest.fixture
def tracker_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    with engine_for(url).begin() as connection:
        connection.execute(text(EVENTS_TABLE))
    return url


@pytest.fixture
async def rasa(aiohttp_server):
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", fake.webhook)
    fake.server = await aiohttp_server(app)
    return fake


@pytest.fixture
async def client(aiohttp_client, rasa, tracker_url):
    config = replace(settings(), rasa_port=rasa.server.port, tracker_store_url=tracker_url, session_secret="")
    return await aiohttp_client(create_app(config))


def conversation_cookie(client) -> str:
    return next(c.value for c in client.session.cookie_jar if c.key == COOKIE)


async def say(client, message: str):
    return await client.post("/api/messages", json={"message": message})


async def test_the_server_issues_a_signed_http_only_cookie_and_relays_as_that_sender(client, rasa):
    response = await say(client, "hei")
    assert response.status == 200
    header = response.headers["Set-Cookie"]
    assert f"{COOKIE}=" in header and "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
    assert "Max-Age" not in header and "expires" not in header.lower()  # a session cookie
    conversation, signature = conversation_cookie(client).split(".")
    assert len(conversation) >= 32 and signature
    assert rasa.received[-1] == {"sender": conversation, "message": "hei", "metadata": {"channel": "web"}}

    second = await say(client, "takk")
    assert "Set-Cookie" not in second.headers
    assert rasa.received[-1]["sender"] == conversation


async def test_replies_keep_only_text_and_buttons(client):
    body = await (await say(client, "hei")).json()
    assert body == {
        "message": "hei",
        "replies": [
            {"from": "bot", "text": "Svar på: hei", "buttons": []},
            {"from": "bot", "text": "Fikk du svar?", "buttons": BUTTONS},
        ],
    }


@pytest.mark.parametrize("forged", ["attacker-chosen-id", "attacker-chosen-id.c2lnbmF0dXJl", ".", "é.x"])
async def test_a_conversation_id_the_server_did_not_sign_is_never_used(client, rasa, forged):
    client.session.cookie_jar.update_cookies({COOKIE: forged})
    response = await say(client, "hei")
    assert response.status == 200
    issued = response.cookies[COOKIE].value
    assert issued != forged
    assert rasa.received[-1]["sender"] == issued.split(".")[0] != forged.split(".")[0]


async def test_a_cookie_signed_by_another_server_is_not_accepted(aiohttp_client, client, rasa, tracker_url):
    await say(client, "hei")
    other = await aiohttp_client(
        create_app(replace(settings(), rasa_port=rasa.server.port, tracker_store_url=tracker_url))
    )
    other.session.cookie_jar.update_cookies({COOKIE: conversation_cookie(client)})
    await say(other, "hei")
    assert rasa.received[-1]["sender"] != rasa.received[0]["sender"]


async def test_personal_data_is_masked_before_rasa_and_shown_masked(client, rasa):
    body = await (await say(client, "ring meg på 912 34 567 eller kari@kommune.no")).json()
    assert body["message"] == "ring meg på [telefon] eller [e-post]"
    assert rasa.received[-1]["message"] == "ring meg på [telefon] eller [e-post]"


async def test_messages_over_1000_characters_are_refused_in_norwegian(client, rasa):
    assert (await say(client, "a" * 1000)).status == 200
    response = await say(client, "a" * 1001)
    assert response.status == 413
    assert (await response.json())["error"] == "Meldingen er for lang. Skriv kortere, høyst 1000 tegn."
    assert len(rasa.received) == 1


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "GZIP, identity"])
async def test_compressed_bodies_are_refused_before_they_are_inflated(client, rasa, encoding):
    bomb = gzip.compress(json.dumps({"message": "a" * 10_000_000}).encode())  # 10 MB in ~10 KB
    response = await client.post(
        "/api/messages", data=bomb, headers={"Content-Type": "application/json", "Content-Encoding": encoding}
    )
    assert response.status == 415
    assert "uten komprimering" in (await response.json())["error"]
    assert rasa.received == []


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"message": 5}', b"{}"])
async def test_malformed_requests_get_400(client, rasa, body):
    response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert "Last siden på nytt" in (await response.json())["error"]
    assert rasa.received == []


@pytest.mark.parametrize(
    "message",
    [
        "   ",
        "\u200b" * 50,  # zero-width spaces
        "\ufeff\u2060\u200c\u200d",  # BOM, word joiner, zero-width (non-)joiner
        "\u202e\u202c\u200e\u200f\u061c\u2066\u2069",  # direction overrides, marks and isolates
        "\x00\x07\x1b\x7f\x85\x9b",  # control characters
        "\udfff\ud800",  # lone surrogates (the other order would be a pair)
        "\u0301\u0308\ufe0f\u20e3",  # marks with nothing to mark
        "\u00a0\u3000\u2028\u2029\t\u200b\n",  # other spaces and separators, mixed
    ],
)
async def test_a_message_with_nothing_visible_is_refused_as_empty(client, rasa, message):
    response = await say(client, message)
    assert (response.status, (await response.json())["error"]) == (400, "Skriv en melding først.")
    assert rasa.received == []


@pytest.mark.parametrize(
    "message", ["👍", "🫠", "👩🏽\u200d💻", "🇳🇴", "a", "?", "5", "e\u0301", "مرحبا", "\u200bhei\u200b"]
)
async def test_emoji_single_characters_and_text_with_invisible_characters_reach_rasa(client, rasa, message):
    response = await say(client, message)
    assert response.status == 200
    assert rasa.received[-1]["message"] == (await response.json())["message"] == message


async def test_control_characters_and_lone_surrogates_are_dropped_before_rasa(client, rasa):
    response = await say(client, "ring\x00 meg\ud800 på 4123\x074567\nfør\t12")
    assert response.status == 200
    assert rasa.received[-1]["message"] == (await response.json())["message"] == "ring meg på [telefon]\nfør\t12"


async def test_more_than_20_messages_a_minute_get_429_per_conversation(client, rasa, aiohttp_client, tracker_url):
    for _ in range(chat.MESSAGES_PER_MINUTE):
        assert (await say(client, "hei")).status == 200
    response = await say(client, "hei igjen")
    assert response.status == 429
    assert (await response.json())["error"] == "Du har sendt mange meldinger på kort tid. Vent et minutt og prøv igjen."
    assert len(rasa.received) == chat.MESSAGES_PER_MINUTE

    # Another employee (another conversation on the same server) is not held back.
    other = await aiohttp_client(client.server)
    assert (await say(other, "hei")).status == 200


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_rate_limit_is_a_sliding_window(backend):
    clock = FakeClock(0.0)
    counts = make_counts(backend, clock)
    limit = RateLimit(counts, "chat", 2, 60)
    try:
        assert await limit.allow("a") and await limit.allow("a") and not await limit.allow("a")
        assert await limit.allow("b")
        clock.seconds = 59.9
        assert not await limit.allow("a")
        clock.seconds = 60.001  # an event exactly one window old still counts, one a millisecond older not
        assert await limit.allow("a")
    finally:
        await counts.close()


async def test_two_web_replicas_sharing_redis_enforce_one_message_limit(aiohttp_client, rasa, tracker_url):
    config = replace(
        settings(),
        rasa_port=rasa.server.port,
        tracker_store_url=tracker_url,
        session_secret=SHARED_SESSION_SECRET,  # as in deploy/: the replicas accept each other's cookies
        rate_limit_url=redis_url(),
        rate_limit_prefix=unique_prefix(),
    )
    replicas = [await aiohttp_client(create_app(config)), await aiohttp_client(create_app(config))]
    assert (await say(replicas[0], "hei")).status == 200
    replicas[1].session.cookie_jar.update_cookies({COOKIE: conversation_cookie(replicas[0])})
    statuses = [(await say(replicas[n % 2], "hei")).status for n in range(1, chat.MESSAGES_PER_MINUTE + 2)]
    assert statuses == [200] * (chat.MESSAGES_PER_MINUTE - 1) + [429, 429]
    assert len(rasa.received) == chat.MESSAGES_PER_MINUTE


async def test_the_relay_lets_messages_through_when_redis_is_down(
    aiohttp_client, rasa, tracker_url, unused_tcp_port_factory, caplog
):
    config = replace(
        settings(),
        rasa_port=rasa.server.port,
        tracker_store_url=tracker_url,
        rate_limit_url=f"redis://127.0.0.1:{unused_tcp_port_factory()}/0",
    )
    client = await aiohttp_client(create_app(config))
    for _ in range(chat.MESSAGES_PER_MINUTE + 1):  # fails open: the chat stays up, without its limit
        assert (await say(client, "hemmelig melding")).status == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.web.chat" and r.levelname == "WARNING"]
    assert warnings and all("Rate limit store did not answer" in w for w in warnings)
    assert "hemmelig" not in caplog.text


async def test_rasa_unreachable_gives_502_with_a_norwegian_message(
    aiohttp_client, tracker_url, unused_tcp_port_factory
):
    config = replace(settings(), rasa_port=unused_tcp_port_factory(), tracker_store_url=tracker_url)
    client = await aiohttp_client(create_app(config))
    response = await say(client, "hei")
    assert response.status == 502
    assert (await response.json())["error"] == "Digihjelpen svarer ikke akkurat nå. Prøv igjen om litt."
    assert conversation_cookie(client)  # the conversation is kept for the retry


async def test_rasa_answering_nothing_gives_502_with_a_norwegian_message(client, rasa):
    rasa.silent = True  # it took the message, but the action failed
    response = await say(client, "hva er gat?")
    assert response.status == 502
    assert (await response.json())["error"] == "Digihjelpen svarer ikke akkurat nå. Prøv igjen om litt."
    assert rasa.received[-1]["message"] == "hva er gat?"
    assert conversation_cookie(client)  # the conversation is kept for the retry

    rasa.silent = False  # the action server is back: the widget's retry gets the answer
    response = await say(client, "hva er gat?")
    assert response.status == 200 and (await response.json())["replies"][0]["text"] == "Svar på: hva er gat?"
    assert rasa.received[0]["sender"] == rasa.received[1]["sender"]


def store_events(tracker_url: str, sender: str, events: list[dict]) -> None:
    with engine_for(tracker_url).begin() as connection:
        for event in events:
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                {"s": sender, "t": event["event"], "ts": time.time(), "d": json.dumps(event)},
            )


def rasa_events(user_text: str, bot_text: str, buttons=None) -> list[dict]:
    """A turn as Rasa's tracker store keeps it (abridged): user, action, bot."""
    return [
        {"event": "user", "text": user_text, "parse_data": {}, "input_channel": "rest", "metadata": {"channel": "web"}},
        {"event": "action", "name": "action_listen"},
        {"event": "bot", "text": bot_text, "data": {"buttons": buttons, "image": None, "custom": None}, "metadata": {}},
    ]


async def test_history_comes_back_from_the_tracker_store_with_button_titles(client, tracker_url):
    await say(client, "hei")  # gets a conversation id
    conversation = conversation_cookie(client).split(".")[0]
    store_events(tracker_url, conversation, rasa_events("hva er gat?", "GAT er vaktplanen.", BUTTONS))
    store_events(tracker_url, conversation, rasa_events("/feedback_helpful", "Takk!"))
    store_events(tracker_url, "someone-else", rasa_events("hemmelig", "svar"))

    body = await (await client.get("/api/history")).json()
    assert body["messages"] == [
        {"from": "user", "text": "hva er gat?", "buttons": []},
        {"from": "bot", "text": "GAT er vaktplanen.", "buttons": BUTTONS},
        {"from": "user", "text": "👍 Ja", "buttons": []},
        {"from": "bot", "text": "Takk!", "buttons": []},
    ]


async def test_history_of_a_new_visitor_is_empty_and_issues_a_cookie(client):
    response = await client.get("/api/history")
    assert (await response.json()) == {"messages": []}
    assert COOKIE in response.cookies


async def test_deleting_removes_the_conversation_from_the_tracker_store_and_starts_a_new_one(client, tracker_url, rasa):
    await say(client, "hei")
    old = conversation_cookie(client)
    conversation = old.split(".")[0]
    store_events(tracker_url, conversation, rasa_events("hva er gat?", "GAT er vaktplanen."))
    store_events(tracker_url, "someone-else", rasa_events("hei", "hei"))

    response = await client.delete("/api/conversation")
    assert response.status == 200
    with engine_for(tracker_url).connect() as connection:
        senders = [row[0] for row in connection.execute(text("SELECT DISTINCT sender_id FROM events"))]
    assert senders == ["someone-else"]
    assert conversation_cookie(client) != old
    assert (await (await client.get("/api/history")).json()) == {"messages": []}
    await say(client, "hei")
    assert rasa.received[-1]["sender"] != conversation


async def test_the_page_and_the_widget_script_are_served(client):
    page = await client.get("/")
    html = await page.text()
    assert '<html lang="nb">' in html and 'src="widget.js"' in html and "data-digihjelpen" in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    script = await client.get("/widget.js")
    assert script.status == 200 and script.content_type == "text/javascript"
    assert "innerHTML" not in await script.text()
    assert (await client.get("/static/widget.css")).status == 200
