"""What goes to the service desk: the employee's contact as given, a masked excerpt of the
conversation, a brief description, the channel and the time."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from bot.privacy.masking import mask

BRIEF_LENGTH = 80  # TOPdesk's limit for briefDescription
EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
EMAIL_LENGTH = 254


def email_in(text: str) -> str:
    """The first well-formed e-mail address written in `text` (before masking hides it), or ""."""
    for word in text.split():
        candidate = word.strip(".,;:()<>«»\"'")
        if len(candidate) <= EMAIL_LENGTH and EMAIL.match(candidate):
            return candidate
    return ""


@dataclass(frozen=True)
class Contact:
    """How the desk reaches the employee, each part optional (the employee may refuse any)."""

    name: str = ""
    email: str = ""
    teams_id: str = ""  # the Teams identity (the user's AAD object id) when the case comes from Teams


@dataclass(frozen=True)
class Case:
    contact: Contact
    excerpt: str  # masked conversation lines, "Ansatt: …" / "Digihjelpen: …"
    description: str  # at most BRIEF_LENGTH characters, masked
    channel: str  # web, teams, …
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "created_at": self.created_at.isoformat()}, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Case:
        data = json.loads(raw)
        return cls(
            contact=Contact(**data["contact"]),
            excerpt=data["excerpt"],
            description=data["description"],
            channel=data["channel"],
            created_at=datetime.fromisoformat(data["created_at"]),
        )


@dataclass(frozen=True)
class CaseReceipt:
    """The desk's answer to a case: its own number (ours for e-mail) and our reference."""

    number: str
    reference: str


def new_case(lines: list[tuple[str, str]], description: str, channel: str, contact: Contact = Contact()) -> Case:
    """A case from the conversation's last `lines` ((who, text), who being "Ansatt" or
    "Digihjelpen"), every text masked; the description is masked and cut to BRIEF_LENGTH."""
    excerpt = "\n".join(f"{who}: {mask(text)}" for who, text in lines)
    brief = " ".join(mask(description).split())
    if len(brief) > BRIEF_LENGTH:
        brief = brief[: BRIEF_LENGTH - 1].rstrip() + "…"
    return Case(
        contact=Contact(name=contact.name.strip(), email=contact.email.strip(), teams_id=contact.teams_id.strip()),
        excerpt=excerpt,
        description=brief or "Henvendelse fra Digihjelpen",
        channel=channel,
    )
