"""The third action of the trainer inbox at /admin/trainer, on real databases (SQLite and
PostgreSQL): attaching messages to the tool or process that should have answered them. The form,
the catalogue change with its audit record, the Norwegian outcome and refusals (at the field), and
who may do it."""

from __future__ import annotations

import functools
import json
import re

import pytest
from catalogue_changes import audit, tasks
from copies import copy_project

from bot import db, throwaway
from bot.catalogue import snapshot, store
from bot.feedback.models import InboxItem
from bot.web.admin.reasons import in_norwegian


@pytest.fixture
async def client(make_client, tmp_path, db_url):
    """The app on a database with the seed catalogue (the `login` fixture uses this client)."""
    throwaway.import_catalogue(db_url)
    return await make_client(project=copy_project(tmp_path / "project"))


@pytest.fixture
def add_item(add_item):
    """A message no tool fits by default (tests/web/conftest.py's add_item otherwise)."""
    return functools.partial(add_item, kind="no_fit", confidence=0.88)


def stored(url: str, item_id: int) -> tuple:
    with db.session_scope(url) as session:
        item = session.get(InboxItem, item_id)
        return item.status, item.assigned_entry_kind, item.assigned_entry_id


def choice(html: str, name: str, n: int = 1) -> str:
    """The part of group n's form for one choice (from its radio button to the next one)."""
    form = html[html.index(f'id="group-{n}"') :]
    start = form.index(f'id="{name}-{n}"')
    return form[start : form.index('<div class="choice">', start) if '<div class="choice">' in form[start:] else None]


async def test_the_form_lists_tools_and_processes_by_name_and_prefills_the_message(client, login, add_item, db_url):
    add_item("Hvordan bestiller jeg flybillett til kurs?", kind="not_helpful")
    await login("trainer")
    html = await (await client.get("/admin/trainer")).text()
    assert "Fant ikke verktøy" not in html  # the 👎 message is of another kind
    part = choice(html, "attach")
    assert '<label for="attach-1">Koble til verktøy eller fremgangsmåte</label>' in part
    tools = part[part.index('<optgroup label="Verktøy">') : part.index('<optgroup label="Fremgangsmåter">')]
    processes = part[part.index('<optgroup label="Fremgangsmåter">') : part.index("</select>")]
    tool_names = re.findall(r'<option value="tool:[^"]+" >(.*?)</option>', tools)
    with db.session_scope(db_url) as session:
        catalogue = store.read_catalogue(session)
    assert sorted(tool_names) == sorted(t.name for t in catalogue.tools)
    assert len(re.findall(r'<option value="process:', processes)) == len(catalogue.processes)
    assert tool_names[0] == "Altinn" and tool_names.index("Sikker filoverføring") < tool_names.index(
        "Sikker videokonsultasjon"
    )
    assert '<option value="tool:visma-reise" >Visma Reise</option>' in tools
    assert '<option value="process:levere-reiseregning" >Levere reiseregning</option>' in processes
    assert 'value="tool:whatsapp"' not in part  # private tools have no tasks
    assert 'name="phrase"' in part and 'value="Hvordan bestiller jeg flybillett til kurs?"' in part
    assert 'maxlength="200"' in part


async def test_a_missed_need_shows_as_such(client, login, add_item):
    add_item("tolk til foreldremøte")
    await login("trainer")
    assert "<td>Fant ikke verktøy</td>" in await (await client.get("/admin/trainer")).text()


async def test_attaching_adds_the_task_answers_at_once_and_says_so(client, login, add_item, db_url):
    first = add_item("Hvordan bestiller jeg flybillett til kurs?", minutes_ago=2)
    second = add_item("hvordan bestiller jeg flybillett til kurs", minutes_ago=1, kind="not_helpful")
    other = add_item("tolk til foreldremøte")
    before = tasks(db_url, "visma-reise")
    with db.session_scope(db_url) as session:  # the catalogue the assistant has in memory
        assert snapshot.view(session).tools["visma-reise"].tasks == before
    csrf = await login("trainer")
    response = await client.post(
        "/admin/trainer",
        data={
            "csrf": csrf,
            "ids": [first, second],
            "action": "attach",
            "entry": "tool:visma-reise",
            "phrase": " bestille  flybillett til kurs? ",
            "page": "1",
        },
    )
    assert response.status == 200 and "koblet=2" in str(response.url)
    html = await response.text()
    assert "2 meldinger er koblet til Visma Reise." in html
    assert "Lagt til som oppgave for Visma Reise. Assistenten svarer med det med en gang." in html
    assert "make train" not in html  # nothing to train
    assert "«Hvordan bestiller jeg flybillett" not in html and "«tolk til foreldremøte»" in html  # out of the inbox
    assert tasks(db_url, "visma-reise") == (*before, "bestille flybillett til kurs")
    with db.session_scope(db_url) as session:  # the next message is answered from the new catalogue
        assert snapshot.view(session).tools["visma-reise"].tasks[-1] == "bestille flybillett til kurs"
    assert {stored(db_url, i) for i in (first, second)} == {("koblet", "tool", "visma-reise")}
    assert stored(db_url, other) == ("ny", None, None)
    [change] = audit(db_url)
    assert (change.changed_by, change.action, change.entry_id, change.inbox_item_id) == (
        "trener-ola",
        "task_added",
        "visma-reise",
        first,
    )
    assert json.loads(change.after_json)[-1] == "bestille flybillett til kurs"


