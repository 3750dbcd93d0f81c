"""A prior filing (事前备案) as the applicant unit files it, and the organization department's acceptance."""

from __future__ import annotations

from typing import Any

FILING: dict[str, Any] = {
    "matter": "工程建设项目审批“容缺受理”改革试点",
    "cadre_name": "李华",
    "cadre_position": "局长",
    "innovation_reason": "在上级规定未明确前，对非核心材料实行容缺受理、承诺补齐。",
    "departed_rule": "突破现行审批须材料齐全方可受理的做法，填补容缺受理的制度空白。",
    "collective_discussion": "局党组会议研究，7名党组成员全部参加，一致同意试点。",
    "discussion_date": "2026-02-20",
    "execution_plan": "2026年3月起在两个园区试点三个月，每月评估。",
    "expected_risks": "补齐材料逾期导致项目停滞；以专人跟踪、逾期即停办应对。",
    "major_matter": True,
    "risk_likelihood": "high",
    "risk_impact": "severe",
    "risk_mitigation": "设置承诺期限，逾期未补齐的撤销受理并公示。",
}
REVIEW_ACCEPT = {"filing_review": "accept", "review_opinion": "材料齐全，予以备案。", "risk_override": None,
                 "risk_override_reason": None}
