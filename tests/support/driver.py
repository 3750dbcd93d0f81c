"""Drives cases of the shipped procedure as the people of each group, through a transport."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.transports import CaseState, OpenTask, Transport

APPLICATION: dict[str, Any] = {
    "cadre_name": "张明",
    "cadre_unit": "示例区发展和改革局",
    "cadre_position": "副局长",
    "matter": "产业园区招商政策先行先试",
    "matter_date": "2025-11-03",
    "facts": "在上级政策未明确前，经局党组集体研究先行试点，造成部分资金延期拨付。",
    "loss_amount": 12000,
    "domain": "investment_promotion",
    "circumstance": "pilot_reform",
    "evidence_list": "党组会议纪要；试点方案；整改报告",
}

LOOKS_EXEMPT: dict[str, Any] = {
    "motive": "public_unintentional", "duty": "diligent", "basis": "pilot_or_no_rule",
    "decision_process": "collective_documented", "attitude": "active_remedy", "consequence": "minor",
    "exclusions": [], "report_false": False,
}
LOOKS_MITIGATE = {**LOOKS_EXEMPT, "consequence": "serious"}
LOOKS_NOT_TOLERATED = {**LOOKS_EXEMPT, "exclusions": ["private_gain"]}
LOOKS_UNCLEAR = {**LOOKS_EXEMPT, "motive": "unclear"}


@dataclass
class CaseRun:
    """One case of the procedure, driven through a transport (the services, or the HTTP API alone)."""

    via: Transport
    case_id: int

    def tasks(self) -> list[OpenTask]:
        """The case's open tasks."""
        return self.via.tasks(self.case_id)

    def open_ids(self) -> list[str]:
        """BPMN ids of the open tasks."""
        return sorted(t.bpmn_id for t in self.tasks())

    def task(self, bpmn_id: str, candidate: str | None = None) -> OpenTask:
        """The one open task with this BPMN id (for per-person tasks, that person's)."""
        found = [t for t in self.tasks() if t.bpmn_id == bpmn_id and (candidate is None or t.candidate == candidate)]
        assert len(found) == 1, f"expected one open {bpmn_id}, open: {self.open_ids()}"
        return found[0]

    def do(self, who: str, bpmn_id: str, data: dict[str, Any], per_person: bool = False) -> None:
        """Claim and complete a task as `who` (state saved and reloaded each time)."""
        self.via.act(who, self.task(bpmn_id, who if per_person else None), data)

    def case(self) -> CaseState:
        """Status, closure, outcome and version of the case."""
        return self.via.case(self.case_id)

    def version(self) -> int:
        """The number of the process version the case runs on."""
        return self.case().version

    def data(self) -> dict[str, Any]:
        """The case data as a supervisor reads it."""
        return self.via.data(self.case_id)

    # Stages -----------------------------------------------------------------

    def accept(self) -> None:
        """Intake accepts the application."""
        self.do("intake", "acceptance_review", {"jurisdiction_ok": True, "materials_complete": True,
                                                 "acceptance": "accept", "acceptance_reason": "属于管辖范围，材料齐全"})

    def triage(self, procedure: str) -> None:
        """Intake chooses the simple or the ordinary procedure."""
        self.do("intake", "triage", {"procedure": procedure, "facts_clear": procedure == "simple",
                                     "triage_reason": "依据事实和损失情况分流"})

    def investigate(self, looks: dict[str, Any], action: str = "report", who: str = "investigator") -> None:
        """The investigator reports the six looks (or asks for an extension)."""
        self.do(who, "investigation", {"methods": ["document_review", "interviews"], "findings": "查明事实如下……",
                                        **looks, "investigation_action": action})

    def propose(self, outcome: str) -> None:
        """The investigator confirms the recommended outcome."""
        self.do("investigator", "outcome_proposal", {"proposed_outcome": outcome, "rectification_measures": "完善制度"})

    def convene(self, attendees: list[str], motion: str | None = None, reason: str = "") -> None:
        """The chair convenes the ruling meeting with these attendees, putting the investigator's proposal (or
        `motion`, with `reason`) to the vote."""
        motion = motion or self.data()["proposed_outcome"]
        self.do("chair", "convene_meeting", {"meeting_date": "2026-04-20", "attendees": attendees, "motion": motion,
                                             **({"motion_reason": reason} if reason else {})})

    def vote(self, votes: dict[str, str]) -> None:
        """Each attending member casts their own vote."""
        for member, vote in votes.items():
            self.do(member, "cast_vote", {"vote": vote}, per_person=True)

    def issue_ruling(self, outcome: str, rectification: bool, reason: str = "") -> None:
        """The chair signs the ruling letter with the outcome the vote carried (`reason` for a departure from the
        decision table)."""
        extra = {"rectification_requirements": "健全资金拨付审批制度", "rectification_deadline": "2026-06-30"}
        if not rectification:
            extra = {}
        if reason:
            extra["ruling_override_reason"] = reason
        self.do("chair", "issue_ruling", {"ruling_action": "issue", "ruling_facts": "经调查核实……",
                                          "ruling_basis": "依据容错纠错实施办法", "outcome": outcome, "minutes": "会议纪要",
                                          "rectification_required": rectification, **extra})

    def feedback(self) -> None:
        """Intake sends the feedback notice and files the ruling with the organization department (dated)."""
        self.do("intake", "send_feedback", {"notice_sent_date": "2026-04-25", "notice_text": "反馈通知",
                                            "filing_date": "2026-04-25"})

    def no_appeal(self) -> None:
        """The applicant organization does not appeal."""
        self.do("applicant", "decide_appeal", {"appeal": False})

    def rectify(self, accepted: bool) -> None:
        """The applicant reports rectification and the supervisor verifies it."""
        self.do("applicant", "report_rectification", {"rectification_report": "已完成整改", "completed_date": "2026-06-01"})
        self.do("supervisor", "verify_rectification", {"rectification_accepted": accepted,
                                                       "verification_comment": "符合要求" if accepted else "需补充制度文件"})


def apply(via: Transport, **changes: Any) -> CaseRun:
    """The applicant organization files an application."""
    return CaseRun(via, via.start("applicant", "rcjc_case", "application", {**APPLICATION, **changes}))


def to_ruling_meeting(run: CaseRun, looks: dict[str, Any], outcome: str) -> None:
    """Accept, take the ordinary procedure, investigate and propose: the chair can convene."""
    run.accept()
    run.triage("ordinary")
    run.investigate(looks)
    assert run.data()["recommended_outcome"] == outcome
    run.propose(outcome)


ALL_MEMBERS = ["committee1", "committee2", "committee3"]


def close_exempt_without_appeal(run: CaseRun, looks: dict[str, Any] = LOOKS_EXEMPT, rectification: bool = False) -> None:
    """From application to an EXEMPT ruling, fed back and filed, with no appeal (and its rectification, when
    required, accepted)."""
    to_ruling_meeting(run, looks, "EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling("EXEMPT", rectification=rectification)
    run.feedback()
    run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    run.no_appeal()
    if rectification:
        run.rectify(accepted=True)
