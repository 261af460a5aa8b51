"""The catalogue pages edit the optional nynorsk fields (catalogue format 1.2): each shown right
after its bokmål field, stored, advised on and refused like it; the pages themselves stay bokmål."""

from __future__ import annotations

from bot import db
from bot.catalogue import store
from bot.catalogue.schema import in_standard

PAGE = "/admin/katalog"
NEW = {
    "id": "kommunekart",
    "name": "Kommunekart",
    "category": "Kart",
    "summary": "Kart over kommunen.",
    "summary_nn": "Kart over kommunen, på nynorsk.",
    "tasks": "finne eiendomsgrenser\nse reguleringsplaner",
    "tasks_nn": "finne eigedomsgrenser\nsjå reguleringsplanar",
    "access": "Åpent for alle ansatte.",
    "access_nn": "Ope for alle tilsette.",
}


async def test_the_nynorsk_fields_are_shown_after_their_twins_and_stored(client, login, db_url):
    csrf = await login("it")
    form = await (await client.get(f"{PAGE}/verktoy/ny")).text()
    order = [form.index(f'<label for="{name}">') for name in ("summary", "summary_nn", "tasks", "tasks_nn")]
    assert order == sorted(order)
    assert '<label for="summary_nn">Kort beskrivelse på nynorsk</label>' in form
    assert "Brukes når assistenten svarer på nynorsk" in form
    saved = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW})
    html = await saved.text()
    assert saved.status == 200 and "Endringen er lagret." in html
    assert "finne eigedomsgrenser\nsjå reguleringsplanar</textarea>" in html
    with db.session_scope(db_url) as session:
        tool = store.get_tool(session, "kommunekart")
    assert in_standard(tool, "tasks", "nn") == ("finne eigedomsgrenser", "sjå reguleringsplanar")
    assert in_standard(tool, "access", "nn") == "Ope for alle tilsette."
    assert in_standard(tool, "training", "nn") is None


async def test_a_nynorsk_field_without_its_twin_is_refused_at_it_and_its_tasks_advised_on(client, login, db_url):
    csrf = await login("it")
    refused = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW, "training_nn": "Kurs."})
    assert refused.status == 400
    assert (
        '<span id="training_nn-error" class="alert field-error">Fyll også ut feltet over: nynorskfeltet er et '
        "tillegg til det, ikke en erstatning.</span>"
    ) in await refused.text()
    saved = await client.post(f"{PAGE}/verktoy/ny", data={"csrf": csrf, **NEW, "tasks_nn": "Kart"})
    assert "<li>«Kart» bør fortsette «Verktøyet passar til å …»" in await saved.text()
