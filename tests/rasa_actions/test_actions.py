"""The rasa-sdk actions, run as the action server runs them: a tracker like the one Rasa sends,
a CollectingDispatcher, and a real catalogue database named by BOT_DATABASE_URL."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from actions.base import TurnAction
from actions.catalogue import (
    ActionFindTool,
    ActionListTools,
    ActionToolAccess,
    ActionToolInfo,
    ActionToolSupport,
    ActionToolTraining,
)
from actions.conversation import (
    ActionFeedbackHelpful,
    ActionFeedbackNotHelpful,
    ActionGiveDepartment,
    ActionRephrase,
    ActionSmallTalk,
)
from actions.handoff import ActionHandoffConsent, ActionHandoffSkip
from actions.loop import ActionAskHuman, ActionCaseStatus, ActionStoredData, ActionSuggestion, ActionWishList
from actions.onboarding import ActionOnboarding, ActionOnboardingNext
from actions.security import ActionAskAllowed, ActionInformationClass
from bot import db, throwaway
from bot.assistant.answers import no_tool_fits
from bot.assistant.onboarding import OVERVIEW_SHOWN, starter_pack
from bot.assistant.replies import database_down
from bot.catalogue import snapshot, store
from bot.config import PROJECT_ROOT
from bot.feedback.models import Feedback, InboxItem
from bot.gaps.models import Gap
from bot.texts import text as catalogue_text

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
EXTRACTOR = "CatalogueEntityExtractor"
# What the actions add after the answer itself: the feedback question and the gap notice.
ASK_FEEDBACK = catalogue_text("feedback.ask")
ASK_WHICH_TOOL, EMPTY_CATALOGUE = catalogue_text("answers.ask_which_tool"), catalogue_text("answers.empty_catalogue")
NOTED, ASK_DEPARTMENT = catalogue_text("gaps.noted"), catalogue_text("gaps.ask_department")
ADDED = {ASK_FEEDBACK, NOTED, ASK_DEPARTMENT}
ANSWER_SLOTS = {"tool", "private_tool", "onboarding_sector", "onboarding_step"}


def entity(kind: str, value: str, text: str, name: str) -> dict:
    """An entity as the catalogue component gives it: `name` is where it stands in `text`."""
    start = text.casefold().index(name.casefold())
    return {"entity": kind, "value": value, "start": start, "end": start + len(name), "extractor": EXTRACTOR}


def tracker(text: str, intent: str, entities=(), slots=None, ranking=None, events=()) -> Tracker:
    ranking = ranking or [{"name": intent, "confidence": 0.93}, {"name": "find_tool", "confidence": 0.04}]
    return Tracker.from_dict(
        {
            "sender_id": "ansatt-1",
            "slots": {**{name: None for name in DOMAIN["slots"]}, **(slots or {})},
            "latest_message": {
                "text": text,
                "intent": {"name": ranking[0]["name"], "confidence": ranking[0]["confidence"]},
                "intent_ranking": ranking,
                "entities": list(entities),
            },
            "events": list(events),
            "latest_action_name": "action_listen",
        }
    )


async def run(action: Action, tracker_: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, domain={})
    return dispatcher.messages, events


def payloads(messages: list[dict]) -> list[str]:
    return [button["payload"] for message in messages for button in message["buttons"]]


def answer_part(messages: list[dict]) -> list[dict]:
    """The messages of the answer itself, without the feedback question and gap notice."""
    return [m for m in messages if m["text"] not in ADDED]


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in answer_part(messages)]


def answer_slots(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot" and e["name"] in ANSWER_SLOTS}


def rows(url: str, model) -> int:
    with db.session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def seed_catalogue(monkeypatch, seed_db_url) -> str:
    monkeypatch.setenv("BOT_DATABASE_URL", seed_db_url)
    return seed_db_url


@pytest.fixture
def seed(seed_catalogue):
    with db.session_scope(seed_catalogue) as session:
        yield session


@pytest.fixture
def fresh(monkeypatch, db_url) -> str:
    """An empty database of its own, for actions that write (inbox, feedback, gaps)."""
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    return db_url


# --- the executor registers exactly the domain's actions ---------------------------------------------


def test_the_executor_registers_exactly_the_domain_actions():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert sorted(executor.actions) == sorted(DOMAIN["actions"])
    assert len(DOMAIN["actions"]) == len(set(DOMAIN["actions"]))


# --- catalogue answers ---------------------------------------------------------------------------------


async def test_find_tool_answers_a_need_and_remembers_the_tool(seed_catalogue):
    messages, events = await run(ActionFindTool(), tracker("hvordan bytter jeg vakt?", "find_tool"))
    answer = answer_part(messages)
    assert answer[0]["text"].startswith("Bytte vakt:\n1. Åpne MinGat")
    assert answer[0]["buttons"] == [{"title": "GAT", "payload": '/tool_info{"tool": "gat"}'}]
    assert answer_slots(events) == {"tool": "gat"}


async def test_an_answer_asks_whether_it_helped(seed_catalogue):
    messages, _ = await run(ActionFindTool(), tracker("hvor ser jeg lønnsslippen", "find_tool"))
    assert messages[-1]["text"] == ASK_FEEDBACK
    assert payloads(messages[-1:]) == ["/feedback_helpful", "/feedback_not_helpful"]


async def test_find_tool_with_a_private_tool_gives_the_alternative_and_notes_the_gap(seed_catalogue):
    text = "kan jeg bruke Dropbox til å dele filer?"
    messages, events = await run(
        ActionFindTool(), tracker(text, "find_tool", [entity("private_tool", "dropbox", text, "Dropbox")])
    )
    assert texts(messages)[0].endswith("Godkjent alternativ: OneDrive, Sikker filoverføring.")
    assert answer_slots(events) == {"private_tool": "dropbox", "tool": "onedrive"}
    assert NOTED in [m["text"] for m in messages]
    assert SlotSet("gaps_logged", ["private_tool:dropbox"]) in events


async def test_a_gap_is_noted_once_per_conversation(seed_catalogue):
    text = "jeg bruker Dropbox"
    slots = {"gaps_logged": ["private_tool:dropbox"], "gap_records": ["x"], "department_asked": True}
    messages, events = await run(
        ActionAskAllowed(), tracker(text, "ask_allowed", [entity("private_tool", "dropbox", text, "Dropbox")], slots)
    )
    assert NOTED not in [m["text"] for m in messages]
    assert answer_slots(events) == {"private_tool": "dropbox", "tool": "onedrive"}


@pytest.fixture
def seeded_fresh(fresh) -> str:
    """The seed catalogue in a database of its own, for actions that write gaps and inbox items."""
    throwaway.import_catalogue(fresh)
    return fresh


@pytest.mark.parametrize("text", ["bake kake med sjokolade", "hvordan fikser jeg sykkelen min"])
async def test_find_tool_outside_work_gets_the_out_of_scope_response_and_no_gap(seeded_fresh, text):
    messages, events = await run(ActionFindTool(), tracker(text, "find_tool"))
    assert [m["text"] for m in messages] == [catalogue_text("small_talk.out_of_scope")]
    assert events == []
    assert rows(seeded_fresh, Gap) == 0
    assert rows(seeded_fresh, InboxItem) == 1  # the trainers see what the NLU took for a need


async def test_find_tool_for_a_need_at_work_that_nothing_fits_notes_a_gap(seeded_fresh):
    text = "trenger et program for å tegne rømningsplaner til skolen"
    messages, events = await run(ActionFindTool(), tracker(text, "find_tool"))
    assert texts(messages) == [no_tool_fits().replies[0].text]
    assert [m["text"] for m in messages][1:] == [NOTED, ASK_DEPARTMENT]
    assert SlotSet("gaps_logged", [f"missing_tool:{text}"]) in events
    # The trainers see it too, so they can attach it to an entry if one should have answered.
    assert rows(seeded_fresh, Gap) == 1 and rows(seeded_fresh, InboxItem) == 1


async def test_tool_info_for_a_named_tool(seed_catalogue, seed):
    text = "hva er Teams?"
    messages, events = await run(ActionToolInfo(), tracker(text, "tool_info", [entity("tool", "teams", text, "Teams")]))
    teams = store.get_tool(seed, "teams")
    assert texts(messages) == [f"Microsoft Teams (Samarbeid og møter): {teams.summary}\nLenke: {teams.url}"]
    assert answer_part(messages)[0]["buttons"] == [
        {"title": "Tilgang", "payload": '/tool_access{"tool": "teams"}'},
        {"title": "Opplæring", "payload": '/tool_training{"tool": "teams"}'},
        {"title": "Hjelp", "payload": '/tool_support{"tool": "teams"}'},
    ]
    assert answer_slots(events) == {"tool": "teams"}


async def test_tool_access_uses_the_tool_slot_when_no_tool_is_named(seed_catalogue, seed):
    messages, events = await run(
        ActionToolAccess(), tracker("hvordan får jeg tilgang til det?", "tool_access", slots={"tool": "gerica"})
    )
    assert texts(messages) == [f"Slik får du tilgang til Gerica: {store.get_tool(seed, 'gerica').access}"]
    assert payloads(answer_part(messages)) == ['/tool_training{"tool": "gerica"}', '/tool_support{"tool": "gerica"}']
    assert answer_slots(events) == {"tool": "gerica"}


async def test_a_named_tool_wins_over_the_slot(seed_catalogue, seed):
    text = "finnes det kurs i Excel?"
    messages, events = await run(
        ActionToolTraining(),
        tracker(text, "tool_training", [entity("tool", "excel", text, "Excel")], slots={"tool": "gerica"}),
    )
    assert texts(messages) == [f"Opplæring i Microsoft Excel: {store.get_tool(seed, 'excel').training}"]
    assert answer_slots(events) == {"tool": "excel"}


async def test_an_ambiguous_name_gets_a_clarifying_question(seed_catalogue):
    text = "Visma virker ikke"
    entities = [entity("tool", "visma-hrm", text, "Visma"), entity("tool", "visma-reise", text, "Visma")]
    messages, events = await run(ActionToolSupport(), tracker(text, "tool_support", entities, slots={"tool": "teams"}))
    assert texts(messages) == ["Det navnet passer på flere verktøy. Hvilket mener du?"]
    assert answer_part(messages)[0]["buttons"] == [
        {"title": "Visma HRM", "payload": '/tool_support{"tool": "visma-hrm"}'},
        {"title": "Visma Reise", "payload": '/tool_support{"tool": "visma-reise"}'},
    ]
    assert answer_slots(events) == {}  # the slot keeps the earlier tool until the employee picks one


async def test_tool_support_without_any_tool_asks_which(seed_catalogue):
    messages, events = await run(ActionToolSupport(), tracker("det virker ikke", "tool_support"))
    assert texts(messages) == [ASK_WHICH_TOOL]
    assert answer_slots(events) == {}


async def test_list_tools_by_category_and_without_one(seed_catalogue):
    text = "vis alle verktøy for samarbeid"
    messages, events = await run(
        ActionListTools(), tracker(text, "list_tools", [entity("category", "Samarbeid og møter", text, "samarbeid")])
    )
    assert texts(messages)[0].startswith("Verktøy for samarbeid og møter:\n- Bookup: ")
    assert '/tool_info{"tool": "teams"}' in payloads(messages)
    assert events == []

    messages, _ = await run(ActionListTools(), tracker("hvilke verktøy finnes?", "list_tools"))
    assert texts(messages)[0].startswith("Katalogen har ")
    assert '/list_tools{"category": "Samarbeid og møter"}' in payloads(messages)


async def test_list_tools_by_sector(seed_catalogue):
    text = "hvilke verktøy har vi i skolen?"
    messages, _ = await run(ActionListTools(), tracker(text, "list_tools", [entity("sector", "skole", text, "skolen")]))
    assert texts(messages)[0].startswith("Verktøy for skole:\n")


# --- private tools and information classes ---------------------------------------------------------------


async def test_ask_allowed_for_a_private_tool(seed_catalogue, seed):
    text = "jeg bruker WhatsApp med kollegaene"
    messages, events = await run(
        ActionAskAllowed(), tracker(text, "ask_allowed", [entity("private_tool", "whatsapp", text, "WhatsApp")])
    )
    guidance = store.get_private_tool(seed, "whatsapp").guidance
    assert texts(messages) == [f"{guidance}\nGodkjent alternativ: Microsoft Teams."]
    assert answer_part(messages)[0]["buttons"] == [
        {"title": "Tilgang til Microsoft Teams", "payload": '/tool_access{"tool": "teams"}'}
    ]
    assert answer_slots(events) == {"private_tool": "whatsapp", "tool": "teams"}


async def test_ask_allowed_for_a_private_tool_without_alternative(seed_catalogue):
    text = "kan jeg bruke Canva?"
    messages, events = await run(
        ActionAskAllowed(), tracker(text, "ask_allowed", [entity("private_tool", "canva", text, "Canva")])
    )
    assert texts(messages)[0].startswith(
        "Canva er ikke godkjent for jobb, og kommunen har ikke et godkjent alternativ ennå."
    )
    assert answer_slots(events) == {"private_tool": "canva"}


async def test_ask_allowed_about_the_tool_in_the_slot(seed_catalogue):
    messages, events = await run(
        ActionAskAllowed(), tracker("kan jeg bruke det?", "ask_allowed", slots={"tool": "gerica"})
    )
    assert texts(messages)[0].startswith("Ja, Gerica er godkjent for jobb. Det kan brukes til strengt fortrolig")
    assert answer_slots(events) == {"tool": "gerica"}


async def test_information_class_no_with_approved_tools(seed_catalogue):
    text = "kan jeg lagre personopplysninger i OneDrive?"
    messages, events = await run(
        ActionInformationClass(), tracker(text, "ask_classification", [entity("tool", "onedrive", text, "OneDrive")])
    )
    assert texts(messages)[0].startswith("Nei. OneDrive er bare godkjent for intern informasjon")
    assert texts(messages)[1].startswith("Til det samme kan du bruke dette, som er godkjent for fortrolig informasjon")
    suggested = payloads(answer_part(messages)[1:])
    assert suggested and all(p.startswith('/tool_info{"tool": ') for p in suggested)
    assert answer_slots(events) == {"tool": "onedrive"}


async def test_information_class_yes_for_the_tool_in_the_slot(seed_catalogue):
    messages, events = await run(
        ActionInformationClass(),
        tracker("er det lov å ha helseopplysninger der?", "ask_classification", slots={"tool": "gerica"}),
    )
    assert texts(messages) == [
        "Ja. Gerica er godkjent for strengt fortrolig informasjon, for eksempel helseopplysninger og annen "
        "taushetsbelagt informasjon."
    ]
    assert answer_slots(events) == {"tool": "gerica"}


# --- onboarding -------------------------------------------------------------------------------------------


async def test_onboarding_with_a_sector_shows_the_overview_first(seed_catalogue, seed):
    text = "jeg er ny i hjemmetjenesten"
    messages, events = await run(
        ActionOnboarding(), tracker(text, "onboarding", [entity("sector", "hjemmetjenesten", text, "hjemmetjenesten")])
    )
    first = pack(seed, "hjemmetjenesten")[0]
    assert texts(messages)[0].startswith("Velkommen! Startpakken din for hjemmetjenesten har ")
    assert f"\n- {store.get_tool(seed, first).name}: " in texts(messages)[0]  # the sector's own tools first
    assert texts(messages)[1].startswith("Vil du gå gjennom dem ett og ett?")
    assert payloads(answer_part(messages)) == ["/onboarding_next"]
    assert answer_slots(events) == {"onboarding_sector": "hjemmetjenesten", "onboarding_step": OVERVIEW_SHOWN}


async def test_onboarding_takes_the_narrowest_of_several_sectors(seed_catalogue):
    text = "jeg er ny sykepleier i hjemmesykepleien"
    entities = [
        entity("sector", "helse og omsorg", text, "sykepleier"),
        entity("sector", "hjemmetjenesten", text, "hjemmesykepleien"),
    ]
    _, events = await run(ActionOnboarding(), tracker(text, "onboarding", entities))
    assert answer_slots(events)["onboarding_sector"] == "hjemmetjenesten"


async def test_onboarding_uses_the_sector_slot_when_none_is_named(seed_catalogue):
    messages, events = await run(
        ActionOnboarding(), tracker("jeg er ny", "onboarding", slots={"onboarding_sector": "skole"})
    )
    assert texts(messages)[0].startswith("Velkommen! Startpakken din for skole har ")
    assert answer_slots(events)["onboarding_step"] == OVERVIEW_SHOWN


async def test_onboarding_next_after_the_overview_shows_the_first_tool(seed_catalogue, seed):
    slots = {"onboarding_sector": "hjemmetjenesten", "onboarding_step": float(OVERVIEW_SHOWN)}
    messages, events = await run(ActionOnboardingNext(), tracker("/onboarding_next", "onboarding_next", slots=slots))
    first = pack(seed, "hjemmetjenesten")[0]
    assert len(texts(messages)) == 1 and texts(messages)[0].startswith("1 av ")
    assert payloads(answer_part(messages)) == ["/onboarding_next", f'/tool_training{{"tool": "{first}"}}']
    assert answer_slots(events) == {"onboarding_sector": "hjemmetjenesten", "onboarding_step": 0, "tool": first}


async def test_onboarding_next_steps_on_from_the_slot(seed_catalogue, seed):
    tools = pack(seed, "hjemmetjenesten")
    slots = {"onboarding_sector": "hjemmetjenesten", "onboarding_step": 0.0}  # a float slot, as Rasa keeps it
    messages, events = await run(ActionOnboardingNext(), tracker("neste", "onboarding_next", slots=slots))
    assert len(texts(messages)) == 1 and texts(messages)[0].startswith("2 av ")
    assert answer_slots(events) == {"onboarding_sector": "hjemmetjenesten", "onboarding_step": 1, "tool": tools[1]}


async def test_onboarding_next_without_a_started_pack_shows_the_overview(seed_catalogue):
    messages, events = await run(ActionOnboardingNext(), tracker("neste", "onboarding_next"))
    assert texts(messages)[0].startswith("Velkommen! Her er ")
    assert answer_slots(events) == {"onboarding_sector": None, "onboarding_step": OVERVIEW_SHOWN}


async def test_onboarding_next_after_the_last_tool_ends(seed_catalogue, seed):
    last = len(store.get_process(seed, "nyansatt").tools) - 1  # no sector: only the basics
    messages, events = await run(
        ActionOnboardingNext(), tracker("neste", "onboarding_next", slots={"onboarding_step": float(last)})
    )
    assert texts(messages) == [
        "Det var alle verktøyene i startpakken. Lykke til i ny jobb! Spør meg gjerne om noe annet."
    ]
    # The step stays past the end, so another "neste" ends again instead of starting over.
    assert answer_slots(events) == {"onboarding_sector": None, "onboarding_step": last + 1}
    messages, _ = await run(
        ActionOnboardingNext(), tracker("neste", "onboarding_next", slots={"onboarding_step": float(last + 1)})
    )
    assert texts(messages)[0].startswith("Det var alle verktøyene")


def pack(session, sector: str) -> list[str]:
    """The starter pack's tool ids in the order they are shown."""
    return [tool.id for tool in starter_pack(snapshot.view(session).file, sector).tools]


