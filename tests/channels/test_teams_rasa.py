"""The Teams channel in a real `rasa run` with the trained model, talking to the fake Bot
Framework: signed activities get answers posted to the connector (buttons as clickable cards),
badly authenticated ones get 401 and are not processed at all, also when our web service relays
them (as in production)."""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import replace

import pytest
import requests
from assistant_services import SECRETS, running_assistant, seeded_database
from fake_botframework import new_rsa_key
from sqlalchemy import select

from bot import db
from bot.config import settings
from bot.gaps.models import Gap
from bot.training.serving import admin_token
from bot.web.app import create_app
from bot.web.teams_relay import PATH

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def teams_assistant(trained_model, botframework, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("teams")
    db_url = seeded_database(workdir / "catalogue.db")
    with running_assistant(trained_model, db_url, workdir, extra_env=botframework.environment()) as running:
        yield running


def post(assistant, activity: dict, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.post(f"{assistant.rasa_url}/webhooks/teams/webhook", json=activity, headers=headers, timeout=60)


def tracker(assistant, sender: str) -> dict:
    response = requests.get(
        f"{assistant.rasa_url}/conversations/{urllib.parse.quote(sender, safe=':')}/tracker",
        headers={"Authorization": f"Bearer {admin_token(SECRETS['BOT_RASA_JWT_SECRET'])}"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def texts(replies: list[dict]) -> str:
    """The replies' texts, also those on cards."""
    return "\n".join(
        part
        for r in replies
        for part in [r["activity"].get("text", "")]
        + [a["content"].get("text", "") for a in r["activity"].get("attachments", [])]
    )


def test_a_signed_message_is_answered_in_its_conversation(teams_assistant, botframework):
    activity = botframework.activity("hei")
    response = post(teams_assistant, activity, botframework.token())
    assert response.status_code == 200
    replies = botframework.replies_to(activity["conversation"]["id"])
    assert replies and "robot" in texts(replies).lower()
    for reply in replies:
        assert reply["authorization"] == "Bearer bot-token"
        assert reply["activity"]["recipient"] == {"id": activity["from"]["id"]}
        assert reply["activity"]["from"] == activity["recipient"]


def test_buttons_arrive_as_cards_whose_clicks_and_submits_reach_the_nlu(teams_assistant, botframework):
    activity = botframework.activity("hvordan bytter jeg vakt med en kollega?")
    conversation, user = activity["conversation"]["id"], activity["from"]
    assert post(teams_assistant, activity, botframework.token()).status_code == 200
    cards = [
        a
        for r in botframework.replies_to(conversation)
        for a in r["activity"].get("attachments", [])
        if a["contentType"] == "application/vnd.microsoft.card.hero"
    ]
    assert cards, "no card with buttons"
    buttons = [b for card in cards for b in card["content"]["buttons"]]
    assert buttons and all(b["type"] == "messageBack" and b["text"] and b["displayText"] == b["title"] for b in buttons)

    # A click in Teams: messageBack sends the button's text and value.
    button = next(b for b in buttons if b["text"].startswith("/"))
    intent = button["text"][1:].split("{")[0]
    click = botframework.activity(button["text"], conversation=conversation, value=button["value"], **{"from": user})
    before = len(botframework.replies_to(conversation))
    assert post(teams_assistant, click, botframework.token()).status_code == 200
    assert len(botframework.replies_to(conversation)) > before
    assert tracker(teams_assistant, user["id"])["latest_message"]["intent"]["name"] == intent

    # An Adaptive Card Action.Submit: no text, only the value.
    submit = botframework.activity(conversation=conversation, value={"payload": button["text"]}, **{"from": user})
    before = len(botframework.replies_to(conversation))
    assert post(teams_assistant, submit, botframework.token()).status_code == 200
    assert len(botframework.replies_to(conversation)) > before
    latest = tracker(teams_assistant, user["id"])["latest_message"]
    assert (latest["text"], latest["intent"]["name"]) == (button["text"], intent)


def test_mentions_are_stripped_personal_data_masked_and_gaps_logged_as_teams(teams_assistant, botframework):
    activity = botframework.activity("<at>Digihjelpen</at> kan jeg bruke dropbox til jobbfiler? ring 91234567")
    assert post(teams_assistant, activity, botframework.token()).status_code == 200
    assert "OneDrive" in texts(botframework.replies_to(activity["conversation"]["id"]))
    latest = tracker(teams_assistant, activity["from"]["id"])["latest_message"]
    assert latest["text"] == "kan jeg bruke dropbox til jobbfiler? ring [telefon]"
    assert latest["metadata"] == {"channel": "teams"}
    with db.session_scope(teams_assistant.db_url) as session:
        gap = session.scalars(select(Gap).order_by(Gap.id.desc())).first()
        assert (gap.private_tool, gap.channel, gap.text) == (
            "dropbox",
            "teams",
            "kan jeg bruke dropbox til jobbfiler? ring [telefon]",
        )


def expired(fake):
    now = int(time.time())
    return fake.token(exp=now - 3600, nbf=now - 7200)


REFUSED = {
    "unsigned": lambda fake: None,
    "wrongly signed": lambda fake: fake.token(key=new_rsa_key()),
    "expired": expired,
    "wrong audience": lambda fake: fake.token(aud="another-bot"),
    "wrong issuer": lambda fake: fake.token(iss="https://evil.example"),
    "HS256": lambda fake: fake.token(algorithm="HS256", key="a-shared-secret-of-32-bytes-long!"),
    "alg none": lambda fake: fake.token(algorithm="none"),
    "other service url": lambda fake: fake.token(serviceurl="https://evil.example/"),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_badly_authenticated_activities_get_401_and_are_not_processed(teams_assistant, botframework, kind):
    activity = botframework.activity("hei")
    conversation, user = activity["conversation"]["id"], activity["from"]
    response = post(teams_assistant, activity, REFUSED[kind](botframework))
    assert response.status_code == 401
    assert botframework.replies_to(conversation) == []
    # Rasa handles one sender's messages one at a time: once a signed message from the same sender
    # is answered, the refused one would have been handled before it, had it been let in at all.
    follow_up = botframework.activity("takk", conversation=conversation, **{"from": user})
    assert post(teams_assistant, follow_up, botframework.token()).status_code == 200
    events = tracker(teams_assistant, user["id"])["events"] or []
    assert [e["text"] for e in events if e["event"] == "user"] == ["takk"]


def test_rasa_starts_with_the_teams_channel_off_when_it_is_not_configured(assistant):
    # The shared assistant runs without BOT_TEAMS_* settings.
    assert requests.get(f"{assistant.rasa_url}/webhooks/teams/", timeout=10).json() == {"status": "off"}
    response = requests.post(
        f"{assistant.rasa_url}/webhooks/teams/webhook", json={"type": "message", "text": "hei"}, timeout=10
    )
    assert response.status_code == 503


def test_a_wrong_token_cannot_redirect_replies(teams_assistant, botframework):
    # A valid token, but the activity names another service: the bot must not post there.
    activity = botframework.activity("hei", serviceUrl="http://127.0.0.1:9/elsewhere/")
    assert post(teams_assistant, activity, botframework.token()).status_code == 401
    assert botframework.replies_to(activity["conversation"]["id"]) == []


async def test_activities_relayed_by_our_web_service_are_validated_and_answered_by_rasa(
    teams_assistant,
    botframework,
    aiohttp_client,
):
    """The production path: the Bot Connector posts to the web service, which relays the request
    unchanged to the sender's Rasa replica (bot/web/teams_relay.py); the token still passes Rasa's
    checks, serviceUrl claim included, and a bad one is still refused."""
    web = await aiohttp_client(
        create_app(
            replace(
                settings(),
                rasa_replicas=(teams_assistant.rasa_url,),
                tracker_store_url=teams_assistant.tracker_store_url,
            )
        )
    )
    activity = botframework.activity("hei")
    response = await web.post(PATH, json=activity, headers={"Authorization": f"Bearer {botframework.token()}"})
    assert response.status == 200
    assert "robot" in texts(botframework.replies_to(activity["conversation"]["id"])).lower()

    refused = botframework.activity("hei")
    wrong_audience = botframework.token(aud="another-bot")
    response = await web.post(PATH, json=refused, headers={"Authorization": f"Bearer {wrong_audience}"})
    assert response.status == 401
    assert botframework.replies_to(refused["conversation"]["id"]) == []


def test_the_bot_added_sends_one_welcome_card_whose_questions_are_answered(teams_assistant, botframework):
    installed = botframework.activity(type="conversationUpdate")
    installed["membersAdded"] = [installed["recipient"], {"id": installed["from"]["id"]}]
    conversation, user = installed["conversation"]["id"], installed["from"]
    assert post(teams_assistant, installed, botframework.token()).status_code == 200
    assert post(teams_assistant, installed, botframework.token()).status_code == 200  # sent again: no second card
    [welcome] = botframework.replies_to(conversation)
    [card] = welcome["activity"]["attachments"]
    assert card["content"]["text"].startswith("Hei! Jeg er Digihjelpen")
    task = next(b for b in card["content"]["buttons"] if b["title"].startswith("Hvordan kan jeg "))
    assert task["title"] == "Hvordan kan jeg holde videomøter?"  # Teams, in the seed catalogue

    click = botframework.activity(task["text"], conversation=conversation, value=task["value"], **{"from": user})
    assert post(teams_assistant, click, botframework.token()).status_code == 200
    assert "Teams" in texts(botframework.replies_to(conversation)[1:])
