"""Warning signs (早发现早提醒): a cadre tolerated a second time within three years is flagged on the new case and
"repeated error" is put forward for the investigator to confirm or clear; the unit's repeats, a refusal for want
of authority, a conclusion changed on appeal, a rectification rejected twice and a repair each raise their sign;
supervisors list the signs and acknowledge each with a note, recorded in the case's audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, FormInvalid
from engine.persistence.models import AuditEvent
from engine.procedure import repair
from engine.reading.warnings import acknowledge, case_signs, list_signs
from tests.support.documents import ruled
from tests.support.driver import ALL_MEMBERS, APPLICATION, LOOKS_EXEMPT, CaseRun, apply, to_ruling_meeting
from tests.support.transports import HttpTransport, Transport

ANOTHER_MATTER = {"matter": "农村道路建设项目提前开工", "facts": "为赶汛期前完工，未等批复先行开工。"}


def signs(via: Transport, case_id: int | None = None, open_only: bool = True) -> list[dict[str, Any]]:
    """The signs supervisors see, of one case when given."""
    if isinstance(via, HttpTransport):
        found = via.call("supervisor", "GET", "/warnings", query_string={"open": str(open_only).lower(), "per_page": 100})
        items = found["items"]
    else:
        with via.ctx.sessions() as session:
            items = [s.__dict__ for s in list_signs(session, via.people["supervisor"], open_only=open_only, per_page=100)[0]]
    return [i for i in items if case_id is None or i["case_id"] == case_id]


def kinds(via: Transport, case_id: int) -> set[str]:
    return {s["kind"] for s in signs(via, case_id, open_only=False)}


def test_a_second_tolerance_within_three_years_is_flagged_and_put_forward(via: Transport) -> None:
    first = ruled(via)
    again = apply(via, **ANOTHER_MATTER)
    [sign] = signs(via, again.case_id)
    assert sign["kind"] == "repeated_tolerance"
    if isinstance(via, HttpTransport):
        assert sign["kind_label"] == "重复容错" and f"案件#{first.case_id}" in sign["text"]
    data = again.data()
    assert data["repeated_tolerance_found"] is True and data["repeat_check"]["cadre_cases"] == [first.case_id]
    assert "该干部近3年内已有1次获容错" in data["repeated_tolerance_warning"]
    again.accept()
    again.triage("ordinary")
    # Put forward, not decided: the investigator sees "repeated error" ticked and may clear it.
    assert again.data()["exclusions"] == ["repeated_error"]
    again.investigate(LOOKS_EXEMPT)
    assert again.data()["recommended_outcome"] == "EXEMPT"
    # Another cadre of the same unit: the unit's repeat is a sign, but nothing is put forward for the cadre.
    colleague = apply(via, cadre_name="李华", **ANOTHER_MATTER)
    assert kinds(via, colleague.case_id) == {"repeated_tolerance"}
    assert colleague.data()["repeat_check"]["cadre_cases"] == []
    colleague.accept()
    colleague.triage("ordinary")
    assert colleague.data()["exclusions"] == []
    # Someone never tolerated, in a unit never tolerated: no sign.
    stranger = CaseRun(via, via.start("other_applicant", "rcjc_case", "application",
                                      {**APPLICATION, **ANOTHER_MATTER, "cadre_name": "王五", "cadre_unit": "示例区住建局"}))
    assert kinds(via, stranger.case_id) == set()


def test_tolerance_older_than_the_window_raises_nothing(via: Transport, clock: Any) -> None:
    ruled(via)
    clock.advance(timedelta(days=3 * 366))
    later = apply(via, **ANOTHER_MATTER)
    assert kinds(via, later.case_id) == set() and later.data()["repeated_tolerance_found"] is False


def test_refusal_for_want_of_authority_appeal_change_and_rejected_rectification_raise_signs(via: Transport) -> None:
    refused = apply(via)
    refused.do("intake", "acceptance_review", {"jurisdiction_ok": False, "materials_complete": True,
                                               "acceptance": "refuse", "acceptance_reason": "不属于本机关干部管理权限"})
    assert kinds(via, refused.case_id) == {"wrong_applicant"}
    appealed = ruled(via, cadre_name="赵六")
    appealed.feedback()
    appealed.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    appealed.do("applicant", "decide_appeal", {"appeal": True, "appeal_reason": "认为结论不当"})
    appealed.do("reviewer", "review_appeal", {"review_reason": "隐瞒了损失", "appeal_result": "changed",
                                              "new_outcome": "NOT_TOLERATED", "new_rectification": "none"})
    [changed] = [s for s in signs(via, appealed.case_id) if s["kind"] == "changed_on_appeal"]
    if isinstance(via, HttpTransport):
        assert changed["text"] == "申诉复核将“容错免责（不予/免予追究）”变更为“不予容错”"
    rectified = apply(via, cadre_name="孙八")
    to_ruling_meeting(rectified, LOOKS_EXEMPT, "EXEMPT")
    rectified.convene(ALL_MEMBERS)
    rectified.vote({m: "agree" for m in ALL_MEMBERS})
    rectified.issue_ruling("EXEMPT", rectification=True)
    rectified.feedback()
    rectified.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    rectified.no_appeal()
    rectified.rectify(accepted=False)
    assert "rectification_failing" not in kinds(via, rectified.case_id)
    rectified.rectify(accepted=False)
    [failing] = [s for s in signs(via, rectified.case_id) if s["kind"] == "rectification_failing"]
    if not isinstance(via, HttpTransport):
        assert failing["details"] == {"rejections": 2}


def test_a_repair_raises_irregular_procedure_and_supervisors_acknowledge_signs_with_a_note(via: Transport) -> None:
    run = apply(via)
    repair.terminate(via.ctx, via.people["supervisor"], run.case_id, "申请人撤回申请")
    [sign] = signs(via, run.case_id)
    assert sign["kind"] == "procedure_irregular"
    for who, note, refused in (("intake", "已核实", Forbidden), ("supervisor", "  ", FormInvalid)):
        with pytest.raises(refused):
            acknowledge_as(via, who, sign["id"], note)
    done = acknowledge_as(via, "supervisor", sign["id"], "经核实，系申请人书面撤回，终止符合规定")
    assert done["note"] == "经核实，系申请人书面撤回，终止符合规定" and done["acknowledged_at"]
    assert signs(via, run.case_id) == [] and len(signs(via, run.case_id, open_only=False)) == 1
    with pytest.raises(Conflict):
        acknowledge_as(via, "supervisor", sign["id"], "再次确认")
    with via.ctx.sessions() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.case_id == run.case_id,
                                                           AuditEvent.event == "warning_acknowledged")).all()
        assert (event.actor, event.details["kind"]) == ("supervisor", "procedure_irregular")
        # Those who examine the case see its signs beside it; the applicant unit does not, nor may it list them.
        assert [s.kind for s in case_signs(session, via.people["intake"], run.case_id)] == ["procedure_irregular"]
        assert case_signs(session, via.people["applicant"], run.case_id) == []
        with pytest.raises(Forbidden):
            list_signs(session, via.people["intake"])


def acknowledge_as(via: Transport, who: str, warning_id: int, note: str) -> dict[str, Any]:
    if isinstance(via, HttpTransport):
        return dict(via.call(who, "POST", f"/warnings/{warning_id}/acknowledge", json={"note": note}))
    return dict(acknowledge(via.ctx, via.people[who], warning_id, note).__dict__)


def test_the_number_of_times_and_the_window_are_settings(via: Transport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(via.ctx.config.settings, "repeat_tolerance_times", 3)  # type: ignore[arg-type]
    monkeypatch.setitem(via.ctx.config.settings, "repeat_tolerance_unit_times", 3)  # type: ignore[arg-type]
    ruled(via)
    second = ruled(via, matter="农村道路建设项目提前开工")
    assert kinds(via, second.case_id) == set()
    third = apply(via, matter="老旧小区改造资金统筹使用")
    assert kinds(via, third.case_id) == {"repeated_tolerance"}
    assert "该干部近3年内已有2次获容错" in third.data()["repeated_tolerance_warning"]
