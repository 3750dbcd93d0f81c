"""Unit boundaries: an applicant organization's steps belong to the case's own unit, through every path of the API."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import AuditEvent, Notification
from engine.procedure.timers import fire_due_timers
from engine.reading import queries
from tests.support.client import ApiUser, sign_in
from tests.support.driver import APPLICATION, CaseRun
from tests.support.people import PASSWORD
from tests.support.transports import HttpTransport

SUPPLEMENT = {"acceptance": "supplement", "acceptance_reason": "缺少会议纪要", "supplement_request": "请补充党组会议纪要"}
PRE_CHECK = {k: v for k, v in APPLICATION.items() if k != "evidence_list"} | {"accountability_case_no": "问责〔2026〕7号"}
MAY_APPLY = {"tolerance_may_apply": True, "circumstance": "pilot_reform", "pre_check_reason": "可能适用容错"}


def act(user: ApiUser, task_id: str, data: dict[str, Any]) -> Any:
    """Claim and complete a task."""
    user.post(f"/tasks/{task_id}/claim")
    return user.post(f"/tasks/{task_id}/complete", {"data": data})


def open_task(users: dict[str, ApiUser], case_id: int, bpmn_id: str) -> dict[str, Any]:
    """The one open task of the case with this BPMN id, as a supervisor sees it."""
    found = [t for t in users["supervisor"].get(f"/cases/{case_id}")["open_tasks"] if t["bpmn_id"] == bpmn_id]
    assert len(found) == 1, found
    return found[0]


def waiting_for_supplement(users: dict[str, ApiUser]) -> tuple[int, str]:
    """A case of the applicant's unit (发改局) whose intake officer asked for supplementary materials."""
    case = users["applicant"].post("/cases", {"process_id": "rcjc_case", "data": APPLICATION}, expect=201)
    act(users["intake"], case["open_tasks"][0]["id"], SUPPLEMENT)
    return case["id"], open_task(users, case["id"], "supplement")["id"]


def mentions_the_case(body: Any) -> bool:
    """Whether a response body carries any of the case's data."""
    text = json.dumps(body, ensure_ascii=False)
    return APPLICATION["cadre_name"] in text or APPLICATION["matter"] in text


def inbox_ids(user: ApiUser, **query: Any) -> list[str]:
    """Ids of the tasks a user's inbox lists."""
    return [t["id"] for t in user.get("/tasks", query_string={"per_page": 100, **query})["items"]]


def test_another_units_task_is_neither_listed_nor_readable_nor_actionable(users: dict[str, ApiUser]) -> None:
    case_id, task_id = waiting_for_supplement(users)
    other = users["other_applicant"]
    assert task_id not in inbox_ids(other) and task_id not in inbox_ids(other, group="applicant_org")
    assert task_id in inbox_ids(users["applicant"], group="applicant_org")
    refused = [other.get(f"/tasks/{task_id}", expect=404),
               other.post(f"/tasks/{task_id}/claim", expect=403),
               other.post(f"/tasks/{task_id}/complete", {"data": {"supplement_materials": "伪造的材料"}}, expect=403),
               other.post(f"/tasks/{task_id}/release", expect=403),
               other.get(f"/cases/{case_id}", expect=404),
               other.get(f"/cases/{case_id}/audit", expect=404)]
    assert not any(mentions_the_case(body) for body in refused)
    assert "其他单位" in refused[1]["error"]["message"]
    # Nothing happened: the task is still open and unclaimed, and no event names the other unit's user.
    assert open_task(users, case_id, "supplement")["assignee"] is None
    trail = users["supervisor"].get(f"/cases/{case_id}/audit")["items"]
    assert all(e["actor"] != "other_applicant" for e in trail)
    done = act(users["applicant"], task_id, {"supplement_materials": "已补充会议纪要"})
    assert done["status"] == "running" and done["case_visible"]
    assert [t["bpmn_id"] for t in done["open_tasks"]] == ["acceptance_review"]


def pre_check_case(users: dict[str, ApiUser], cadre_unit: str) -> int:
    """A pre-check opened by the accountability organ for a cadre of `cadre_unit`, waiting for supplements."""
    case = users["accountability"].post("/cases", {"process_id": "rcjc_case", "entry": "pre_check",
                                                   "data": {**PRE_CHECK, "cadre_unit": cadre_unit}}, expect=201)
    act(users["accountability"], case["open_tasks"][0]["id"], MAY_APPLY)
    act(users["intake"], open_task(users, case["id"], "acceptance_review")["id"], SUPPLEMENT)
    return int(case["id"])


