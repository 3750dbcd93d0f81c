"""`rcjc check`: a case's workflow state, task index, due dates, columns and audit chain agree after every kind of
step, and each way they can disagree is reported with the step it concerns."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import delete, select, update

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import AuditEvent, Case, TaskIndex
from engine.procedure.consistency import check_all
from tests.support.driver import apply
from tests.support.filings import file
from tests.support.transports import ServiceTransport
from webapp.cli import main


def problems(ctx: EngineContext, case_id: int | None = None) -> dict[int, tuple[str, ...]]:
    return {c.case_id: c.problems for c in check_all(ctx, case_id) if not c.ok}


def test_cases_at_every_kind_of_step_agree_with_themselves(deployed: EngineContext, people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    waiting = apply(via)
    investigating = apply(via, matter="农村道路建设项目提前开工")
    investigating.accept()
    investigating.triage("ordinary")
    declined = file(via, major_matter=False, risk_likelihood=None, risk_impact=None, risk_mitigation=None)
    declined.do("orgdept", "review_filing", {"filing_review": "decline", "review_opinion": "无需备案。",
                                             "risk_override": None, "risk_override_reason": None})
    assert declined.case().status == "completed"
    checked = list(check_all(deployed))
    assert {c.case_id for c in checked} == {waiting.case_id, investigating.case_id, declined.case_id}
    assert [c.problems for c in checked if not c.ok] == []


def test_each_disagreement_is_reported(deployed: EngineContext, people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    run = apply(via)
    other = apply(via, matter="农村道路建设项目提前开工")
    task_id = run.task("acceptance_review").id
    with deployed.db.begin() as conn:
        due = conn.scalar(select(TaskIndex.due_at).where(TaskIndex.id == task_id))
        assert due is not None
        conn.execute(update(TaskIndex).where(TaskIndex.id == task_id).values(due_at=due + timedelta(days=3)))
    [found] = problems(deployed, run.case_id)[run.case_id]
    assert "acceptance_review" in found and "its limit gives" in found
    with deployed.db.begin() as conn:
        conn.execute(delete(TaskIndex).where(TaskIndex.id == task_id))
    assert problems(deployed, run.case_id)[run.case_id] == (f"open task acceptance_review ({task_id}) has no task row",)
    # Another case is untouched, and checking every case names only the broken one.
    assert set(problems(deployed)) == {run.case_id}
    with deployed.db.begin() as conn:
        conn.execute(update(AuditEvent).where(AuditEvent.chain == f"case:{other.case_id}").values(details={"x": 1}))
        conn.execute(update(Case).where(Case.id == other.case_id).values(state=b"{not a workflow"))
    broken = problems(deployed, other.case_id)[other.case_id]
    assert any("workflow state does not load" in p for p in broken) and len(broken) >= 2
    with deployed.sessions() as session:
        assert session.scalar(select(Case.status).where(Case.id == other.case_id)) == "running"


def test_rcjc_check_prints_each_problem_and_exits_1(deployed: EngineContext, people: dict[str, Actor],
                                                     cli: CliRunner) -> None:
    via = ServiceTransport(deployed, people)
    run = apply(via)
    apply(via, matter="农村道路建设项目提前开工")
    healthy = cli.invoke(main, ["check"])
    assert healthy.exit_code == 0 and "2 case(s) checked, 0 with problems" in healthy.output
    task_id = run.task("acceptance_review").id
    with deployed.db.begin() as conn:
        conn.execute(delete(TaskIndex).where(TaskIndex.id == task_id))
    broken = cli.invoke(main, ["check"])
    assert broken.exit_code == 1
    assert f"case {run.case_id}: open task acceptance_review ({task_id}) has no task row" in broken.output
    assert "2 case(s) checked, 1 with problems" in broken.output
    assert cli.invoke(main, ["check", str(run.case_id + 100)]).exit_code == 1
