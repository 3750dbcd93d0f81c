"""The lifecycle of a case: stored values, open statuses and the moves refused."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.errors import Conflict
from engine.persistence.lifecycle import TRANSITIONS, CaseStatus, transition
from engine.persistence.models import OPEN_STATUSES


@dataclass
class _Case:
    id: int
    status: CaseStatus


def test_the_stored_values_are_the_plain_strings() -> None:
    assert [s.value for s in CaseStatus] == ["running", "completed", "error", "suspended", "terminated"]
    assert CaseStatus.ERROR == "error" and f"{CaseStatus.ERROR}" == "error"


def test_open_statuses_are_those_with_moves_left() -> None:
    assert set(OPEN_STATUSES) == {"running", "suspended", "error"}
    assert set(TRANSITIONS) == set(CaseStatus)


def test_an_ended_case_never_moves() -> None:
    for ended in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
        assert not any(ended.may_become(other) for other in CaseStatus)


def test_a_refused_move_is_a_conflict_and_changes_nothing() -> None:
    case = _Case(7, CaseStatus.TERMINATED)
    with pytest.raises(Conflict):
        transition(case, CaseStatus.ERROR)
    assert case.status is CaseStatus.TERMINATED


def test_an_allowed_move_sets_the_status() -> None:
    case = _Case(7, CaseStatus.SUSPENDED)
    transition(case, CaseStatus.ERROR)
    assert case.status is CaseStatus.ERROR
    with pytest.raises(Conflict):
        transition(_Case(8, CaseStatus.SUSPENDED), CaseStatus.SUSPENDED)