async def test_attaching_to_a_process_and_a_phrase_it_has(client, login, add_item, db_url):
    item = add_item("refusjon for bompenger")
    csrf = await login("admin")
    data = {
        "csrf": csrf,
        "ids": item,
        "action": "attach",
        "entry": "process:levere-reiseregning",
        "phrase": "refusjon for bompenger",
    }
    html = await (await client.post("/admin/trainer", data=data)).text()
    assert "1 melding er koblet til Levere reiseregning." in html
    assert (
        "Lagt til som nytt navn på fremgangsmåten Levere reiseregning. Assistenten svarer med det med en gang." in html
    )
    [change] = audit(db_url)
    assert (change.changed_by, change.action, change.field) == ("admin-per", "alias_added", "aliases")

    again = add_item("Reiseregning!")
    html = await (await client.post("/admin/trainer", data={**data, "ids": again, "phrase": "Reiseregning!"})).text()
    assert "Fremgangsmåten Levere reiseregning har allerede dette navnet. Katalogen er ikke endret." in html
    assert stored(db_url, again) == ("koblet", "process", "levere-reiseregning") and len(audit(db_url)) == 1


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"entry": "tool:finnes-ikke"},
            "entry",
            "Fant ikke verktøyet «finnes-ikke» i katalogen. Det kan være fjernet.",
        ),
        ({"entry": "process:visma-reise"}, "entry", "Fant ikke fremgangsmåten «visma-reise» i katalogen."),
        ({"entry": ""}, "entry", "Velg verktøyet eller fremgangsmåten meldingene skal kobles til."),
        (
            {"entry": "private_tool:whatsapp"},
            "entry",
            "Velg verktøyet eller fremgangsmåten meldingene skal kobles til.",
        ),
        ({"phrase": "  ?  "}, "phrase", "Skriv oppgaven eller navnet som skal legges til."),
        ({"phrase": "x" * 201}, "phrase", "Teksten er 201 tegn lang. Den kan være høyst 200 tegn."),
        (
            {"phrase": "ring meg på [telefon] om reise"},
            "phrase",
            "Teksten inneholder personopplysninger eller merket som skjuler dem ([telefon]). Skriv oppgaven med egne ord",
        ),
        ({"phrase": "send kvittering til ola@kommune.no"}, "phrase", "([e-post])"),
    ],
)
async def test_a_refusal_is_shown_in_norwegian_at_the_field_and_changes_nothing(
    client, login, add_item, db_url, fields, field, message
):
    item = add_item("ring meg på [telefon] om reise")
    before = tasks(db_url, "visma-reise")
    csrf = await login("trainer")
    group = re.search(r'name="group" value="([^"]*)"', await (await client.get("/admin/trainer")).text()).group(1)
    data = {
        "csrf": csrf,
        "ids": item,
        "action": "attach",
        "entry": "tool:visma-reise",
        "phrase": "bestille fly",
        "group": group,
        **fields,
    }
    response = await client.post("/admin/trainer", data=data)
    html = await response.text()
    assert response.status == 400
    at_field = re.search(rf'<span id="{field}-error-1" class="alert field-error">(.*?)</span>', html)
    assert at_field and message in at_field.group(1)
    assert 'aria-invalid="true"' in html[html.index(f'id="{field}-error-1"') :]
    assert 'id="attach-1" name="action" value="attach" checked' in html  # the form is as the trainer left it
    if field == "phrase":
        assert f'value="{data["phrase"]}"' in html and '<option value="tool:visma-reise" selected>' in html
    assert stored(db_url, item) == ("ny", None, None)
    assert tasks(db_url, "visma-reise") == before and audit(db_url) == []


async def test_a_message_handled_meanwhile_is_refused_at_the_top(client, login, add_item, db_url):
    item = add_item("bestille fly", status="avvist")
    csrf = await login("trainer")
    response = await client.post(
        "/admin/trainer",
        data={"csrf": csrf, "ids": item, "action": "attach", "entry": "tool:visma-reise", "phrase": "bestille fly"},
    )
    assert response.status == 400 and f"Melding nr. {item} er allerede behandlet" in await response.text()
    assert audit(db_url) == []


async def test_only_trainers_and_admins_may_attach_and_only_with_the_form_token(client, login, add_item, db_url):
    item = add_item("bestille fly")
    data = {"ids": item, "action": "attach", "entry": "tool:visma-reise", "phrase": "bestille fly"}
    response = await client.post("/admin/trainer", data=data, allow_redirects=False)
    assert response.status == 401
    csrf = await login("it")
    response = await client.post("/admin/trainer", data={**data, "csrf": csrf})
    assert response.status == 403 and "Du har ikke tilgang" in await response.text()
    await client.post("/admin/logout", data={"csrf": csrf})
    csrf = await login("trainer")
    response = await client.post("/admin/trainer", data={**data, "csrf": csrf[::-1]})
    assert response.status == 403 and "Skjemaet var utløpt" in await response.text()
    assert stored(db_url, item) == ("ny", None, None) and audit(db_url) == []


def test_every_refusal_of_attach_has_a_norwegian_text():
    from bot.catalogue import changes

    messages = ["No inbox message given."]
    for kind, entry_id, phrase in (
        ("tool", "visma-reise", " "),
        ("tool", "visma-reise", "x" * 201),
        ("tool", "visma-reise", "[tall]"),
        ("private_tool", "whatsapp", "chatte"),
    ):
        with pytest.raises(changes.ChangeError) as error:
            changes.clean_phrase(phrase) if kind == "tool" else changes.add_phrase(None, kind, entry_id, phrase, by="x")
        messages.append(str(error.value))
    messages += ["There is no workplace tool with the id 'a'.", "There is no process with the id 'b'."]
    for message in messages:
        assert not in_norwegian(message).startswith("Det gikk ikke"), message
