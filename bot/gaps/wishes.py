"""What employees are told back about gaps (issue 17, items 4 and 5): IT's news on a group of gaps
(a status that carries news, with its public note), and the wish list: the largest groups of the
gap log, each resting on at least the department threshold of records, with the votes employees
added (one row per vote, nothing about who; the conversation's slot makes it count once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.catalogue import snapshot
from bot.gaps import queries
from bot.gaps.models import NEWS, Gap, GapVote
from bot.records import Record

TOP = 5


@dataclass(frozen=True)
class News:
    """IT's latest word on a group of gaps that employees are told."""

    status: str  # one of models.NEWS
    public_note: str | None


@dataclass(frozen=True)
class Wish:
    """One entry of the wish list."""

    key: str  # queries.group_key
    label: str
    count: int  # the group's records and votes
    news: News | None


def news(session: Session, key: str) -> News | None:
    """The news of the group `key`: the status and public note IT changed last among its gaps with
    a status that carries news (avvist only with its why); None when there is none."""
    query = (
        select(Gap.kind, Gap.private_tool, Gap.need, Gap.status, Gap.public_note)
        .where(Gap.status.in_(NEWS))
        .order_by(Gap.updated_at.desc(), Gap.id.desc())
    )
    if key.startswith("tool:"):
        query = query.where(Gap.kind == "private_tool", Gap.private_tool == key[len("tool:") :])
    for kind, tool, need, status, public_note in session.execute(query):
        if queries.group_key(kind, tool, need) == key and (status != "avvist" or public_note):
            return News(status, public_note)
    return None


def vote_counts(session: Session, keys: list[str]) -> dict[str, int]:
    """The votes of each group in `keys`."""
    if not keys:
        return {}
    rows = session.execute(
        select(GapVote.group_key, func.count()).where(GapVote.group_key.in_(keys)).group_by(GapVote.group_key)
    )
    return {key: count for key, count in rows}


def wishes(session: Session, threshold: int, top: int = TOP) -> list[Wish]:
    """The `top` groups of the whole gap log by records and votes, among the groups of at least
    `threshold` records (a smaller group is never shown, nor its count)."""
    whole_log = queries.GapFilter(start=queries.FIRST_DAY, end=queries.LAST_DAY)
    groups = [g for g in queries.groups(session, whole_log) if g.count >= threshold]
    votes = vote_counts(session, [g.key for g in groups])
    ranked = sorted(groups, key=lambda g: (-(g.count + votes.get(g.key, 0)), g.key))[:top]
    names = snapshot.view(session).private_tools
    return [
        Wish(
            key=g.key,
            label=_label(g, names),
            count=g.count + votes.get(g.key, 0),
            news=news(session, g.key),
        )
        for g in ranked
    ]


def _label(group: queries.Group, names: dict) -> str:
    """A private tool's catalogue name; else the group's shortest need text (masked, and the one
    that says least beyond the terms every record of the group shares)."""
    if group.key.startswith("tool:"):
        return names[group.label].name if group.label in names else group.label
    return min((need for need in group.needs if need), key=lambda need: (len(need), need), default=group.label)


def _write_vote(session: Session, payload: dict) -> None:
    if session.scalar(select(GapVote.id).where(GapVote.record_id == payload["record_id"])) is None:
        created = datetime.fromisoformat(payload["created_at"])
        session.add(GapVote(record_id=payload["record_id"], group_key=payload["group_key"], created_at=created))


# The spool's writer for votes (bot.spool.writers, with bot.gaps.recorder's).
WRITERS = {"gap_vote": _write_vote}


def vote_record(key: str) -> Record:
    """One vote for the group `key`, as a record to store (spool.write_all)."""
    return Record(
        "gap_vote",
        {"record_id": str(uuid.uuid4()), "created_at": datetime.now(timezone.utc).isoformat(), "group_key": key},
    )
