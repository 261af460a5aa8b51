"""The model server on the internal surface (bot/web/model_server.py): the token, the model in
service with its ETag, 304 while Rasa has it (Rasa sends back the ETag it got, rasa/core/agent.py),
a rollback as a change. tests/cluster/test_model_rollout.py has real Rasa servers poll it."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace

import pytest

from bot.config import settings
from bot.service_secrets import HEADER
from bot.training import registry
from bot.web.app import Surface, create_app
from bot.web.model_server import PATH

TOKEN = hashlib.sha256(b"tests/web/test_model_server").hexdigest()  # random-looking, as required
WITH_TOKEN = {HEADER: TOKEN}


@pytest.fixture
def models_dir(tmp_path):
    directory = tmp_path / "models"
    directory.mkdir()
    return directory


def model(models_dir, name: str, size: int = 3 * 1024 * 1024 + 17):
    """A model file (random bytes: the server does not look inside) with a record."""
    path = models_dir / f"{name}.tar.gz"
    path.write_bytes(os.urandom(size))
    registry.write_record(path, {"trained_at": registry.now(), "status": registry.CANDIDATE})
    return path


@pytest.fixture
async def server(aiohttp_client, models_dir):
    config = replace(settings(), models_dir=models_dir, model_server_token=TOKEN)
    return await aiohttp_client(create_app(config, Surface.INTERNAL))


@pytest.mark.parametrize(
    "headers, query, status",
    [({}, "", 401), ({HEADER: "another-token-" + "x" * 30}, "", 403), (WITH_TOKEN, f"?token={TOKEN}", 400)],
)
async def test_without_the_token_in_its_header_nothing_is_served(server, models_dir, headers, query, status):
    registry.put_in_service(model(models_dir, "20990101-000000"), "test")
    response = await server.get(PATH + query, headers=headers)
    assert response.status == status
    assert "ETag" not in response.headers and "error" in await response.json()


async def test_404_while_no_model_is_in_service(server, models_dir):
    model(models_dir, "20990101-000000")  # trained, never put in service
    assert (await server.get(PATH, headers=WITH_TOKEN)).status == 404


async def test_the_model_in_service_then_304_until_another_is_put_in_service(server, models_dir):
    first, second = model(models_dir, "20990101-000000"), model(models_dir, "20990102-000000")
    registry.put_in_service(first, "test")

    response = await server.get(PATH, headers=WITH_TOKEN)
    assert response.status == 200 and await response.read() == first.read_bytes()
    assert response.headers["filename"] == first.name  # what Rasa's /status then names
    assert response.headers["Content-Type"] == "application/gzip"
    first_tag = response.headers["ETag"]
    assert first_tag.startswith('"') and first_tag.endswith('"')

    unchanged = await server.get(PATH, headers={**WITH_TOKEN, "If-None-Match": first_tag})
    assert unchanged.status == 304 and unchanged.headers["ETag"] == first_tag and await unchanged.read() == b""

    registry.put_in_service(second, "promoted")
    promoted = await server.get(PATH, headers={**WITH_TOKEN, "If-None-Match": first_tag})
    assert promoted.status == 200 and await promoted.read() == second.read_bytes()
    assert promoted.headers["ETag"] != first_tag

    registry.rollback(models_dir)
    back = await server.get(PATH, headers={**WITH_TOKEN, "If-None-Match": promoted.headers["ETag"]})
    assert back.status == 200 and back.headers["ETag"] == first_tag and back.headers["filename"] == first.name


async def test_a_copy_under_another_name_is_another_model(server, models_dir):
    first = model(models_dir, "20990101-000000")
    copy = models_dir / "20990103-000000.tar.gz"
    copy.write_bytes(first.read_bytes())
    registry.write_record(copy, {"trained_at": registry.now()})
    registry.put_in_service(first, "test")
    first_tag = (await server.get(PATH, headers=WITH_TOKEN)).headers["ETag"]
    registry.put_in_service(copy, "test")
    response = await server.get(PATH, headers={**WITH_TOKEN, "If-None-Match": first_tag})
    assert response.status == 200 and response.headers["filename"] == copy.name


async def test_the_public_surface_has_no_model_server(aiohttp_client, models_dir):
    registry.put_in_service(model(models_dir, "20990101-000000"), "test")
    config = replace(settings(), models_dir=models_dir, model_server_token=TOKEN)
    public = await aiohttp_client(create_app(config, Surface.PUBLIC))
    assert (await public.get(PATH, headers=WITH_TOKEN)).status == 404
