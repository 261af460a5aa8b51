"""The status page (/admin/status): every admin role sees the model in service (and loudly when it
is below the quality floor), the last training, the catalogue's revision, the services' health and
when retention last ran, per store."""

from __future__ import annotations

import re

import pytest

from bot import retention
from bot.training import registry

NOBODY = "http://127.0.0.1:9"  # the discard port: nothing answers there


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def models_dir(tmp_path):
    return tmp_path / "models"


@pytest.fixture
async def status_page(make_client, users, password, csrf_of, models_dir):
    """Sign in with `role` and read the page as text."""

    async def read(role: str = "it") -> tuple[int, str]:
        client = await make_client(models_dir=models_dir, rasa_replicas=(NOBODY,), action_servers=(NOBODY,))
        form = await client.get("/admin/login")
        await client.post(
            "/admin/login", data={"name": users[role], "password": password, "csrf": csrf_of(await form.text())}
        )
        response = await client.get("/admin/status")
        return response.status, _text(await response.text())

    return read


def _model(models_dir, name: str, **record) -> None:
    models_dir.mkdir(exist_ok=True)
    path = models_dir / f"{name}.tar.gz"
    path.write_bytes(b"not a real model")
    registry.write_record(path, {"model": path.name, "trained_at": "2026-12-01T10:00:00+00:00", **record})


@pytest.mark.parametrize("role", ["it", "trainer", "admin"])
async def test_every_admin_role_sees_the_status(status_page, role):
    status, text = await status_page(role)
    assert status == 200 and "Drift" in text
    assert "Ingen modell er tatt i bruk ennå" in text
    assert "Assistenten kan ikke svare nå" in text  # no Rasa answers
    assert "Rasa-tjenere som svarer 0 av 1" in text


async def test_the_page_needs_a_sign_in(make_client):
    client = await make_client()
    response = await client.get("/admin/status", allow_redirects=False)
    assert response.status in (302, 303) and "/admin/login" in response.headers["Location"]


async def test_a_model_in_service_below_the_quality_floor_is_shown_loudly(status_page, models_dir):
    problem = "held-out macro-F1 0.610 is below the floor of 0.85 (BOT_QUALITY_FLOOR)"
    _model(models_dir, "20261201-100000", scores={"macro_f1": 0.61}, below_floor=[problem])
    registry.put_in_service(models_dir / "20261201-100000.tar.gz", "the first model")
    _model(models_dir, "20261202-090000", trained_at="2026-12-02T09:00:00+00:00", status=registry.REJECTED)
    _, text = await status_page()
    assert "Modellen i bruk er under kvalitetskravet" in text and problem in text
    assert "20261201-100000" in text and "0.610" in text and "tatt i bruk" in text
    assert "Siste trening Navn 20261202-090000" in text and "avvist" in text


async def test_the_last_purge_of_each_store_is_shown(status_page, db_url, monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", db_url)
    _, text = await status_page()
    assert "Trenerinnboksen aldri" in text
    line, complete = retention.purge(30, ["inbox"])
    assert complete
    _, text = await status_page()
    assert re.search(r"Trenerinnboksen \d\d\.\d\d\.\d{4} kl\. \d\d:\d\d fullført", text)
    assert "Samtaler aldri" in text  # only the inbox was purged
