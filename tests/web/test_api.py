"""The gap API on real databases: bearer tokens (hashed, revocable, role-checked), filters and
paging as on the admin pages, the summary's department threshold, and the OpenAPI document."""

from __future__ import annotations

import pytest

from bot import db
from bot.auth import accounts
from bot.auth.models import ApiToken


@pytest.fixture
def token(db_url):
    """Create a token with a role; returns (id, plain token)."""

    def create(role: str = "it") -> tuple[int, str]:
        with db.session_scope(db_url) as session:
            row, plain = accounts.create_token(session, role, "test")
            return row.id, plain

    return create


def _auth(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


async def test_every_endpoint_needs_a_valid_token_of_a_gap_role(client, token, db_url):
    _, trainer = token("trainer")
    token_id, it = token("it")
    for path in ("/api/v1/gaps", "/api/v1/gaps/summary"):
        for headers in (
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Basic abc"},
            _auth("dh_feil"),
            _auth(it + "x"),
        ):
            response = await client.get(path, headers=headers)
            assert response.status == 401, (path, headers)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await client.get(path, headers=_auth(trainer))).status == 403
        assert (await client.get(path, headers=_auth(it))).status == 200
    with db.session_scope(db_url) as session:
        stored = session.get(ApiToken, token_id)
        assert it not in (stored.digest, stored.label) and len(stored.digest) == 64  # only a digest is kept
        assert accounts.revoke_token(session, token_id)
    assert (await client.get("/api/v1/gaps", headers=_auth(it))).status == 401


async def test_the_list_filters_and_pages_like_the_admin_pages(client, token, add_gap):
    ids = [add_gap(days_ago=i / 24, department="NAV" if i % 2 else "Oppvekst") for i in range(30)]
    add_gap(days_ago=100)
    _, it = token()
    body = await (await client.get("/api/v1/gaps?per_page=10&page=2", headers=_auth(it))).json()
    assert (body["total"], body["pages"], body["page"]) == (30, 3, 2)
    assert [g["id"] for g in body["items"]] == ids[10:20]
    assert set(body["items"][0]) >= {
        "created_at",
        "kind",
        "private_tool",
        "need",
        "alternatives",
        "department",
        "text",
        "status",
    }
    body = await (await client.get("/api/v1/gaps?department=NAV&from=2000-01-01", headers=_auth(it))).json()
    assert body["total"] == 16 and body["filters"]["department"] == "NAV"  # with the old one
    bad = await client.get("/api/v1/gaps?status=ukjent", headers=_auth(it))
    assert bad.status == 400 and "status" in (await bad.json())["error"]


async def test_the_summary_hides_department_counts_below_the_threshold(client, token, add_gap):
    for department, n in (("NAV", 5), ("Oppvekst", 4)):
        for _ in range(n):
            add_gap(department=department)
    add_gap(kind="missing_tool", private_tool=None, need="lage skjema")
    add_gap(kind="missing_tool", private_tool=None, need="Lager skjemaer")
    _, it = token()
    body = await (await client.get("/api/v1/gaps/summary", headers=_auth(it))).json()
    assert (
        body["threshold"] == 5
        and body["total"] == 11
        and body["by_kind"] == {"private_tool": 9, "missing_tool": 2, "suggestion": 0}
    )
    (whatsapp,) = body["top_private_tools"]
    assert whatsapp["count"] == 9 and whatsapp["change"] == 9
    assert whatsapp["departments"] == [{"department": "NAV", "count": 5}, {"department": "Oppvekst", "count": None}]
    assert [n["count"] for n in body["uncovered_needs"]] == [2]  # "lage skjema" and "Lager skjemaer" are one need
    assert {d["department"]: d["count"] for d in body["departments"]} == {"NAV": 7, "Oppvekst": None}
    assert sum(w["count"] for w in body["weeks"]) == 11


async def test_the_openapi_document_describes_both_endpoints(client):
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/gaps", "/api/v1/gaps/summary"} <= set(document["paths"])  # and the service messages
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    names = {p["name"] for p in document["paths"]["/api/v1/gaps"]["get"]["parameters"]}
    assert names == {"from", "to", "kind", "status", "need", "tool", "department", "page", "per_page"}


async def test_the_list_hides_small_departments_and_gives_days_not_times(client, token, add_gap):
    """k-anonymity in the per-record view: a department is named only when at least `threshold`
    (5) records of the filtered set share it, and a record says its day, not its moment."""
    nav = [add_gap(department="NAV") for _ in range(5)]
    small = [add_gap(department="Oppvekst") for _ in range(4)]
    _, it = token()
    body = await (await client.get("/api/v1/gaps", headers=_auth(it))).json()
    department = {g["id"]: g["department"] for g in body["items"]}
    assert [department[i] for i in nav] == ["NAV"] * 5
    assert [department[i] for i in small] == [None] * 4
    assert all(len(g["created_at"]) == 10 and "T" not in g["created_at"] for g in body["items"])  # YYYY-MM-DD

    # A narrower filter hides more: one NAV record of the missing-tool kind is a group of one.
    add_gap(kind="missing_tool", private_tool=None, need="lage skjema", department="NAV")
    body = await (await client.get("/api/v1/gaps?kind=missing_tool", headers=_auth(it))).json()
    assert [g["department"] for g in body["items"]] == [None]


async def test_a_filter_on_a_small_department_is_refused(client, token, add_gap):
    """The filter itself would name the department of every record it returns."""
    for _ in range(4):
        add_gap(department="Oppvekst")
    for _ in range(5):
        add_gap(department="NAV")
    _, it = token()
    refused = await client.get("/api/v1/gaps?department=Oppvekst", headers=_auth(it))
    assert refused.status == 403 and "Færre enn 5 behov fra avdelingen" in (await refused.json())["error"]
    assert (await client.get("/api/v1/gaps?department=NAV&kind=missing_tool", headers=_auth(it))).status == 403
    assert (await client.get("/api/v1/gaps?department=Ingen", headers=_auth(it))).status == 403
    body = await (await client.get("/api/v1/gaps?department=NAV", headers=_auth(it))).json()
    assert body["total"] == 5 and {g["department"] for g in body["items"]} == {"NAV"}


async def test_the_summary_of_a_small_department_is_refused(client, token, add_gap):
    """Filtered on a department, the summary's totals are that department's: below the threshold
    they would single out its few records as the list would."""
    for _ in range(4):
        add_gap(department="Oppvekst")
    for _ in range(5):
        add_gap(department="NAV")
    _, it = token()
    refused = await client.get("/api/v1/gaps/summary?department=Oppvekst", headers=_auth(it))
    assert refused.status == 403 and "Færre enn 5 behov fra avdelingen" in (await refused.json())["error"]
    body = await (await client.get("/api/v1/gaps/summary?department=NAV", headers=_auth(it))).json()
    assert body["total"] == 5


@pytest.mark.parametrize(
    "query",
    [
        "to=9999-12-31",
        "from=0001-01-01",
        "from=0001-01-01&to=9999-12-31",
        "from=1999-12-31",
        "to=2100-01-01",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/gaps", "/api/v1/gaps/summary"])
async def test_dates_outside_the_supported_range_are_a_400(client, token, path, query):
    _, it = token()
    response = await client.get(f"{path}?{query}", headers=_auth(it))
    assert response.status == 400
    assert "01.01.2000" in (await response.json())["error"]
    assert (await client.get(f"{path}?from=2000-01-01&to=2099-12-31", headers=_auth(it))).status == 200
