"""Cases and tasks over HTTP: lists and filters, the case view, diagram and audit, forms, conflicts, bad input."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import AuditEvent
from engine.procedure import task_drafts
from tests.support.bpmn import FIXTURES
from tests.support.client import ApiUser, act, sign_in, start
from tests.support.driver import APPLICATION, LOOKS_EXEMPT

ACCEPT = {"jurisdiction_ok": True, "materials_complete": True, "acceptance": "accept", "acceptance_reason": "材料齐全"}


def test_starting_a_case_answers_with_the_case_and_its_first_task(users: dict[str, ApiUser]) -> None:
    case = start(users)
    assert case["status"] == "running" and case["process_id"] == "rcjc_case" and case["version"] == 1
    assert [t["bpmn_id"] for t in case["open_tasks"]] == ["acceptance_review"]
    assert case["open_tasks"][0]["group"] == "intake" and case["open_tasks"][0]["due_at"]
    assert case["data"]["cadre_name"] == "张明" and case["data"]["entry"] == "application"
    assert "start_case" in case["completed_elements"]
    assert "acceptance_review" in case["active_elements"]


def test_a_refused_start_form_names_each_field(users: dict[str, ApiUser]) -> None:
    refused = users["applicant"].post("/cases", {"process_id": "rcjc_case",
                                                 "data": {**APPLICATION, "loss_amount": -5, "cadre_name": ""}}, expect=400)
    assert refused["error"]["code"] == "validation_failed"
    assert set(refused["error"]["fields"]) == {"loss_amount", "cadre_name"}
    assert users["supervisor"].get("/cases")["total"] == 0  # nothing was started
    unknown = users["applicant"].post("/cases", {"process_id": "no_such_process", "data": {}}, expect=404)
    assert "no_such_process" in unknown["error"]["message"]
    extra = users["applicant"].post("/cases", {"process_id": "rcjc_case", "data": {}, "colour": "red"}, expect=400)
    assert extra["error"]["fields"] == {"colour": ["不允许的字段"]}


def test_a_refused_task_form_keeps_the_task_open_and_says_why(users: dict[str, ApiUser]) -> None:
    case = start(users)
    task_id = case["open_tasks"][0]["id"]
    intake = users["intake"]
    intake.post(f"/tasks/{task_id}/claim")
    refused = intake.post(f"/tasks/{task_id}/complete", {"data": {"acceptance": "maybe"}}, expect=400)
    assert "acceptance" in refused["error"]["fields"] and "acceptance_reason" in refused["error"]["fields"]
    task = intake.get(f"/tasks/{task_id}")
    assert task["assignee"] == "intake" and task["form"]["id"] and task["form_key"] == "acceptance_review"
    assert task["context"]["matter"] == APPLICATION["matter"]
    intake.post(f"/tasks/{task_id}/complete", {"data": ACCEPT})
    again = intake.post(f"/tasks/{task_id}/complete", {"data": ACCEPT}, expect=409)
    assert again["error"]["code"] == "task_not_ready"


def test_a_stale_form_is_a_conflict_not_an_overwrite(users: dict[str, ApiUser]) -> None:
    case = start(users)
    task_id = case["open_tasks"][0]["id"]
    intake = users["intake"]
    seen = intake.get(f"/tasks/{task_id}")["case"]["lock_version"]
    intake.post(f"/tasks/{task_id}/claim")  # changes the case after the form was loaded
    stale = intake.post(f"/tasks/{task_id}/complete", {"data": ACCEPT, "expected_version": seen}, expect=409)
    assert stale["error"]["code"] == "conflict" and "刷新" in stale["error"]["message"]
    fresh = intake.get(f"/tasks/{task_id}")["case"]["lock_version"]
    done = intake.post(f"/tasks/{task_id}/complete", {"data": ACCEPT, "expected_version": fresh})
    assert [t["bpmn_id"] for t in done["open_tasks"]] == ["triage"]
    users["investigator"].post(f"/tasks/{done['open_tasks'][0]['id']}/claim", expect=403)
    users["intake"].post(f"/tasks/{done['open_tasks'][0]['id']}/claim")
    taken = users["supervisor"].post(f"/tasks/{done['open_tasks'][0]['id']}/release")
    assert taken["assignee"] is None  # a supervisor can put a task back into the queue


def test_completing_a_task_over_the_api_drops_the_drafts_saved_in_the_browser(
        deployed: EngineContext, users: dict[str, ApiUser], people: dict[str, Actor]) -> None:
    task_id = start(users)["open_tasks"][0]["id"]
    users["intake"].post(f"/tasks/{task_id}/claim")
    task_drafts.save_draft(deployed, people["intake"], task_id, {"acceptance_reason": "草稿里的理由"})
    assert task_drafts.load_draft(deployed, people["intake"], task_id) == {"acceptance_reason": "草稿里的理由"}
    users["intake"].post(f"/tasks/{task_id}/complete", {"data": ACCEPT})
    assert task_drafts.load_draft(deployed, people["intake"], task_id) is None


def test_case_lists_filter_and_page(http: FlaskClient, users: dict[str, ApiUser], clock: Any) -> None:
    first = start(users, cadre_name="李华", matter="老旧小区改造试点")
    second = start(users)
    act(users["intake"], second["open_tasks"][0]["id"], {"acceptance": "refuse", "acceptance_reason": "不属于管辖"})
    supervisor = users["supervisor"]

    def ids(**query: Any) -> list[int]:
        return [c["id"] for c in supervisor.get("/cases", query_string=query)["items"]]

    assert ids() == [second["id"], first["id"]]
    assert ids(status="completed") == [second["id"]] and ids(status="running") == [first["id"]]
    assert ids(q="李华") == [first["id"]] and ids(q="老旧小区") == [first["id"]] and ids(q="%") == []
    assert ids(process_id="rcjc_clarification") == [] and ids(group="intake") == [second["id"], first["id"]]
    assert ids(overdue="true") == []
    page = supervisor.get("/cases", query_string={"per_page": 1, "page": 2})
    assert page["total"] == 2 and [c["id"] for c in page["items"]] == [first["id"]] and page["page"] == 2
    past = supervisor.get("/cases", query_string={"per_page": 1, "page": 3, "q": "李华"})
    assert past["total"] == 1 and past["items"] == []  # a page past the last still says how many match
    clock.advance(timedelta(days=20))  # acceptance is due within 10 working days
    supervisor = sign_in(http, "supervisor")  # the morning's token has expired
    assert ids(overdue="true") == [first["id"]]
    listed = supervisor.get("/cases", query_string={"overdue": "true"})["items"][0]
    assert listed["overdue"] is True and listed["cadre_name"] == "李华"
    assert ids(stuck="true") == [first["id"]]  # untouched for more than ten working days
    assert supervisor.get("/cases", query_string={"stuck": "true"})["items"][0]["stuck_reason"] == "untouched"
    bad = supervisor.get("/cases", query_string={"per_page": 0, "status": "lost"}, expect=400)
    assert set(bad["error"]["fields"]) == {"per_page", "status"}
    typo = supervisor.get("/cases", query_string={"statu": "running"}, expect=400)
    assert typo["error"]["fields"] == {"statu": ["不允许的字段"]}


def test_inboxes_mine_and_by_group(users: dict[str, ApiUser]) -> None:
    case = start(users)
    task_id = case["open_tasks"][0]["id"]
    intake = users["intake"]
    queue = intake.get("/tasks", query_string={"group": "intake"})["items"]
    assert [t["id"] for t in queue] == [task_id] and queue[0]["case_id"] == case["id"] and queue[0]["overdue"] is False
    assert queue[0]["working_days_left"] == 10 and intake.get(f"/tasks/{task_id}")["working_days_left"] == 10
    assert intake.get("/tasks", query_string={"mine": "true"})["items"] == []
    intake.post(f"/tasks/{task_id}/claim")
    assert [t["id"] for t in intake.get("/tasks", query_string={"mine": "true"})["items"]] == [task_id]
    assert intake.get("/tasks", query_string={"group": "intake"})["items"] == []
    users["applicant"].get("/tasks", query_string={"group": "intake"}, expect=403)


def test_diagram_and_audit_of_a_case(users: dict[str, ApiUser]) -> None:
    case = start(users)
    act(users["intake"], case["open_tasks"][0]["id"], ACCEPT)
    diagram = users["applicant"].get(f"/cases/{case['id']}/diagram")
    assert diagram.mimetype == "application/xml" and b'id="rcjc_case"' in diagram.data
    called = users["applicant"].get(f"/cases/{case['id']}/diagram", query_string={"process": "rcjc_acceptance"})
    assert b'id="rcjc_acceptance"' in called.data
    users["applicant"].get(f"/cases/{case['id']}/diagram", query_string={"process": "nope"}, expect=404)
    trail = users["applicant"].get(f"/cases/{case['id']}/audit")
    assert trail["chain_ok"] is True
    # Filing issues the application and accepting issues the acceptance notice, each in the audit trail.
    assert [e["event"] for e in trail["items"]] == ["case_started", "document_issued", "task_claimed", "task_completed",
                                                    "document_issued"]
    assert all(e["prev_hash"] != e["hash"] and len(e["hash"]) == 64 for e in trail["items"])
    assert trail["items"][1]["prev_hash"] == trail["items"][0]["hash"]
    view = users["applicant"].get(f"/cases/{case['id']}")
    assert view["history"][0]["by"] == "intake" and view["history"][0]["name"]
    assert "acceptance_review" in view["completed_elements"] and "triage" in view["active_elements"]


def test_messages_from_outside_systems(users: dict[str, ApiUser]) -> None:
    case = start(users)
    act(users["intake"], case["open_tasks"][0]["id"], {"acceptance": "supplement", "acceptance_reason": "缺材料"})
    bad = users["applicant"].post("/messages/supplement_received", {"correlation": {}, "payload": {}}, expect=400)
    assert "correlation.case_id" in bad["error"]["fields"]
    smuggled = {"correlation": {"case_id": case["id"]}, "payload": {"typename": "BpmnWorkflow"}}
    users["applicant"].post("/messages/supplement_received", smuggled, expect=400)
    done = users["applicant"].post("/messages/supplement_received",
                                   {"correlation": {"case_id": case["id"]}, "payload": {"files": ["纪要.pdf"]}})
    assert [t["bpmn_id"] for t in done["open_tasks"]] == ["acceptance_review"]
    users["applicant"].post("/messages/supplement_received", {"correlation": {"case_id": 999999}}, expect=404)


def test_deployments_refuse_bad_models_with_file_line_and_reason(users: dict[str, ApiUser]) -> None:
    owner = users["owner"]
    xxe = (FIXTURES / "malicious" / "xxe.bpmn").read_bytes()
    refused = owner.post("/deployments", data={"files": [(io.BytesIO(xxe), "xxe.bpmn")]},
                         content_type="multipart/form-data", json=None, expect=422)
    problems = refused["error"]["fields"]["problems"]
    assert problems and problems[0]["file"] == "xxe.bpmn" and problems[0]["reason"]
    unsupported = owner.post("/deployments", data={"files": [(io.BytesIO(b"x"), "notes.txt")]},
                             content_type="multipart/form-data", json=None, expect=422)
    assert unsupported["error"]["fields"]["problems"][0]["file"] == "notes.txt"
    nothing = owner.post("/deployments", data={}, content_type="multipart/form-data", json=None, expect=400)
    assert "files" in nothing["error"]["fields"]


def test_oversized_and_malformed_requests(http: FlaskClient, users: dict[str, ApiUser]) -> None:
    owner = users["owner"]
    huge = b"-" * (10 * 1024 * 1024 + 1)
    too_big = owner.call("POST", "/deployments", 413, data=huge, content_type="multipart/form-data; boundary=x")
    assert too_big["error"]["code"] == "too_large"
    broken = owner.call("POST", "/cases", 400, data="{not json", content_type="application/json")
    assert broken["error"]["fields"] == {"_schema": ["请求体不是有效的 JSON"]}
    missing = owner.get("/nowhere", expect=404)
    assert missing["error"]["code"] == "not_found"
    owner.get("/tasks/not-a-task", expect=404)
    owner.get("/cases/99999999999", expect=404)
    wrong_method = owner.call("PUT", "/cases", 405)
    assert wrong_method["error"]["code"] == "method_not_allowed"


def test_processes_list_the_start_forms_each_caller_may_use(users: dict[str, ApiUser]) -> None:
    listed = {p["process_id"]: p for p in users["applicant"].get("/processes")["items"]}
    case = listed["rcjc_case"]
    assert case["version"] == 1 and len(case["bundle_hash"]) == 64 and case["deployed_at"]
    assert {e["key"]: e["may_start"] for e in case["entries"]} == {"application": True, "pre_check": False}
    assert case["start_form"]["id"] == next(e["form"]["id"] for e in case["entries"] if e["key"] == "application")
    assert listed["rcjc_clarification"]["start_form"] is None
    by_intake = {p["process_id"]: p for p in users["intake"].get("/processes")["items"]}
    assert by_intake["rcjc_clarification"]["start_form"] is not None


def test_administrators_manage_users_without_reading_cases(deployed: EngineContext, users: dict[str, ApiUser]) -> None:
    admin = users["admin"]
    created = admin.post("/users", {"username": "wang_intake", "password": "long-enough-1", "groups": ["intake"],
                                    "display_name": "王受理", "position": "信访室干部"}, expect=201)
    assert created == {"username": "wang_intake", "display_name": "王受理", "unit": None, "position": "信访室干部",
                       "groups": ["intake"], "active": True}
    duplicate = admin.post("/users", {"username": "wang_intake", "password": "long-enough-1", "groups": ["intake"]},
                           expect=409)
    assert "已存在" in duplicate["error"]["message"]
    weak = admin.post("/users", {"username": "x", "password": "short", "groups": ["nope"]}, expect=400)
    assert set(weak["error"]["fields"]) == {"password", "groups.0"}
    assert "wang_intake" in [u["username"] for u in admin.get("/users", query_string={"per_page": 100})["items"]]
    with deployed.sessions() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.event == "user_created")).one()
    assert (event.actor, event.details["username"], event.details["groups"]) == ("admin", "wang_intake", ["intake"])
    case = start(users)
    admin.get(f"/cases/{case['id']}", expect=404)


def test_investigation_data_is_written_through_the_api(users: dict[str, ApiUser]) -> None:
    case = start(users)
    act(users["intake"], case["open_tasks"][0]["id"], ACCEPT)
    triage = users["supervisor"].get(f"/cases/{case['id']}")["open_tasks"][0]["id"]
    after = act(users["intake"], triage, {"procedure": "ordinary", "triage_reason": "情节较重"})
    investigation = after["open_tasks"][0]
    assert investigation["bpmn_id"] == "investigation" and investigation["group"] == "investigator"
    done = act(users["investigator"], investigation["id"], {"methods": ["interviews"], "findings": "查明",
                                                            **LOOKS_EXEMPT, "investigation_action": "report"})
    assert done["case_visible"] and done["status"] == "running"
    assert users["investigator"].get(f"/cases/{case['id']}")["data"]["recommended_outcome"] == "EXEMPT"


def test_supervisors_repair_selections_of_cases_and_tasks(users: dict[str, ApiUser]) -> None:
    cases = [start(users, matter=f"批量事项 {i}") for i in range(3)]
    supervisor = users["supervisor"]
    ids = [c["id"] for c in cases]
    missing_reason = supervisor.post("/cases/repair", {"action": "suspend", "case_ids": ids}, expect=400)
    assert "reason" in missing_reason["error"]["fields"]
    done = supervisor.post("/cases/repair", {"action": "suspend", "case_ids": ids + [999_999], "reason": "集中核查"})
    assert done["succeeded"] == 3 and done["items"][-1] == {"case_id": 999_999, "ok": False, "message": "案件 999999 不存在"}
    assert supervisor.get("/cases", query_string={"stuck": "true"})["total"] == 3
    listed = supervisor.get("/cases", query_string={"stuck": "true"})["items"][0]
    assert listed["stuck_reason"] == "suspended"
    supervisor.post("/cases/repair", {"action": "resume", "case_ids": ids})
    # Skipping a decision the procedure needs fails the step: the case is in error and a retry with data repairs it.
    skipped = supervisor.post("/cases/repair", {"action": "skip", "case_ids": ids[:1], "bpmn_id": "acceptance_review",
                                                "reason": "线下已受理"})
    assert skipped["succeeded"] == 0 and "执行失败" in skipped["items"][0]["message"]
    assert supervisor.get(f"/cases/{ids[0]}")["status"] == "error"
    retried = supervisor.post("/cases/repair", {"action": "retry", "case_ids": ids[:1], "data": ACCEPT})
    assert retried["succeeded"] == 1
    assert [t["bpmn_id"] for t in supervisor.get(f"/cases/{ids[0]}")["open_tasks"]] == ["triage"]
    tasks = [c["open_tasks"][0]["id"] for c in cases[1:]]
    moved = supervisor.post("/tasks/reassign", {"task_ids": tasks, "assignee": "intake"})
    assert moved["succeeded"] == 2
    assert {t["id"] for t in users["intake"].get("/tasks", query_string={"mine": "true"})["items"]} == set(tasks)
    wrong = supervisor.post("/tasks/reassign", {"task_ids": tasks[:1], "assignee": "investigator"})
    assert wrong["items"][0]["ok"] is False and "用户组" in wrong["items"][0]["message"]
    assert supervisor.post(f"/tasks/{tasks[0]}/remind", {"note": "请加快"})["reminded"] == ["intake"]
    inbox = users["intake"].get("/notifications", query_string={"unread": "true"})
    kinds = Counter(n["kind"] for n in inbox["items"])
    # Besides the new tasks of the group: the two tasks reassigned to intake and the supervisor's reminder.
    assert kinds["reassigned"] == 2 and kinds["reminder"] == 1 and inbox["unread"] == len(inbox["items"])
    assert any("请加快" in n["message"] for n in inbox["items"])
    users["intake"].call("POST", "/notifications/read", 204)
    assert users["intake"].get("/notifications")["unread"] == 0
    trail = supervisor.get(f"/cases/{ids[0]}/audit")
    assert trail["chain_ok"] and [e["details"].get("action") for e in trail["items"] if e["event"] == "case_repaired"] == [
        "suspend", "resume", "retry"]
