"""The way to a person in Teams end to end (the fake Bot Framework, Rasa with the trained model, the
action server) to the TOPdesk stand-in: Teams tells who the employee is, so «Ja, send saken» sends
the case at once and the incident's number is shown; «Hva skjer med saken min?» gives TOPdesk's
status; who the employee is never stays in the conversation store."""

from __future__ import annotations

import pytest
import requests
from assistant_services import running_assistant, seeded_database
from sqlalchemy import create_engine, text
from topdesk_standin import APPLICATION_PASSWORD, OPERATOR, TopdeskStandIn

pytestmark = pytest.mark.slow

AAD_ID = "6f1c0a2e-0000-4000-8000-00000000abcd"


@pytest.fixture(scope="module")
def topdesk():
    standin = TopdeskStandIn()
    standin.start()
    yield standin
    standin.stop()


@pytest.fixture(scope="module")
def teams_desk(trained_model, botframework, topdesk, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("teams-handoff")
    db_url = seeded_database(workdir / "catalogue.db")
    env = {
        **botframework.environment(),
        "BOT_HANDOFF_ADAPTER": "topdesk",
        "BOT_HANDOFF_TOPDESK_URL": topdesk.url,
        "BOT_HANDOFF_TOPDESK_OPERATOR": OPERATOR,
        "BOT_HANDOFF_TOPDESK_PASSWORD": APPLICATION_PASSWORD,
        "BOT_HANDOFF_TOPDESK_CATEGORY": "Digihjelpen",
        "BOT_HANDOFF_TIMEOUT_SECONDS": "5",
    }
    with running_assistant(trained_model, db_url, workdir, extra_env=env) as running:
        yield running


def send(assistant, botframework, activity: dict) -> list[dict]:
    """Post `activity` as Teams does; the replies it got, as the connector received them."""
    conversation = activity["conversation"]["id"]
    before = len(botframework.replies_to(conversation))
    response = requests.post(
        f"{assistant.rasa_url}/webhooks/teams/webhook",
        json=activity,
        headers={"Authorization": f"Bearer {botframework.token()}"},
        timeout=90,
    )
    assert response.status_code == 200
    return botframework.replies_to(conversation)[before:]


def texts(replies: list[dict]) -> str:
    return "\n".join(
        part
        for r in replies
        for part in [r["activity"].get("text", "")]
        + [a["content"].get("text", "") for a in r["activity"].get("attachments", [])]
    )


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for a in r["activity"].get("attachments", []) for b in a["content"].get("buttons", [])]


def test_with_consent_the_case_reaches_topdesk_with_who_teams_says_it_is(teams_desk, botframework, topdesk):
    first = botframework.activity("jeg vil snakke med et menneske")
    user = {**first["from"], "name": "Kari Nordmann", "aadObjectId": AAD_ID}
    first["from"] = user
    conversation = first["conversation"]["id"]

    offer = send(teams_desk, botframework, first)
    assert "Vil du at jeg sender saken" in texts(offer)
    yes = next(b for b in buttons(offer) if b["title"] == "Ja, send saken")

    click = botframework.activity(yes["text"], conversation=conversation, value=yes["value"], **{"from": user})
    sent = texts(send(teams_desk, botframework, click))

    [incident] = topdesk.incidents
    assert f"Saksnummeret er {incident['number']}" in sent
    assert incident["caller"]["dynamicName"] == "Kari Nordmann"
    assert AAD_ID in incident["request"] and "(teams)" in incident["request"]

    status = botframework.activity("hva skjer med saken min?", conversation=conversation, **{"from": user})
    assert "Status der: Registrert" in texts(send(teams_desk, botframework, status))

    with create_engine(teams_desk.tracker_store_url).connect() as connection:
        stored = " ".join(row[0] for row in connection.execute(text("SELECT data FROM events")))
    assert AAD_ID not in stored and "Kari Nordmann" not in stored


def test_no_thanks_sends_nothing(teams_desk, botframework, topdesk):
    before = len(topdesk.incidents)
    first = botframework.activity("kan jeg få snakke med et menneske")
    conversation, user = first["conversation"]["id"], first["from"]
    no = next(b for b in buttons(send(teams_desk, botframework, first)) if b["title"] == "Nei takk")
    click = botframework.activity(no["text"], conversation=conversation, value=no["value"], **{"from": user})
    assert "jeg sender ingenting" in texts(send(teams_desk, botframework, click))
    assert len(topdesk.incidents) == before
