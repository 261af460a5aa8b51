"""Only our own services reach Rasa's REST channel and the action server: requests without the
shared secret, or with a wrong one, get 401/403 and are not processed; with it they work. The
channel runs in a real Sanic app (with a stand-in for Rasa's agent), the action server as the
process `bot run` starts, and both once more in the real assistant (slow), where Rasa sends the
action server's secret from endpoints.yml and neither answers a foreign origin with CORS headers,
and behind our web service's relay, which sends the channel's secret.
"""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from assistant_services import SECRETS, free_port, service_environment, start, stop, wait_until_up

from bot import runner
from bot.service_secrets import HEADER, configured_or_generated

WRONG = {HEADER: "not-the-secret-" + "x" * 30}
CHANNEL = {HEADER: SECRETS["BOT_CHANNEL_SECRET"]}
ACTIONS = {HEADER: SECRETS["BOT_ACTION_SECRET"]}
FOREIGN_ORIGIN = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials")


def test_a_missing_secret_is_generated_once_for_every_process_and_only_its_owner_can_read_it(tmp_path):
    secret_file = tmp_path / "var" / "channel-secret"
    with ThreadPoolExecutor(8) as pool:  # services starting at the same moment
        found = set(pool.map(lambda _: configured_or_generated("", secret_file), range(16)))
    assert len(found) == 1 and len(found.pop()) >= 40
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert [p.name for p in secret_file.parent.iterdir()] == ["channel-secret"]  # no drafts left behind
    configured = "from-the-environment-q3T8vXm2Lr9Kz4Wc"  # random-looking: a guessable one is refused
    assert configured_or_generated(configured, secret_file) == configured


@pytest.mark.parametrize("headers, status", [({}, 401), (WRONG, 403), ({HEADER: ""}, 401)])
async def test_the_rest_channel_refuses_a_request_without_our_secret(rest_channel, headers, status):
    body = {"sender": "s", "message": "hei"}
    async with rest_channel.session.post("/webhooks/rest/webhook", json=body, headers=headers) as response:
        assert response.status == status
        assert HEADER in (await response.json())["error"]
    async with rest_channel.session.post("/webhooks/rest/webhook", data=b"[]", headers=headers) as response:
        assert response.status == status  # refused before the body is looked at
    assert rest_channel.agent.handled == []


async def test_the_rest_channel_answers_our_web_service(rest_channel):
    body = {"sender": "s", "message": "ring meg på 41234567"}
    async with rest_channel.session.post("/webhooks/rest/webhook", json=body, headers=CHANNEL) as response:
        assert response.status == 200
        replies = await response.json()
    [handled] = rest_channel.agent.handled
    assert "41234567" not in handled.text and replies == [{"recipient_id": "s", "text": f"Svar på: {handled.text}"}]


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    """The action server as `bot run` starts it (`python -m bot.action_server`, its environment)."""
    port, workdir = free_port(), tmp_path_factory.mktemp("actions")
    log = workdir / "actions.log"
    env = {
        **service_environment(action_port=port, database_url=f"sqlite:///{workdir / 'bot.db'}"),
        "BOT_SPOOL_DIR": str(workdir / "spool"),
    }
    process = start(runner.actions_service("actions", port), env, log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", [process], [log])
        yield f"http://127.0.0.1:{port}"
    finally:
        stop([process])


@pytest.mark.parametrize("headers, status", [({}, 401), (WRONG, 403)])
def test_the_action_server_refuses_a_request_without_rasas_secret(action_server, headers, status):
    call = {"next_action": "action_tool_info", "sender_id": "s", "tracker": {}, "domain": {}}
    response = requests.post(f"{action_server}/webhook", json=call, headers=headers, timeout=30)
    assert response.status_code == status and HEADER in response.json()["error"]
    assert requests.get(f"{action_server}/actions", headers=headers, timeout=30).status_code == status


def test_the_action_server_answers_rasa_and_its_probe(action_server):
    assert requests.get(f"{action_server}/health", timeout=30).json() == {"status": "ok"}  # probes need no secret
    listed = requests.get(f"{action_server}/actions", headers=ACTIONS, timeout=30)
    assert listed.status_code == 200 and {"name": "action_tool_info"} in listed.json()
    call = {"next_action": "no_such_action", "tracker": {}, "domain": {}}
    unknown = requests.post(f"{action_server}/webhook", json=call, headers=ACTIONS, timeout=30)
    assert unknown.status_code == 404  # past the check, in rasa-sdk's executor


def test_the_action_servers_readiness_names_its_database_and_spool(action_server):
    """The web's /health gathers this (bot/web/health.py); it needs no secret either."""
    ready = requests.get(f"{action_server}/health/ready", timeout=30)
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok", "spool": 0}


@pytest.mark.slow
def test_the_assistant_refuses_strangers_and_answers_through_its_action_server(assistant):
    webhook, message = f"{assistant.rasa_url}/webhooks/rest/webhook", {"sender": "stranger", "message": "hei"}
    for headers, status in (({}, 401), (WRONG, 403), (ACTIONS, 403)):  # the action server's secret is not the channel's
        assert requests.post(webhook, json=message, headers=headers, timeout=60).status_code == status
    for headers, status in (({}, 401), (WRONG, 403), (CHANNEL, 403)):
        assert (
            requests.post(f"{assistant.action_url}/webhook", json={}, headers=headers, timeout=60).status_code == status
        )
    # Rasa calls the action server with its secret from endpoints.yml: the tool answer comes from an action.
    assert "Teams" in assistant.texts("friend", "hva er teams?")


@pytest.mark.slow
def test_rasa_and_the_action_server_grant_no_other_origin(assistant):
    for url in (f"{assistant.rasa_url}/webhooks/rest/webhook", f"{assistant.action_url}/webhook"):
        preflight = requests.options(url, headers=FOREIGN_ORIGIN, timeout=30)
        answer = requests.post(
            url, json={"sender": "s", "message": "hei"}, headers={**CHANNEL, **FOREIGN_ORIGIN}, timeout=60
        )
        for response in (preflight, answer):
            assert not any(name in response.headers for name in CORS_HEADERS), (url, dict(response.headers))


@pytest.mark.slow
def test_the_web_relay_reaches_the_assistant_with_the_channel_secret(web_service):
    response = requests.post(f"{web_service.url}/api/messages", json={"message": "hva er teams?"}, timeout=60)
    assert response.status_code == 200
    assert "Teams" in "\n".join(reply.get("text", "") for reply in response.json()["replies"])
