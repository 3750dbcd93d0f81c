"""Records of the case: the application as filed, the investigation report, the meeting minutes, the verification."""

from __future__ import annotations

from engine.documents.content import Body, Section, numbered, paragraphs
from engine.documents.facts import Facts

APPLICATION_FIELDS = ("cadre_name", "cadre_unit", "cadre_position", "matter", "matter_date",
                      "accountability_decision_date", "loss_amount", "domain", "circumstance")
SIX_LOOKS = ("motive", "duty", "basis", "decision_process", "attitude", "consequence")


def _line(facts: Facts, key: str) -> str:
    value = facts.date(key) if key.endswith("_date") else (facts.choice(key) if facts.is_choice(key) else facts.text(key))
    return f"{facts.name(key)}：{value}" if value else ""


def application(facts: Facts) -> Body:
    """The application as the applicant unit filed it (the identity number stays out: it is confidential)."""
    lines = tuple(line for line in (_line(facts, k) for k in APPLICATION_FIELDS) if line)
    return Body("区容错免责裁定委员会：", (
        Section("", (f"现就{facts.cadre()}在{facts.matter()}中的问题，申请容错纠错认定。",)),
        *numbered([("基本情况", lines), ("基本事实", paragraphs(facts.text("facts"))),
                   ("证据材料清单", paragraphs(facts.text("evidence_list")))]),
    ), signed_by=facts.text("cadre_unit"))


def investigation_report(facts: Facts) -> Body:
    """The investigation report: methods, facts found, the six looks and the exclusions."""
    looks = tuple(line for line in (_line(facts, k) for k in SIX_LOOKS) if line)
    exclusions = (facts.choices("exclusions"),) if facts.data.get("exclusions") else ("未发现排除容错的情形。",)
    recommended = facts.choice("recommended_outcome")
    return Body("区容错免责裁定委员会：", (
        Section("", (f"根据安排，对{facts.cadre()}在{facts.matter()}中的容错纠错申请进行了调查核实，现报告如下。",)),
        *numbered([
            ("调查方式", (facts.choices("methods"),) if facts.data.get("methods") else ()),
            ("调查认定的事实", paragraphs(facts.text("findings"))),
            ("“六看”研判", looks),
            ("排除情形", exclusions),
            ("信访举报核查", ("引发本事项的信访举报经查失实。",) if facts.flag("report_false") else ()),
            ("研判建议结论", (recommended,) if recommended else ()),
        ]),
    ))


def meeting_minutes(facts: Facts) -> Body:
    """The minutes of the ruling meeting: date and place, the motion, attendance, recusals and each named vote."""
    when, place = facts.date("meeting_date"), facts.text("meeting_place")
    record, written = facts.text("meeting_record"), facts.text("minutes")
    # The chair's minutes start as the record's draft: print only what the chair added to it.
    added = written[len(record):] if record and written.startswith(record) else written
    held = "，".join(p for p in (f"会议时间：{when}" if when else "", f"会议地点：{place}" if place else "") if p)
    return Body("", (
        Section("", (f"本委员会召开裁定会议，审议{facts.cadre()}在{facts.matter()}中的容错纠错申请。",)
                + ((held + "。",) if held else ())),
        *numbered([("调查建议结论", tuple(p for p in (
                       facts.choice("proposed_outcome"),
                       f"与“六看”研判建议结论（{facts.choice('recommended_outcome')}）不一致的理由："
                       f"{facts.text('override_reason')}" if facts.text("override_reason") else "") if p)),
                   ("表决动议", (facts.choice("motion"),) if facts.text("motion") else ()),
                   ("动议理由", paragraphs(facts.text("motion_reason"))),
                   ("出席、回避与表决情况", paragraphs(record)),
                   ("会议记录", paragraphs(added))]),
    ))


def rectification_verification(facts: Facts) -> Body:
    """The record of verifying the rectification: what was required, what was reported, the verdict."""
    verdict = "验收通过。" if facts.flag("rectification_accepted") else "验收未通过，请继续整改并重新报告。"
    done = facts.date("completed_date")
    return Body(f"{facts.text('cadre_unit') or facts.text('cadre_name')}：", (
        Section("", (f"关于{facts.cadre()}在{facts.matter()}中的整改情况，经验收，记录如下。",)),
        *numbered([("整改要求", paragraphs(facts.text("rectification_requirements"))),
                   ("整改情况", paragraphs(facts.text("rectification_report"))
                    + ((f"整改完成日期：{done}。",) if done else ())),
                   ("验收意见", paragraphs(facts.text("verification_comment"))),
                   ("验收结论", (verdict,))]),
    ))
