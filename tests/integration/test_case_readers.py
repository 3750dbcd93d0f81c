"""Who lists which cases: the case list of every kind of reader holds exactly the cases the access rule lets them
read (started by them, of their unit, worked on by their groups), filtered or not, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, update

from engine.access.policy import Actor, may_view_case
from engine.context import EngineContext
from engine.persistence.models import Case, CaseGroup
from engine.procedure import services
from engine.reading.case_list import CaseFilter, list_cases
from tests.support.driver import APPLICATION
from tests.support.people import PEOPLE


def listed(ctx: EngineContext, actor: Actor, flt: CaseFilter) -> set[int]:
    with ctx.sessions() as s:
        items, total = list_cases(ctx, s, actor, flt, ctx.clock.now(), per_page=100)
    assert total == len(items)
    return {item.id for item in items}


def test_each_reader_lists_exactly_the_cases_the_rule_lets_them_read(deployed: EngineContext, people: dict[str, Actor]) -> None:
    own = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    other = services.start_case(deployed, people["other_applicant"], "rcjc_case", "application", APPLICATION).case_id
    moved = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    with deployed.sessions() as s:
        # A case its starter filed about another unit's cadre, and a case the investigators worked on.
        s.execute(update(Case).where(Case.id == moved).values(unit=PEOPLE["other_applicant"][1]))
        s.add(CaseGroup(case_id=other, group_key="investigator"))
        s.commit()
        cases = list(s.scalars(select(Case)))
        allowed = {name: {c.id for c in cases if may_view_case(s, actor, c)} for name, actor in people.items()}
    assert allowed["applicant"] == {own, moved} and allowed["other_applicant"] == {other, moved}
    assert allowed["investigator"] == {other} and allowed["intake"] == allowed["supervisor"] == {own, other, moved}
    assert allowed["orgdept"] == set()
    for name, actor in people.items():
        assert listed(deployed, actor, CaseFilter()) == allowed[name], name
        assert listed(deployed, actor, CaseFilter(status="running")) == allowed[name], name
        assert listed(deployed, actor, CaseFilter(q=APPLICATION["cadre_name"])) == allowed[name], name
        assert listed(deployed, actor, CaseFilter(status="completed")) == set(), name
