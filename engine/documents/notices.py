"""Notices to the applicant and to the organization department: acceptance, refusal, supplement, feedback, filing,
and the registration of a prior filing."""

from __future__ import annotations

from engine.documents.content import Body, Section, numbered, paragraphs
from engine.documents.facts import Facts


def _applicant(facts: Facts) -> str:
    return f"{facts.text('cadre_unit') or facts.text('cadre_name')}："


def _about(facts: Facts) -> str:
    return f"关于{facts.cadre()}在{facts.matter()}中的容错纠错申请"


def acceptance_notice(facts: Facts) -> Body:
    """The application is accepted and goes to investigation."""
    return Body(_applicant(facts), (
        Section("", (f"{_about(facts)}，经审查，属于本机关管辖范围，申请材料齐全，决定予以受理。",)),
        Section("", paragraphs(facts.text("acceptance_reason"))),
        Section("", ("本委员会将依照规定开展调查核实，请予以配合。",)),
    ))


def refusal_notice(facts: Facts) -> Body:
    """The application is refused, with the reason."""
    return Body(_applicant(facts), (
        Section("", (f"{_about(facts)}，经审查，决定不予受理。",)),
        *numbered([("不予受理的理由", paragraphs(facts.text("acceptance_reason")))]),
    ))


def supplement_notice(facts: Facts) -> Body:
    """The applicant is asked to complete the materials."""
    return Body(_applicant(facts), (
        Section("", (f"{_about(facts)}，经审查，申请材料不齐全，请按以下要求补正。",)),
        *numbered([("需补正的材料", paragraphs(facts.text("supplement_request"))),
                   ("说明", paragraphs(facts.text("acceptance_reason")))]),
        Section("", ("逾期未补正的，视为撤回申请。",)),
    ))


def feedback_notice(facts: Facts) -> Body:
    """The ruling made known to the applicant unit."""
    sent = facts.date("notice_sent_date")
    return Body(_applicant(facts), (
        Section("", (f"{_about(facts)}，本委员会已作出裁定，结论为：{facts.choice('outcome')}。现予反馈。",)),
        Section("", paragraphs(facts.text("notice_text"))),
        Section("", (f"反馈日期：{sent}。",) if sent else ()),
    ))


def filing_notice(facts: Facts) -> Body:
    """The ruling filed with the organization department, for the cadre's record."""
    filed = facts.date("filing_date")
    return Body("区委组织部：", (
        Section("", (f"{_about(facts)}，本委员会已作出裁定，结论为：{facts.choice('outcome')}。"
                     "现将有关情况报备，请在干部考核、评优评先、选拔任用等工作中按规定运用。",)),
        Section("", (f"报备日期：{filed}。",) if filed else ()),
    ))


# The levels the risk assessment table rates a major matter at (risk_level: the table's rating or the reviewer's).
RISK_WORDS = {"low": "低", "medium": "中", "high": "高"}


def prior_filing_certificate(facts: Facts) -> Body:
    """A unit's decision filed in advance (事前备案) is registered: what was filed, and what the unit must report."""
    risk = RISK_WORDS.get(facts.text("risk_level"), "")
    return Body(f"{facts.text('filing_unit')}：", (
        Section("", (f"你单位报送的“{facts.text('matter')}”事前备案材料收悉。经审核，予以登记备案，"
                     f"备案编号为{facts.text('filing_number')}。",)),
        *numbered([("主要负责人", (f"{facts.text('cadre_position')}{facts.text('cadre_name')}",)),
                   ("创新性或风险性", paragraphs(facts.text("innovation_reason"))),
                   ("集体讨论情况", (f"{facts.date('discussion_date')}，{facts.text('collective_discussion')}".strip("，"),)),
                   ("重大事件风险评估", (f"风险等级：{risk}。",) if risk else ()),
                   ("审核意见", paragraphs(facts.text("review_opinion")))]),
        Section("", ("请按执行方案推进，按规定定期报告执行进展；执行中出现偏差的，应立即采取补救措施并及时报告。"
                     "本登记证明不代表对决策事项本身的审批，可在今后容错纠错申请中作为事前报告、集体研究的佐证。",)),
    ))
