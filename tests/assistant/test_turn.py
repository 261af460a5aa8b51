"""The one owner of a turn (bot.assistant.turn): every action of the domain has its handler, and a
turn's records come out together, to be stored in one transaction or one spool entry."""

from __future__ import annotations

import importlib
import json
import pkgutil

import yaml

from actions.base import TurnAction
from bot import spool
from bot.assistant import turn as turns
from bot.assistant.turn import Said, Turn, respond
from bot.config import PROJECT_ROOT
from bot.texts import text


def subclasses(cls) -> set:
    return {sub for direct in cls.__subclasses__() for sub in (direct, *subclasses(direct))}


def test_every_action_of_the_domain_has_one_handler_and_one_thin_adapter():
    # As rasa-sdk loads the package: every module of it.
    for module in pkgutil.iter_modules([str(PROJECT_ROOT / "actions")]):
        importlib.import_module(f"actions.{module.name}")

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    adapters = {cls.action for cls in subclasses(TurnAction)}
    assert set(turns.HANDLERS) == set(domain["actions"]) == adapters


def test_a_need_at_work_nothing_fits_gives_a_gap_and_an_inbox_item_as_records(seed):
    text = "trenger et program for å tegne rømningsplaner til skolen"
    answer = respond(seed, "action_find_tool", Turn(text, intent="find_tool", confidence=0.9))
    assert [record.kind for record in answer.records] == ["inbox", "gap"]
    assert answer.records[0].payload["kind"] == "no_fit"
    assert answer.records[1].payload["need"] == text
    assert answer.slots["gap_records"] == [answer.records[1].payload["record_id"]]


def test_the_records_of_a_turn_wait_as_one_spool_entry(seed, spool_dir):
    # BOT_DATABASE_URL names a database that cannot be opened (spool_dir): the write is spooled.
    answer = respond(
        seed,
        "action_small_talk",
        Turn(
            "kan jeg bruke whatsapp til oppskrifter?",
            intent="out_of_scope",
            entities=({"entity": "private_tool", "value": "whatsapp"},),
        ),
    )
    assert answer.out_of_scope and len(answer.records) == 2
    assert spool.write_all(answer.records) is False
    [line] = (spool_dir / "pending.jsonl").read_text(encoding="utf-8").splitlines()
    assert [r["kind"] for r in json.loads(line)["records"]] == ["inbox", "gap"]
    assert spool.pending() == 2


def test_small_talk_answers_from_the_message_catalogue(seed):
    answer = respond(seed, "action_small_talk", Turn("hei", intent="greet"))
    [greeting] = answer.replies
    assert greeting.text == text("small_talk.greet") and answer.records == []
    assert [b.payload for b in greeting.buttons] == ["/onboarding", "/list_tools"]
    nynorsk = respond(seed, "action_small_talk", Turn("hei", intent="greet", standard="nn"))
    assert nynorsk.replies[0].text.startswith("Hei! Eg er Digihjelpen")


def test_not_helpful_stores_the_feedback_and_the_question_written_before(seed):
    turn = Turn(
        "/feedback_not_helpful",
        intent="feedback_not_helpful",
        slots={"tool": "teams"},
        answered=Said('/tool_info{"tool": "teams"}', "tool_info", 1.0),
        question=Said("hvordan deler jeg skjermen", "find_tool", 0.7),
    )
    answer = respond(seed, "action_feedback_not_helpful", turn)
    feedback, inbox = answer.records
    assert (feedback.kind, feedback.payload["helpful"], feedback.payload["intent"], feedback.payload["tool"]) == (
        "feedback",
        False,
        "tool_info",
        "teams",
    )
    assert (inbox.kind, inbox.payload["kind"], inbox.payload["text"]) == (
        "inbox",
        "not_helpful",
        "hvordan deler jeg skjermen",
    )
    assert feedback.payload["inbox_record_id"] == inbox.payload["record_id"]  # the owner view shows it
