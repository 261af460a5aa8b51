"""IT's news and Ønskelista end to end over the widget's relay (our web service, Rasa with the
trained model, the action server): a status and public note IT sets through the API reach the next
employee who mentions the private tool; the wish list shows the group at the threshold, and a
vote clicked twice in one conversation is stored once."""

from __future__ import annotations

import pytest
import requests
from assistant_services import running_assistant, running_web_service, seeded_database
from sqlalchemy import func, select

from bot import db
from bot.auth import accounts
from bot.gaps.models import Gap, GapVote

pytestmark = pytest.mark.slow

NOTE = "IT planlegger å gi alle ansatte mer lagringsplass i OneDrive i mars."
THRESHOLD = 2


@pytest.fixture(scope="module")
def web(trained_model, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("gap-news")
    db_url = seeded_database(workdir / "catalogue.db")
    env = {"BOT_DEPARTMENT_THRESHOLD": str(THRESHOLD)}
    with running_assistant(trained_model, db_url, workdir, extra_env=env) as assistant:
        with running_web_service(assistant, workdir) as service:
            yield service, db_url


class Widget:
    """One employee in the widget: the relay's cookie keeps the conversation."""

    def __init__(self, url: str) -> None:
        self.url, self.http = url, requests.Session()

    def say(self, message: str) -> list[dict]:
        response = self.http.post(f"{self.url}/api/messages", json={"message": message}, timeout=90)
        response.raise_for_status()
        return response.json()["replies"]


def words(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies)


def test_the_public_note_reaches_the_next_employee_and_the_wish_list_counts_a_vote_once(web):
    service, db_url = web
    first = words(Widget(service.url).say("kan jeg bruke dropbox til å dele filer med en kollega?"))
    assert "notert dette anonymt" in first and NOTE not in first
    with db.session_scope(db_url) as session:
        [gap_id] = session.scalars(select(Gap.id).where(Gap.private_tool == "dropbox"))
        _, token = accounts.create_token(session, "it", "e2e")
    changed = requests.patch(
        f"{service.admin_url}/api/v1/gaps/{gap_id}",
        json={"status": "planlagt", "public_note": NOTE},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert changed.status_code == 200, changed.text

    employee = Widget(service.url)
    told = words(employee.say("kan jeg bruke dropbox til å dele filer med en kollega?"))
    assert f"IT planlegger en løsning: {NOTE}" in told, told

    replies = employee.say("hva savner andre?")
    assert "Dropbox (2 ganger)" in words(replies), words(replies)
    [vote] = [b["payload"] for r in replies for b in r.get("buttons") or [] if b["title"] == "Jeg savner også nr. 1"]
    assert "Stemmen din er lagt til" in words(employee.say(vote))
    assert "allerede gitt din stemme" in words(employee.say(vote))
    with db.session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(GapVote)) == 1
