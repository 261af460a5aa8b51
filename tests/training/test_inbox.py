"""The trainers' inbox work on real databases: inbox items written as the assistant writes them
(bot.feedback.recorder), assigned to an intent or a new one (stored in the database, the project's
files read-only), dismissed, and what trainers added exported."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import yaml
from copies import read_only
from sqlalchemy import select
from storing import write_record

from bot import db, throwaway
from bot.cli import main
from bot.feedback import recorder
from bot.feedback.models import InboxItem
from bot.training import additions, inbox
from bot.training.examples import ExampleError
from bot.training.models import TrainingExample, TrainingIntent


@pytest.fixture
def inbox_db(db_url, monkeypatch, tmp_path) -> str:
    """A database with the seed catalogue (for tool mark-up) that the recorder writes to."""
    throwaway.import_catalogue(db_url)
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("BOT_SPOOL_DIR", str(tmp_path / "spool"))
    return db_url


def items(url: str) -> dict[str, InboxItem]:
    with db.session_scope(url) as session:
        return {item.text: item for item in session.scalars(select(InboxItem))}


def stored_examples(url: str) -> list[tuple[str, str, str, int | None]]:
    """(intent, text, added by, inbox item) of every example in the database, oldest first."""
    with db.session_scope(url) as session:
        rows = session.scalars(select(TrainingExample).order_by(TrainingExample.id))
        return [(row.intent, row.text, row.added_by, row.inbox_item_id) for row in rows]


def test_assigning_to_an_existing_intent_stores_marked_up_examples_and_leaves_the_files_alone(inbox_db, project):
    write_record(
        recorder.inbox_record("fallback", "hvem gir meg tilgang til Teams når jeg er vikar?", "tool_access", 0.31)
    )
    write_record(recorder.inbox_record("fallback", "ring 41234567 for å få adgang til Teams", None, None))
    ids = [item.id for item in items(inbox_db).values()]
    with read_only(project), db.session_scope(inbox_db) as session:
        result = inbox.assign(
            session,
            ids,
            "tool_access",
            by="trener-ola",
            extra_examples=("slipper jeg inn i Teams som ny?",),
            project=project,
        )
    assert [o.status for o in result.outcomes] == ["added"] * 3
    assert sorted(result.assigned) == sorted(ids) and result.left == {}
    assert stored_examples(inbox_db) == [
        ("tool_access", "hvem gir meg tilgang til [Teams](tool) når jeg er vikar?", "trener-ola", ids[0]),
        ("tool_access", "ring [telefon] for å få adgang til [Teams](tool)", "trener-ola", ids[1]),
        ("tool_access", "slipper jeg inn i [Teams](tool) som ny?", "trener-ola", None),
    ]
    assert {(i.status, i.assigned_intent) for i in items(inbox_db).values()} == {("tildelt", "tool_access")}


def test_a_message_that_is_an_example_in_the_files_or_the_database_stays_in_the_inbox(inbox_db, project):
    for text in ("ha det bra", "hei du der borte i maskinen", "HEI du der borte i maskinen!", "halloen alle"):
        write_record(recorder.inbox_record("not_helpful", text, None, None))
    by_text = items(inbox_db)
    with db.session_scope(inbox_db) as session:
        result = inbox.assign(
            session,
            [by_text["ha det bra"].id, by_text["hei du der borte i maskinen"].id],
            "greet",
            by="a",
            project=project,
        )
    assert result.left == {by_text["ha det bra"].id: "already an example of the intent goodbye in chitchat.yml"}
    assert result.outcomes[0].intent == "goodbye"
    with db.session_scope(inbox_db) as session:  # the example added a moment ago is in the database
        again = inbox.assign(
            session,
            [by_text["HEI du der borte i maskinen!"].id, by_text["halloen alle"].id],
            "thanks",
            by="b",
            project=project,
        )
    assert again.left == {by_text["HEI du der borte i maskinen!"].id: "already an example of the intent greet"}
    after = items(inbox_db)
    assert after["ha det bra"].status == "ny" and after["hei du der borte i maskinen"].status == "tildelt"
    assert [(intent, text) for intent, text, *_ in stored_examples(inbox_db)] == [
        ("greet", "hei du der borte i maskinen"),
        ("thanks", "halloen alle"),
    ]


def test_assigning_to_a_new_intent_stores_it_with_its_norwegian_name_and_answer(inbox_db, project):
    write_record(recorder.inbox_record("fallback", "kan gjestene våre koble seg på nettet?", "nlu_fallback", 0.35))
    item_id = next(iter(items(inbox_db).values())).id
    with read_only(project), db.session_scope(inbox_db) as session:
        result = inbox.assign(
            session,
            [item_id],
            "",
            by="trener-ola",
            extra_examples=("wifi for besøkende", "hva er passordet til gjestenettet"),
            new_response="Gjestenettet heter Kommune-Gjest.",
            new_name="Gjestenett for besøkende",
            project=project,
        )
    assert result.created and result.assigned == [item_id] and result.intent == "gjestenett_for_besokende"
    with db.session_scope(inbox_db) as session:
        intent = session.scalars(select(TrainingIntent)).one()
        assert (intent.name, intent.display_name, intent.response, intent.added_by) == (
            "gjestenett_for_besokende",
            "Gjestenett for besøkende",
            "Gjestenettet heter Kommune-Gjest.",
            "trener-ola",
        )
        assert additions.assignable_intents(session, project)[-1] == "gjestenett_for_besokende"
    assert len(stored_examples(inbox_db)) == 3
    assert items(inbox_db)["kan gjestene våre koble seg på nettet?"].assigned_intent == "gjestenett_for_besokende"


@pytest.mark.parametrize(
    "name, answer, texts, message",
    [
        ("", "Svar", ["a b c", "d e f", "g h i"], "needs a Norwegian name"),
        ("x" * 101, "Svar", ["a b c", "d e f", "g h i"], "101 characters"),
        ("Finne et verktøy", "Svar", ["a b c", "d e f", "g h i"], "called 'Finne et verktøy' already"),
        ("Gjestenett", " ", ["a b c", "d e f", "g h i"], "needs the answer"),
        ("Gjestenett", "Svar", ["a b c", "d e f"], "at least 3 new examples; 2 can be used."),
        ("Gjestenett", "Svar", ["a b c", "d e f", "ha det"], "2 can be used \\('ha det': already an example"),
    ],
)
def test_a_new_intent_is_refused_without_a_free_name_an_answer_or_three_new_examples(
    inbox_db, project, name, answer, texts, message
):
    with db.session_scope(inbox_db) as session, pytest.raises(ExampleError, match=message):
        additions.create_intent(session, project, "gjestenett", name, answer, texts, by="a")
    with db.session_scope(inbox_db) as session:
        assert additions.read(session) == additions.Additions([], [])


def test_a_new_intent_name_is_made_from_the_norwegian_name_and_kept_free(inbox_db, project):
    with db.session_scope(inbox_db) as session:
        assert additions.free_intent_name(session, project, "Gjestenett for besøkende!") == "gjestenett_for_besokende"
        assert additions.free_intent_name(session, project, "Finne verktøy") == "finne_verktoy"
        assert additions.free_intent_name(session, project, "find tool") == "find_tool_2"  # the files have find_tool
        assert additions.free_intent_name(session, project, "Ut of scope") == "ut_of_scope"
        assert additions.free_intent_name(session, project, "2FA på mobilen") == "tema_2fa_pa_mobilen"
        additions.create_intent(
            session, project, "vpn", "VPN", "Bruk Kommune-VPN.", ["a b c", "d e f", "g h i"], by="a"
        )
        assert additions.free_intent_name(session, project, "VPN hjemme") == "vpn_hjemme"
        assert additions.free_intent_name(session, project, "vpn!") == "vpn_2"


def test_dismissed_items_cannot_be_handled_again(inbox_db, project):
    write_record(recorder.inbox_record("out_of_scope", "hva blir været i morgen", "out_of_scope", 0.8))
    item_id = next(iter(items(inbox_db).values())).id
    with db.session_scope(inbox_db) as session:
        assert inbox.dismiss(session, [item_id]) == 1
    assert items(inbox_db)["hva blir været i morgen"].status == "avvist"
    with db.session_scope(inbox_db) as session, pytest.raises(ExampleError, match="handled already"):
        inbox.assign(session, [item_id], "out_of_scope", by="a", project=project)
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


def test_export_writes_what_trainers_added_as_rasa_yaml(inbox_db, capsys, project):
    old = datetime.now(timezone.utc) - timedelta(days=10)
    with db.session_scope(inbox_db) as session:
        additions.create_intent(
            session,
            project,
            "gjestenett",
            "Gjestenett",
            'Gjestenettet heter "Kommune-Gjest".',
            ["hva er gjestenettet", "wifi for besøkende", "passord til gjestenett"],
            by="a",
        )
        session.add(TrainingExample(intent="tool_access", text="tilgang til [Teams](tool) for vikarer", added_by="b"))
        session.add(TrainingExample(intent="greet", text="morn morn", added_by="c", added_at=old))
    assert main(["trainer", "export"]) == 0
    exported = yaml.safe_load(capsys.readouterr().out)
    assert exported["nlu"] == [
        {"intent": "gjestenett", "examples": "- hva er gjestenettet\n- wifi for besøkende\n- passord til gjestenett\n"},
        {"intent": "tool_access", "examples": "- tilgang til [Teams](tool) for vikarer\n"},
        {"intent": "greet", "examples": "- morn morn\n"},
    ]
    assert exported["rules"] == [
        {"rule": "gjestenett (added by a trainer)", "steps": [{"intent": "gjestenett"}, {"action": "utter_gjestenett"}]}
    ]
    assert exported["intents"] == ["gjestenett"]
    assert exported["responses"] == {"utter_gjestenett": [{"text": 'Gjestenettet heter "Kommune-Gjest".'}]}
    since = (date.today() - timedelta(days=2)).isoformat()
    assert main(["trainer", "export", "--since", since]) == 0
    assert [b["intent"] for b in yaml.safe_load(capsys.readouterr().out)["nlu"]] == ["gjestenett", "tool_access"]
    assert main(["trainer", "export", "--since", "28.11.2026"]) == 2
    assert main(["trainer", "export", "--into", str(project.root / "data")]) == 2
    assert "is not a checkout of the project" in capsys.readouterr().err


def test_the_command_line_assigns_to_a_new_theme_by_its_norwegian_name(inbox_db, cli):
    write_record(recorder.inbox_record("fallback", "kan gjestene våre koble seg på nettet?", None, None))
    write_record(recorder.inbox_record("fallback", "gjestenett passord", None, None))
    first, second = (item.id for item in items(inbox_db).values())
    code, _, err = cli("trainer", "assign", str(first), "--new-response", "Svar.")
    assert code == 2 and "needs its Norwegian name: --name" in err
    code, _, err = cli("trainer", "assign", str(first))
    assert code == 2 and "Give the intent with --intent" in err
    code, out, _ = cli(
        "trainer", "assign", str(first), "--name", "Gjestenett", "--new-response", "Svar.",
        "--example", "wifi for besøkende", "--example", "hva er gjestenettet",
    )  # fmt: skip
    assert code == 0 and "Created the intent gjestenett (Gjestenett) with its answer, in the database." in out
    code, out, _ = cli("trainer", "assign", str(second), "--intent", "gjestenett")
    assert code == 0 and "added    gjestenett passord" in out
    assert [(intent, added_by) for intent, _, added_by, _ in stored_examples(inbox_db)] == [("gjestenett", "cli")] * 4


def test_purging_old_inbox_messages_keeps_the_examples_made_of_them(inbox_db, project):
    from bot import retention

    write_record(recorder.inbox_record("fallback", "hvem gir meg tilgang til Teams?", "tool_access", 0.31))
    item_id = next(iter(items(inbox_db).values())).id
    with db.session_scope(inbox_db) as session:
        inbox.assign(session, [item_id], "tool_access", by="trener-ola", project=project)
    with db.session_scope(inbox_db) as session:
        assert retention.purge_inbox(session, datetime.now(timezone.utc) + timedelta(days=1)) == 1
    assert items(inbox_db) == {}
    assert stored_examples(inbox_db) == [("tool_access", "hvem gir meg tilgang til [Teams](tool)?", "trener-ola", None)]
