"""The district's figures over cases driven through the procedure: each table equals what the test counts itself
from the cases it made, narrowed by unit, domain and period; an applicant organization sees only its own unit."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from engine.errors import Forbidden
from tests.support.driver import (
    ALL_MEMBERS,
    APPLICATION,
    LOOKS_EXEMPT,
    LOOKS_MITIGATE,
    LOOKS_NOT_TOLERATED,
    CaseRun,
    to_ruling_meeting,
)
from tests.support.figures import figures_of
from tests.support.transports import Transport

OWN_UNIT, OTHER_UNIT = "示例区发展和改革局", "示例区住房和城乡建设局"
# The group of each step the seeded cases leave open.
GROUP_OF = {"send_feedback": "intake", "simple_review": "investigator", "triage": "intake"}


@dataclass
class Seeded:
    """A case the test made, with what it knows of it."""

    run: CaseRun
    unit: str
    domain: str
    procedure: str
    outcome: str | None = None
    closure: str | None = None


def numbers(table: dict[str, dict[str, Any]], column: str) -> dict[str, Any]:
    return {key: row[column] for key, row in table.items()}


def file(via: Transport, who: str, unit: str, **changes: Any) -> Seeded:
    data = {**APPLICATION, **changes}
    run = CaseRun(via, via.start(who, "rcjc_case", "application", data))
    return Seeded(run, unit, data["domain"], "")


def rule(case: Seeded, looks: dict[str, Any], outcome: str) -> Seeded:
    """From acceptance to a ruling the committee carried."""
    to_ruling_meeting(case.run, looks, outcome)
    case.run.convene(ALL_MEMBERS)
    case.run.vote({m: "agree" for m in ALL_MEMBERS})
    case.run.issue_ruling(outcome, rectification=False)
    case.procedure, case.outcome = "ordinary", outcome
    return case


def seed(via: Transport, clock: Any) -> list[Seeded]:
    """Six cases: three ruled in two units and two domains, one refused, one in simple review left overdue, one
    accepted late. Filed on Monday 2 and Wednesday 4 March 2026; the clock ends on Thursday 19 March."""
    a = file(via, "applicant", OWN_UNIT)
    clock.advance(timedelta(days=2))  # Wednesday 4 March: A's acceptance took 2 working days
    rule(a, LOOKS_EXEMPT, "EXEMPT")
    b = rule(file(via, "other_applicant", OTHER_UNIT, domain="engineering_projects", cadre_name="李华"),
             LOOKS_MITIGATE, "MITIGATE")
    f = rule(file(via, "applicant", OWN_UNIT, cadre_name="王强"), LOOKS_NOT_TOLERATED, "NOT_TOLERATED")
    c = file(via, "applicant", OWN_UNIT, cadre_name="赵六")
    c.run.do("intake", "acceptance_review", {"acceptance": "refuse", "acceptance_reason": "不属于本机关管辖"})
    c.closure = "refused"
    d = file(via, "applicant", OWN_UNIT, domain="talent_work", cadre_name="钱七")
    d.run.accept()
    d.run.triage("simple")
    d.procedure = "simple"
    e = file(via, "other_applicant", OTHER_UNIT, cadre_name="孙八")
    clock.advance(timedelta(days=15))  # Thursday 19 March: 11 working days after the 4th, one past the limit
    e.run.accept()
    return [a, b, f, c, d, e]


def test_figures_equal_what_the_cases_say(via: Transport, clock: Any) -> None:
    cases = seed(via, clock)
    got = figures_of(via, "supervisor")
    assert numbers(got["status"], "cases") == dict(Counter("completed" if c.closure else "running" for c in cases))
    assert numbers(got["outcome"], "cases") == dict(Counter(c.outcome for c in cases if c.outcome))
    assert numbers(got["closure"], "cases") == {"refused": 1}
    assert numbers(got["procedure"], "cases") == dict(Counter(c.procedure for c in cases))
    for table, attribute in (("tolerance_by_domain", "domain"), ("tolerance_by_unit", "unit")):
        expected: dict[str, Counter[str]] = {}
        for c in cases:
            if c.outcome:
                expected.setdefault(getattr(c, attribute), Counter())[c.outcome] += 1
        assert {k: (r["ruled"], r["exempt"], r["mitigate"], r["not_tolerated"], r["rate"]) for k, r in got[table].items()} == {
            k: (sum(n.values()), n["EXEMPT"], n["MITIGATE"], n["NOT_TOLERATED"],
                round(100 * (n["EXEMPT"] + n["MITIGATE"]) / sum(n.values()), 1)) for k, n in expected.items()}
    assert got["tolerance_by_domain"]["investment_promotion"]["rate"] == 50.0
    assert numbers(got["rulings_by_year"], "rulings") == {"2026": 3}
    assert got["clarified_by_year"] == {}
    # Acceptance took 2 working days for A, 11 for E (4 to 19 March, no holiday between) and 0 for the rest.
    acceptance = sorted([2, 11, 0, 0, 0, 0])
    row = got["stage_days"]["rcjc_acceptance"]
    assert (row["stages"], row["average"], row["p90"]) == (6, round(sum(acceptance) / 6, 1),
                                                           acceptance[math.ceil(0.9 * 6) - 1])
    assert got["stage_days"]["rcjc_acceptance"]["label"] and got["stage_days"]["rcjc_triage"]["stages"] == 4
    # Open stages: three cases wait for feedback, one in simple review, one at triage.
    assert numbers(got["stage"], "cases") == {"rcjc_feedback": 3, "rcjc_simple_review": 1, "rcjc_triage": 1}
    now = via.ctx.clock.now()
    overdue = Counter(GROUP_OF[t.bpmn_id] for c in cases for t in c.run.tasks() if t.due_at and t.due_at < now)
    late = {key: (row["late"], row["overdue"]) for key, row in got["late_by_group"].items()}
    assert late == {g: (1 if g == "intake" else 0, overdue[g]) for g in set(overdue) | {"intake"}}


def test_figures_narrow_by_unit_domain_and_period(via: Transport, clock: Any) -> None:
    cases = seed(via, clock)
    other = figures_of(via, "orgdept", unit=OTHER_UNIT)
    assert numbers(other["status"], "cases") == {"running": sum(c.unit == OTHER_UNIT for c in cases)}
    assert set(other["tolerance_by_unit"]) == {OTHER_UNIT}
    talent = figures_of(via, "chair", domain="talent_work")
    assert numbers(talent["procedure"], "cases") == {"simple": 1} and talent["outcome"] == {}
    # Only A was filed on 2 March; rulings count by the day they were decided (all on 4 March).
    later = figures_of(via, "supervisor", since=date(2026, 3, 3), until=date(2026, 3, 31))
    assert sum(numbers(later["status"], "cases").values()) == len(cases) - 1
    assert numbers(later["rulings_by_year"], "rulings") == {"2026": 3}
    assert figures_of(via, "supervisor", until=date(2026, 3, 3))["rulings_by_year"] == {}


def test_a_unit_reads_its_own_figures_only(via: Transport, clock: Any) -> None:
    cases = seed(via, clock)
    own = figures_of(via, "applicant")
    assert numbers(own["status"], "cases") == dict(Counter("completed" if c.closure else "running"
                                                           for c in cases if c.unit == OWN_UNIT))
    assert set(own["tolerance_by_unit"]) == {OWN_UNIT}
    with pytest.raises(Forbidden):
        figures_of(via, "applicant", unit=OTHER_UNIT)
    for who in ("investigator", "intake", "owner"):
        with pytest.raises(Forbidden):
            figures_of(via, who)
