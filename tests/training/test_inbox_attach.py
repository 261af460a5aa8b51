"""Attaching inbox messages to the tool or process that should have answered them
(bot.training.inbox.attach and `bot trainer attach`) on real databases: the phrase becomes a task
or a name of the entry in the same transaction, with an audit record, the messages leave the
inbox, and the assistant answers with it from the next message."""

from __future__ import annotations

import json

import pytest
from catalogue_changes import audit, tasks
from sqlalchemy import select
from storing import write_record

from bot import db, throwaway
from bot.catalogue import snapshot, store
from bot.catalogue.changes import ChangeError
from bot.feedback import recorder
from bot.feedback.models import InboxItem
from bot.training import inbox
from bot.training.examples import ExampleError


@pytest.fixture
def inbox_db(db_url, monkeypatch) -> str:
    """A database with the seed catalogue that the recorder and the `bot` command use."""
    throwaway.import_catalogue(db_url)
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    return db_url


def recorded(url: str, *messages: tuple[str, str]) -> list[int]:
    """Record (kind, text) messages as the assistant does; their ids, in order."""
    for kind, text in messages:
        write_record(recorder.inbox_record(kind, text, "find_tool", 0.4))
    with db.session_scope(url) as session:
        return list(session.scalars(select(InboxItem.id).order_by(InboxItem.id)))[-len(messages) :]


def states(url: str, ids: list[int]) -> list[tuple]:
    with db.session_scope(url) as session:
        return [
            (i.status, i.assigned_entry_kind, i.assigned_entry_id, i.assigned_intent)
            for i in (session.get(InboxItem, item_id) for item_id in ids)
        ]


def test_a_missed_need_becomes_a_task_of_the_tool_and_leaves_the_inbox(inbox_db):
    ids = recorded(inbox_db, ("no_fit", "bestille flybillett til kurs?"), ("not_helpful", "flybillett til kurs"))
    before = tasks(inbox_db, "visma-reise")
    with db.session_scope(inbox_db) as session:
        result = inbox.attach(session, ids, "tool", "visma-reise", by="trener-ola")
    assert (result.added.added, result.added.phrase, result.added.entry_name) == (
        True,
        "bestille flybillett til kurs",
        "Visma Reise",
    )
    assert result.attached == ids
    assert tasks(inbox_db, "visma-reise") == (*before, "bestille flybillett til kurs")
    assert states(inbox_db, ids) == [("koblet", "tool", "visma-reise", None)] * 2
    [change] = audit(inbox_db)
    assert (change.changed_by, change.entry_kind, change.entry_id, change.action, change.inbox_item_id) == (
        "trener-ola",
        "tool",
        "visma-reise",
        "task_added",
        ids[0],
    )
    assert json.loads(change.before_json) == list(before)
    assert json.loads(change.after_json) == [*before, "bestille flybillett til kurs"]
    with db.session_scope(inbox_db) as session:
        assert inbox.open_items(session) == []


def test_the_assistant_sees_it_in_a_new_session(inbox_db):
    [item] = recorded(inbox_db, ("no_fit", "hvordan bestiller jeg tolk til foreldremøte"))
    with db.session_scope(inbox_db) as session:  # the catalogue a running process has in memory
        before = snapshot.view(session).tools["bookings"].tasks
    assert "bestille tolk" not in before
    with db.session_scope(inbox_db) as session:
        inbox.attach(session, [item], "tool", "bookings", phrase="bestille tolk", by="trener-ola")
    with db.session_scope(inbox_db) as session:
        assert snapshot.view(session).tools["bookings"].tasks == (*before, "bestille tolk")


def test_a_process_gets_the_phrase_as_another_name(inbox_db):
    [item] = recorded(inbox_db, ("not_helpful", "Hvordan får jeg ny datamaskin?"))
    with db.session_scope(inbox_db) as session:
        process = store.get_process(session, "bestille-pc")
        result = inbox.attach(session, [item], "process", "bestille-pc", by="cli")
    assert result.added.field == "aliases"
    with db.session_scope(inbox_db) as session:
        assert store.get_process(session, "bestille-pc").aliases == (*process.aliases, "Hvordan får jeg ny datamaskin")
    assert states(inbox_db, [item]) == [("koblet", "process", "bestille-pc", None)]
    assert [(c.action, c.changed_by) for c in audit(inbox_db)] == [("alias_added", "cli")]


def test_a_phrase_the_tool_has_marks_the_messages_without_changing_the_catalogue(inbox_db):
    [item] = recorded(inbox_db, ("no_fit", "Levere reiseregning!"))
    with db.session_scope(inbox_db) as session:
        stamp = store.stamp(session)
        result = inbox.attach(session, [item], "tool", "visma-reise", by="trener-ola")
    assert not result.added.added and result.added.change is None
    assert states(inbox_db, [item]) == [("koblet", "tool", "visma-reise", None)]
    with db.session_scope(inbox_db) as session:
        assert store.stamp(session) == stamp
    assert audit(inbox_db) == []


