"""The catalogue's nynorsk fields (format 1.2) in the answers: a turn in nynorsk gets an entry's
nynorsk summary, task, access, training, support, guidance and steps where the entry has them, and
the municipality's own text where it has not; a turn in bokmål never gets them."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from bot import db
from bot.assistant import welcome
from bot.assistant.turn import Turn, respond
from bot.catalogue import store

CATALOGUE = textwrap.dedent(
    """\
    version: 1.2
    tools:
      - id: moteromme
        name: Møterommet
        category: Samarbeid og møter
        summary: Videomøter for alle ansatte.
        summary_nn: Videomøte for alle tilsette.
        tasks: [holde videomøter, dele skjermen]
        tasks_nn: [halde videomøte, dele skjermen]
        access: Alle ansatte har det.
        access_nn: Alle tilsette har det.
        training: Kurs hver tirsdag.
        training_nn: Kurs kvar tysdag.
        support: Ring IT.
      - id: kartet
        name: Kartet
        category: Kart
        summary: Kart over kommunen.
        tasks: [finne eiendomsgrenser]
        access: Spør lederen din.
    private_tools:
      - id: prateappen
        name: Prateappen
        category: Meldingar
        alternatives: [moteromme]
        guidance: Bruk Møterommet til jobbprat.
        guidance_nn: Bruk Møterommet når du pratar om jobb.
    processes:
      - id: bestille-kurs
        name: Bestille kurs
        aliases: [melde seg på kurs]
        steps: [Gå til læringsportalen., Velg kurset.]
        steps_nn: [Gå til læringsportalen., Vel kurset.]
    """
)


@pytest.fixture
def session(db_url) -> Iterator[Session]:
    with db.session_scope(db_url) as session:
        store.load_and_import(session, CATALOGUE, "catalogue.yml")
    with db.session_scope(db_url) as session:
        yield session


def said(session: Session, action: str, text: str, standard: str, **turn) -> str:
    answer = respond(session, action, Turn(text, standard=standard, **turn))
    return "\n".join(reply.text for reply in answer.replies)


def tool(tool_id: str) -> tuple[dict, ...]:
    return ({"entity": "tool", "value": tool_id, "start": 0, "end": 1},)


@pytest.mark.parametrize(
    "action, nynorsk, bokmål",
    [
        ("action_tool_info", "Videomøte for alle tilsette.", "Videomøter for alle ansatte."),
        ("action_tool_access", "Alle tilsette har det.", "Alle ansatte har det."),
        ("action_tool_training", "Kurs kvar tysdag.", "Kurs hver tirsdag."),
        ("action_tool_support", "Ring IT.", "Ring IT."),  # no support_nn: the text as written
    ],
)
def test_a_tools_texts_in_the_asked_standard(session, action, nynorsk, bokmål):
    assert nynorsk in said(session, action, "Møterommet", "nn", entities=tool("moteromme"))
    assert bokmål in said(session, action, "Møterommet", "nb", entities=tool("moteromme"))


def test_the_tool_for_a_need_with_its_nynorsk_summary_and_task(session):
    text = said(session, "action_find_tool", "eg skal halde videomøter", "nn")
    assert "Videomøte for alle tilsette." in text and "halde videomøte" in text
    assert "holde videomøter" not in text and "ansatte" not in text
    assert "Videomøter for alle ansatte." in said(session, "action_find_tool", "jeg skal holde videomøter", "nb")


def test_an_entry_without_nynorsk_fields_keeps_its_own_text(session):
    assert "Spør lederen din." in said(session, "action_tool_access", "Kartet", "nn", entities=tool("kartet"))


def test_private_tool_guidance_and_process_steps_in_nynorsk(session):
    private = ({"entity": "private_tool", "value": "prateappen", "start": 0, "end": 1},)
    assert "Bruk Møterommet når du pratar om jobb." in said(
        session, "action_ask_allowed", "kan eg bruke Prateappen?", "nn", entities=private
    )
    steps = said(session, "action_find_tool", "Bestille kurs", "nn")
    assert "2. Vel kurset." in steps and "Velg" not in steps


def test_onboarding_and_the_greeting_use_the_nynorsk_texts(session):
    overview = said(session, "action_onboarding", "eg er ny", "nn")
    assert "- Møterommet: Alle tilsette har det." in overview
    first = said(session, "action_onboarding_next", "neste", "nn", slots={"onboarding_step": 0})
    assert "2 av 2: Møterommet. Videomøte for alle tilsette.\nTilgang: Alle tilsette har det." in first
    assert "- Møterommet: Alle ansatte har det." in said(session, "action_onboarding", "jeg er ny", "nb")
    questions = [button.title for button in welcome.greeting(session, "nn").buttons]
    assert "Korleis kan eg halde videomøte?" in questions
    assert "Hvordan kan jeg holde videomøter?" in [b.title for b in welcome.greeting(session, "nb").buttons]
