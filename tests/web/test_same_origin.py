"""The web service talks to browsers of its own origin only and to Rasa with the channel secret:
no response grants another origin anything (no CORS headers, preflights included), a write a
browser says comes from another site is refused, and the relay's calls to Rasa carry the secret
that Rasa's REST channel requires (here a stand-in that refuses calls without it)."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.service_secrets import HEADER
from bot.web.app import FOREIGN
from bot.web.chat import error_message

SECRET = "the-channel-secret-of-this-test-" + "s" * 10
FOREIGN_ORIGIN = {"Origin": "https://evil.example"}


class GuardedRasa:
    """Rasa's REST webhook behind the channel secret: 403 without it, an echo with it."""

    def __init__(self) -> None:
        self.received: list[dict] = []

    async def webhook(self, request: web.Request) -> web.Response:
        if request.headers.get(HEADER) != SECRET:
            return web.json_response({"error": f"{HEADER} is wrong"}, status=403)
        body = await request.json()
        self.received.append(body)
        return web.json_response([{"recipient_id": body["sender"], "text": f"Svar på: {body['message']}"}])


@pytest.fixture
async def rasa(aiohttp_server) -> GuardedRasa:
    guarded = GuardedRasa()
    upstream = web.Application()
    upstream.router.add_post("/webhooks/rest/webhook", guarded.webhook)
    guarded.port = (await aiohttp_server(upstream)).port
    return guarded


@pytest.fixture
def relay_to(make_client, rasa, tmp_path):
    """The whole web app (tests/web/conftest.py) relaying to the guarded Rasa, sending `secret`."""

    async def make(secret: str):
        tracker_store_url = f"sqlite:///{tmp_path / 'tracker.db'}"
        return await make_client(rasa_port=rasa.port, channel_secret=secret, tracker_store_url=tracker_store_url)

    return make


@pytest.fixture
async def client(relay_to):
    return await relay_to(SECRET)


async def test_the_relay_sends_rasa_the_channel_secret(client):
    response = await client.post("/api/messages", json={"message": "hei"})
    assert response.status == 200 and (await response.json())["replies"][0]["text"] == "Svar på: hei"


async def test_with_another_secret_than_rasas_the_employee_gets_the_polite_unavailable(relay_to, rasa):
    client = await relay_to("another-secret-than-rasa-has-" + "x" * 10)
    response = await client.post("/api/messages", json={"message": "hei"})
    assert response.status == 502 and await response.json() == {"error": error_message("unavailable", "nb")}
    assert rasa.received == []


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/"),
        ("GET", "/widget.js"),
        ("GET", "/api/history"),
        ("POST", "/api/messages"),
        ("OPTIONS", "/api/messages"),
        ("OPTIONS", "/api/conversation"),
        ("GET", "/admin/login"),
        ("GET", "/health/live"),
    ],
)
async def test_no_answer_grants_another_origin_anything(client, method, path):
    headers = {**FOREIGN_ORIGIN, "Access-Control-Request-Method": "DELETE"} if method == "OPTIONS" else FOREIGN_ORIGIN
    response = await client.request(
        method, path, headers=headers, json={"message": "hei"} if method == "POST" else None
    )
    assert response.status < 500
    assert not [name for name in response.headers if name.lower().startswith("access-control-")], dict(response.headers)


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
@pytest.mark.parametrize(
    "method, path", [("POST", "/api/messages"), ("DELETE", "/api/conversation"), ("POST", "/admin/login")]
)
async def test_a_write_from_another_sites_page_is_refused(client, rasa, site, method, path):
    response = await client.request(
        method, path, json={"message": "hei"}, headers={**FOREIGN_ORIGIN, "Sec-Fetch-Site": site}
    )
    assert response.status == 403 and await response.json() == {"error": FOREIGN}
    assert rasa.received == []


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "same-origin"}, {}]
)  # our page, and a client that is no browser
async def test_a_write_from_our_own_page_goes_through(client, headers):
    assert (await client.post("/api/messages", json={"message": "hei"}, headers=headers)).status == 200
    assert (await client.delete("/api/conversation", headers=headers)).status == 200
    assert (
        await client.get("/api/history", headers={"Sec-Fetch-Site": "cross-site"})
    ).status == 200  # reads are not writes
