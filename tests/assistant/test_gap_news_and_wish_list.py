"""IT's news told back (bot.assistant.gap_status) and Ønskelista (bot.assistant.wish_list), through
turn.respond on real catalogue databases: a status that carries news and IT's public note reach the
employee who mentions the gap; the wish list shows only groups of at least the threshold of
records; a vote is stored without who and counts once per conversation."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import db, spool, throwaway
from bot.assistant.turn import Turn, respond
from bot.catalogue import store
from bot.config import settings
from bot.gaps import queries, triage
from bot.gaps.models import Gap, GapVote
from bot.texts import text

WHATSAPP = ({"entity": "private_tool", "value": "whatsapp"},)
NOTE = "IT planlegger å ta i bruk en felles vaktbytte-app i mars."


@pytest.fixture
def catalogue(database) -> Iterator[Session]:
    """A session on the database the code uses, holding the seed catalogue; the test may change it."""
    with db.session_scope(database) as session:
        store.load_and_import(session, throwaway.SEED_CATALOGUE.read_text(encoding="utf-8"), "tools.yml", replace=True)
    with db.session_scope(database) as session:
        yield session


def add_gaps(session: Session, count: int, **fields) -> list[Gap]:
    gaps = []
    for _ in range(count):
        values = {"kind": "private_tool", "private_tool": "whatsapp", "need": "Samhandling", "text": "x", **fields}
        gap = Gap(record_id=str(uuid.uuid4()), created_at=datetime.now(timezone.utc), **values)
        session.add(gap)
        gaps.append(gap)
    session.flush()
    return gaps


def mention_whatsapp(session: Session, standard: str = "nb", **slots) -> list[str]:
    turn = Turn(
        "kan jeg bruke WhatsApp på jobb?", intent="ask_allowed", entities=WHATSAPP, standard=standard, slots=slots
    )
    return [reply.text for reply in respond(session, "action_ask_allowed", turn).replies]


@pytest.mark.parametrize(
    ("status", "note", "key"),
    [
        ("planlagt", NOTE, "gap_status.planlagt_note"),
        ("løst", None, "gap_status.løst"),
        ("avvist", NOTE, "gap_status.avvist_note"),
    ],
)
def test_a_status_with_news_and_its_public_note_reach_the_next_employee(catalogue, status, note, key):
    [gap] = add_gaps(catalogue, 1)
    triage.change(catalogue, gap, "it-kari", status=status, public_note=note)
    catalogue.flush()
    expected = text(key, "nb", note=note) if note else text(key, "nb")
    assert expected in mention_whatsapp(catalogue)
    in_nynorsk = text(key, "nn", note=note) if note else text(key, "nn")
    assert in_nynorsk in mention_whatsapp(catalogue, "nn")


@pytest.mark.parametrize("status", ["ny", "under vurdering", "avvist"])
def test_no_news_is_told_for_new_under_review_or_rejected_without_why(catalogue, status):
    [gap] = add_gaps(catalogue, 1)
    triage.change(catalogue, gap, "it-kari", status=status, public_note=NOTE if status != "avvist" else "")
    catalogue.flush()
    replies = mention_whatsapp(catalogue)
    assert replies and not any(NOTE in r or "IT planlegger" in r or "IT har vurdert" in r for r in replies)


def test_the_news_is_told_once_per_conversation_with_the_gap_notice(catalogue):
    [gap] = add_gaps(catalogue, 1)
    triage.change(catalogue, gap, "it-kari", status="planlagt", public_note=NOTE)
    catalogue.flush()
    told = text("gap_status.planlagt_note", "nb", note=NOTE)
    assert mention_whatsapp(catalogue).count(told) == 1
    assert told not in mention_whatsapp(catalogue, gaps_logged=["private_tool:whatsapp"], department_asked=True)


def test_a_public_note_with_personal_data_is_refused_and_nothing_changes(catalogue):
    [gap] = add_gaps(catalogue, 1)
    for note in ("Ring Kari på 912 34 567", "Skriv til kari.nordmann@kommune.no", "Gjelder 01017012345"):
        with pytest.raises(triage.PersonalData):
            triage.change(catalogue, gap, "it-kari", status="planlagt", public_note=note)
        with pytest.raises(triage.PersonalData):
            triage.change_status_of(catalogue, [gap.id], "it-kari", "planlagt", note)
    assert gap.public_note is None and gap.status == "ny"


def wish_list(session: Session, standard: str = "nb", wish: str | None = None, **slots):
    entities = ({"entity": "wish", "value": wish},) if wish else ()
    turn = Turn("hva savner andre?", intent="wish_list", entities=entities, standard=standard, slots=slots)
    return respond(session, "action_wish_list", turn)


def test_the_wish_list_shows_only_groups_at_or_above_the_threshold(catalogue):
    threshold = settings().department_threshold
    add_gaps(catalogue, threshold)
    add_gaps(catalogue, threshold - 1, private_tool="dropbox", need="Lagring")
    add_gaps(catalogue, threshold + 1, kind="suggestion", private_tool=None, need="felles kalender for møterommene")
    answer = wish_list(catalogue)
    replies = [reply.text for reply in answer.replies]
    assert replies[0] == text("wish_list.intro")
    assert replies[1:3] == [
        text("wish_list.entry", number=1, label="felles kalender for møterommene", count=threshold + 1),
        text("wish_list.entry", number=2, label="WhatsApp", count=threshold),
    ]
    assert not any("Dropbox" in r or "dropbox" in r or f"({threshold - 1} " in r for r in replies)
    buttons = [b.payload for reply in answer.replies for b in reply.buttons]
    suggestion_key = queries.group_key("suggestion", None, "felles kalender for møterommene")
    assert buttons == [
        "/wish_list" + json.dumps({"wish": suggestion_key}, ensure_ascii=False),
        '/wish_list{"wish": "tool:whatsapp"}',
    ]


def test_the_wish_list_is_empty_below_the_threshold_and_in_nynorsk(catalogue):
    add_gaps(catalogue, settings().department_threshold - 1)
    assert [r.text for r in wish_list(catalogue).replies] == [text("wish_list.empty")]
    assert [r.text for r in wish_list(catalogue, "nn").replies] == [text("wish_list.empty", "nn")]


def test_an_entry_shows_its_news(catalogue):
    gaps = add_gaps(catalogue, settings().department_threshold)
    triage.change_status_of(catalogue, [g.id for g in gaps], "it-kari", "planlagt", NOTE)
    catalogue.flush()
    news = text("gap_status.planlagt_note", "nb", note=NOTE)
    entry = text("wish_list.entry_news", number=1, label="WhatsApp", count=len(gaps), news=news)
    assert entry in [r.text for r in wish_list(catalogue).replies]


def test_a_vote_counts_once_per_conversation_and_names_no_one(catalogue, database):
    threshold = settings().department_threshold
    add_gaps(catalogue, threshold)
    catalogue.commit()
    first = wish_list(catalogue, wish="tool:whatsapp")
    assert [r.text for r in first.replies] == [text("wish_list.voted")]
    assert first.slots == {"wish_votes": ["tool:whatsapp"]}
    [record] = first.records
    assert set(record.payload) == {"record_id", "created_at", "group_key"}
    assert spool.write_all(first.records) and spool.write_all(first.records)  # a replay writes it once
    # The same conversation again: nothing more is stored, and the list offers no button for it.
    again = wish_list(catalogue, wish="tool:whatsapp", wish_votes=["tool:whatsapp"])
    assert [r.text for r in again.replies] == [text("wish_list.already_voted")] and not again.records
    listed = wish_list(catalogue, wish_votes=["tool:whatsapp"])
    assert not [b for reply in listed.replies for b in reply.buttons]
    # Another conversation adds its own voice; the list counts records and votes.
    assert spool.write_all(wish_list(catalogue, wish="tool:whatsapp").records)
    with db.session_scope(database) as session:
        assert session.scalar(select(func.count()).select_from(GapVote)) == 2
        assert text("wish_list.entry", number=1, label="WhatsApp", count=threshold + 2) in [
            r.text for r in wish_list(session).replies
        ]


def test_a_vote_for_an_entry_the_list_does_not_show_is_not_stored(catalogue):
    add_gaps(catalogue, settings().department_threshold - 1)
    answer = wish_list(catalogue, wish="tool:whatsapp")
    assert [r.text for r in answer.replies] == [text("wish_list.unknown")] and not answer.records and not answer.slots
