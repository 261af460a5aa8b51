"""The e-mail adapter: one message per case to the service desk's address, our reference in the
subject and in a Message-ID of its own, by the standard library's smtplib (call it off the event
loop); STARTTLS and login when configured."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime

from bot.config import HandoffSettings
from bot.handoff.adapter import DeskRefused, DeskUnavailable
from bot.handoff.case import Case, CaseReceipt


def message_id(reference: str, sender: str) -> str:
    """The case's Message-ID: the same for every attempt, so a desk that drops duplicates can."""
    domain = sender.rpartition("@")[2] or "digihjelpen.invalid"
    return f"<{reference}@{domain}>"


def compose(case: Case, reference: str, sender: str, recipient: str) -> EmailMessage:
    contact = case.contact
    message = EmailMessage()
    message["From"], message["To"] = sender, recipient
    message["Subject"] = f"[{reference}] {case.description}"
    message["Message-ID"] = message_id(reference, sender)
    message["Date"] = format_datetime(case.created_at)
    if contact.email:
        message["Reply-To"] = contact.email
    who = [
        f"Navn: {contact.name or '(ikke oppgitt)'}",
        f"E-post: {contact.email or '(ikke oppgitt)'}",
    ]
    if contact.teams_id:
        who.append(f"Teams-bruker: {contact.teams_id}")
    message.set_content(
        f"Sak {reference} fra Digihjelpen, sendt med den ansattes samtykke.\n\n"
        + "\n".join(who)
        + f"\nKanal: {case.channel}\nTid: {case.created_at:%Y-%m-%d %H:%M} UTC\n\n"
        f"Kort beskrivelse: {case.description}\n\nUtdrag av samtalen (personnummer og lignende er maskert):\n"
        f"{case.excerpt}\n"
    )
    return message


class EmailDesk:
    def __init__(self, config: HandoffSettings):
        self.config = config

    def send(self, case: Case, reference: str) -> CaseReceipt:
        config = self.config
        message = compose(case, reference, config.email_from, config.email_to)
        try:
            with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout_seconds) as smtp:
                if config.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if config.smtp_user:
                    smtp.login(config.smtp_user, config.smtp_password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeskRefused(f"the mail server refused the desk's address: {error.recipients}") from None
        except smtplib.SMTPResponseException as error:  # 4xx: try again later; 5xx: for good
            if error.smtp_code >= 500:
                raise DeskRefused(f"the mail server refused the case: {error.smtp_code} {error.smtp_error!r}") from None
            raise DeskUnavailable(f"the mail server: {error.smtp_code} {error.smtp_error!r}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeskUnavailable(f"the mail server at {config.smtp_host}:{config.smtp_port}: {error}") from None
        return CaseReceipt(number=reference, reference=reference)

    def status(self, number: str) -> str | None:
        return None  # e-mail tells nothing back
