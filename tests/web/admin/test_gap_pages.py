"""IT's gap pages on real databases: the overview with its department threshold, the filtered
list with paging, CSV, one gap's status and note with the audit trail, and groups."""

from __future__ import annotations

import codecs
import csv
import io
import re

import openpyxl
import pytest

from bot import db
from bot.gaps.models import Gap, GapChange


def _cells(html: str, row_header: str) -> list[str]:
    """The cells of the table row headed by `row_header`, tags stripped."""
    match = re.search(
        rf"<tr>\s*<th scope=\"row\">(?:<a [^>]*>)?{re.escape(row_header)}(?:</a>)?</th>(.*?)</tr>", html, re.S
    )
    assert match, f"no row {row_header!r}"
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    ]


async def test_department_counts_below_the_threshold_are_hidden(client, login, add_gap):
    for _ in range(5):
        add_gap(department="NAV")
    for _ in range(4):
        add_gap(department="Oppvekst")
    for _ in range(4):
        add_gap(private_tool="dropbox", department="NAV")
    add_gap(days_ago=40)  # the previous period
    await login("it")
    html = await (await client.get("/admin/")).text()
    whatsapp = _cells(html, "whatsapp")
    assert whatsapp[:3] == ["9", "1", "opp 8"]
    assert "NAV: 5" in whatsapp[3] and "Oppvekst: færre enn 5" in whatsapp[3]
    assert _cells(html, "dropbox") == ["4", "0", "opp 4", "færre enn 5"]
    assert _cells(html, "NAV") == ["9"] and _cells(html, "Oppvekst") == ["færre enn 5"]
    assert "<svg" in html and "Uke" in html


async def test_the_list_filters_by_every_field(client, login, add_gap):
    add_gap(days_ago=1, department="NAV", status="ny")
    for _ in range(3):  # NAV reaches the department threshold (5), so a filter on it lists its records
        add_gap(days_ago=4, department="NAV")
    add_gap(days_ago=2, private_tool="dropbox", need="Lagring", department="Oppvekst", status="planlagt")
    add_gap(days_ago=3, kind="missing_tool", private_tool=None, need="lage skjema", department="NAV")
    add_gap(days_ago=50, department="NAV")
    await login("it")

    async def count(query: str) -> int:
        response = await client.get(f"/admin/gaps?{query}")
        assert response.status == 200, query
        return int(re.search(r"(\d+) behov passer med valgene", await response.text()).group(1))

    assert await count("") == 6  # the last 30 days by default
    assert await count("from=2000-01-01") == 7
    assert await count("kind=missing_tool") == 1
    assert await count("status=planlagt") == 1
    assert await count("department=NAV") == 5
    assert await count("tool=whatsapp") == 4
    assert await count("need=SKJEMA") == 1
    assert await count("need=%25") == 0  # a LIKE wildcard is searched for, not used
    assert await count("department=NAV&kind=private_tool&from=2000-01-01") == 5
    bad = await client.get("/admin/gaps?from=2024-13-01")
    assert bad.status == 400 and "ÅÅÅÅ-MM-DD" in await bad.text()
    assert (await client.get("/admin/gaps?kind=noe")).status == 400
    assert (await client.get("/admin/gaps?from=2024-03-02&to=2024-03-01")).status == 400


async def test_the_list_pages_newest_first(client, login, add_gap):
    ids = [add_gap(days_ago=i / 24) for i in range(120)]
    await login("it")
    first = await (await client.get("/admin/gaps?per_page=50")).text()
    assert "Side 1 av 3" in first and "Neste side" in first and "Forrige side" not in first
    listed = [int(i) for i in re.findall(r'href="/admin/gaps/(\d+)"', first)]
    assert listed == ids[:50]
    last = await (await client.get("/admin/gaps?per_page=50&page=3")).text()
    assert len(re.findall(r'href="/admin/gaps/(\d+)"', last)) == 20 and "Neste side" not in last
    assert (await client.get("/admin/gaps?page=0")).status == 400
    assert (await client.get("/admin/gaps?per_page=1000")).status == 400


def _excel_rows(body: bytes) -> list[list[str]]:
    """The cells Excel with Norwegian settings reads from a CSV file: UTF-8 when the file starts
    with a BOM, split on ';' (the list separator where the decimal sign is a comma), quotes honoured."""
    assert body.startswith(codecs.BOM_UTF8), "without a BOM Excel reads the file as Windows-1252"
    return list(csv.reader(io.StringIO(body[len(codecs.BOM_UTF8) :].decode("utf-8")), delimiter=";"))


