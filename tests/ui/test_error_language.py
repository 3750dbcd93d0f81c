"""Errors in the reader's language: a refused form's field messages, the engine's refusals and the API's error messages
are English on the English UI and Chinese on the Chinese one, with no internal ids and no "line 0"."""

from __future__ import annotations

from flask import Flask

from engine.access import users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import Message, ModelInvalid, NotFound, Problem
from engine.persistence.uow import UnitOfWork
from tests.support.client import sign_in
from tests.support.pages import Browser, first_task, new_browser, start_case
from tests.support.people import PASSWORD
from webapp import engine_messages


def _in(language: str, visitor: Browser) -> Browser:
    visitor.client.set_cookie("lang", language, domain="localhost")
    return visitor


def _refused_form(app: Flask, language: str) -> str:
    start_case(app)
    task_id = first_task(app, "intake")
    intake = _in(language, new_browser(app, "intake"))
    intake.get("/inbox")
    intake.post(f"/tasks/{task_id}/claim")
    intake.get(f"/tasks/{task_id}")
    refused = intake.post(f"/tasks/{task_id}", {"action": "complete", "acceptance_reason": "x" * 5001})
    assert refused.status_code == 400
    return str(refused.get_data(as_text=True))


def test_a_refused_form_speaks_english_on_the_english_ui(app: Flask, people: dict[str, Actor]) -> None:
    page = _refused_form(app, "en")
    assert "This field is required" in page and "此项为必填项" not in page
    assert "At most 5000 characters" in page and "长度不能超过" not in page


def test_a_refused_form_speaks_chinese_on_the_chinese_ui(app: Flask, people: dict[str, Actor]) -> None:
    page = _refused_form(app, "zh_CN")
    assert "此项为必填项" in page and "长度不能超过 5000 个字符" in page
    assert "This field is required" not in page


def _claimed_by_someone_else(app: Flask, deployed: EngineContext, language: str) -> str:
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        users.create_user(uow.session, "intake2", PASSWORD, ["intake"], uow.now, display_name="李受理")
        uow.commit()
    start_case(app)
    task_id = first_task(app, "intake")
    first = new_browser(app, "intake2")
    first.get("/inbox")
    assert first.post(f"/tasks/{task_id}/claim").status_code == 302
    second = _in(language, new_browser(app, "intake"))
    second.get("/inbox")
    refused = second.post(f"/tasks/{task_id}/claim")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/inbox")
    return str(second.get("/inbox").get_data(as_text=True))


def test_claiming_a_claimed_task_is_refused_in_english(app: Flask, deployed: EngineContext,
                                                       people: dict[str, Actor]) -> None:
    page = _claimed_by_someone_else(app, deployed, "en")
    assert "This task has been claimed by 李受理" in page
    assert "intake2" not in page  # the name of who claimed it, never their login


def test_claiming_a_claimed_task_is_refused_in_chinese(app: Flask, deployed: EngineContext,
                                                       people: dict[str, Actor]) -> None:
    page = _claimed_by_someone_else(app, deployed, "zh_CN")
    assert "该任务已由 李受理 认领" in page and "intake2" not in page


def test_the_api_answers_in_the_chosen_language_and_chinese_by_default(app: Flask, people: dict[str, Actor]) -> None:
    start_case(app)
    task_id = first_task(app, "intake")
    http = app.test_client()
    caller = sign_in(http, "intake")
    caller.post(f"/tasks/{task_id}/claim")
    chinese = caller.post(f"/tasks/{task_id}/complete", {"data": {}}, expect=400)["error"]
    assert chinese["code"] == "validation_failed" and chinese["message"] == "表单填写有误"
    assert chinese["fields"]["acceptance_reason"] == ["此项为必填项"]
    http.set_cookie("lang", "en", domain="localhost")
    english = caller.post(f"/tasks/{task_id}/complete", {"data": {}}, expect=400)["error"]
    assert english["code"] == "validation_failed" and english["message"] == "The form has errors"
    assert english["fields"]["acceptance_reason"] == ["This field is required"]


def test_engine_messages_keep_template_and_parameters() -> None:
    refused = NotFound("案件 %(case_id)s 不存在", case_id=12)
    assert refused.message == "案件 12 不存在" and str(refused) == "案件 12 不存在"
    assert refused.template == "案件 %(case_id)s 不存在" and refused.params == {"case_id": 12}
    assert NotFound("完成率 100%").message == "完成率 100%"  # without parameters a "%" is plain text
    assert NotFound(Message("用户 %(username)s 不存在", username="a")).template == "用户 %(username)s 不存在"


def test_a_model_problem_without_a_line_names_no_line(app: Flask, people: dict[str, Actor]) -> None:
    unknown, zero, known = Problem("a.form", None, "表单缺少 id"), Problem("b.bpmn", 0, "决策表没有规则"), Problem(
        "c.dmn", 7, "决策表没有规则")
    assert (str(unknown), str(zero), str(known)) == ("a.form: 表单缺少 id", "b.bpmn: 决策表没有规则", "c.dmn:7: 决策表没有规则")
    refused = ModelInvalid([unknown, known])
    assert ":0:" not in refused.message and "None" not in refused.message
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert engine_messages.message_of(refused) == "a.form: The form has no id; c.dmn:7: The decision table has no rules"
    with app.test_request_context("/"):
        assert engine_messages.message_of(refused) == "a.form: 表单缺少 id；c.dmn:7: 决策表没有规则"
