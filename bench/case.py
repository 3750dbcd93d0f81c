"""The benchmark case: its model files, start data and the 12 steps with the data each handler submits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODELS = Path(__file__).resolve().parent / "models"
BPMN_FILE = MODELS / "bench_case.bpmn"
PROCESS_ID = "bench_case"
ENTRY = "standard"
START_GROUP = "intake"
# The case concerns an applicant unit: its rectification report goes to that unit's member.
START_DATA: Mapping[str, Any] = {"title": "基准测试案件", "cadre_unit": "示例区发展和改革局", "category": "policy"}


@dataclass(frozen=True)
class Step:
    """One user task of the case: its BPMN id, the lane (group) that acts and the submitted form data."""

    bpmn_id: str
    group: str
    data: Mapping[str, Any]


# In this order the case passes all three gateways on the long path and ends at "办结".
STEPS: tuple[Step, ...] = (
    Step("register", "intake", {"materials_complete": "yes", "register_note": "材料已齐全"}),
    Step("acceptance_review", "intake", {"acceptance": "accept", "acceptance_note": "符合受理条件"}),
    Step("triage", "intake", {"procedure": "ordinary", "triage_reason": "事实需进一步核实"}),
    Step("investigate", "investigator", {"finding": "honest_mistake", "investigation_summary": "属于探索性失误"}),
    Step("recheck", "investigator", {"recheck_agrees": "yes"}),
    Step("deliberate", "committee", {"committee_opinion": "tolerate", "deliberation_note": "同意容错"}),
    Step("chair_ruling", "committee_chair", {"ruling": "tolerate", "ruling_reason": "符合容错情形"}),
    Step("ruling_letter", "committee_chair", {"letter_number": "容决〔2026〕1号"}),
    Step("deliver_feedback", "intake", {"feedback_delivered": "yes"}),
    Step("filing", "org_dept", {"filed": "yes", "filing_number": "备-2026-001"}),
    Step("rectification_report", "applicant_org", {"rectification_summary": "已完成整改"}),
    Step("rectification_verify", "supervisor", {"rectification_ok": "yes", "verify_note": "整改到位"}),
)
STEP_DATA: Mapping[str, Mapping[str, Any]] = {s.bpmn_id: s.data for s in STEPS}
EXPECTED_OUTCOME = "tolerated"


def model_files() -> dict[str, bytes]:
    """The BPMN and form files of the case, by file name (the bundle rcjc deploys)."""
    return {p.name: p.read_bytes() for p in sorted(MODELS.iterdir()) if p.suffix in (".bpmn", ".json")}