HOSTILE = ["Trenger et verktøy;=1+1", '=HYPERLINK("http://x")', "@SUM(A1)", "+47 kalkulator", "-2+3", "\t=1", " =1+1"]


async def test_csv_holds_the_filtered_list_as_norwegian_excel_reads_it(client, login, add_gap):
    for text in HOSTILE:
        add_gap(department="NAV", text=text, alternatives=["teams", "onedrive"], need=text)
    add_gap(department="Oppvekst")
    await login("it")
    response = await client.get("/admin/gaps.csv?department=NAV")
    assert response.status == 200 and response.content_type == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="behov-')
    header, *rows = _excel_rows(await response.read())
    assert len(rows) == len(HOSTILE) and all(len(row) == len(header) for row in rows)  # no text split into cells
    text, need, alternatives = (header.index(name) for name in ("text", "need", "alternatives"))
    assert sorted(row[text] for row in rows) == sorted(t if t.startswith("Trenger") else "'" + t for t in HOSTILE)
    assert all(row[need] == row[text] for row in rows)  # every cell, not the text alone
    assert {row[alternatives] for row in rows} == {"teams, onedrive"}
    for row in rows:
        assert not any(cell[:1] and cell[:1] in "=+-@\t\r" for cell in row), row


async def test_xlsx_holds_the_filtered_list_as_text_cells(client, login, add_gap):
    for text in HOSTILE:
        add_gap(department="NAV", text=text, need=text)
    await login("it")
    html = await (await client.get("/admin/gaps?department=NAV")).text()
    assert re.search(r'href="/admin/gaps\.xlsx\?[^"]*department=NAV"', html)
    response = await client.get("/admin/gaps.xlsx?department=NAV")
    assert response.status == 200
    assert response.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(await response.read())).active
    header, *rows = sheet.iter_rows()
    names = [cell.value for cell in header]
    text = names.index("text")
    assert sorted(row[text].value for row in rows) == sorted(HOSTILE)  # exactly what was written
    assert all(cell.data_type != "f" for row in rows for cell in row)  # never a formula
    assert all(row[names.index("department")].value == "NAV" for row in rows)
    assert all(row[names.index("created_at")].is_date for row in rows)


async def test_per_record_views_hide_small_departments_and_show_days(client, login, add_gap):
    """k-anonymity: the list and the exports name a department only when at least 5 records of
    the filtered set share it, and show days, not times; one gap's page follows the whole log."""
    for _ in range(5):
        add_gap(department="NAV", text="stor avdeling")
    small = add_gap(department="Oppvekst", text="liten avdeling")
    await login("it")
    html = await (await client.get("/admin/gaps")).text()
    assert "Oppvekst" not in html.split("<table", 1)[1] and "NAV" in html.split("<table", 1)[1]
    assert " kl. " not in html.split("<table", 1)[1]
    header, *rows = _excel_rows(await (await client.get("/admin/gaps.csv")).read())
    department = {row[header.index("text")]: row[header.index("department")] for row in rows}
    assert department == {"stor avdeling": "NAV", "liten avdeling": ""}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[header.index("created_at")]) for row in rows)
    sheet = openpyxl.load_workbook(io.BytesIO(await (await client.get("/admin/gaps.xlsx")).read())).active
    assert "Oppvekst" not in [cell.value for row in sheet.iter_rows() for cell in row]
    detail = await (await client.get(f"/admin/gaps/{small}")).text()
    assert "Oppvekst" not in detail and " kl. " not in detail.split("Endringslogg")[0]
    groups = await (await client.get("/admin/groups")).text()
    assert " kl. " not in groups

    refused = await client.get("/admin/gaps?department=Oppvekst")
    assert refused.status == 200 and "liten avdeling" not in await refused.text()
    assert "Færre enn 5 behov fra avdelingen" in await refused.text() and "gaps.csv" not in await refused.text()
    for path in ("/admin/gaps.csv", "/admin/gaps.xlsx", "/admin/groups"):
        response = await client.get(f"{path}?department=Oppvekst")
        assert response.status == (200 if path == "/admin/groups" else 403), path
        assert (
            "Færre enn 5 behov fra avdelingen" in await response.text()
            and "liten avdeling" not in await response.text()
        )


