"""Teams in both written standards: a real `rasa run` with the trained model and the fake Bot
Framework; a conversation clearly written in nynorsk gets nynorsk answers (buttons on cards too),
and a nynorsk municipality answers «hei» in nynorsk."""

from __future__ import annotations

import pytest
import requests
from assistant_services import running_assistant, seeded_database

from bot.texts import text

pytestmark = pytest.mark.slow


def post(assistant, activity: dict, token: str) -> None:
    response = requests.post(
        f"{assistant.rasa_url}/webhooks/teams/webhook",
        json=activity,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code == 200


def said(botframework, conversation: str) -> str:
    """The replies' texts, also those on cards."""
    return "\n".join(
        part
        for r in botframework.replies_to(conversation)
        for part in [r["activity"].get("text", "")]
        + [a["content"].get("text", "") for a in r["activity"].get("attachments", [])]
    )


@pytest.fixture(scope="module")
def teams(trained_model, botframework, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("teams-nn")
    db_url = seeded_database(workdir / "catalogue.db")
    with running_assistant(trained_model, db_url, workdir, extra_env=botframework.environment()) as running:
        yield running


def test_a_nynorsk_conversation_in_teams_is_answered_in_nynorsk(teams, botframework):
    activity = botframework.activity("Eg lurer på korleis eg får tilgang til Teams, eg har ikkje fått det")
    post(teams, activity, botframework.token())
    answer = said(botframework, activity["conversation"]["id"])
    assert "Teams" in answer and text("feedback.ask", "nn") in answer
    assert text("feedback.ask", "nb") not in answer


def test_a_nynorsk_municipality_greets_in_nynorsk_in_teams(trained_model, botframework, tmp_path):
    db_url = seeded_database(tmp_path / "catalogue.db")
    env = {**botframework.environment(), "BOT_WRITTEN_STANDARD": "nn"}
    with running_assistant(trained_model, db_url, tmp_path, extra_env=env) as nynorsk:
        activity = botframework.activity("hei")
        post(nynorsk, activity, botframework.token())
        assert "Eg er Digihjelpen" in said(botframework, activity["conversation"]["id"])