# --- the conversation: rephrase, small talk, department, feedback ------------------------------------------

RANKING = [
    {"name": "nlu_fallback", "confidence": 0.5},
    {"name": "tool_support", "confidence": 0.28},
    {"name": "thanks", "confidence": 0.1},
    {"name": "tool_info", "confidence": 0.07},
    {"name": "tool_access", "confidence": 0.05},
]


async def test_rephrase_offers_two_likely_meanings_with_the_tool(fresh):
    text = "teams greier"
    messages, events = await run(
        ActionRephrase(), tracker(text, "nlu_fallback", [entity("tool", "teams", text, "teams")], ranking=RANKING)
    )
    assert messages[0]["buttons"] == [
        {"title": "Få hjelp når noe ikke virker", "payload": '/tool_support{"tool": "teams"}'},
        {"title": "Hva et verktøy er", "payload": '/tool_info{"tool": "teams"}'},
    ]
    assert events == []
    assert rows(fresh, InboxItem) == 1  # the message went to the trainers


@pytest.mark.parametrize("intent", ["greet", "goodbye", "thanks", "help", "out_of_scope"])
async def test_small_talk_answers_from_the_message_catalogue(fresh, intent):
    messages, events = await run(ActionSmallTalk(), tracker("hei", intent))
    assert [m["text"] for m in messages] == [catalogue_text(f"small_talk.{intent}")]
    assert events == []
    assert rows(fresh, InboxItem) == (1 if intent == "out_of_scope" else 0)


