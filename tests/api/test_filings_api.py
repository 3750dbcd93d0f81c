"""Prior filings through the API and the pages: a unit files and lists its own filings only; the organization
department and supervisors list every unit's; nobody else reads them, and another unit finds none of its data."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.access.policy import Actor
from tests.support.client import ApiUser, sign_in
from tests.support.filings import FILING
from tests.support.pages import new_browser

CALLERS = ["applicant", "other_applicant", "accountability", "intake", "investigator", "chair", "supervisor",
           "orgdept", "owner", "admin"]
READERS = {"applicant", "supervisor", "orgdept"}


@pytest.fixture
def callers(http: FlaskClient, people: dict[str, Actor]) -> dict[str, ApiUser]:
    return {name: sign_in(http, name) for name in CALLERS}


@pytest.fixture
def filed(callers: dict[str, ApiUser]) -> dict[str, Any]:
    return dict(callers["applicant"].post("/filings", {"data": FILING}, expect=201))


def test_a_unit_files_and_reads_its_filing(callers: dict[str, ApiUser], filed: dict[str, Any]) -> None:
    assert (filed["status"], filed["unit"], filed["number"], filed["major"]) == ("filed", "示例区发展和改革局", None, True)
    assert filed["matter"] == FILING["matter"] and filed["progress_reports"] == []
    listed = callers["applicant"].get("/filings")
    assert listed["total"] == 1 and listed["items"][0]["id"] == filed["id"]
    found = callers["orgdept"].get("/filings", query_string={"q": "容缺", "status": "filed"})
    assert [i["id"] for i in found["items"]] == [filed["id"]]
    assert callers["orgdept"].get("/filings", query_string={"status": "registered"})["total"] == 0


def test_only_the_unit_the_reviewers_and_supervisors_read_filings(callers: dict[str, ApiUser], filed: dict[str, Any]) -> None:
    for name, caller in callers.items():
        listed = caller.call("GET", "/filings", None)
        one = caller.call("GET", f"/filings/{filed['id']}", None)
        statuses = (caller.calls[-2][2], caller.calls[-1][2])
        if name in READERS:
            assert statuses == (200, 200), name
        elif name == "other_applicant":
            # Its own list is empty; the filing of another unit does not exist for it.
            assert statuses == (200, 404) and listed["total"] == 0, name
        else:
            assert statuses == (403, 403), name
        if name not in READERS:
            assert FILING["matter"] not in str(listed) + str(one), name


def test_only_a_unit_files(callers: dict[str, ApiUser]) -> None:
    for name in ("intake", "orgdept", "supervisor"):
        callers[name].post("/filings", {"data": FILING}, expect=403)
    refused = callers["applicant"].post("/filings", {"data": {**FILING, "matter": ""}}, expect=400)
    assert "matter" in str(refused)
    assert callers["orgdept"].get("/filings")["total"] == 0


def test_the_filings_pages_follow_the_same_rule(app: Flask, filed: dict[str, Any]) -> None:
    own = new_browser(app, "applicant")
    page = own.get("/filings").get_data(as_text=True)
    assert FILING["matter"][:10] in page and "审核中" in page and "事前备案" in page
    detail = own.get(f"/filings/{filed['id']}").get_data(as_text=True)
    assert FILING["cadre_name"] in detail and "尚无进度报告" in detail
    other = new_browser(app, "other_applicant")
    assert FILING["matter"][:10] not in other.get("/filings").get_data(as_text=True)
    assert other.get(f"/filings/{filed['id']}").status_code == 404
    assert new_browser(app, "intake").get("/filings").status_code == 403
    assert "/filings" not in new_browser(app, "intake").get("/inbox").get_data(as_text=True)
