"""The trainer inbox at /admin/trainer on real databases (SQLite and PostgreSQL), reading a read-only
copy of the project's training files: who may use it, the grouped list with paging and themes by
their Norwegian names, assigning to a theme that exists or a new one (stored in the database),
dismissing, and the Norwegian messages, at the field, when something is refused."""

from __future__ import annotations

import re

import pytest
from copies import copy_project, read_only
from sqlalchemy import select

from bot import db
from bot.feedback.models import InboxItem
from bot.language.norwegian import term_key
from bot.training import additions, examples, intents
from bot.training.models import TrainingExample, TrainingIntent
from bot.training.project import Project
from bot.web.admin.reasons import in_norwegian


@pytest.fixture
def project(tmp_path) -> Project:
    return copy_project(tmp_path / "project")


@pytest.fixture
async def client(make_client, project):
    """The app with the trainer inbox writing to the project copy (the `login` fixture uses this client)."""
    return await make_client(project=project)


def stored(url: str, item_id: int) -> InboxItem:
    with db.session_scope(url) as session:
        return session.get(InboxItem, item_id)


def group_headings(html: str) -> list[tuple[str, str]]:
    """(first message, count text) of each group on the page, in order."""
    return [
        (text, count)
        for text, count in re.findall(r'<h2 id="group-\d+">«(.*?)»\s*<span class="count">(.*?)</span></h2>', html)
    ]


