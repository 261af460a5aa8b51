"""The trainer page's versions (/admin/trainer/versjoner) over HTTP on a real database: «Lag ny
versjon» queues one training and refuses a second, the evaluation in Norwegian beside the version in
service (with the examples that changed, by theme name), «Ta i bruk» with its confirmation, «Gå
tilbake til forrige versjon», the audit trail, and who may use it. The models are records in a
temporary models directory (the worker's real training is in tests/training/test_worker_training.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import db
from bot.training import queue, registry
from bot.training.models import ModelChange, TrainingRequest

URL = "/admin/trainer/versjoner"
OLD, NEW = "20260101-000000-gammel.tar.gz", "20260102-000000-ny.tar.gz"


def scores(macro_f1: float, failed: int) -> dict:
    return {
        "accuracy": macro_f1 + 0.01,
        "macro_f1": macro_f1,
        "failed_stories": [f"story {n}" for n in range(failed)],
        "stories": 20,
        "per_intent_f1": {},
    }


@pytest.fixture
def models_dir(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    for name in (OLD, NEW):
        (models / name).write_bytes(b"a model")
    registry.write_record(
        models / OLD,
        {
            "trained_at": "2026-01-01T00:00:00+00:00",
            "scores": scores(0.95, 1),
            "examples": {"greet": ["hei"], "tool_access": ["tilgang til teams"]},
        },
    )
    registry.put_in_service(models / OLD, "no model was in service")
    registry.write_record(
        models / NEW,
        {
            "trained_at": "2026-01-02T00:00:00+00:00",
            "scores": scores(0.90, 3),
            "tolerance": 0.01,
            "compared_with": {"model": OLD, "scores": scores(0.95, 1)},
            "status": registry.REJECTED,
            "examples": {"greet": ["hei", "god morgen"], "tool_access": []},
        },
    )
    return models


@pytest.fixture
async def client(make_client, models_dir):
    return await make_client(models_dir=models_dir, rasa_replicas=("http://127.0.0.1:9",))


async def test_only_trainers_and_admins_see_the_versions(client, login):
    response = await client.get(URL, allow_redirects=False)
    assert response.status == 303
    assert (await client.post(URL + "/lag", allow_redirects=False)).status == 401
    csrf = await login("it")
    assert (await client.get(URL)).status == 403
    assert (await client.post(URL + "/lag", data={"csrf": csrf})).status == 403
    await client.post("/admin/logout", data={"csrf": csrf})
    csrf = await login("admin")
    assert (await client.get(URL)).status == 200


async def test_a_new_version_is_queued_once_and_a_second_is_refused(client, login, db_url):
    csrf = await login("trainer")
    page = await (await client.get("/admin/trainer")).text()
    assert f'href="{URL}"' in page  # linked from the trainer page's menu
    response = await client.post(URL + "/lag", data={"csrf": csrf[::-1]})
    assert response.status == 403  # the form token
    response = await client.post(URL + "/lag", data={"csrf": csrf})
    html = await response.text()
    assert response.status == 200 and "En ny versjon er lagt i kø" in html
    assert queue.WAITING in html and 'data-active="1"' in html and "/admin/static/versions.js" in html
    assert "I kø" in html and "trener-ola" in html
    response = await client.post(URL + "/lag", data={"csrf": csrf})
    assert response.status == 409 and "allerede i kø eller under trening" in await response.text()
    with db.session_scope(db_url) as session:
        rows = session.scalars(select(TrainingRequest)).all()
        assert [(r.requested_by, r.state) for r in rows] == [("trener-ola", queue.QUEUED)]
        queue.claim(session)
    with db.session_scope(db_url) as session:
        queue.finish(session, rows[0].id, succeeded=False, outcome="Treningen stoppet under «Sjekker dataene».")
    html = await (await client.get(URL)).text()
    assert "Feilet" in html and "Treningen stoppet under" in html and 'data-active="0"' in html


async def test_the_evaluation_in_norwegian_promote_with_confirmation_and_roll_back(client, login, db_url, models_dir):
    csrf = await login("trainer")
    html = await (await client.get(URL)).text()
    assert "Versjon i bruk: <strong>20260101-000000-gammel</strong>" in html
    assert "Hvor god er versjon 20260102-000000-ny?" in html
    assert "95,0 %" in html and "90,0 %" in html and "-5,0 prosentpoeng" in html
    assert "19 av 20" in html and "17 av 20" in html
    assert "Ikke tatt i bruk automatisk, fordi treffsikkerheten per tema falt fra 95,0 % til 90,0 %" in html
    assert "3 testsamtaler går galt, mot 1 med versjonen i bruk" in html
    assert "Tema «Hilsen»: 1 nytt eksempel" in html and "god morgen" in html
    assert "Tema «Tilgang til et verktøy»: 0 nye eksempler, 1 fjernet" in html
    assert "Ikke tatt i bruk" in html and "I bruk nå" in html  # the history's status names
    assert "Gå tilbake til forrige versjon" not in html  # nothing earlier to go back to

    response = await client.post(URL + "/ta-i-bruk", data={"csrf": csrf, "name": NEW})
    assert response.status == 400 and "Kryss av for at du vil ta i bruk" in await response.text()
    assert registry.in_service(models_dir) == models_dir / OLD
    response = await client.post(URL + "/ta-i-bruk", data={"csrf": csrf, "name": "../../etc/passwd", "bekreft": "ja"})
    assert response.status == 400 and "Fant ikke den versjonen" in await response.text()

    response = await client.post(URL + "/ta-i-bruk", data={"csrf": csrf, "name": NEW, "bekreft": "ja"})
    html = await response.text()
    assert response.status == 200 and "Versjonen er tatt i bruk" in html
    assert registry.in_service(models_dir) == models_dir / NEW
    assert "Tatt i bruk av en trener på trenersiden" in html
    assert "Gå tilbake til forrige versjon" in html

    response = await client.post(URL + "/tilbake", data={"csrf": csrf})
    html = await response.text()
    assert response.status == 200 and "Den forrige versjonen er tatt i bruk igjen" in html
    assert registry.in_service(models_dir) == models_dir / OLD
    assert registry.read_record(models_dir / NEW)["status"] == registry.WITHDRAWN
    assert "Trukket tilbake" in html
    with db.session_scope(db_url) as session:
        trail = [(c.action, c.model, c.replaced, c.changed_by) for c in session.scalars(select(ModelChange))]
    assert trail == [("promote", NEW, OLD, "trener-ola"), ("rollback", OLD, NEW, "trener-ola")]
    response = await client.post(URL + "/tilbake", data={"csrf": csrf})
    assert response.status == 400 and "ingen tidligere versjon" in await response.text()


async def test_a_version_below_the_quality_floor_says_so_loudly(client, login, models_dir):
    record = registry.read_record(models_dir / NEW)
    registry.write_record(models_dir / NEW, {**record, "scores": scores(0.70, 8)})
    await login("trainer")
    html = await (await client.get(URL)).text()
    assert "Denne versjonen holder ikke kvalitetskravet" in html
    assert "Treffsikkerheten per tema er 70,0 %, under kvalitetskravet på 85,0 %." in html
    assert "8 av 20 testsamtaler går galt" in html
    assert "selv om den ikke holder kvalitetskravet" in html  # the confirmation names it
