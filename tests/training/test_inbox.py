"""The trainers' inbox work on real databases: inbox items written as the assistant writes them
(bot.feedback.recorder), assigned to an intent or a new one, dismissed, and exported."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import yaml
from copies import SEED
from sqlalchemy import select
from storing import write_record

from bot import db
from bot.catalogue import store
from bot.cli import main
from bot.feedback import recorder
from bot.feedback.models import InboxItem
from bot.training import inbox
from bot.training.examples import ExampleError, read_examples


@pytest.fixture
def inbox_db(db_url, monkeypatch, tmp_path) -> str:
    """A database with the seed catalogue (for tool mark-up) that the recorder writes to."""
    with db.session_scope(db_url) as session:
        store.load_and_import(session, SEED.read_text(encoding="utf-8"), str(SEED))
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("BOT_SPOOL_DIR", str(tmp_path / "spool"))
    return db_url


def items(url: str) -> dict[str, InboxItem]:
    with db.session_scope(url) as session:
        return {item.text: item for item in session.scalars(select(InboxItem))}


def test_assigning_to_an_existing_intent_writes_marked_up_examples_and_marks_the_items(inbox_db, project):
    write_record(
        recorder.inbox_record("fallback", "hvem gir meg tilgang til Teams når jeg er vikar?", "tool_access", 0.31)
    )
    write_record(recorder.inbox_record("fallback", "ring 41234567 for å få adgang til Teams", None, None))
    ids = [item.id for item in items(inbox_db).values()]
    with db.session_scope(inbox_db) as session:
        result = inbox.assign(
            session, ids, "tool_access", extra_examples=("slipper jeg inn i Teams som ny?",), project=project
        )
    assert [o.status for o in result.outcomes] == ["added"] * 3
    assert sorted(result.assigned) == sorted(ids) and result.left == {}
    written = {e.text for e in read_examples(project.nlu_dir) if e.intent == "tool_access"}
    assert {
        "hvem gir meg tilgang til [Teams](tool) når jeg er vikar?",
        "ring [telefon] for å få adgang til [Teams](tool)",
        "slipper jeg inn i [Teams](tool) som ny?",
    } <= written
    assert {(i.status, i.assigned_intent) for i in items(inbox_db).values()} == {("tildelt", "tool_access")}


def test_a_message_that_is_an_example_of_another_intent_stays_in_the_inbox(inbox_db, project):
    write_record(recorder.inbox_record("not_helpful", "ha det bra", "goodbye", 0.9))
    write_record(recorder.inbox_record("not_helpful", "hei du der borte i maskinen", None, None))
    by_text = items(inbox_db)
    with db.session_scope(inbox_db) as session:
        result = inbox.assign(
            session, [by_text["ha det bra"].id, by_text["hei du der borte i maskinen"].id], "greet", project=project
        )
    assert result.left == {by_text["ha det bra"].id: "already an example of the intent goodbye in chitchat.yml"}
    after = items(inbox_db)
    assert after["ha det bra"].status == "ny" and after["hei du der borte i maskinen"].status == "tildelt"


def test_assigning_to_a_new_intent_creates_it_with_its_answer(inbox_db, project):
    write_record(recorder.inbox_record("fallback", "kan gjestene våre koble seg på nettet?", "nlu_fallback", 0.35))
    item_id = next(iter(items(inbox_db).values())).id
    with db.session_scope(inbox_db) as session:
        result = inbox.assign(
            session,
            [item_id],
            "guest_wifi",
            extra_examples=("wifi for besøkende",),
            new_response="Gjestenettet heter Kommune-Gjest.",
            project=project,
        )
    assert result.created and result.assigned == [item_id]
    assert yaml.safe_load(project.domain.read_text(encoding="utf-8"))["responses"]["utter_guest_wifi"] == [
        {"text": "Gjestenettet heter Kommune-Gjest."}
    ]
    assert items(inbox_db)["kan gjestene våre koble seg på nettet?"].assigned_intent == "guest_wifi"


def test_dismissed_items_cannot_be_handled_again(inbox_db, project):
    write_record(recorder.inbox_record("out_of_scope", "hva blir været i morgen", "out_of_scope", 0.8))
    item_id = next(iter(items(inbox_db).values())).id
    with db.session_scope(inbox_db) as session:
        assert inbox.dismiss(session, [item_id]) == 1
    assert items(inbox_db)["hva blir været i morgen"].status == "avvist"
    with db.session_scope(inbox_db) as session, pytest.raises(ExampleError, match="handled already"):
        inbox.assign(session, [item_id], "out_of_scope", project=project)
    with db.session_scope(inbox_db) as session, pytest.raises(ExampleError, match="No inbox message with id 999"):
        inbox.dismiss(session, [999])


def test_open_items_are_newest_first(inbox_db):
    with db.session_scope(inbox_db) as session:
        for days, text in ((3, "eldst"), (1, "nyest"), (2, "midt")):
            session.add(
                InboxItem(
                    record_id=text,
                    kind="fallback",
                    text=text,
                    created_at=datetime.now(timezone.utc) - timedelta(days=days),
                )
            )
        session.add(InboxItem(record_id="done", kind="fallback", text="ferdig", status="avvist"))
    with db.session_scope(inbox_db) as session:
        assert [i.text for i in inbox.open_items(session)] == ["nyest", "midt", "eldst"]


def test_export_writes_the_assigned_examples_as_an_nlu_patch(inbox_db, capsys):
    old = datetime.now(timezone.utc) - timedelta(days=10)
    with db.session_scope(inbox_db) as session:
        session.add_all(
            [
                InboxItem(
                    record_id="1",
                    kind="fallback",
                    text="tilgang til Teams for vikarer",
                    status="tildelt",
                    assigned_intent="tool_access",
                ),
                InboxItem(
                    record_id="2",
                    kind="fallback",
                    text="hva er gjestenettet",
                    status="tildelt",
                    assigned_intent="guest_wifi",
                    created_at=old,
                ),
                InboxItem(record_id="3", kind="fallback", text="ikke tildelt", status="ny"),
                InboxItem(record_id="4", kind="fallback", text="avvist", status="avvist"),
            ]
        )
    assert main(["trainer", "export"]) == 0
    patch = yaml.safe_load(capsys.readouterr().out)
    assert patch["nlu"] == [
        {"intent": "guest_wifi", "examples": "- hva er gjestenettet\n"},
        {"intent": "tool_access", "examples": "- tilgang til [Teams](tool) for vikarer\n"},
    ]
    since = (date.today() - timedelta(days=2)).isoformat()
    assert main(["trainer", "export", "--since", since]) == 0
    assert [b["intent"] for b in yaml.safe_load(capsys.readouterr().out)["nlu"]] == ["tool_access"]
    assert main(["trainer", "export", "--since", "28.11.2026"]) == 2