async def test_a_department_from_the_buttons_is_kept(fresh):
    department = "Helse og omsorg"
    text = f'/give_department{{"department": "{department}"}}'
    messages, events = await run(
        ActionGiveDepartment(),
        tracker(text, "give_department", [{"entity": "department", "value": department}], slots={"gap_records": []}),
    )
    assert [m["text"] for m in messages] == [f"Takk! Jeg har notert {department}."]
    assert SlotSet("department", department) in events


async def test_declining_the_department_is_fine(fresh):
    text = '/give_department{"department": "vil ikke oppgi"}'
    messages, events = await run(
        ActionGiveDepartment(), tracker(text, "give_department", [{"entity": "department", "value": "vil ikke oppgi"}])
    )
    assert [m["text"] for m in messages] == ["Helt greit. Takk likevel!"]
    assert SlotSet("department", None) in events


def conversation_so_far(text: str, intent: str) -> list[dict]:
    return [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}},
        {"event": "bot", "text": "..."},
        {"event": "user", "text": "/feedback", "parse_data": {"intent": {"name": "feedback", "confidence": 1.0}}},
    ]


@pytest.mark.parametrize("action_class, helpful", [(ActionFeedbackHelpful, True), (ActionFeedbackNotHelpful, False)])
async def test_feedback_is_thanked_and_stored(fresh, action_class, helpful):
    events = conversation_so_far("hvordan får jeg tilgang til Teams?", "tool_access")
    messages, _ = await run(
        action_class(), tracker("/feedback", action_class().name()[7:], slots={"tool": "teams"}, events=events)
    )
    assert messages[0]["text"].startswith("Så bra!" if helpful else "Beklager at svaret ikke hjalp.")
    assert rows(fresh, Feedback) == 1
    assert rows(fresh, InboxItem) == (0 if helpful else 1)  # an unhelpful answer goes to the trainers


