"""What a supervisor's reassignment and reminder tell the handler: who sent it, by name and position, and which
step of whose case."""

from __future__ import annotations

from sqlalchemy import select, update

from engine.persistence.models import Notification, User
from engine.procedure import supervision
from tests.support.driver import apply
from tests.support.transports import Transport


def test_a_reassignment_and_a_reminder_name_the_supervisor_and_the_case(via: Transport) -> None:
    with via.ctx.sessions() as session, session.begin():
        session.execute(update(User).where(User.username == "supervisor").values(display_name="钱进", position="监督室主任"))
    run = apply(via)
    task = run.task("acceptance_review")
    supervision.reassign_task(via.ctx, via.people["supervisor"], task.id, "intake")
    supervision.remind(via.ctx, via.people["supervisor"], task.id, "请今天办结")
    with via.ctx.sessions() as session:
        sent = [(n.kind, n.message) for n in session.scalars(
            select(Notification).where(Notification.username == "intake", Notification.kind != "new_task")
            .order_by(Notification.id))]
    step = f"“受理审查”（案件 {run.case_id}，张明）"
    assert sent == [("reassigned", f"监督人员 钱进（监督室主任） 将{step}改派给您办理"),
                    ("reminder", f"监督人员 钱进（监督室主任） 提醒您尽快办理{step}：请今天办结")]
