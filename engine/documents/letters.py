"""The committee's decisions as letters: the ruling (裁定书), the appeal decision, the clarification decision and letter."""

from __future__ import annotations

from engine.documents.content import Body, Section, numbered, paragraphs
from engine.documents.facts import Facts

APPEAL_NOTICE = ("如对本裁定不服，可以自收到本裁定书之日起十五个工作日内，"
                 "向本委员会的上一级机关书面申请复核。复核期间，不停止本裁定的执行。")


def _rectification(facts: Facts, requirements: str, deadline: str) -> tuple[str, ...]:
    when = facts.date(deadline)
    return paragraphs(facts.text(requirements)) + ((f"整改期限：{when}前完成，并书面报告整改情况。",) if when else ())


def ruling_letter(facts: Facts) -> Body:
    """The ruling letter (裁定书) as the chair signed it: facts, basis, outcome, any departure's reason, rectification."""
    intro = (f"关于{facts.cadre()}在{facts.matter()}中的容错纠错申请，本委员会经调查核实、集体审议，现裁定如下。",)
    parts = [
        # A simple-procedure ruling states no facts of its own: those of the application stand.
        ("认定事实", paragraphs(facts.text("ruling_facts") or facts.text("facts"))),
        ("裁定依据", paragraphs(facts.text("ruling_basis"))),
        ("事前备案", _prior_filing(facts)),
        ("裁定结果", (f"对{facts.text('cadre_name')}裁定：{facts.choice('outcome')}。",)),
        ("不同于建议结论的理由", paragraphs(facts.text("ruling_override_reason"))),
        ("整改要求", _rectification(facts, "rectification_requirements", "rectification_deadline")
         if facts.flag("rectification_required") else ()),
    ]
    return Body(f"{facts.text('cadre_unit') or facts.text('cadre_name')}：",
                (Section("", intro), *numbered(parts), Section("", (APPEAL_NOTICE,))))


def _prior_filing(facts: Facts) -> tuple[str, ...]:
    """The prior filing the application cited, and what it proved when the six looks were weighed."""
    number = facts.text("prior_filing_number")
    if not number or facts.text("prior_filing") in ("", "none"):
        return ()
    if facts.text("prior_filing") == "filed_with_reports":
        return (f"该决策已事前备案（备案编号：{number}），执行中按期报告进展，可以证明决策事前报告、集体讨论。",)
    return (f"该决策已事前备案（备案编号：{number}），但执行中未按期报告进展。",)


def appeal_decision(facts: Facts) -> Body:
    """The decision on an appeal against a ruling: upheld, or changed with the new outcome and rectification."""
    changed = facts.text("appeal_result") == "changed"
    intro = (f"{facts.cadre()}对本委员会就{facts.matter()}作出的裁定（{facts.choice('outcome')}）提出申诉。"
             "经复核，现决定如下。",)
    result = (f"变更原裁定，变更后的结论为：{facts.choice('new_outcome')}。" if changed else "维持原裁定。",)
    rectification: tuple[str, ...] = ()
    if changed and facts.text("new_rectification") == "new":
        rectification = _rectification(facts, "new_rectification_requirements", "new_rectification_deadline")
    elif changed and facts.text("new_rectification") == "none":
        rectification = ("原裁定的整改要求不再执行。",)
    parts = [("申诉理由", paragraphs(facts.text("appeal_reason"))), ("复核意见", paragraphs(facts.text("review_reason"))),
             ("复核结论", result), ("整改安排", rectification)]
    return Body(f"{facts.text('cadre_unit') or facts.text('cadre_name')}：",
                (Section("", intro), *numbered(parts), Section("", ("本决定为复核决定，自作出之日起生效。",))))


def clarification_decision(facts: Facts) -> Body:
    """The approved decision to clarify a cadre who was falsely or unprovably reported."""
    intro = (f"关于{facts.cadre()}被反映的{facts.matter()}，经核查，现决定予以澄清正名。",)
    parts = [("核查情况", paragraphs(facts.text("report_summary"))),
             ("核查结论", (facts.choice("report_finding"),) if facts.text("report_finding") else ()),
             ("对干部的影响", (facts.choices("harm"),) if facts.data.get("harm") else ()),
             ("审批意见", paragraphs(facts.text("approval_note")))]
    return Body(f"{facts.text('cadre_unit') or facts.text('cadre_name')}：", (Section("", intro), *numbered(parts)))


def clarification_letter(facts: Facts) -> Body:
    """The clarification letter (澄清函) as it was made known, in the forms chosen."""
    done = facts.date("executed_date")
    closing = (f"澄清方式：{facts.choices('clarification_forms')}。",) if facts.data.get("clarification_forms") else ()
    return Body(f"{facts.text('cadre_unit') or facts.text('cadre_name')}：", (
        Section("", paragraphs(facts.text("clarification_letter"))
                or (f"经核查，反映{facts.text('cadre_name')}的{facts.matter()}问题不实，特此澄清。",)),
        Section("", closing + ((f"实施日期：{done}。",) if done else ())),
    ))
