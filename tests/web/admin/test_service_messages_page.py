"""The service-message page: IT and admin post and end messages (CSRF-checked forms, errors at
their field in Norwegian), trainers are refused, and the assistant's store sees what was posted."""

from __future__ import annotations

import pytest

from bot import db
from bot.catalogue import service_messages
from bot.catalogue.models import ServiceMessage

PAGE = "/admin/driftsmeldinger"


@pytest.mark.parametrize("role", ["it", "admin"])
async def test_it_posts_and_ends_a_message(client, login, csrf_of, tidvis, db_url, role):
    csrf = await login(role)
    form = {
        "csrf": csrf,
        "tool": "tidvis",
        "text": "Tidvis er nede til kl. 14.",
        "starts": "",
        "ends": "2099-01-01 14:00",
    }
    response = await client.post(PAGE, data=form)
    html = await response.text()
    assert response.status == 200 and "Driftsmeldingen er lagt inn." in html
    assert "Tidvis er nede til kl. 14." in html and "01.01.2099 kl. 14:00" in html  # Norwegian time, as written
    assert 'href="/admin/driftsmeldinger" aria-current="page"' in html
    with db.session_scope(db_url) as session:
        [notice] = service_messages.active(session)
        assert notice.reply == "Driftsmelding for Tidvis: Tidvis er nede til kl. 14."
        message = session.query(ServiceMessage).one()
        assert message.created_by.startswith(role)

    ended = await client.post(f"{PAGE}/{message.id}/avslutt", data={"csrf": csrf_of(html)})
    assert ended.status == 200 and "Driftsmeldingen er avsluttet." in await ended.text()
    assert "Ingen aktive eller kommende driftsmeldinger." in await ended.text()
    again = await client.post(f"{PAGE}/{message.id}/avslutt", data={"csrf": csrf_of(html)})
    assert again.status == 404


@pytest.mark.parametrize(
    "changed, field, says",
    [
        ({"tool": ""}, "tool", "Finner ikke verktøyet «»"),
        ({"text": "  "}, "text", "Skriv selve driftsmeldingen."),
        ({"ends": "snart"}, "ends", "«snart» er ikke et tidspunkt"),
        ({"starts": "2099-01-02 10:00"}, "ends", "Slutten må være etter starten."),
    ],
)
async def test_an_error_is_shown_at_its_field_and_the_form_kept(client, login, tidvis, db_url, changed, field, says):
    csrf = await login("it")
    form = {"csrf": csrf, "tool": "tidvis", "text": "Nede.", "starts": "", "ends": "2099-01-01 14:00", **changed}
    response = await client.post(PAGE, data=form)
    html = await response.text()
    assert response.status == 400
    assert f'<span id="{field}-error" class="alert field-error">{says}' in html
    assert 'aria-invalid="true"' in html
    assert f'value="{form["ends"]}"' in html  # the form keeps what was written
    with db.session_scope(db_url) as session:
        assert session.query(ServiceMessage).count() == 0


async def test_trainers_and_visitors_are_refused_and_a_form_needs_its_csrf_token(client, login, tidvis, db_url):
    assert (await client.get(PAGE, allow_redirects=False)).status == 303  # to the sign-in page
    form = {"tool": "tidvis", "text": "Nede.", "ends": "2099-01-01 14:00"}
    assert (await client.post(PAGE, data=form)).status == 401
    await login("trainer")
    assert (await client.get(PAGE)).status == 403
    await login("it")
    assert (await client.post(PAGE, data={**form, "csrf": "feil"})).status == 403
    with db.session_scope(db_url) as session:
        assert session.query(ServiceMessage).count() == 0
