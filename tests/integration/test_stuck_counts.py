"""Stuck cases counted reason by reason: each case once, whichever reasons it has, and the same count on every page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, update

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import Case, TaskIndex
from engine.persistence.uow import UnitOfWork
from engine.procedure import repair, services
from engine.reading.case_list import CaseFilter, list_cases
from tests.support.driver import APPLICATION


def listed(ctx: EngineContext, actor: Actor, stuck: bool, per_page: int = 20) -> tuple[dict[int, str | None], int]:
    with ctx.sessions() as s:
        items, total = list_cases(ctx, s, actor, CaseFilter(stuck=stuck), ctx.clock.now(), 1, per_page)
    return {item.id: item.stuck_reason for item in items}, total


def test_each_stuck_case_counts_once_whatever_its_reasons(deployed: EngineContext, people: dict[str, Actor]) -> None:
    def start(matter: str) -> int:
        return services.start_case(deployed, people["applicant"], "rcjc_case", "application",
                                   {**APPLICATION, "matter": matter}).case_id

    suspended, idle, untouched, both, fine = (start(m) for m in ("暂停的案件", "无待办的案件", "久未办理的案件",
                                                                    "两者皆是的案件", "正常办理的案件"))
    repair.suspend(deployed, people["supervisor"], suspended, "核查材料")
    long_ago = deployed.clock.now() - timedelta(days=40)
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        # A running case with no open step and no timer waits on nothing: made so here as a fault would.
        uow.session.execute(delete(TaskIndex).where(TaskIndex.case_id.in_([idle, both])))
        uow.session.execute(update(Case).where(Case.id.in_([idle, both])).values(next_timer_at=None))
        uow.session.execute(update(Case).where(Case.id.in_([untouched, both])).values(updated_at=long_ago))
        uow.commit()
    supervisor = people["supervisor"]
    reasons, total = listed(deployed, supervisor, stuck=True)
    assert total == 4
    assert reasons == {suspended: "suspended", idle: "waiting_on_nothing", untouched: "untouched",
                       both: "waiting_on_nothing"}
    assert listed(deployed, supervisor, stuck=True, per_page=1)[1] == 4  # one row shown, all four counted
    assert listed(deployed, supervisor, stuck=False) == ({fine: None}, 1)
    # A reader limited to other cases counts none of them.
    assert listed(deployed, people["other_applicant"], stuck=True) == ({}, 0)
