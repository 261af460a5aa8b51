"""The Teams channel's own checks, fast: token validation against the fake Bot Framework's real
keys over HTTP, the activity checks, text extraction, cards and the outbound connector."""

from __future__ import annotations

import time
from dataclasses import replace

import aiohttp
import pytest
from fake_botframework import APP_ID, TENANT_ID, new_rsa_key

from bot.channels import teams
from bot.channels.teams import (
    Connector,
    ForeignTenant,
    InvalidRequest,
    KeysUnavailable,
    SigningKeys,
    TeamsInput,
    bearer_token,
    check_activity,
    hero_card,
    message_text,
    validated_token,
)


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def keys(teams_config, http):
    return SigningKeys(teams_config.openid_url, lambda: http)


async def test_a_valid_token_for_the_activity_passes(botframework, teams_config, keys):
    token = await validated_token(botframework.token(), keys, teams_config)
    assert token.claims["aud"] == APP_ID and token.endorsements == ["msteams"]
    activity = botframework.activity("hei")
    assert check_activity(token, activity) is activity


def expired(fake):
    now = int(time.time())
    return fake.token(exp=now - 3600, nbf=now - 7200)


BAD_TOKENS = {
    "wrongly signed": lambda fake: fake.token(key=new_rsa_key()),
    "expired": expired,
    "wrong audience": lambda fake: fake.token(aud="someone-else"),
    "wrong issuer": lambda fake: fake.token(iss="https://evil.example"),
    "HS256": lambda fake: fake.token(algorithm="HS256", key="a-shared-secret-of-32-bytes-long!"),
    "alg none": lambda fake: fake.token(algorithm="none"),
    "no key id": lambda fake: fake.token(kid=None),
    "unknown key id": lambda fake: fake.token(kid="not-a-key"),
    "no expiry": lambda fake: fake.token(exp=None),
    "not a token": lambda fake: "not.a.token",
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
async def test_bad_tokens_are_refused(botframework, teams_config, keys, kind):
    with pytest.raises(InvalidRequest):
        await validated_token(BAD_TOKENS[kind](botframework), keys, teams_config)


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "Bearer"])
def test_only_a_bearer_token_is_accepted(header):
    with pytest.raises(InvalidRequest):
        bearer_token(header)


async def test_the_token_must_be_for_the_activitys_service_url_and_channel(botframework, teams_config, keys):
    other = await validated_token(botframework.token(serviceurl="https://evil.example/"), keys, teams_config)
    with pytest.raises(InvalidRequest):
        check_activity(other, botframework.activity("hei"))
    without = await validated_token(botframework.token(serviceurl=None), keys, teams_config)
    with pytest.raises(InvalidRequest):
        check_activity(without, botframework.activity("hei"))
    valid = await validated_token(botframework.token(), keys, teams_config)
    with pytest.raises(InvalidRequest):  # the key is endorsed for msteams only
        check_activity(valid, botframework.activity("hei", channelId="webchat"))
    for activity in (None, [], {"text": "hei"}):
        with pytest.raises(InvalidRequest):
            check_activity(valid, activity)


async def test_an_accepted_issuer_can_be_configured(botframework, teams_config, keys):
    config = replace(teams_config, issuers=("https://sts.windows.net/tenant/",))
    with pytest.raises(InvalidRequest):
        await validated_token(botframework.token(), keys, config)
    assert await validated_token(botframework.token(iss="https://sts.windows.net/tenant/"), keys, config)


def test_the_channel_starts_without_network_and_fetches_keys_only_when_needed(botframework, teams_config):
    before = botframework.key_requests
    TeamsInput(replace(teams_config, openid_url="http://127.0.0.1:9/nowhere"))
    TeamsInput(teams_config)
    assert botframework.key_requests == before


async def test_unreachable_keys_are_reported_not_taken_as_valid(botframework, teams_config, http, unused_tcp_port):
    keys = SigningKeys(f"http://127.0.0.1:{unused_tcp_port}/openid", lambda: http)
    with pytest.raises(KeysUnavailable):
        await validated_token(botframework.token(), keys, teams_config)


async def test_unknown_key_ids_fetch_the_keys_again_at_most_every_five_minutes(botframework, teams_config, http):
    now = [1000.0]
    keys = SigningKeys(teams_config.openid_url, lambda: http, clock=lambda: now[0])
    start = botframework.key_requests
    assert await keys.get("test-key-1")
    for _ in range(5):
        assert await keys.get("unknown") is None
    assert botframework.key_requests == start + 1
    now[0] += teams.KEYS_RETRY_SECONDS + 1
    assert await keys.get("unknown") is None
    assert botframework.key_requests == start + 2


