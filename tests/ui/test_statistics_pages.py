"""The statistics page and the exports: figures in words with their numbers, the same numbers in the Excel and CSV
files, the case list as a spreadsheet of what the reader may see, and bad input said rather than failing."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Flask
from openpyxl import load_workbook

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.documents import ruled
from tests.support.driver import APPLICATION, apply
from tests.support.pages import new_browser
from tests.support.people import PASSWORD
from tests.support.transports import ServiceTransport


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(page: str, key: str) -> str:
    found = re.search(rf'data-table="{key}">(.*?)</section>', page, re.S)
    assert found, key
    return text_of(found.group(1))


def api_get(app: Flask, path: str) -> Any:
    """A GET of the API as the supervisor, with a bearer token."""
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "supervisor", "password": PASSWORD}).get_json()["token"]
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def seed(deployed: EngineContext, people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    ruled(via)
    apply(via, matter="=HYPERLINK(\"http://example.invalid\",\"点此\")", cadre_name="李华")
    via.start("other_applicant", "rcjc_case", "application", {**APPLICATION, "cadre_name": "王五"})


def test_the_page_shows_each_table_in_words_with_its_numbers(app: Flask, deployed: EngineContext,
                                                             people: dict[str, Actor]) -> None:
    seed(deployed, people)
    supervisor = new_browser(app, "supervisor")
    assert "/statistics" in re.findall(r"<nav.*?</nav>", supervisor.get("/inbox").get_data(as_text=True), re.S)[0]
    page = supervisor.get("/statistics").get_data(as_text=True)
    assert "办理中 3" in section(page, "status")
    assert "容错免责 1 1 0 0 100.0" in section(page, "tolerance_by_domain").replace("招商引资", "容错免责")
    assert "受理审查 2" in section(page, "stage") and "暂无数据" in section(page, "late_by_group")
    assert "2026年 1" in section(page, "rulings_by_year")
    assert "暂无数据" in section(page, "clarified_by_year")
    visible = text_of(re.sub(r"<script.*?</script>", "", page, flags=re.S))
    assert 'id="figure-data"' in page and "EXEMPT" not in visible and "rcjc_" not in visible
    narrowed = supervisor.get("/statistics?unit=示例区住房和城乡建设局").get_data(as_text=True)
    assert "办理中 1" in section(narrowed, "status")


def test_the_excel_and_csv_files_hold_the_same_numbers(app: Flask, deployed: EngineContext,
                                                       people: dict[str, Actor]) -> None:
    seed(deployed, people)
    supervisor = new_browser(app, "supervisor")
    response = supervisor.get("/statistics.xlsx?domain=investment_promotion")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.data))
    status = book["案件办理情况"]
    assert "招商引资" in str(status["A1"].value)
    assert [c.value for c in status[2]] == ["项目", "案件"]
    assert [[c.value for c in row] for row in status.iter_rows(min_row=3)] == [["办理中", 3]]
    api = api_get(app, "/api/v1/statistics?domain=investment_promotion").get_json()
    for table in api["tables"]:
        sheet = book[table["title"][:31]]
        keys = [c["key"] for c in table["columns"]]
        assert [[c.value for c in row] for row in sheet.iter_rows(min_row=3)] == [[r[k] for k in keys] for r in table["rows"]]
    text = supervisor.get("/statistics.csv").data.decode("utf-8")
    assert text.startswith("\ufeff案件办理情况")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["项目", "案件"] and ["办理中", "3"] in rows and ["各领域容错率"] in rows


def test_the_case_list_exports_what_the_reader_may_see_and_keeps_formulas_as_text(
        app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    seed(deployed, people)
    everyone = load_workbook(io.BytesIO(new_browser(app, "supervisor").get("/cases.xlsx").data)).active
    assert everyone is not None
    names = [row[1].value for row in everyone.iter_rows(min_row=3)]
    assert sorted(names) == sorted(["张明", "李华", "王五"])
    formula = [row[3] for row in everyone.iter_rows(min_row=3) if row[1].value == "李华"][0]
    assert formula.data_type == "s" and str(formula.value).startswith("'=")
    own = load_workbook(io.BytesIO(new_browser(app, "applicant").get("/cases.xlsx").data)).active
    assert own is not None
    assert sorted(row[1].value for row in own.iter_rows(min_row=3)) == ["张明", "李华"]
    other = new_browser(app, "other_applicant").get("/cases.csv?q=王").data.decode("utf-8").lstrip("\ufeff")
    assert [r[1] for r in csv.reader(io.StringIO(other))][1:] == ["王五"]


def test_units_read_their_own_figures_others_none_and_bad_input_is_said(app: Flask, deployed: EngineContext,
                                                                       people: dict[str, Actor]) -> None:
    seed(deployed, people)
    applicant = new_browser(app, "applicant")
    page = applicant.get("/statistics").get_data(as_text=True)
    assert "办理中 2" in section(page, "status") and 'name="unit" value="示例区发展和改革局"' in page
    assert applicant.get("/statistics.xlsx?unit=示例区住房和城乡建设局").status_code == 403
    for who in ("investigator", "owner"):
        visitor = new_browser(app, who)
        assert visitor.get("/statistics").status_code == 403
        assert "/statistics" not in re.findall(r"<nav.*?</nav>", visitor.get("/inbox").get_data(as_text=True), re.S)[0]
    supervisor = new_browser(app, "supervisor")
    bad = supervisor.get("/statistics?from=2026-13-45")
    assert bad.status_code == 200 and "请填写日期" in bad.get_data(as_text=True)
    backwards = supervisor.get("/statistics?from=2026-05-01&to=2026-04-01")
    assert backwards.status_code == 200 and "截止日期早于起始日期" in backwards.get_data(as_text=True)
    assert supervisor.get("/statistics.csv?from=2026-13-45").status_code == 400
    api = api_get(app, "/api/v1/statistics?from=2026-05-01&to=2026-04-01")
    assert api.status_code == 400 and "起始日期不能晚于截止日期" in api.get_data(as_text=True)
