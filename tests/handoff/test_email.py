"""The e-mail handoff against a real SMTP server (aiosmtpd): the case arrives once, with our case
number, the masked excerpt and the contact; a case sent while the server is down arrives exactly
once when it is back."""

from __future__ import annotations

import dataclasses

from aiosmtpd.smtp import AuthResult
from cases import EMAIL, NAME, a_case
from conftest import DESK_ADDRESS
from smtp_server import SmtpServer

from bot.handoff import outbox


def body(message) -> str:
    return message.get_content()


def test_a_case_arrives_once_with_its_number_masked_excerpt_and_contact(db_url, smtp_server, email_config):
    submitted = outbox.submit(a_case(), "samtale-1", email_config, db_url)

    assert submitted.outcome == "sent"
    assert submitted.number == submitted.reference
    assert submitted.reference.startswith("DH-20") and len(submitted.reference) == len("DH-2026-000123")
    [message] = smtp_server.mailbox.messages
    assert message["To"] == DESK_ADDRESS
    assert message["Subject"] == f"[{submitted.reference}] Får ikke logget inn i Visma"
    assert message["Message-ID"] == f"<{submitted.reference}@kommune.example.no>"
    assert message["Reply-To"] == EMAIL
    text = body(message)
    assert NAME in text and EMAIL in text
    assert "ring meg på [telefon]" in text and "912 34 567" not in text
    assert outbox.deliver_waiting(email_config, db_url) == {"sent": 0, "failed": 0, "waiting": 0}
    assert len(smtp_server.mailbox.messages) == 1
    [status] = outbox.cases_of("samtale-1", email_config, db_url)
    assert (status.state, status.number, status.desk_status) == ("sent", submitted.reference, None)


def test_a_case_sent_while_the_server_is_down_arrives_exactly_once_when_it_is_back(db_url, smtp_server, email_config):
    smtp_server.stop()

    submitted = outbox.submit(a_case(), "samtale-1", email_config, db_url)
    assert submitted.outcome == "waiting" and submitted.reference
    assert outbox.deliver_waiting(email_config, db_url) == {"sent": 0, "failed": 0, "waiting": 1}
    [status] = outbox.cases_of("samtale-1", email_config, db_url)
    assert status.state == "waiting"

    smtp_server.start()
    assert outbox.deliver_waiting(email_config, db_url) == {"sent": 1, "failed": 0, "waiting": 0}
    assert outbox.deliver_waiting(email_config, db_url) == {"sent": 0, "failed": 0, "waiting": 0}
    [message] = smtp_server.mailbox.messages
    assert message["Subject"].startswith(f"[{submitted.reference}]")
    assert outbox.cases_of("samtale-1", email_config, db_url)[0].state == "sent"


def test_a_later_submit_sends_the_cases_that_waited_first(db_url, smtp_server, email_config):
    smtp_server.stop()
    waited = outbox.submit(a_case(), "samtale-1", email_config, db_url)
    smtp_server.start()

    later = outbox.submit(a_case(description="Skriveren virker ikke"), "samtale-2", email_config, db_url)

    assert later.outcome == "sent"
    subjects = sorted(m["Subject"] for m in smtp_server.mailbox.messages)
    assert subjects == sorted(
        [f"[{waited.reference}] Får ikke logget inn i Visma", f"[{later.reference}] Skriveren virker ikke"]
    )


def test_the_login_is_used_and_a_refused_login_fails_the_case(db_url, email_config):
    def authenticator(server, session, envelope, mechanism, login_data) -> AuthResult:
        good = (login_data.login, login_data.password) == (b"digihjelpen", b"riktig-passord")
        return AuthResult(success=good, handled=False)

    # PLAIN only: after a refused PLAIN, smtplib tries LOGIN, which aiosmtpd answers by hanging up
    server = SmtpServer(
        authenticator=authenticator, auth_required=True, auth_require_tls=False, auth_exclude_mechanism=["LOGIN"]
    )
    server.start()
    try:
        config = dataclasses.replace(
            email_config, smtp_port=server.port, smtp_user="digihjelpen", smtp_password="riktig-passord"
        )
        assert outbox.submit(a_case(), "samtale-1", config, db_url).outcome == "sent"
        wrong = dataclasses.replace(config, smtp_password="feil")
        assert outbox.submit(a_case(), "samtale-2", wrong, db_url).outcome == "failed"
        without = dataclasses.replace(config, smtp_user="")
        assert outbox.submit(a_case(), "samtale-3", without, db_url).outcome == "failed"
    finally:
        server.stop()
    assert len(server.mailbox.messages) == 1
    [failed] = outbox.cases_of("samtale-2", config, db_url)
    assert failed.state == "failed"
