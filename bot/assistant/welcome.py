"""The greeting of a new conversation, for the web widget (GET /api/welcome) and Teams' welcome
card alike: one line on what the assistant does and a few questions to try, drawn from the
catalogue: the starter pack (when the catalogue has one), the first task of the tool for everyone
with the most tasks, the private tool employees asked about most in the gap log (else the first by
name; «Kan jeg bruke Dropbox?») and the wish list («Hva savner andre?»).

A button sends its question as written (title and payload are the same text), so the NLU reads it
like anything the employee types and the conversation history shows it as it was clicked.

Teams sends the card when the bot is added to a conversation; `first_welcome` remembers which
conversations got it (a digest of the id, in the database every replica shares), so it goes once.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.assistant.models import WelcomedConversation
from bot.assistant.onboarding import starter_pack
from bot.assistant.replies import Button, Reply
from bot.catalogue import snapshot
from bot.catalogue.schema import EVERYONE, CatalogueFile, item_in_standard
from bot.gaps.models import GapTotal
from bot.texts import text


def _question(key: str, standard: str, **values: str) -> Button:
    question = text(key, standard, **values)
    return Button(question, question)


def suggestions(catalogue: CatalogueFile | None, standard: str, asked_most: str | None = None) -> list[Button]:
    """The questions to try, those the catalogue has something for (`asked_most`: the id of the
    private tool to ask about); without a catalogue (its database unreachable, no copy yet) none."""
    if catalogue is None:
        return []
    buttons = []
    if starter_pack(catalogue, None).tools:
        buttons.append(_question("welcome.onboarding", standard))
    for_everyone = [t for t in catalogue.tools if EVERYONE in t.audience and t.tasks]
    if for_everyone:
        common = min(for_everyone, key=lambda t: (-len(t.tasks), t.name.casefold()))
        buttons.append(
            _question("welcome.task", standard, task=item_in_standard(common, "tasks", common.tasks[0], standard))
        )
    private = {p.id: p for p in catalogue.private_tools}
    if private:
        chosen = private.get(asked_most or "") or min(private.values(), key=lambda p: p.name.casefold())
        buttons.append(_question("welcome.private_tool", standard, tool=chosen.name))
    buttons.append(_question("welcome.wish_list", standard))
    return buttons


def welcome(catalogue: CatalogueFile | None, standard: str, asked_most: str | None = None) -> Reply:
    """The greeting with its suggested questions as buttons."""
    return Reply(text("welcome.greeting", standard), tuple(suggestions(catalogue, standard, asked_most)))


def asked_most(session: Session, private_tools: list[str]) -> str | None:
    """Which of these private tools (ids) has the most gap records (the gap log's quarterly
    totals), or None when none has any."""
    total = func.sum(GapTotal.count)
    return session.scalar(
        select(GapTotal.private_tool)
        .where(GapTotal.grain == "quarter", GapTotal.kind == "private_tool", GapTotal.private_tool.in_(private_tools))
        .group_by(GapTotal.private_tool)
        .order_by(total.desc(), GapTotal.private_tool)
        .limit(1)
    )


def greeting(session: Session, standard: str) -> Reply:
    """The greeting from the catalogue and the gap log. When the database cannot be read: from the
    catalogue's last copy, or without suggestions when there is none."""
    try:
        catalogue = snapshot.view(session).file  # the last copy while the database is down
    except SQLAlchemyError:
        return welcome(None, standard)
    try:
        most = asked_most(session, [p.id for p in catalogue.private_tools])
    except SQLAlchemyError:
        session.rollback()
        most = None
    return welcome(catalogue, standard, most)


def first_welcome(session: Session, channel: str, conversation_id: str) -> bool:
    """True the first time a conversation of `channel` is to be welcomed, and remembers it; False
    after that. The unique digest decides, so of two replicas welcoming at once only one gets True."""
    digest = hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()
    try:
        with session.begin_nested():
            session.add(WelcomedConversation(channel=channel, conversation_digest=digest))
    except IntegrityError:
        return False
    return True