@pytest.mark.parametrize("path", ["/admin/", "/admin/gaps", "/admin/gaps.csv", "/admin/gaps.xlsx", "/admin/groups"])
@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01", "from=0001-01-01&to=9999-12-31"])
async def test_dates_outside_the_supported_range_are_a_400_in_norwegian(client, login, path, query):
    await login("it")
    response = await client.get(f"{path}?{query}")
    assert response.status == 400
    assert "Datoene må ligge mellom 01.01.2000 og 31.12.2099." in await response.text()


async def test_a_status_and_note_change_is_saved_with_who_and_when(client, login, add_gap, db_url):
    gap_id = add_gap(text="Jeg deler vaktlister på WhatsApp med <telefonnummer>")
    csrf = await login("it")
    page = await (await client.get(f"/admin/gaps/{gap_id}")).text()
    assert "&lt;telefonnummer&gt;" in page and "Ingen endringer ennå" in page and "teams" in page
    response = await client.post(
        f"/admin/gaps/{gap_id}", data={"csrf": csrf, "status": "under vurdering", "note": "Sjekker Teams-lisenser"}
    )
    assert response.status == 200 and str(response.url).endswith(f"/admin/gaps/{gap_id}?lagret=1")
    page = await response.text()
    assert "Endringene er lagret." in page
    assert _row_texts(page) == [
        ["it-kari", "Status", "ny", "under vurdering"],
        ["it-kari", "Internt notat", "–", "Sjekker Teams-lisenser"],
    ]
    # The same values again change nothing; a new status alone adds one record.
    await client.post(
        f"/admin/gaps/{gap_id}", data={"csrf": csrf, "status": "under vurdering", "note": "Sjekker Teams-lisenser"}
    )
    await client.post(f"/admin/gaps/{gap_id}", data={"csrf": csrf, "status": "løst", "note": "Sjekker Teams-lisenser"})
    with db.session_scope(db_url) as session:
        assert session.get(Gap, gap_id).status == "løst"
        changes = session.query(GapChange).filter_by(gap_id=gap_id).order_by(GapChange.id).all()
        assert [(c.field, c.old_value, c.new_value, c.actor) for c in changes] == [
            ("status", "ny", "under vurdering", "it-kari"),
            ("note", None, "Sjekker Teams-lisenser", "it-kari"),
            ("status", "under vurdering", "løst", "it-kari"),
        ]
        assert all(c.changed_at is not None for c in changes)
    assert (await client.post(f"/admin/gaps/{gap_id}", data={"csrf": csrf, "status": "ferdig"})).status == 400
    assert (await client.get("/admin/gaps/999999")).status == 404


def _row_texts(html: str) -> list[list[str]]:
    """The audit table's rows without the time column."""
    table = html[html.index("Endringslogg") :]
    rows = re.findall(r"<tr><td>(.*?)</tr>", table, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.split(r"</td>\s*<td>", row)][1:] for row in rows]


async def test_similar_records_form_one_group_whose_status_is_set_at_once(client, login, add_gap, db_url):
    whatsapp = [add_gap() for _ in range(3)]
    needs = [
        add_gap(kind="missing_tool", private_tool=None, need=need)
        for need in ("lage skjema", "Lage skjemaer", "lager skjema")
    ]
    other = add_gap(kind="missing_tool", private_tool=None, need="booke møterom")
    csrf = await login("it")
    html = await (await client.get("/admin/groups")).text()
    keys = re.findall(r'name="key" value="([^"]+)"', html)
    need_key = next(k for k in keys if "skjem" in k)
    assert sorted(keys) == sorted(["tool:whatsapp", need_key, "need:book møterom"])  # three "skjema" needs in one
    response = await client.post("/admin/groups/status", data={"csrf": csrf, "key": need_key, "new_status": "planlagt"})
    assert response.status == 200 and "Status er endret for 3 behov." in await response.text()
    with db.session_scope(db_url) as session:
        status = {g.id: g.status for g in session.query(Gap)}
        assert [status[i] for i in needs] == ["planlagt"] * 3
        assert status[other] == "ny" and all(status[i] == "ny" for i in whatsapp)
        assert session.query(GapChange).filter(GapChange.gap_id.in_(needs), GapChange.actor == "it-kari").count() == 3
