"""The way to a person end to end over the widget's relay (our web service, Rasa with the trained
model, the action server) to a real SMTP server: a case sent with consent, with its number shown;
a refusal sends nothing; a case sent while the mail server is down waits and arrives once; the
cap; «Hva skjer med saken min?»; the contact never stored in the conversation, inbox or gap log."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
from assistant_services import running_assistant, running_web_service, seeded_database
from smtp_server import SmtpServer
from sqlalchemy import create_engine, text

from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

DESK = "servicedesk@kommune.example.no"
NAME, EMAIL = "Kari Nordmann", "kari.nordmann@kommune.example.no"
CAP = 2


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def desk_env(smtp) -> dict[str, str]:
    return {
        "BOT_HANDOFF_ADAPTER": "email",
        "BOT_HANDOFF_EMAIL_TO": DESK,
        "BOT_HANDOFF_EMAIL_FROM": "digihjelpen@kommune.example.no",
        "BOT_HANDOFF_SMTP_HOST": "127.0.0.1",
        "BOT_HANDOFF_SMTP_PORT": str(smtp.port),
        "BOT_HANDOFF_TIMEOUT_SECONDS": "5",
        "BOT_HANDOFF_DAILY_CAP": str(CAP),
    }


@pytest.fixture(scope="module")
def web(trained_model, desk_env, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("handoff")
    db_url = seeded_database(workdir / "catalogue.db")
    with running_assistant(trained_model, db_url, workdir, extra_env=desk_env) as assistant:
        with running_web_service(assistant, workdir) as service:
            yield service


class Widget:
    """One employee in the widget: the relay's cookie keeps the conversation."""

    def __init__(self, url: str) -> None:
        self.url, self.http = url, requests.Session()

    def say(self, message: str) -> list[dict]:
        response = self.http.post(f"{self.url}/api/messages", json={"message": message}, timeout=90)
        response.raise_for_status()
        return response.json()["replies"]

    def click(self, replies: list[dict], title: str) -> list[dict]:
        payload = next(b["payload"] for r in replies for b in r["buttons"] if b["title"] == title)
        return self.say(payload)


def words(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies)


def offered(widget: Widget) -> list[dict]:
    replies = widget.say("jeg vil snakke med et menneske")
    assert "Vil du at jeg sender saken" in words(replies), words(replies)
    return replies


def stored_text(url: str, table: str) -> str:
    with create_engine(url).connect() as connection:
        return " ".join(" ".join(map(str, row)) for row in connection.execute(text(f"SELECT * FROM {table}")))


def test_with_consent_the_case_reaches_the_desk_and_the_contact_stays_out_of_everything_else(web, smtp):
    before = len(smtp.mailbox.messages)
    widget = Widget(web.url)
    widget.say("jeg får ikke logget inn i Visma, ring meg på 912 34 567")
    asked = widget.click(offered(widget), "Ja, send saken")
    assert "Skriv navnet ditt og e-postadressen din" in words(asked)
    assert len(smtp.mailbox.messages) == before  # nothing before the contact question is answered

    sent = words(widget.say(f"{NAME}, {EMAIL}"))
    assert "Saken er sendt til" in sent and "Saksnummeret er DH-" in sent
    [mail] = smtp.mailbox.messages[before:]
    number = sent.split("Saksnummeret er ")[1].split(".")[0]
    assert number in mail["Subject"] and mail["Reply-To"] == EMAIL
    body = mail.get_content()
    assert NAME in body and "logget inn i Visma" in body and "912 34 567" not in body

    status = words(widget.say("hva skjer med saken min?"))
    assert f"er sendt til IT-servicesenteret med saksnummer {number}" in status

    assistant = web.assistant
    conversation = stored_text(assistant.tracker_store_url, "events")
    assert NAME not in conversation and EMAIL not in conversation and "[kontaktinformasjon]" in conversation
    for table in ("inbox_items", "gaps"):
        kept = stored_text(assistant.db_url, table)
        assert NAME not in kept and "kari.nordmann" not in kept
    logs = "".join(log.read_text() for log in assistant.logs)
    assert NAME not in logs and EMAIL not in logs


def test_no_thanks_sends_nothing(web, smtp):
    before = len(smtp.mailbox.messages)
    widget = Widget(web.url)
    refused = words(widget.click(offered(widget), "Nei takk"))
    assert "jeg sender ingenting" in refused
    assert len(smtp.mailbox.messages) == before
    assert "Jeg finner ingen sak" in words(widget.say("hva skjer med saken min?"))


def test_a_case_sent_while_the_mail_server_is_down_waits_and_arrives_exactly_once(web, smtp, desk_env):
    widget = Widget(web.url)
    smtp.stop()
    try:
        asked = widget.click(offered(widget), "Ja, send saken")
        waiting = words(widget.click(asked, "Hopp over"))
        assert "Saken venter og blir sendt så snart servicesenteret svarer. Saksnummeret er DH-" in waiting
        reference = waiting.split("Saksnummeret er ")[1].rstrip(".")
        assert f"Sak {reference} venter" in words(widget.say("hva skjer med saken min?"))
    finally:
        smtp.start()
    before = len(smtp.mailbox.messages)

    env = {**os.environ, **desk_env, "BOT_DATABASE_URL": web.assistant.db_url}
    deliver = [sys.executable, "-m", "bot.cli", "handoff", "deliver"]
    first = subprocess.run(deliver, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stdout + first.stderr
    again = subprocess.run(deliver, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert "Sent 0 case(s)" in again.stdout

    mails = [m for m in smtp.mailbox.messages[before:] if reference in m["Subject"]]
    assert len(mails) == 1


def test_the_daily_cap_gives_a_clear_message(web, smtp):
    widget = Widget(web.url)
    for _ in range(CAP):
        asked = widget.click(offered(widget), "Ja, send saken")
        assert "Saken er sendt" in words(widget.click(asked, "Hopp over"))
    before = len(smtp.mailbox.messages)
    capped = words(widget.click(offered(widget), "Ja, send saken"))  # told before the contact question
    assert f"Du har allerede sendt {CAP} saker fra denne samtalen det siste døgnet" in capped
    assert len(smtp.mailbox.messages) == before
