"""The six-looks decision table as shipped: every combination of findings, checked against the rules in order."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

import pytest

from engine.bundles.definitions import load_bundle
from engine.bundles.scripting import RestrictedEnvironment, make_script_engine
from engine.bundles.shipped import SHIPPED, collect
from engine.config import DEFAULT_LIMITS
from engine.groups import GROUP_LABELS

MOTIVES = ("public_unintentional", "unclear", "private_or_intentional")
DUTIES = ("diligent", "ordinary_negligence", "derelict")
BASES = ("pilot_or_no_rule", "policy_unclear_or_changed", "clear_rule_violated")
PROCESSES = ("collective_documented", "emergency_reported", "collective_dissented", "individual_arbitrary")
ATTITUDES = ("active_remedy", "partial", "passive_or_concealing")
CONSEQUENCES = ("minor", "moderate", "serious")
EXCLUSIONS: tuple[list[str], ...] = ([], ["private_gain"], ["repeated_error", "obstruction"])
# The circumstances the rules name, one listed circumstance they do not, and none claimed.
CIRCUMSTANCES = ("dissent_recorded", "force_majeure_after_duty", "pilot_reform", "none")
PRIOR_FILINGS = ("none", "filed", "filed_with_reports")
KEYS = ("motive", "duty", "basis", "decision_process", "attitude", "consequence", "exclusions", "circumstance",
        "prior_filing")


def _findings() -> list[dict[str, Any]]:
    values = (MOTIVES, DUTIES, BASES, PROCESSES, ATTITUDES, CONSEQUENCES, EXCLUSIONS, CIRCUMSTANCES, PRIOR_FILINGS)
    return [dict(zip(KEYS, combination, strict=True)) for combination in itertools.product(*values)]


FINDINGS = _findings()


@pytest.fixture(scope="module")
def recommend() -> Any:
    """The shipped table, evaluated by the engine's restricted script engine as a case would evaluate it."""
    bundle = load_bundle(collect(SHIPPED)[0], GROUP_LABELS, DEFAULT_LIMITS)
    table = bundle.specs["rcjc_investigation"].task_specs["six_looks_investigation"].dmnEngine
    workflow = SimpleNamespace(script_engine=make_script_engine(RestrictedEnvironment()))

    def outcome(findings: dict[str, Any]) -> str:
        return str(table.result(SimpleNamespace(data=dict(findings), workflow=workflow))["recommended_outcome"])

    return outcome


def filed_departure(f: dict[str, Any]) -> bool:
    """A clear rule broken by a decision filed beforehand whose progress was reported on time."""
    return f["basis"] == "clear_rule_violated" and f["prior_filing"] == "filed_with_reports"


def on_the_negative_list(f: dict[str, Any]) -> bool:
    """Exclusions, private motive, dereliction, a clear rule broken (unfiled), an arbitrary decision, concealment."""
    return bool(f["exclusions"]) or f["motive"] == "private_or_intentional" or f["duty"] == "derelict" or \
        (f["basis"] == "clear_rule_violated" and not filed_departure(f)) or \
        f["decision_process"] == "individual_arbitrary" or f["attitude"] == "passive_or_concealing"


def by_the_procedure(f: dict[str, Any]) -> str:
    """The rules of the procedure in their order, first match wins."""
    public, bearable = f["motive"] == "public_unintentional", f["consequence"] != "serious"
    claimed = f["circumstance"] != "none"
    if on_the_negative_list(f):
        return "NOT_TOLERATED"
    if filed_departure(f):
        return "MITIGATE" if public else "NOT_TOLERATED"
    if public and bearable and f["decision_process"] == "collective_dissented":
        return "EXEMPT"
    if public and bearable and f["circumstance"] == "force_majeure_after_duty" and f["duty"] == "diligent":
        return "EXEMPT"
    if public and bearable and claimed and f["attitude"] == "active_remedy" and \
            f["decision_process"] in ("collective_documented", "emergency_reported"):
        return "EXEMPT"
    if public and claimed and (not bearable or f["attitude"] == "partial"):
        return "MITIGATE"
    if public and not claimed and f["attitude"] == "active_remedy":
        return "MITIGATE"
    return "NOT_TOLERATED"


@pytest.fixture(scope="module")
def outcomes(recommend: Any) -> list[str]:
    """The table's outcome for each of FINDINGS, in order (evaluated once for the tests below)."""
    return [recommend(f) for f in FINDINGS]


def test_every_combination_of_findings_gets_the_outcome_the_rules_give_in_their_order(outcomes: list[str]) -> None:
    wrong = [(f, got, by_the_procedure(f)) for f, got in zip(FINDINGS, outcomes, strict=True) if got != by_the_procedure(f)]
    assert not wrong, f"{len(wrong)} of {len(FINDINGS)} combinations differ, e.g. {wrong[:3]}"


def test_the_negative_list_holds_whatever_circumstance_is_claimed(outcomes: list[str]) -> None:
    listed = [got for f, got in zip(FINDINGS, outcomes, strict=True) if on_the_negative_list(f)]
    assert len(listed) > len(FINDINGS) // 2
    assert set(listed) == {"NOT_TOLERATED"}


def test_a_serious_consequence_never_exempts_and_an_unclear_motive_is_never_tolerated(outcomes: list[str]) -> None:
    pairs = list(zip(FINDINGS, outcomes, strict=True))
    assert "EXEMPT" not in {got for f, got in pairs if f["consequence"] == "serious"}
    assert {got for f, got in pairs if f["motive"] == "unclear"} == {"NOT_TOLERATED"}


@pytest.mark.parametrize(("circumstance", "decision_process", "duty"), [
    ("dissent_recorded", "collective_dissented", "diligent"),
    ("force_majeure_after_duty", "collective_documented", "diligent"),
])
def test_concealment_or_a_serious_consequence_overrides_dissent_and_force_majeure(
        recommend: Any, circumstance: str, decision_process: str, duty: str) -> None:
    base = {"motive": "public_unintentional", "duty": duty, "basis": "pilot_or_no_rule",
            "decision_process": decision_process, "attitude": "active_remedy", "consequence": "minor",
            "exclusions": [], "circumstance": circumstance, "prior_filing": "none"}
    assert recommend(base) == "EXEMPT"
    assert recommend({**base, "attitude": "passive_or_concealing", "consequence": "serious"}) == "NOT_TOLERATED"
    assert recommend({**base, "attitude": "passive_or_concealing"}) == "NOT_TOLERATED"
    assert recommend({**base, "consequence": "serious"}) == "MITIGATE"


def test_only_a_filing_with_timely_reports_softens_a_broken_rule_and_never_to_exemption(
        recommend: Any, outcomes: list[str]) -> None:
    base = {"motive": "public_unintentional", "duty": "diligent", "basis": "clear_rule_violated",
            "decision_process": "collective_documented", "attitude": "active_remedy", "consequence": "minor",
            "exclusions": [], "circumstance": "pilot_reform"}
    assert recommend({**base, "prior_filing": "none"}) == "NOT_TOLERATED"
    assert recommend({**base, "prior_filing": "filed"}) == "NOT_TOLERATED"
    assert recommend({**base, "prior_filing": "filed_with_reports"}) == "MITIGATE"
    assert recommend({**base, "prior_filing": "filed_with_reports", "exclusions": ["explicitly_prohibited"]}) == \
        "NOT_TOLERATED"
    broken = {got for f, got in zip(FINDINGS, outcomes, strict=True) if f["basis"] == "clear_rule_violated"}
    assert broken == {"MITIGATE", "NOT_TOLERATED"}
