"""Notices to the applicant and to the organization department: acceptance, refusal, supplement, feedback, filing."""

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
