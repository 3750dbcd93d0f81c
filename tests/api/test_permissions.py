"""The permission matrix: every endpoint × every group, and no token, an expired token, a revoked token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from engine.access.policy import Actor
from engine.bundles.shipped import SHIPPED, collect
from engine.context import EngineContext
from tests.support.client import ApiUser, sign_in
from tests.support.driver import ALL_MEMBERS, APPLICATION, LOOKS_EXEMPT, CaseRun, to_ruling_meeting
from tests.support.files import multipart
from tests.support.transports import HttpTransport

# Everyone the matrix asks, besides the three broken callers.
GROUPS = ["applicant", "other_applicant", "accountability", "intake", "investigator", "committee1", "chair",
          "supervisor", "orgdept", "owner", "admin"]
BROKEN = ["no_token", "expired", "revoked"]


@dataclass
class World:
    """A case waiting at acceptance review (intake's), and a caller for every row of the matrix."""

    callers: dict[str, ApiUser]
    case_id: int
    task_id: str


@pytest.fixture
def world(http: FlaskClient, people: dict[str, Actor], clock: Any) -> World:
    expired = sign_in(http, "supervisor")
    clock.advance(timedelta(hours=9))  # past the token lifetime
    callers = {name: sign_in(http, name) for name in GROUPS}
    revoked = sign_in(http, "supervisor")
    revoked.call("DELETE", "/auth/token", expect=204)
    callers["expired"] = expired
    callers["revoked"] = revoked
    callers["no_token"] = ApiUser(http, "anonymous", "")
    case = callers["applicant"].post("/cases", {"process_id": "rcjc_case", "data": APPLICATION}, expect=201)
    return World(callers, case["id"], case["open_tasks"][0]["id"])


def expect(allowed: dict[str, int], refused: int) -> dict[str, int]:
    """Expected status per caller: `allowed` as given, the other groups `refused`, broken callers 401."""
    table = {name: allowed.get(name, refused) for name in GROUPS}
    table.update({name: 401 for name in BROKEN})
    return table


def files() -> dict[str, Any]:
    """The shipped bundle as a multipart upload."""
    return multipart({}, [(content, name) for name, content in collect(SHIPPED)[0].items()])


CASE_READERS = {"applicant": 200, "intake": 200, "supervisor": 200}
Call = Callable[[ApiUser, World], Any]

MATRIX: dict[str, tuple[Call, dict[str, int]]] = {
    "GET /me": (lambda u, w: u.call("GET", "/me", None), expect({g: 200 for g in GROUPS}, 200)),
    "GET /processes": (lambda u, w: u.call("GET", "/processes", None), expect({}, 200)),
    "POST /cases (application)": (
        lambda u, w: u.call("POST", "/cases", None, json={"process_id": "rcjc_case", "entry": "application",
                                                           "data": APPLICATION}),
        expect({"applicant": 201, "other_applicant": 201}, 403)),
    "POST /cases (clarification)": (
        lambda u, w: u.call("POST", "/cases", None, json={"process_id": "rcjc_clarification", "entry": "standalone",
                                                           "data": {}}),
        # The allowed departments get past the permission check to the form's field messages.
        expect({"intake": 400, "investigator": 400, "supervisor": 400}, 403)),
    "GET /cases": (lambda u, w: u.call("GET", "/cases", None), expect({}, 200)),
    "GET /cases/{id}": (lambda u, w: u.call("GET", f"/cases/{w.case_id}", None), expect(CASE_READERS, 404)),
    "GET /cases/{id}/audit": (lambda u, w: u.call("GET", f"/cases/{w.case_id}/audit", None), expect(CASE_READERS, 404)),
    "GET /cases/{id}/diagram": (lambda u, w: u.call("GET", f"/cases/{w.case_id}/diagram", None),
                                expect(CASE_READERS, 404)),
    "GET /tasks": (lambda u, w: u.call("GET", "/tasks", None), expect({}, 200)),
    "GET /tasks/{id}": (lambda u, w: u.call("GET", f"/tasks/{w.task_id}", None), expect(CASE_READERS, 404)),
    "POST /tasks/{id}/claim": (lambda u, w: u.call("POST", f"/tasks/{w.task_id}/claim", None),
                               expect({"intake": 200}, 403)),
    "POST /tasks/{id}/complete": (
        lambda u, w: u.call("POST", f"/tasks/{w.task_id}/complete", None,
                            json={"data": {"acceptance": "refuse", "acceptance_reason": "不属于管辖范围"}}),
        expect({"intake": 200}, 403)),
    "POST /messages/{name}": (
        lambda u, w: u.call("POST", "/messages/supplement_received", None,
                            json={"correlation": {"case_id": w.case_id}, "payload": {}}),
        # Those who may see the case learn that it is not waiting for the message; the others that it is not there.
        expect({"applicant": 409, "intake": 409, "supervisor": 409}, 404)),
    "POST /deployments": (lambda u, w: u.call("POST", "/deployments", None, **files()), expect({"owner": 200}, 403)),
    "GET /users": (lambda u, w: u.call("GET", "/users", None), expect({"admin": 200}, 403)),
    "POST /users": (
        lambda u, w: u.call("POST", "/users", None, json={"username": f"new_{u.username}", "password": "Orchid-Compass-4471",
                                                          "groups": ["intake"]}),
        expect({"admin": 201}, 403)),
    "POST /cases/repair": (
        lambda u, w: u.call("POST", "/cases/repair", None, json={"action": "suspend", "case_ids": [w.case_id],
                                                                   "reason": "核查"}),
        expect({"supervisor": 200}, 403)),
    "POST /tasks/reassign": (
        lambda u, w: u.call("POST", "/tasks/reassign", None, json={"task_ids": [w.task_id], "assignee": "intake"}),
        expect({"supervisor": 200}, 403)),
    "POST /tasks/{id}/remind": (lambda u, w: u.call("POST", f"/tasks/{w.task_id}/remind", None, json={}),
                                expect({"supervisor": 200}, 403)),
    "GET /notifications": (lambda u, w: u.call("GET", "/notifications", None), expect({}, 200)),
    "POST /notifications/read": (lambda u, w: u.call("POST", "/notifications/read", None), expect({}, 204)),
    "DELETE /auth/token": (lambda u, w: u.call("DELETE", "/auth/token", None), expect({}, 204)),
}


@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_permission_matrix(world: World, endpoint: str) -> None:
    call, expected = MATRIX[endpoint]
    # The one allowed to change state goes last, so that everyone else is refused on the same state.
    order = sorted(expected, key=lambda name: expected[name] < 400 and endpoint.startswith(("POST", "DELETE")))
    seen = {}
    for name in order:
        call(world.callers[name], world)
        seen[name] = world.callers[name].calls[-1][2]
    mismatches = {name: (seen[name], expected[name]) for name in expected if seen[name] != expected[name]}
    assert not mismatches, f"{endpoint}: (got, expected) {mismatches}"


def test_lists_show_only_what_each_caller_may_see(world: World) -> None:
    totals = {name: world.callers[name].get("/cases")["total"] for name in GROUPS}
    assert totals == {"applicant": 1, "other_applicant": 0, "accountability": 0, "intake": 1, "investigator": 0,
                      "committee1": 0, "chair": 0, "supervisor": 1, "orgdept": 0, "owner": 0, "admin": 0}
    inbox = {name: [t["id"] for t in world.callers[name].get("/tasks")["items"]] for name in GROUPS}
    assert inbox["intake"] == [world.task_id]
    assert all(ids == [] for name, ids in inbox.items() if name != "intake")


def test_one_applicant_organization_cannot_see_another_organizations_case(world: World) -> None:
    other = world.callers["other_applicant"]
    theirs = other.post("/cases", {"process_id": "rcjc_case", "data": {**APPLICATION, "matter": "另一单位的事项"}},
                        expect=201)
    mine = world.callers["applicant"]
    mine.get(f"/cases/{theirs['id']}", expect=404)
    other.get(f"/cases/{world.case_id}", expect=404)
    assert [c["id"] for c in mine.get("/cases")["items"]] == [world.case_id]
    assert [c["id"] for c in other.get("/cases")["items"]] == [theirs["id"]]
    # Searching does not reveal it either.
    assert mine.get("/cases", query_string={"q": "另一单位"})["total"] == 0


def test_a_committee_vote_is_claimable_only_by_its_member(deployed: EngineContext, http: FlaskClient,
                                                          users: dict[str, ApiUser]) -> None:
    via = HttpTransport(deployed, {}, http, "Lantern-Meadow-2718")
    run = CaseRun(via, via.start("applicant", "rcjc_case", "application", APPLICATION))
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    vote_of_1 = run.task("cast_vote", "committee1").id
    assert [t["id"] for t in users["committee2"].get("/tasks", query_string={"group": "committee"})["items"]
            if t["bpmn_id"] == "cast_vote"] == [run.task("cast_vote", "committee2").id]
    users["committee2"].post(f"/tasks/{vote_of_1}/claim", expect=403)
    users["committee1"].post(f"/tasks/{vote_of_1}/claim", expect=200)
    # Deliberation stays with the committee: the applicant reads the case without the votes and attendees.
    data = users["applicant"].get(f"/cases/{run.case_id}")["data"]
    assert "attendees" not in data and "votes" not in data and data["cadre_name"] == APPLICATION["cadre_name"]
    assert "attendees" in users["supervisor"].get(f"/cases/{run.case_id}")["data"]
