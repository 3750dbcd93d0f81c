"""GET /api/v1/notifications and GET /api/v1/register a page at a time: read in SQL with the true total, filters
applied before paging, no row lost or repeated between pages, and nobody sees rows that are not theirs to see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.notifications.inbox import mark_all_read
from engine.persistence.models import AccessLog
from tests.support.client import ApiUser
from tests.support.driver import apply
from tests.support.lists import file_records, notify_many
from tests.support.transports import ServiceTransport


def pages_of(user: ApiUser, path: str, per_page: int, **query: Any) -> list[dict[str, Any]]:
    """Every page of a list, one request each, until a page comes back empty."""
    found = []
    for page in range(1, 100):
        body = user.get(path, query_string={**query, "page": page, "per_page": per_page})
        found.append(body)
        if not body["items"]:
            return found
    raise AssertionError("the pages never end")


def test_notifications_page_newest_first_without_overlap(deployed: EngineContext, users: dict[str, ApiUser]) -> None:
    notify_many(deployed, "intake", 23)
    notify_many(deployed, "investigator", 4, "别人的提醒")
    pages = pages_of(users["intake"], "/notifications", 5)
    assert len(pages) == 6 and [len(p["items"]) for p in pages] == [5, 5, 5, 5, 3, 0]
    assert {(p["total"], p["unread"], p["per_page"]) for p in pages} == {(23, 23, 5)}
    assert [p["page"] for p in pages] == [1, 2, 3, 4, 5, 6]
    ids = [n["id"] for p in pages for n in p["items"]]
    assert len(ids) == len(set(ids)) == 23 and ids == sorted(ids, reverse=True)
    messages = [n["message"] for p in pages for n in p["items"]]
    assert messages == [f"提醒 {n:02d}" for n in reversed(range(23))]
    # Another user's notifications are on no page of this user's, and theirs are theirs alone.
    theirs = users["investigator"].get("/notifications")
    assert theirs["total"] == 4 and all(n["message"].startswith("别人的提醒") for n in theirs["items"])
    assert users["chair"].get("/notifications") == {"items": [], "total": 0, "unread": 0, "page": 1, "per_page": 20}


def test_the_unread_filter_applies_before_paging(deployed: EngineContext, users: dict[str, ApiUser]) -> None:
    notify_many(deployed, "intake", 7, "已读")
    mark_all_read(deployed, "intake")
    notify_many(deployed, "intake", 6, "未读")
    unread = pages_of(users["intake"], "/notifications", 4, unread="true")
    assert {(p["total"], p["unread"]) for p in unread} == {(6, 6)}
    assert [n["message"] for p in unread for n in p["items"]] == [f"未读 {n:02d}" for n in reversed(range(6))]
    everything = users["intake"].get("/notifications", query_string={"per_page": 100})
    assert everything["total"] == 13 and everything["unread"] == 6 and len(everything["items"]) == 13
    # A page past the end is empty, with the true total still said.
    beyond = users["intake"].get("/notifications", query_string={"page": 9, "per_page": 4})
    assert beyond["items"] == [] and beyond["total"] == 13


def test_bad_page_numbers_are_refused_not_failed(users: dict[str, ApiUser]) -> None:
    for query in ({"page": 0}, {"page": -1}, {"page": "x"}, {"per_page": 0}, {"per_page": 101}, {"page": 100_001}):
        assert users["intake"].call("GET", "/notifications", 400, query_string=query)["error"]["code"]
        assert users["orgdept"].call("GET", "/register", 400, query_string={"name": "干部", **query})["error"]["code"]


def test_the_register_pages_newest_decision_first(deployed: EngineContext, people: dict[str, Actor],
                                                  users: dict[str, ApiUser]) -> None:
    via = ServiceTransport(deployed, people)
    case_ids = [apply(via, matter=f"档案事项{n:02d}").case_id for n in range(9)]
    file_records(deployed, case_ids)
    pages = pages_of(users["orgdept"], "/register", 4, name="档案干部")
    assert {p["total"] for p in pages} == {18} and [len(p["items"]) for p in pages] == [4, 4, 4, 4, 2, 0]
    rows = [r for p in pages for r in p["items"]]
    assert len({r["id"] for r in rows}) == 18
    # Newest decision first; records decided the same day keep one order (the id), so that no page repeats one.
    keys = [(r["decided_on"], r["id"]) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert rows[0]["cadre_name"] == "档案干部08" and rows[-1]["cadre_name"] == "档案干部00"
    # Filters apply before paging: the outcome, the period, and both together.
    exempt = pages_of(users["supervisor"], "/register", 2, name="档案干部", outcome="EXEMPT")
    assert {p["total"] for p in exempt} == {3}
    assert sorted(r["cadre_name"] for p in exempt for r in p["items"]) == ["档案干部00", "档案干部03", "档案干部06"]
    clarified = users["orgdept"].get("/register", query_string={"name": "档案干部", "outcome": "clarified", "per_page": 5})
    assert clarified["total"] == 9 and {r["kind"] for r in clarified["items"]} == {"clarification"}
    period = pages_of(users["orgdept"], "/register", 3, name="档案干部", **{"from": "2026-03-03", "to": "2026-03-04"})
    assert {p["total"] for p in period} == {8}
    assert {r["decided_on"] for p in period for r in p["items"]} == {"2026-03-03", "2026-03-04"}


def test_a_register_page_records_only_the_cases_it_showed(deployed: EngineContext, people: dict[str, Actor],
                                                         users: dict[str, ApiUser]) -> None:
    via = ServiceTransport(deployed, people)
    case_ids = [apply(via, matter=f"档案事项{n:02d}").case_id for n in range(4)]
    file_records(deployed, case_ids)
    second = users["orgdept"].get("/register", query_string={"name": "档案干部", "page": 2, "per_page": 2})
    shown = {r["case_id"] for r in second["items"]}
    with deployed.sessions() as session:
        recorded = set(session.scalars(select(AccessLog.case_id).where(AccessLog.username == "orgdept",
                                                                       AccessLog.channel == "api")))
    assert recorded == shown and len(shown) == 1


def test_no_one_else_reads_the_register_whatever_the_page(deployed: EngineContext, people: dict[str, Actor],
                                                          users: dict[str, ApiUser]) -> None:
    via = ServiceTransport(deployed, people)
    file_records(deployed, [apply(via).case_id])
    for name in ("applicant", "other_applicant", "intake", "investigator", "chair", "owner", "admin"):
        refused = users[name].call("GET", "/register", 403, query_string={"name": "档案干部", "page": 1, "per_page": 100})
        assert "档案干部" not in str(refused)
