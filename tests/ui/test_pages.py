"""The web UI over HTTP: sign-in, CSRF, who may open what by URL, refused forms, drafts, headers, languages."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.pages import first_task, new_browser, start_case

ROOT = Path(__file__).resolve().parents[2]


def test_pages_need_a_signed_in_user(app: Flask, people: dict[str, Actor]) -> None:
    anonymous = new_browser(app)
    for path in ("/", "/inbox", "/cases", "/dashboard", "/cases/1", "/start"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert anonymous.sign_in("in\x00take").status_code == 400  # refused, not a database error
    wrong = anonymous.sign_in("intake", "wrong-password")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    signed_in = anonymous.sign_in("intake")
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    page = anonymous.get("/inbox")
    assert page.status_code == 200 and "我的待办" in page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY" and "script-src 'self'" in page.headers["Content-Security-Policy"]
    anonymous.post("/logout")
    assert anonymous.get("/inbox").status_code == 302


def test_a_post_without_the_csrf_token_is_refused(app: Flask, people: dict[str, Actor]) -> None:
    start_case(app)
    task_id = first_task(app, "intake")
    intake = new_browser(app, "intake")
    intake.get("/inbox")
    refused = intake.post(f"/tasks/{task_id}/claim", csrf=False)
    assert refused.status_code == 400 and "表单已过期或并非来自本站" in refused.get_data(as_text=True)
    forged = intake.client.post(f"/tasks/{task_id}/claim", data={"csrf_token": "forged"}, base_url="https://localhost",
                                headers={"Referer": "https://localhost/"})
    assert forged.status_code == 400
    assert "认领此任务" in intake.get(f"/tasks/{task_id}").get_data(as_text=True)  # still unclaimed
    assert intake.post(f"/tasks/{task_id}/claim").status_code == 302


def test_users_cannot_open_other_groups_tasks_or_hidden_cases_by_url(app: Flask, people: dict[str, Actor]) -> None:
    case_id = start_case(app)
    task_id = first_task(app, "intake")
    for who in ("investigator", "other_applicant", "committee1", "admin", "orgdept"):
        visitor = new_browser(app, who)
        assert visitor.get(f"/tasks/{task_id}").status_code == 404, who
        assert visitor.get(f"/cases/{case_id}").status_code == 404, who
        assert visitor.get(f"/cases/{case_id}/diagram.bpmn").status_code == 404, who
        visitor.get("/inbox")
        assert visitor.post(f"/tasks/{task_id}/claim").status_code == 302  # refused with a message, nothing claimed
    investigator = new_browser(app, "investigator")
    assert investigator.get("/dashboard").status_code == 403
    assert new_browser(app, "supervisor").get("/dashboard").status_code == 200
    assert new_browser(app, "applicant").get(f"/cases/{case_id}").status_code == 200
    assert new_browser(app, "intake").get(f"/tasks/{task_id}").status_code == 200


def test_a_refused_form_shows_messages_and_keeps_the_input(app: Flask, people: dict[str, Actor]) -> None:
    start_case(app)
    task_id = first_task(app, "intake")
    intake = new_browser(app, "intake")
    intake.get("/inbox")
    intake.post(f"/tasks/{task_id}/claim")
    intake.get(f"/tasks/{task_id}")
    refused = intake.post(f"/tasks/{task_id}", {"action": "complete", "acceptance_reason": "原因<b>已写</b>"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "请修改标出的内容" in page
    assert 'class="field-error"' in page and "此项为必填项" in page
    assert "原因&lt;b&gt;已写&lt;/b&gt;" in page  # kept, and escaped
    saved = intake.post(f"/tasks/{task_id}", {"action": "save", "acceptance_reason": "草稿里的理由"})
    assert saved.status_code == 302
    assert "草稿里的理由" in intake.get(f"/tasks/{task_id}").get_data(as_text=True)
    done = intake.post(f"/tasks/{task_id}", {"action": "complete", "jurisdiction_ok": "true", "materials_complete": "true",
                                             "acceptance": "accept", "acceptance_reason": "材料齐全"})
    assert done.status_code == 302 and "/cases/" in done.headers["Location"]


def test_user_text_is_escaped_everywhere(app: Flask, people: dict[str, Actor]) -> None:
    case_id = start_case(app, cadre_name="<script>alert(1)</script>", matter="事项\"><img src=x onerror=alert(1)>")
    for who, path in (("intake", "/inbox"), ("supervisor", f"/cases/{case_id}"), ("supervisor", "/cases"),
                      ("intake", f"/tasks/{first_task(app, 'intake')}")):
        page = new_browser(app, who).get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page or "&lt;img src=x" in page, path


def test_the_language_switch_and_a_complete_catalog(app: Flask, people: dict[str, Actor]) -> None:
    visitor = new_browser(app, "intake")
    visitor.get("/inbox")
    visitor.post("/language", {"lang": "en", "next": "/inbox"})
    assert "My inbox" in visitor.get("/inbox").get_data(as_text=True)
    visitor.post("/language", {"lang": "zh_CN", "next": "/inbox"})
    assert "我的待办" in visitor.get("/inbox").get_data(as_text=True)
    with (ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    method_map = [("webapp/**.py", "python"), ("webapp/templates/**.html", "jinja2")]
    used = {msg[2] for msg in extract_from_dir(str(ROOT), method_map, keywords={"_": None, "gettext": None,
                                                                                 "lazy_gettext": None})}
    untranslated = sorted(m for m in used if isinstance(m, str) and not (catalog.get(m) and catalog.get(m).string))
    assert untranslated == []


def test_changing_the_password_ends_other_sessions(app: Flask, people: dict[str, Actor]) -> None:
    laptop = new_browser(app, "intake")
    tablet = new_browser(app, "intake")
    laptop.get("/password")
    mismatch = laptop.post("/password", {"old_password": "Lantern-Meadow-2718", "new_password": "new-password-1",
                                         "confirm_password": "other"})
    assert mismatch.status_code == 400 and "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    wrong = laptop.post("/password", {"old_password": "nope", "new_password": "new-password-1",
                                      "confirm_password": "new-password-1"})
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.get_data(as_text=True)
    assert laptop.post("/password", {"old_password": "Lantern-Meadow-2718", "new_password": "new-password-1",
                                     "confirm_password": "new-password-1"}).status_code == 302
    assert laptop.get("/inbox").status_code == 200
    assert tablet.get("/inbox").status_code == 302  # signed out by the change
    assert new_browser(app).sign_in("intake", "new-password-1").status_code == 302


def test_a_supervisor_reassigns_and_reminds(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    from engine.access import users
    from engine.persistence.uow import UnitOfWork

    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        users.create_user(uow.session, "intake2", "Lantern-Meadow-2718", ["intake"], uow.now)
        users.create_user(uow.session, "stranger", "Lantern-Meadow-2718", ["investigator"], uow.now)
        uow.commit()
    start_case(app)
    task_id = first_task(app, "intake")
    supervisor = new_browser(app, "supervisor")
    supervisor.get("/dashboard")
    refused = supervisor.post(f"/dashboard/tasks/{task_id}/reassign", {"assignee": "stranger"})
    assert "该任务不属于您所在的用户组" in supervisor.get(refused.headers["Location"]).get_data(as_text=True)
    supervisor.post(f"/dashboard/tasks/{task_id}/reassign", {"assignee": "intake2"})
    assert task_id in new_browser(app, "intake2").get("/inbox").get_data(as_text=True)
    supervisor.get("/dashboard")
    supervisor.post(f"/dashboard/tasks/{task_id}/remind", {"note": "请本周内办结"})
    holder = new_browser(app, "intake2")
    # The new task in the group's queue, the reassignment and the reminder.
    assert 'data-testid="unread">3<' in holder.get("/inbox").get_data(as_text=True)
    assert "请本周内办结" in holder.get("/notifications").get_data(as_text=True)
    assert new_browser(app, "intake").get("/dashboard").status_code == 403


def test_ids_no_row_can_have_are_not_found_on_every_database(app: Flask, people: dict[str, Actor]) -> None:
    owner = new_browser(app, "owner")
    for path in ("/cases/99999999999", "/cases/99999999999/diagram.bpmn", "/library/drafts/99999999999",
                 "/library/versions/99999999999.zip", "/library/drafts/99999999999/problems"):
        assert owner.get(path).status_code == 404, path
    assert owner.client.get("/api/v1/cases/99999999999").status_code == 401  # the API asks for its token first