def test_a_message_with_masked_personal_data_is_not_made_a_task(inbox_db):
    [item] = recorded(inbox_db, ("no_fit", "ring meg på 98765432 om reiseregning"))
    before = tasks(inbox_db, "visma-reise")
    with pytest.raises(ChangeError) as error:
        with db.session_scope(inbox_db) as session:
            inbox.attach(session, [item], "tool", "visma-reise", by="trener-ola")
    assert error.value.field == "phrase" and "[telefon]" in str(error.value)
    assert states(inbox_db, [item]) == [("ny", None, None, None)]
    assert tasks(inbox_db, "visma-reise") == before and audit(inbox_db) == []
    with db.session_scope(inbox_db) as session:  # the trainer writes the task in their own words
        inbox.attach(session, [item], "tool", "visma-reise", phrase="avtale reiseregning på telefon", by="trener-ola")
    assert tasks(inbox_db, "visma-reise")[-1] == "avtale reiseregning på telefon"


def test_refusals_change_nothing(inbox_db):
    first, second = recorded(inbox_db, ("no_fit", "bestille flybillett"), ("no_fit", "leie bil på jobbreise"))
    with db.session_scope(inbox_db) as session:
        inbox.dismiss(session, [second])
    for item_ids, kind, entry_id, refusal, message in (
        ([first], "tool", "finnes-ikke", ChangeError, "There is no workplace tool with the id 'finnes-ikke'."),
        ([first], "private_tool", "whatsapp", ChangeError, "not to a private tool"),
        ([first, second], "tool", "visma-reise", ExampleError, f"Inbox message {second} has been handled already."),
        ([first, 999999], "tool", "visma-reise", ExampleError, "No inbox message with id 999999."),
        ([], "tool", "visma-reise", ExampleError, "No inbox message given."),
    ):
        with pytest.raises(refusal, match=message.replace("(", r"\(").replace(".", r"\.")):
            with db.session_scope(inbox_db) as session:
                inbox.attach(session, item_ids, kind, entry_id, by="trener-ola")
    assert states(inbox_db, [first]) == [("ny", None, None, None)] and audit(inbox_db) == []


# --- bot trainer attach ------------------------------------------------------------------------------


def test_the_command_attaches_to_a_tool_or_a_process(inbox_db, cli):
    one, two, three = recorded(
        inbox_db, ("no_fit", "bestille flybillett"), ("no_fit", "fly til kurs"), ("not_helpful", "ny pc")
    )
    code, out, err = cli(
        "trainer", "attach", str(one), str(two), "--tool", "visma-reise", "--phrase", "bestille flybillett til kurs."
    )
    assert code == 0, err
    assert out == (
        "Added 'bestille flybillett til kurs' as a task of the tool Visma Reise (visma-reise). The assistant "
        "answers with it from the next message; no training needed.\nAttached 2 message(s): "
        f"{one}, {two}.\n"
    )
    code, out, _ = cli("trainer", "attach", str(three), "--process", "bestille-pc")
    assert code == 0 and out.startswith("Added 'ny pc' as another name of the process Bestille ny PC (bestille-pc).")
    assert [(c.entry_id, c.changed_by, c.inbox_item_id) for c in audit(inbox_db)] == [
        ("visma-reise", "cli", one),
        ("bestille-pc", "cli", three),
    ]
    code, out, _ = cli(
        "trainer", "attach", *map(str, recorded(inbox_db, ("no_fit", "ny PC?"))), "--process", "bestille-pc"
    )
    assert code == 0 and out.startswith("Bestille ny PC (bestille-pc) has 'ny PC' already; the catalogue is unchanged.")


def test_the_command_refuses_in_english_and_changes_nothing(inbox_db, cli):
    [item] = recorded(inbox_db, ("no_fit", "send lønnsslipp til ola@kommune.no"))
    code, _, err = cli("trainer", "attach", str(item), "--tool", "visma-hrm")
    assert code == 2 and err == (
        "error: The phrase contains personal data or the mask that replaced it ([e-post]); "
        "write it without. Give the phrase with --phrase.\n"
    )
    code, _, err = cli("trainer", "attach", str(item), "--process", "visma-hrm", "--phrase", "lønnsslipp")
    assert code == 2 and err == "error: There is no process with the id 'visma-hrm'.\n"
    code, _, err = cli("trainer", "attach", "424242", "--tool", "visma-hrm")
    assert code == 2 and "No inbox message with id 424242." in err
    for arguments in ((str(item),), (str(item), "--tool", "visma-hrm", "--process", "bestille-pc")):
        with pytest.raises(SystemExit) as exit_:
            cli("trainer", "attach", *arguments)
        assert exit_.value.code == 2
    assert states(inbox_db, [item]) == [("ny", None, None, None)] and audit(inbox_db) == []
