"""The simple procedure only where the rules allow it: a minor loss below the configured threshold, facts clear,
and no exclusion found in the simple review."""

from __future__ import annotations

import pytest

from engine.errors import FormInvalid
from tests.support.driver import APPLICATION, LOOKS_EXEMPT, CaseRun, apply
from tests.support.transports import Transport


def refused(run: CaseRun, data: dict[str, object]) -> set[str]:
    with pytest.raises(FormInvalid) as caught:
        run.do("intake", "triage", data)
    assert run.open_ids() == ["triage"]
    return set(caught.value.fields)


def test_a_simple_triage_above_the_loss_threshold_is_refused(via: Transport) -> None:
    run = apply(via, loss_amount=80000)
    run.accept()
    assert run.data()["simple_loss_threshold"] == 50000
    simple = {"procedure": "simple", "facts_clear": True, "triage_reason": "事实清楚"}
    assert refused(run, simple) == {"procedure"}
    run.triage("ordinary")
    assert run.open_ids() == ["investigation"]


def test_simple_needs_facts_confirmed_clear_and_ordinary_is_always_open(via: Transport) -> None:
    run = apply(via)  # a loss of 12,000 yuan
    run.accept()
    assert refused(run, {"procedure": "simple", "triage_reason": "损失轻微"}) == {"procedure"}
    run.do("intake", "triage", {"procedure": "ordinary", "facts_clear": True, "triage_reason": "社会影响较大，适用普通程序"})
    assert (run.open_ids(), run.data()["procedure"]) == (["investigation"], "ordinary")


def test_a_loss_nobody_stated_never_takes_the_simple_procedure(via: Transport) -> None:
    pre = {k: v for k, v in APPLICATION.items() if k not in ("evidence_list", "loss_amount")}
    run = CaseRun(via, via.start("accountability", "rcjc_case", "pre_check",
                                 pre | {"accountability_case_no": "问责〔2026〕5号"}))
    run.do("accountability", "pre_check_review", {"tolerance_may_apply": True, "circumstance": "pilot_reform",
                                                  "pre_check_reason": "可能适用容错"})
    run.accept()
    assert refused(run, {"procedure": "simple", "facts_clear": True, "triage_reason": "事实清楚"}) == {"procedure"}


def test_an_exclusion_found_in_simple_review_moves_the_case_to_the_ordinary_procedure(via: Transport) -> None:
    run = apply(via)
    run.accept()
    run.triage("simple")
    run.do("investigator", "simple_review", {**LOOKS_EXEMPT, "exclusions": ["repeated_error"], "facts_disputed": False,
                                             "review_note": "发现同类错误曾受处理"})
    assert run.open_ids() == ["investigation"]
    data = run.data()
    assert (data["procedure"], data["switch_reason"], data["exclusions"]) == ("ordinary", "发现排除情形", ["repeated_error"])
    assert "recommended_outcome" not in data
