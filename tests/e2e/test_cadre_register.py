"""The cadre register (干部容错纠错档案): each ruling and clarification files itself with its "no negative
evaluation" flag and scope, an appeal's change updates it, the organization department and supervisors search it by
name, unit, identity number, outcome and period, and every lookup is recorded against the cases shown."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from engine.errors import Forbidden
from engine.persistence.models import AccessLog
from engine.reading.register import RegisterQuery, search_register
from tests.support.documents import by_kind, documents, ruled
from tests.support.driver import LOOKS_EXEMPT, apply, close_exempt_without_appeal
from tests.support.transports import HttpTransport, Transport

ID_NUMBER = "11010519491231002X"


def lookup(via: Transport, who: str, **query: Any) -> list[dict[str, Any]]:
    """The register's records as `who` finds them."""
    if isinstance(via, HttpTransport):
        args = {("from" if k == "since" else "to" if k == "until" else k): str(v) for k, v in query.items()}
        return list(via.call(who, "GET", "/register", query_string=args)["items"])
    with via.ctx.sessions() as session:
        items, _ = search_register(via.ctx, session, via.people[who], RegisterQuery(**query))
    return [{**i, "decided_on": i["decided_on"].isoformat(),
             "withdrawn_on": i["withdrawn_on"].isoformat() if i["withdrawn_on"] else None} for i in items]


def test_a_ruling_files_itself_and_an_appeal_that_changes_it_updates_the_record(via: Transport) -> None:
    run = ruled(via, cadre_id_number=ID_NUMBER)
    today = via.ctx.clock.now().date().isoformat()
    [record] = lookup(via, "orgdept", name="张")
    assert (record["kind"], record["outcome"], record["outcome_label"]) == ("ruling", "EXEMPT", "容错免责")
    assert record["no_negative"] and record["in_force"] and record["decided_on"] == today
    assert record["no_negative_scope"] == ["assessment", "awards", "selection", "unit_assessment"]
    letter = by_kind(documents(via, "chair", run.case_id))["ruling_letter"]
    assert record["document_numbers"] == [letter["number"]]
    run.feedback()
    run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    # Found by the identity number as well, however its check letter is typed; the scope stays all four areas.
    [applied] = lookup(via, "supervisor", id_number=ID_NUMBER.lower())
    assert applied["id"] == record["id"]
    assert applied["scope_labels"] == ["考核", "评先评优、表彰奖励", "选拔任用", "所在单位考核评价"]
    run.do("applicant", "decide_appeal", {"appeal": True, "appeal_reason": "认为结论不当"})
    run.do("reviewer", "review_appeal", {"review_reason": "隐瞒了损失", "appeal_result": "changed",
                                         "new_outcome": "NOT_TOLERATED", "new_rectification": "none"})
    [changed] = lookup(via, "orgdept", name="张明")
    assert (changed["outcome"], changed["previous_outcome"]) == ("NOT_TOLERATED", "EXEMPT")
    assert not changed["no_negative"] and not changed["in_force"] and changed["withdrawn_on"] == today
    decision = by_kind(documents(via, "applicant", run.case_id))["appeal_decision"]
    assert changed["document_numbers"] == [letter["number"], decision["number"]]


def test_a_clarification_files_itself_and_searches_narrow_by_each_field(via: Transport) -> None:
    run = apply(via)
    close_exempt_without_appeal(run, {**LOOKS_EXEMPT, "report_false": True})
    run.do("intake", "register_clarification", {
        "cadre_name": "张明", "cadre_unit": "示例区发展和改革局", "matter": "产业园区招商政策先行先试",
        "report_summary": "举报其违规拨付资金", "report_finding": "false", "harm": ["selection"],
        "re_reported": False, "harm_scope": "public"})
    run.do("intake", "consult_cadre", {"cadre_consent": "agree", "consent_note": "本人同意"})
    run.do("chair", "approve_clarification", {"clarification_approved": True, "approval_note": "同意澄清"})
    run.do("intake", "execute_clarification", {"clarification_forms": ["written"], "clarification_letter": "经核查，举报不实。",
                                               "executed_date": "2026-05-10"})
    other = ruled(via, cadre_name="李华", cadre_unit="示例区财政局")
    assert {r["kind"] for r in lookup(via, "orgdept", name="张明")} == {"ruling", "clarification"}
    [clarified] = lookup(via, "orgdept", outcome="clarified")
    assert clarified["outcome_label"] == "澄清正名" and clarified["no_negative"]
    assert [r["case_id"] for r in lookup(via, "orgdept", unit="财政")] == [other.case_id]
    assert lookup(via, "orgdept", outcome="NOT_TOLERATED") == []
    today = via.ctx.clock.now().date()
    assert len(lookup(via, "orgdept", since=today, until=today)) == 3
    assert lookup(via, "orgdept", until=date(2020, 1, 1)) == []
    assert lookup(via, "orgdept", name="%") == []  # a wildcard is a character, not a pattern


def test_only_the_organization_department_and_supervisors_search_and_each_lookup_is_recorded(via: Transport) -> None:
    run = ruled(via)
    for who in ("applicant", "intake", "chair"):
        with pytest.raises(Forbidden):
            lookup(via, who, name="张明")
    lookup(via, "orgdept", name="张明")
    lookup(via, "orgdept", name="无此人")
    with via.ctx.sessions() as session:
        logged = [(a.case_id, a.username, a.kinds) for a in session.scalars(
            select(AccessLog).where(AccessLog.kinds.is_not(None)).order_by(AccessLog.id)) if a.kinds == ["register"]]
    assert logged == [(run.case_id, "orgdept", ["register"])]
