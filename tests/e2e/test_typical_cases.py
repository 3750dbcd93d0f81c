"""The typical case library: a closed case proposed as a typical case is drafted with its people, units, places and
amounts replaced, edited, checked, reviewed by a second person, approved by the chair and published for everyone to
read; what still names the source case is sent back; unpublishing keeps the history."""

from __future__ import annotations

from typing import Any

import pytest

from engine.access import users
from engine.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.persistence.uow import UnitOfWork
from engine.reading.typical_cases import read, search, unpublish
from tests.support.driver import APPLICATION, CaseRun, apply, close_exempt_without_appeal
from tests.support.people import PASSWORD
from tests.support.transports import HttpTransport, Transport

SOURCE = {**APPLICATION, "cadre_id_number": "11010519491231002X",
          "facts": "张明在示例区幸福村推进招商项目，经示例区发展和改革局党组集体研究先行试点，造成12000元资金延期拨付。"}
GUIDANCE = "改革探索中经集体决策、及时纠偏的无意过失，依规容错免责。"


@pytest.fixture
def second_intake(via: Transport) -> str:
    """Another intake officer, to review what the first one edited."""
    with UnitOfWork(via.ctx.sessions, via.ctx.clock) as uow:
        users.create_user(uow.session, "intake2", PASSWORD, ["intake"], uow.now, None)
        uow.commit()
    with via.ctx.sessions() as session:
        via.people["intake2"] = users.actor_for(session, "intake2")
    return "intake2"


def closed_case(via: Transport) -> int:
    run = apply(via, **SOURCE)
    close_exempt_without_appeal(run)
    assert run.case().status == "completed"
    return run.case_id


def propose(via: Transport, source_case_id: int) -> CaseRun:
    return CaseRun(via, via.start("intake", "rcjc_typical_case", "proposal",
                                  {"source_case_id": source_case_id, "proposal_reason": "具有普遍指导意义"}))


def library(via: Transport, who: str, q: str = "") -> list[dict[str, Any]]:
    if isinstance(via, HttpTransport):
        return list(via.call(who, "GET", "/typical-cases", query_string={"q": q})["items"])
    with via.ctx.sessions() as session:
        return [{"id": r.id, "title": r.title, "text": r.text, "guidance": r.guidance}
                for r in search(session, via.people[who], q)[0]]


def test_a_closed_case_is_drafted_anonymised_reviewed_approved_and_published(via: Transport, second_intake: str) -> None:
    source = closed_case(via)
    run = propose(via, source)
    draft = run.data()
    assert "张明" not in draft["typical_text"] and "某干部" in draft["typical_text"]
    assert "示例区发展和改革局" not in draft["typical_text"] and "12000" not in draft["typical_text"]
    # The editor puts a name back: the check sends the text back with what it found.
    leaky = draft["typical_text"] + "\n张明同志对此负有领导责任，涉及资金12000元。"
    run.do("intake", "edit_typical_case", {"typical_title": draft["typical_title"], "typical_text": leaky,
                                          "typical_guidance": GUIDANCE})
    assert run.open_ids() == ["edit_typical_case"]
    note = run.data()["anonymity_note"]
    assert "张明" in note and "12000" in note
    run.do("intake", "edit_typical_case", {"typical_title": draft["typical_title"], "typical_text": draft["typical_text"],
                                          "typical_guidance": GUIDANCE})
    # The editor may not review their own text.
    with pytest.raises((Forbidden, Conflict)):
        run.do("intake", "review_anonymity", {"review_result": "approve", "review_note": "已脱敏"})
    run.do(second_intake, "review_anonymity", {"review_result": "approve", "review_note": "已核对，无可识别信息"})
    run.do("chair", "approve_typical_case", {"approval": "publish", "approval_note": "同意发布"})
    assert (run.case().status, run.case().closure) == ("completed", "published")
    [published] = library(via, "applicant", "招商")
    everything = published["title"] + published["text"] + published["guidance"]
    for secret in ("张明", "示例区发展和改革局", "11010519491231002X", "12000", "12,000", "示例区", "幸福村"):
        assert secret not in everything, secret
    assert published["guidance"] == GUIDANCE
    # Once published, the same case cannot be proposed again.
    again = propose(via, source)
    assert (again.case().status, again.case().closure) == ("completed", "not_eligible")


def test_an_open_case_is_not_eligible_and_the_chair_may_reject(via: Transport, second_intake: str) -> None:
    open_case = apply(via)
    refused = propose(via, open_case.case_id)
    assert (refused.case().status, refused.case().closure) == ("completed", "not_eligible")
    assert "已办结" in refused.data()["ineligible_reason"]
    run = propose(via, closed_case(via))
    d = run.data()
    run.do("intake", "edit_typical_case", {"typical_title": d["typical_title"], "typical_text": d["typical_text"],
                                          "typical_guidance": GUIDANCE})
    run.do(second_intake, "review_anonymity", {"review_result": "return", "review_note": "地名仍可识别"})
    assert run.open_ids() == ["edit_typical_case"]
    run.do("intake", "edit_typical_case", {"typical_title": d["typical_title"], "typical_text": d["typical_text"],
                                          "typical_guidance": GUIDANCE})
    run.do(second_intake, "review_anonymity", {"review_result": "approve", "review_note": "可以"})
    run.do("chair", "approve_typical_case", {"approval": "reject", "approval_note": "指导意义不足"})
    assert run.case().closure == "rejected" and library(via, "applicant") == []


def test_unpublishing_takes_a_case_out_and_keeps_its_history(via: Transport, second_intake: str) -> None:
    run = propose(via, closed_case(via))
    d = run.data()
    run.do("intake", "edit_typical_case", {"typical_title": d["typical_title"], "typical_text": d["typical_text"],
                                          "typical_guidance": GUIDANCE})
    run.do(second_intake, "review_anonymity", {"review_result": "approve", "review_note": "可以"})
    run.do("chair", "approve_typical_case", {"approval": "publish", "approval_note": "同意"})
    [published] = library(via, "investigator")
    for who, reason, refused in (("intake", "过时", Forbidden), ("chair", " ", FormInvalid)):
        with pytest.raises(refused):
            unpublish(via.ctx, via.people[who], published["id"], reason)
    unpublish(via.ctx, via.people["chair"], published["id"], "所依据的规定已修订")
    assert library(via, "investigator") == []
    with via.ctx.sessions() as session:
        with pytest.raises(NotFound):
            read(session, via.people["investigator"], published["id"])
        kept = read(session, via.people["supervisor"], published["id"])
        assert kept.unpublish_reason == "所依据的规定已修订" and kept.text == published["text"]
        assert [r.id for r in search(session, via.people["chair"], withdrawn=True)[0]] == [published["id"]]
    with pytest.raises(Conflict):
        unpublish(via.ctx, via.people["chair"], published["id"], "再次撤回")