async def test_the_inbox_needs_a_signed_in_trainer_or_admin(client, login, csrf_of, add_item, db_url):
    item = add_item("tilgang til Teams")
    response = await client.get("/admin/trainer", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/admin/login?next=/admin/trainer"
    response = await client.post("/admin/trainer", data={"ids": item, "action": "dismiss"}, allow_redirects=False)
    assert response.status == 401
    csrf = await login("it")
    assert (await client.get("/admin/trainer")).status == 403
    response = await client.post("/admin/trainer", data={"csrf": csrf, "ids": item, "action": "dismiss"})
    assert response.status == 403 and "Du har ikke tilgang" in await response.text()
    assert 'href="/admin/trainer"' not in await (await client.get("/admin/")).text()  # not in IT's menu
    assert stored(db_url, item).status == "ny"


async def test_an_admin_sees_the_inbox_and_the_gap_pages_in_the_menu(client, login):
    await login("admin")
    html = await (await client.get("/admin/trainer")).text()
    assert 'href="/admin/trainer" aria-current="page"' in html and 'href="/admin/gaps"' in html


async def test_a_form_without_the_right_csrf_token_changes_nothing(client, login, add_item, db_url):
    item = add_item("tilgang til Teams")
    csrf = await login("trainer")
    for data in ({"ids": item, "action": "dismiss"}, {"ids": item, "action": "dismiss", "csrf": csrf[::-1]}):
        response = await client.post("/admin/trainer", data=data)
        assert response.status == 403 and "Skjemaet var utløpt" in await response.text()
    assert stored(db_url, item).status == "ny"


async def test_open_messages_are_grouped_newest_first_with_the_guess_and_paged(client, login, add_item):
    add_item("Tilgang til Teams?", minutes_ago=30, intent="tool_access", confidence=0.42)
    add_item(
        "hva er passordet til gjestenettet", minutes_ago=20, kind="out_of_scope", intent="out_of_scope", confidence=0.55
    )
    add_item("tilgang til teams", minutes_ago=10, kind="not_helpful", intent=None, confidence=None)
    add_item("ring meg på [telefon]", minutes_ago=5, status="avvist")
    await login("trainer")
    html = await (await client.get("/admin/trainer")).text()
    assert "3 meldinger venter,\n  i 2 grupper." in html
    assert group_headings(html) == [
        ("tilgang til teams", "2 meldinger"),
        ("hva er passordet til gjestenettet", "1 melding"),
    ]
    teams = html[html.index('id="group-1"') : html.index('id="group-2"')]
    assert teams.index("Ikke til hjelp (👎)") < teams.index("Ikke forstått")  # newest first within the group
    assert "<td>Tilgang til et verktøy</td>" in teams and "0,42" in teams and "Ingen" in teams
    assert "ring meg på" not in html  # handled already
    # themes by their Norwegian names, the bot's guess preselected, in Norwegian alphabetical order
    assert '<option value="tool_access" selected>Tilgang til et verktøy</option>' in teams
    assert '<option value="find_tool" >Finne et verktøy</option>' in teams
    assert '<option value="session_start"' not in teams
    shown = re.findall(r"<option value=\"[a-z_]+\" (?:selected)?>(.*?)</option>", teams)
    assert shown == sorted(shown, key=str.casefold) and "Avslutning" in shown
    visible = re.sub(r'<[^>]*>|value="[^"]*"', "", html)
    assert not re.search(r"\b(find_tool|tool_access|out_of_scope)\b", visible)

    second = await (await client.get("/admin/trainer?page=2&per_page=1")).text()
    assert group_headings(second) == [("hva er passordet til gjestenettet", "1 melding")]
    assert "Side 2 av 2" in second and 'rel="prev"' in second and 'rel="next"' not in second
    bad = await client.get("/admin/trainer?page=0")
    assert bad.status == 400 and "Sidetallet må være 1 eller mer" in await bad.text()


def stored_examples(url: str) -> list[tuple[str, str, str]]:
    with db.session_scope(url) as session:
        rows = session.scalars(select(TrainingExample).order_by(TrainingExample.id))
        return [(row.intent, row.text, row.added_by) for row in rows]


async def test_assigning_a_group_to_a_theme_stores_the_examples_with_the_files_read_only(
    client, login, add_item, db_url, project
):
    first = add_item("Slipper jeg inn i Teams som vikar?", minutes_ago=3)
    second = add_item("slipper jeg inn i teams som vikar", minutes_ago=2)
    other = add_item("hva er passordet til gjestenettet")
    csrf = await login("trainer")
    with read_only(project):
        response = await client.post(
            "/admin/trainer",
            data={"csrf": csrf, "ids": [first, second], "action": "existing", "intent": "tool_access", "page": "1"},
        )
        assert response.status == 200 and "tildelt=2" in str(response.url)
        html = await response.text()
    assert "2 meldinger er lagt til som eksempel på temaet «Tilgang til et verktøy»." in html
    assert group_headings(html) == [("hva er passordet til gjestenettet", "1 melding")]
    assert stored_examples(db_url) == [("tool_access", "Slipper jeg inn i Teams som vikar?", "trener-ola")]
    assert {stored(db_url, i).status for i in (first, second)} == {"tildelt"}
    assert stored(db_url, first).assigned_intent == "tool_access" and stored(db_url, other).status == "ny"


async def test_a_new_theme_gets_a_norwegian_name_an_answer_and_several_examples(
    client, login, add_item, db_url, project
):
    item = add_item("hva er passordet til gjestenettet")
    csrf = await login("admin")
    with read_only(project):
        response = await client.post(
            "/admin/trainer",
            data={
                "csrf": csrf,
                "ids": item,
                "action": "new",
                "name": " Gjestenett for besøkende ",
                "intent": "greet",
                "response": "Gjestenettet heter Kommune-Gjest. Passordet står i resepsjonen.",
                "examples": "wifi for besøkende\r\n\r\n  kan gjestene våre koble seg på nettet  \r\n",
            },
        )
        html = await response.text()
    assert response.status == 200 and "Temaet «Gjestenett for besøkende» er laget" in html
    assert "1 melding er lagt til som eksempel på temaet «Gjestenett for besøkende»." in html
    assert [text for intent, text, _ in stored_examples(db_url) if intent == "gjestenett_for_besokende"] == [
        "hva er passordet til gjestenettet",
        "wifi for besøkende",
        "kan gjestene våre koble seg på nettet",
    ]
    with db.session_scope(db_url) as session:
        theme = session.scalars(select(TrainingIntent)).one()
        assert (theme.display_name, theme.added_by) == ("Gjestenett for besøkende", "admin-per")
    assert stored(db_url, item).assigned_intent == "gjestenett_for_besokende"
    later = add_item("gjestenett passord")
    html = await (await client.get("/admin/trainer")).text()
    assert '<option value="gjestenett_for_besokende" >Gjestenett for besøkende</option>' in html
    response = await client.post(
        "/admin/trainer",
        data={"csrf": csrf, "ids": later, "action": "existing", "intent": "gjestenett_for_besokende"},
    )
    assert "lagt til som eksempel på temaet «Gjestenett for besøkende»" in await response.text()


async def test_the_new_theme_form_is_checked_at_its_fields_in_norwegian(client, login, add_item, db_url, project):
    item = add_item("hva er passordet til gjestenettet", minutes_ago=1)  # group 1: the newest
    duplicate = add_item("Hvordan bytter jeg vakt?", minutes_ago=5)  # an example of find_tool
    csrf = await login("trainer")
    group = term_key("hva er passordet til gjestenettet")
    data = {"csrf": csrf, "ids": item, "action": "new", "name": "Gjestenett", "response": "Svar.", "group": group}
    for fields, field, message in (
        ({"name": "  "}, "name", "Skriv navnet på det nye temaet"),
        ({"response": ""}, "response", "Skriv svaret roboten skal gi."),
        (
            {"examples": "wifi for besøkende"},
            "examples",
            "Et nytt tema trenger minst 3 eksempler. Du har valgt eller skrevet 2.",
        ),
        (
            {"name": "finne et VERKTØY", "examples": "a b\nc d"},
            "name",
            "Det finnes allerede et tema som heter «finne et VERKTØY».",
        ),
        ({"name": "x" * 101, "examples": "a b\nc d"}, "name", "Navnet er 101 tegn langt."),
        (
            {"ids": [item, duplicate], "examples": "wifi for gjester"},
            "examples",
            "Et nytt tema trenger minst 3 eksempler som ikke finnes fra før, og bare 2 kan brukes. «Hvordan bytter "
            "jeg vakt?» finnes allerede som eksempel på et annet tema, «Finne et verktøy».",
        ),
    ):
        response = await client.post("/admin/trainer", data={**data, **fields})
        html = await response.text()
        assert response.status == 400, fields
        assert re.search(f'<span id="{field}-error-1" class="alert field-error">{re.escape(message)}', html), fields
        assert f'id="{field}-1" name="{field}"' in html or f'id="{field}-1"' in html
        assert re.search(f'id="{field}-1"[^>]*aria-invalid="true"', html, re.S), fields
    assert ">Svar.</textarea>" in html and 'value="Gjestenett"' in html  # what the trainer wrote is kept
    assert stored_examples(db_url) == [] and stored(db_url, item).status == "ny"


async def test_dismissing_takes_the_messages_out_of_the_inbox(client, login, add_item, db_url, project):
    item = add_item("asdf test test")
    before = [p.read_bytes() for p in examples.nlu_files(project.nlu_dir)]
    csrf = await login("trainer")
    response = await client.post("/admin/trainer", data={"csrf": csrf, "ids": item, "action": "dismiss"})
    html = await response.text()
    assert response.status == 200 and "1 melding er avvist." in html and "Innboksen er tom." in html
    assert stored(db_url, item).status == "avvist"
    assert [p.read_bytes() for p in examples.nlu_files(project.nlu_dir)] == before
    again = await client.post("/admin/trainer", data={"csrf": csrf, "ids": item, "action": "dismiss"})
    assert again.status == 400 and f"Melding nr. {item} er allerede behandlet" in await again.text()


async def test_an_example_of_another_theme_is_refused_with_the_reason_in_norwegian(
    client, login, add_item, db_url, project
):
    duplicate = add_item("Hvordan bytter jeg vakt?", minutes_ago=2)  # an example of find_tool
    fresh = add_item("hvordan bytter jeg vakt med en kollega", minutes_ago=1)
    csrf = await login("trainer")
    response = await client.post(
        "/admin/trainer", data={"csrf": csrf, "ids": duplicate, "action": "existing", "intent": "tool_access"}
    )
    html = await response.text()
    assert response.status == 400
    assert (
        f"Melding nr. {duplicate} («Hvordan bytter jeg vakt?») ble ikke lagt til: finnes allerede som eksempel på "
        "et annet tema, «Finne et verktøy». Avgjør hvilket tema som er riktig"
    ) in html
    assert stored(db_url, duplicate).status == "ny"

    data = {"csrf": csrf, "ids": [fresh], "action": "existing", "intent": "tool_access"}
    for fields, message in (
        ({"intent": "no_such_theme"}, "Temaet «no_such_theme» finnes ikke. Velg et tema fra listen"),
        ({"ids": []}, "Velg minst én melding."),
        ({"action": "slett"}, "Velg hva du vil gjøre med meldingene."),
    ):
        response = await client.post("/admin/trainer", data={**data, **fields})
        assert response.status == 400 and message in await response.text(), fields
    assert stored_examples(db_url) == [] and stored(db_url, fresh).status == "ny"


def test_every_refusal_of_the_training_functions_has_a_norwegian_text(project, db_url):
    def new_theme(intent: str, name: str, answer: str) -> None:
        with db.session_scope(db_url) as session:
            additions.create_intent(session, project, intent, name, answer, ["a b", "c d", "e f"], by="x")

    messages = []
    for attempt in (
        lambda: examples.check_intent_name("Vakt"),
        lambda: examples.clean(" "),
        lambda: examples.clean("x" * 301),
        lambda: examples.add_examples(project.nlu_dir, "no_such_intent", ["hei"]),
        lambda: intents.check_response(""),
        lambda: intents.check_response("x" * 1001),
        lambda: intents.write_intent("find_tool", "svar", ["ny"], project),
        lambda: intents.write_intent("new_one", "svar", [], project),
        lambda: intents.write_intent("new_one", "svar", ["Hvordan bytter jeg vakt?"], project),
        lambda: new_theme("new_one", "", "svar"),
        lambda: new_theme("new_one", "x" * 101, "svar"),
        lambda: new_theme("new_one", "Finne et verktøy", "svar"),
        lambda: new_theme("find_tool", "Noe nytt", "svar"),
    ):
        with pytest.raises(examples.ExampleError) as error:
            attempt()
        messages.append(str(error.value))
    messages += [
        o.reason
        for o in examples.check_new(
            project.nlu_dir, "tool_access", ["hvordan bytter jeg vakt", "jeg mangler tilgang til det"]
        )
    ]
    for message in messages:
        assert not in_norwegian(message).startswith("Det gikk ikke"), message
    assert in_norwegian("something new") == "Det gikk ikke: something new"
