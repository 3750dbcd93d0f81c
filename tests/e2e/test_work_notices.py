"""Told when work arrives: a new task to those who may take it, a supplement request and a ruling to the applicant
unit's members only, a task created already overdue escalated at once and once only, each as the person chose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.access import users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.notifications import mailer, notices
from engine.notifications.choices import Choice, save_choices
from engine.persistence.models import Case, Notification, TaskIndex
from engine.persistence.uow import UnitOfWork
from engine.procedure.timers import fire_due_timers
from tests.support.cases import start_mini
from tests.support.driver import ALL_MEMBERS, apply, to_ruling_meeting
from tests.support.driver import LOOKS_EXEMPT as EXEMPT
from tests.support.mailbox import smtp_server, with_smtp
from tests.support.transports import Transport

UNIT = "示例区发展和改革局"  # the applicant's unit, whose case it is


@pytest.fixture
def colleagues(via: Transport) -> Transport:
    """A second member of the applicant's unit and a second intake officer; the other unit's member exists already."""
    with UnitOfWork(via.ctx.sessions, via.ctx.clock) as uow:
        users.create_user(uow.session, "applicant2", "Lantern-Meadow-2718", ["applicant_org"], uow.now, unit=UNIT,
                          display_name="李同事")
        users.create_user(uow.session, "intake2", "Lantern-Meadow-2718", ["intake"], uow.now, display_name="周受理")
        uow.commit()
    return via


def told(via: Transport, case_id: int, kind: str) -> list[tuple[str, str | None, str]]:
    """Who was told what of this kind about a case, by name, in order."""
    with via.ctx.sessions() as s:
        rows = s.scalars(select(Notification).where(Notification.case_id == case_id, Notification.kind == kind)
                         .order_by(Notification.username, Notification.id))
        return [(n.username, n.task_id, n.message) for n in rows]


def test_a_new_task_is_told_to_the_members_of_its_group(colleagues: Transport) -> None:
    run = apply(colleagues)
    task = run.task("acceptance_review")
    message = f"您有一项新任务：案件 {run.case_id}（张明，产业园区招商政策先行先试）的“受理审查”，请于2026年3月16日前办理"
    assert told(colleagues, run.case_id, "new_task") == [("intake", task.id, message), ("intake2", task.id, message)]


def test_a_supplement_request_goes_to_the_applicant_units_members_only(colleagues: Transport) -> None:
    run = apply(colleagues)
    run.do("intake", "acceptance_review", {"acceptance": "supplement", "acceptance_reason": "缺少会议纪要",
                                           "supplement_request": "请补充党组会议纪要"})
    sent = told(colleagues, run.case_id, "supplement_requested")
    assert [name for name, _, _ in sent] == ["applicant", "applicant2"]  # not other_applicant, of another unit
    assert sent[0][2].startswith(f"请补正申请材料：案件 {run.case_id}（张明，")
    assert "“补正材料”" in sent[0][2] and sent[0][1] == run.task("supplement").id
    assert told(colleagues, run.case_id, "new_task")[-1][0] == "intake2"  # the supplement is no plain new task


def test_a_ruling_issued_is_told_to_the_units_members_only(colleagues: Transport) -> None:
    run = apply(colleagues)
    to_ruling_meeting(run, EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    assert told(colleagues, run.case_id, "ruling_issued") == []
    run.issue_ruling("EXEMPT", rectification=False)
    message = f"本单位的案件 {run.case_id}（张明，产业园区招商政策先行先试）已作出裁定，裁定书已印发，请查阅"
    assert told(colleagues, run.case_id, "ruling_issued") == [("applicant", None, message), ("applicant2", None, message)]


def test_votes_created_past_their_limit_are_escalated_at_once_and_once_only(colleagues: Transport, clock: object) -> None:
    run = apply(colleagues)
    to_ruling_meeting(run, EXEMPT, "EXEMPT")
    assert told(colleagues, run.case_id, "escalation") == []
    # The meeting was held last week: every vote is past its limit the moment it is created.
    run.do("chair", "convene_meeting", {"meeting_date": "2026-02-27", "attendees": ALL_MEMBERS, "motion": "EXEMPT"})
    votes = {t.candidate: t.id for t in run.tasks() if t.bpmn_id == "cast_vote"}
    escalated = told(colleagues, run.case_id, "escalation")
    assert sorted((name, task) for name, task, _ in escalated) == sorted(
        [(m, votes[m]) for m in ALL_MEMBERS] + [("supervisor", votes[m]) for m in ALL_MEMBERS])
    assert all("“裁定表决”创建时已超过办理期限（2026年2月27日）" in text for _, _, text in escalated)
    clock.advance(timedelta(days=5))  # type: ignore[attr-defined]
    fire_due_timers(colleagues.ctx)
    assert told(colleagues, run.case_id, "escalation") == escalated


def test_choices_decide_what_is_written_and_what_is_mailed(colleagues: Transport) -> None:
    ctx = colleagues.ctx
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        users.create_user(uow.session, "mailer", "Lantern-Meadow-2718", ["intake"], uow.now, display_name="吴受理",
                          email="wu@district.example")
        uow.commit()
    save_choices(ctx, "intake2", [Choice("new_task", in_app=False, mail=True)])
    save_choices(ctx, "mailer", [Choice("new_task", in_app=True, mail=True)])
    run = apply(colleagues)
    assert [name for name, _, _ in told(colleagues, run.case_id, "new_task")] == ["intake", "mailer"]
    with smtp_server() as (port, box):
        assert mailer.send_pending(with_smtp(ctx, port)) == mailer.MailReport(sent=1)
        assert mailer.send_pending(with_smtp(ctx, port)) == mailer.MailReport()
    [message] = box.received
    assert message["To"].endswith("<wu@district.example>") and box.subjects() == ["【容错纠错】新任务"]
    assert "“受理审查”" in message.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]


def test_the_escalation_timer_of_a_task_born_overdue_tells_nobody_again(
    deployed: EngineContext, people: dict[str, Actor]
) -> None:
    _, task_id = start_mini(deployed, people["intake"])
    alarm = [notices.Notice("timer", "escalation", task_id)]
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        row = uow.session.get(TaskIndex, task_id)
        assert row is not None
        case = uow.session.get(Case, row.case_id)
        row.due_at = row.created_at + timedelta(days=1)
        assert "supervisor" in notices.send(uow, case, alarm, "Asia/Shanghai")  # due after it was created: escalated
        row.due_at = row.created_at - timedelta(days=1)
        assert notices.send(uow, case, alarm, "Asia/Shanghai") == []  # escalated when it was created