async def test_the_activity_must_come_from_the_configured_tenant(botframework, teams_config, keys):
    token = await validated_token(botframework.token(), keys, teams_config)
    activity = botframework.activity("hei")
    assert check_activity(token, activity, TENANT_ID) is activity
    assert check_activity(token, activity, TENANT_ID.upper()) is activity
    for channel_data in ({"tenant": {"id": "another-tenant"}}, {"tenant": {}}, {}, None, "x"):
        with pytest.raises(ForeignTenant):
            check_activity(token, {**activity, "channelData": channel_data}, TENANT_ID)
    assert check_activity(token, {**activity, "channelData": None}) is not None  # no tenant configured


def test_mentions_are_stripped_from_the_text():
    assert message_text({"text": "<at>Digihjelpen</at> hvordan bytter jeg vakt?"}) == "hvordan bytter jeg vakt?"
    assert message_text({"text": 'Hei <at id="0">Digi hjelpen</at>, hva er GAT?'}) == "Hei , hva er GAT?"


def test_long_texts_full_of_mention_tags():
    """Inputs on which the old mention pattern backtracked for seconds (bench/masking.py times them)."""
    assert message_text({"text": "<at>" * 15_000 + "hei"}) == "<at>" * 15_000 + "hei"
    assert message_text({"text": "<at>Digihjelpen</at> " * 3_000 + "hei"}) == "hei"
    assert message_text({"text": "<at " * 15_000}) == " ".join(["<at"] * 15_000)


def test_card_submissions_reach_the_nlu_as_text():
    assert message_text({"text": "", "value": {"payload": "/feedback_helpful"}}) == "/feedback_helpful"
    assert message_text({"value": {"msteams": {"type": "messageBack"}, "question": "hva er gat?"}}) == "hva er gat?"
    assert message_text({"text": "/feedback_helpful", "value": {"payload": "/feedback_helpful"}}) == "/feedback_helpful"
    assert message_text({"value": {"flag": True}}) == ""
    assert message_text({}) == ""


def test_buttons_become_a_hero_card_with_message_back_actions():
    card = hero_card(
        "Fikk du svar?",
        [
            {"title": "👍 Ja", "payload": "/feedback_helpful"},
            {"title": "broken"},
        ],
    )
    assert card == {
        "contentType": "application/vnd.microsoft.card.hero",
        "content": {
            "text": "Fikk du svar?",
            "buttons": [
                {
                    "type": "messageBack",
                    "title": "👍 Ja",
                    "text": "/feedback_helpful",
                    "displayText": "👍 Ja",
                    "value": {"payload": "/feedback_helpful"},
                }
            ],
        },
    }


async def test_replies_are_posted_with_one_cached_token_from_the_configured_url(botframework, teams_config, http):
    connector = Connector(teams_config, lambda: http)
    before = len(botframework.token_requests)
    url = f"{botframework.service_url}v3/conversations/connector-test/activities"
    await connector.post(url, {"type": "message", "text": "én"})
    await connector.post(url, {"type": "message", "text": "to"})
    assert len(botframework.token_requests) == before + 1
    assert botframework.token_requests[-1] == {
        "grant_type": "client_credentials",
        "client_id": APP_ID,
        "client_secret": "test-password",
        "scope": "https://api.botframework.com/.default",
    }
    replies = botframework.replies_to("connector-test")
    assert [r["activity"]["text"] for r in replies] == ["én", "to"]
    assert {r["authorization"] for r in replies} == {"Bearer bot-token"}


def test_the_token_url_and_the_tenant_check_follow_the_tenant(monkeypatch):
    from bot.config import teams_settings

    monkeypatch.delenv("BOT_TEAMS_TOKEN_URL", raising=False)
    monkeypatch.setenv("BOT_TEAMS_TENANT_ID", " kommune-tenant-id ")
    assert teams_settings().token_url == "https://login.microsoftonline.com/kommune-tenant-id/oauth2/v2.0/token"
    assert teams_settings().tenant_id == "kommune-tenant-id"
    monkeypatch.delenv("BOT_TEAMS_TENANT_ID")
    assert teams_settings().token_url == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    assert teams_settings().tenant_id == ""  # activities from any tenant (an old multi-tenant registration)
    monkeypatch.delenv("BOT_TEAMS_APP_ID", raising=False)
    assert not teams_settings().enabled