# --- a database that fails, and an empty catalogue --------------------------------------------------------

CATALOGUE_ACTIONS = [
    (ActionFindTool, "hvordan bytter jeg vakt?", "find_tool", {}),
    (ActionToolInfo, "hva er det?", "tool_info", {"tool": "teams"}),
    (ActionToolAccess, "hvordan får jeg tilgang?", "tool_access", {"tool": "teams"}),
    (ActionToolTraining, "finnes det kurs?", "tool_training", {"tool": "teams"}),
    (ActionToolSupport, "det virker ikke", "tool_support", {"tool": "teams"}),
    (ActionListTools, "hvilke verktøy finnes?", "list_tools", {}),
    (ActionAskAllowed, "kan jeg bruke det?", "ask_allowed", {"tool": "teams"}),
    (ActionInformationClass, "kan jeg lagre personopplysninger der?", "ask_classification", {"tool": "teams"}),
    (ActionOnboarding, "jeg er ny", "onboarding", {}),
    (ActionOnboardingNext, "neste", "onboarding_next", {"onboarding_step": 2.0}),
]
# Actions that answer without the catalogue: their records wait in the spool while the database is down.
CONVERSATION_ACTIONS = [
    (ActionRephrase, "hæ?", "nlu_fallback", {}),
    (ActionSmallTalk, "hva blir været?", "out_of_scope", {}),
    (ActionFeedbackHelpful, "/feedback_helpful", "feedback_helpful", {"tool": "teams"}),
    (ActionFeedbackNotHelpful, "/feedback_not_helpful", "feedback_not_helpful", {"tool": "teams"}),
    (ActionGiveDepartment, "NAV", "give_department", {"gap_records": ["abc"]}),
    (ActionSuggestion, "jeg har et forslag: dere burde hatt en app for å booke møterom", "suggestion", {}),
]
# Actions that read or write the database for their answer but are not about the catalogue: without
# the database they still answer (IT's contact, what they know), never a crash or silence.
OTHER_ACTIONS = [
    (ActionAskHuman, "jeg vil snakke med et menneske", "ask_human", {}),
    (ActionCaseStatus, "hva skjer med saken min?", "case_status", {}),
    (ActionStoredData, "hva lagrer dere om meg?", "ask_stored_data", {}),
    (ActionWishList, "hva savner andre?", "wish_list", {}),
    (ActionHandoffConsent, '/handoff_consent{"answer":"yes"}', "handoff_consent", {"handoff_step": "consent"}),
    (ActionHandoffSkip, "/handoff_skip", "handoff_skip", {"handoff_step": "contact"}),
]