def test_on_the_pre_check_path_the_step_goes_to_the_cadres_unit(users: dict[str, ApiUser]) -> None:
    case_id = pre_check_case(users, "示例区住房和城乡建设局")  # the unit of other_applicant
    task = open_task(users, case_id, "supplement")
    assert (task["group"], task["assignee"]) == ("applicant_org", None)
    assert task["id"] in inbox_ids(users["other_applicant"])
    assert task["id"] not in inbox_ids(users["applicant"])  # 发改局 is not the cadre's unit
    users["applicant"].get(f"/cases/{case_id}", expect=404)
    assert users["other_applicant"].get(f"/cases/{case_id}")["unit"] == "示例区住房和城乡建设局"
    users["applicant"].post(f"/tasks/{task['id']}/claim", expect=403)
    act(users["other_applicant"], task["id"], {"supplement_materials": "住建局补充的材料"})
    assert open_task(users, case_id, "acceptance_review")


def test_a_unit_without_users_leaves_the_step_with_the_officer_who_opened_the_case(
    deployed: EngineContext, http: FlaskClient, users: dict[str, ApiUser], clock: Any
) -> None:
    case_id = pre_check_case(users, "示例区审计局")  # nobody of this unit uses rcjc
    task = open_task(users, case_id, "supplement")
    assert (task["group"], task["assignee"]) == ("accountability", "accountability")
    assert task["id"] in inbox_ids(users["accountability"], mine="true")
    assert all(task["id"] not in inbox_ids(users[name]) for name in ("applicant", "other_applicant"))
    # Its reminder reaches that officer (no applicant unit is told of another unit's case).
    clock.advance(timedelta(days=13))
    assert case_id in fire_due_timers(deployed).fired
    with deployed.sessions() as session:
        told = session.execute(select(Notification.username, Notification.kind)
                               .where(Notification.case_id == case_id).order_by(Notification.id)).all()
    assert [tuple(row) for row in told if row.kind == "reminder"] == [("accountability", "reminder")]
    # Of the case's notices (new tasks among them), none reached an applicant unit.
    assert not {"applicant", "other_applicant"} & {row.username for row in told}
    officer = sign_in(http, "accountability")  # the first token expired meanwhile
    act(officer, task["id"], {"supplement_materials": "问责机关代为收集的材料"})
    assert [t["bpmn_id"] for t in officer.get(f"/cases/{case_id}")["open_tasks"]] == ["acceptance_review"]


def test_a_completion_answers_with_what_the_completer_may_see(
    deployed: EngineContext, users: dict[str, ApiUser], people: dict[str, Actor]
) -> None:
    case_id, task_id = waiting_for_supplement(users)
    with deployed.sessions() as session:
        outsider = queries.step_view(session, people["other_applicant"], case_id)
        insider = queries.step_view(session, people["applicant"], case_id)
    # Someone who may not read the case learns where it stands without its data, tasks or outcome: never a 404.
    assert outsider == {"case_id": case_id, "status": "running", "case_visible": False, "lock_version": outsider["lock_version"],
                        "closure": None, "outcome": None, "open_tasks": []}
    assert insider["case_visible"] and [t["id"] for t in insider["open_tasks"]] == [task_id]


def test_reminders_of_a_units_task_reach_only_that_unit(
    deployed: EngineContext, users: dict[str, ApiUser], clock: Any
) -> None:
    case_id, task_id = waiting_for_supplement(users)
    users["supervisor"].post(f"/tasks/{task_id}/remind", {"note": "请尽快补正"})
    with deployed.sessions() as session:
        told = session.execute(select(Notification.username, Notification.kind)
                               .where(Notification.case_id == case_id).order_by(Notification.id)).all()
        events = list(session.scalars(select(AuditEvent.event).where(AuditEvent.case_id == case_id)))
    assert [row.username for row in told if row.kind == "reminder"] == ["applicant"] and "reminder_sent" in events
    # The unit's supplement request reached its own member, never the other unit's.
    assert ("applicant", "supplement_requested") in [tuple(row) for row in told]
    assert "other_applicant" not in {row.username for row in told}
    # A supervisor cannot hand it to another unit either.
    moved = users["supervisor"].post("/tasks/reassign", {"task_ids": [task_id], "assignee": "other_applicant"})
    assert moved["items"][0]["ok"] is False and "其他单位" in moved["items"][0]["message"]


def test_the_pre_check_case_reaches_its_unit_through_the_transport_as_well(
    deployed: EngineContext, http: FlaskClient, people: dict[str, Actor]
) -> None:
    via = HttpTransport(deployed, people, http, PASSWORD)
    run = CaseRun(via, via.start("accountability", "rcjc_case", "pre_check",
                                 {**PRE_CHECK, "cadre_unit": "示例区发展和改革局"}))
    run.do("accountability", "pre_check_review", MAY_APPLY)
    run.do("intake", "acceptance_review", SUPPLEMENT)
    run.do("applicant", "supplement", {"supplement_materials": "发改局补充的材料"})
    assert run.open_ids() == ["acceptance_review"]
