"""IT's service messages through the API (roles it and admin, Norwegian errors, in the OpenAPI
document) and on the public chat surface, where the widget reads the active ones for its banner."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jsonschema
import pytest

from bot import db
from bot.auth import accounts
from bot.catalogue.models import ServiceMessage


def later(hours: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).isoformat()


@pytest.fixture
def auth(db_url, tidvis):
    """Headers with a new token of a role (label "Servicedesk"); the catalogue holds Tidvis."""

    def headers(role: str = "it") -> dict:
        with db.session_scope(db_url) as session:
            return {"Authorization": f"Bearer {accounts.create_token(session, role, 'Servicedesk')[1]}"}

    return headers


async def test_it_posts_lists_and_ends_a_message(client, auth, db_url):
    headers = auth("it")
    body = {"tool": "tidvis", "text": "Tidvis er nede for vedlikehold til kl. 14.", "ends": later(2)}
    response = await client.post("/api/v1/service-messages", json=body, headers=headers)
    assert response.status == 201, await response.text()
    created = await response.json()
    assert created["tool_name"] == "Tidvis" and created["active"] and created["created_by"] == "api:Servicedesk"

    listed = await (await client.get("/api/v1/service-messages", headers=auth("admin"))).json()
    assert [m["id"] for m in listed["items"]] == [created["id"]]
    public = await (await client.get("/api/service-messages")).json()  # no token needed
    assert public == {"messages": [{"tool": "Tidvis", "text": "Tidvis er nede for vedlikehold til kl. 14."}]}

    assert (await client.delete(f"/api/v1/service-messages/{created['id']}", headers=headers)).status == 204
    assert (await client.delete(f"/api/v1/service-messages/{created['id']}", headers=headers)).status == 404
    assert (await client.delete("/api/v1/service-messages/abc", headers=headers)).status == 404
    assert (await client.delete(f"/api/v1/service-messages/{2**63}", headers=headers)).status == 404
    assert (await (await client.get("/api/service-messages")).json()) == {"messages": []}
    with db.session_scope(db_url) as session:
        assert session.get(ServiceMessage, created["id"]).ended_by == "api:Servicedesk"


async def test_only_it_and_admin_tokens_may_use_it(client, auth):
    body = {"tool": "tidvis", "text": "Nede.", "ends": later(1)}
    for request in (
        lambda h: client.get("/api/v1/service-messages", headers=h),
        lambda h: client.post("/api/v1/service-messages", json=body, headers=h),
        lambda h: client.delete("/api/v1/service-messages/1", headers=h),
    ):
        assert (await request({})).status == 401
        refused = await request(auth("trainer"))
        assert refused.status == 403 and "it eller admin" in (await refused.json())["error"]


@pytest.mark.parametrize(
    "body, field, says",
    [
        ({"tool": "fjasboka", "text": "Nede.", "ends": later(1)}, "tool", "Finner ikke verktøyet «fjasboka»"),
        ({"tool": "tidvis", "text": "  ", "ends": later(1)}, "text", "Skriv selve driftsmeldingen"),
        ({"tool": "tidvis", "text": "Nede.", "ends": "i morgen"}, "ends", "«i morgen» er ikke et tidspunkt"),
        ({"tool": "tidvis", "text": "Nede.", "starts": later(3), "ends": later(1)}, "ends", "etter starten"),
    ],
)
async def test_bad_input_gets_a_norwegian_message_naming_the_field(client, auth, body, field, says):
    response = await client.post("/api/v1/service-messages", json=body, headers=auth())
    assert response.status == 400
    answer = await response.json()
    assert answer["field"] == field and says in answer["error"]


@pytest.mark.parametrize("body", ["ikke json", '["tool"]', '{"tool": "tidvis", "text": 5, "ends": "14:00"}', "{}"])
async def test_a_body_that_is_not_a_message_is_a_400(client, auth, body):
    response = await client.post("/api/v1/service-messages", data=body, headers=auth())
    assert response.status == 400
    assert "tool, text og ends" in (await response.json())["error"]


async def test_the_openapi_document_describes_the_service_message_api(client, auth):
    document = await (await client.get("/api/v1/openapi.json")).json()
    paths = document["paths"]
    assert set(paths["/api/v1/service-messages"]) == {"get", "post"}
    assert set(paths["/api/v1/service-messages/{id}"]) == {"delete"}
    schemas = document["components"]["schemas"]
    created = await client.post(
        "/api/v1/service-messages", json={"tool": "tidvis", "text": "Nede.", "ends": later(1)}, headers=auth()
    )
    jsonschema.validate(await created.json(), {**schemas["ServiceMessage"], "additionalProperties": False})
    jsonschema.validate({"tool": "tidvis", "text": "Nede.", "ends": later(1)}, schemas["NewServiceMessage"])