def ids(value) -> str | None:
    return getattr(value, "__name__", None)  # the action class; pytest names the rest


def all_subclasses(cls) -> set:
    return {sub for direct in cls.__subclasses__() for sub in (direct, *all_subclasses(direct))}


def test_every_action_is_in_the_failure_tests_below():
    covered = {cls for cls, *_ in CATALOGUE_ACTIONS + CONVERSATION_ACTIONS + OTHER_ACTIONS}
    concrete = {cls for cls in all_subclasses(TurnAction) if not getattr(cls, "__abstractmethods__", None)}
    assert covered == concrete


def broken_sqlite_url(tmp_path: Path) -> str:
    """A SQLite database whose directory cannot exist: its would-be parent is a file (fails as root too)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    return f"sqlite:///{blocker / 'catalogue' / 'bot.db'}"


def unreachable_postgres_url() -> str:
    """A PostgreSQL database that does not exist: on the test server if there is one, else on a
    port where nothing listens."""
    name = f"digihjelpen_missing_{uuid.uuid4().hex[:12]}"
    server = os.environ.get("BOT_TEST_POSTGRES_URL")
    if server:
        return make_url(server).set(database=name).render_as_string(hide_password=False)
    return f"postgresql+psycopg2://digihjelpen:secret@127.0.0.1:1/{name}?connect_timeout=3"


@pytest.fixture(params=["sqlite", "postgres"])
def broken_database(request, monkeypatch, tmp_path) -> str:
    url = broken_sqlite_url(tmp_path) if request.param == "sqlite" else unreachable_postgres_url()
    with pytest.raises(SQLAlchemyError):  # a real failure, not a mock
        with db.session_scope(url) as session:
            session.execute(sql("SELECT 1"))
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    return url


@pytest.mark.parametrize("action_class, text, intent, slots", CATALOGUE_ACTIONS, ids=ids)
async def test_a_database_error_gives_a_polite_message(caplog, broken_database, action_class, text, intent, slots):
    action = action_class()
    with caplog.at_level(logging.ERROR, logger="actions.base"):
        messages, events = await run(action, tracker(text, intent, slots=slots))
    assert [m["text"] for m in messages] == [database_down()]
    assert events == []
    assert f"{action.name()}: database error" in caplog.text


@pytest.mark.parametrize("action_class, text, intent, slots", CONVERSATION_ACTIONS, ids=ids)
async def test_without_a_database_the_conversation_goes_on_and_records_wait(
    broken_database, spool_dir, action_class, text, intent, slots
):
    events = conversation_so_far("hvordan får jeg tilgang til Teams?", "tool_access")
    entities = [{"entity": "department", "value": "NAV"}] if intent == "give_department" else []
    ranking = RANKING if intent == "nlu_fallback" else None
    messages, _ = await run(action_class(), tracker(text, intent, entities, slots, ranking, events))
    assert messages and database_down() not in [m["text"] for m in messages]
    assert (spool_dir / "pending.jsonl").read_text(encoding="utf-8").strip()  # kept for later, not lost


@pytest.mark.parametrize("action_class, text, intent, slots", OTHER_ACTIONS, ids=ids)
async def test_without_a_database_the_other_actions_still_answer(
    broken_database, spool_dir, action_class, text, intent, slots
):
    messages, _ = await run(action_class(), tracker(text, intent, slots=slots))
    assert messages and all(m["text"] for m in messages)


@pytest.mark.parametrize("action_class, text, intent, slots", CATALOGUE_ACTIONS, ids=ids)
async def test_an_empty_catalogue_gives_a_polite_message(fresh, action_class, text, intent, slots):
    messages, events = await run(action_class(), tracker(text, intent, slots=slots))
    assert texts(messages) == [EMPTY_CATALOGUE]
    assert payloads(answer_part(messages)) == [] and answer_slots(events) == {}
