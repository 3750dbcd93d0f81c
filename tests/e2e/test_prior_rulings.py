"""Prior rulings found reliably: the same cadre (name and unit, or identity number) and a similar matter, and the
register of closed rectifications (整改销号)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from engine.persistence.models import AccessLog, RectificationClosure, Ruling
from engine.reading import queries
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, apply, close_exempt_without_appeal, to_ruling_meeting
from tests.support.transports import Transport

REWORDED = "关于产业园区招商政策的先行先试问题"
NUMBER = "11010519491231002X"


def test_a_reworded_matter_is_found_and_closes_without_new_evidence(via: Transport) -> None:
    first = apply(via)
    close_exempt_without_appeal(first)
    again = apply(via, matter=REWORDED)
    assert again.open_ids() == ["prior_ruling_review"]
    data = again.data()
    with via.ctx.sessions() as s:
        ruling = s.scalars(select(Ruling).where(Ruling.case_id == first.case_id)).one()
    assert (ruling.cadre_unit, ruling.cadre_key, ruling.cadre_id_number) == ("示例区发展和改革局", "张明", None)
    assert (data["prior_ruling_id"], data["prior_case_id"]) == (ruling.id, first.case_id)
    assert 0.6 <= data["prior_similarity"] < 1
    summary = data["prior_ruling_summary"]
    assert f"案件 {first.case_id}" in summary and "容错免责" in summary and "“产业园区招商政策先行先试”" in summary
    assert ruling.decided_at.date().isoformat() in summary and "相似度" in summary and "整改销号" not in summary
    again.do("intake", "prior_ruling_review", {"new_evidence": False, "prior_review_note": "同一事项，无新证据"})
    assert (again.case().status, again.case().closure) == ("completed", "prior_ruling")


def test_a_namesake_in_another_unit_or_another_matter_is_not_matched(via: Transport) -> None:
    close_exempt_without_appeal(apply(via))
    namesake = apply(via, cadre_unit="示例区教育局")
    assert namesake.open_ids() == ["acceptance_review"]
    data = namesake.data()
    assert data["prior_ruling_found"] is False and "prior_ruling_id" not in data and "prior_ruling_summary" not in data
    unrelated = apply(via, matter="老旧小区改造工程款延期支付")
    assert unrelated.open_ids() == ["acceptance_review"]


def test_the_identity_number_finds_a_transferred_cadre_and_tells_namesakes_apart(via: Transport) -> None:
    close_exempt_without_appeal(apply(via, cadre_id_number=NUMBER))
    with via.ctx.sessions() as s:
        assert s.scalar(select(Ruling.cadre_id_number)) == NUMBER
    # Moved to another unit since: the number says it is the same cadre.
    transferred = apply(via, cadre_unit="示例区教育局", cadre_id_number=NUMBER.lower(), matter=REWORDED)
    assert transferred.open_ids() == ["prior_ruling_review"]
    # Same name, same unit, another number: another person.
    namesake = apply(via, cadre_id_number="440304199003154561")
    assert namesake.open_ids() == ["acceptance_review"]


def test_an_accepted_rectification_is_registered_once_and_found(via: Transport) -> None:
    first = apply(via)
    close_exempt_without_appeal(first, rectification=True)
    assert (first.case().status, first.case().closure) == ("completed", "completed")
    with via.ctx.sessions() as s:
        closures = s.scalars(select(RectificationClosure)).all()
    assert [(c.case_id, c.cadre_key, c.cadre_unit, c.requirements, c.deadline) for c in closures] == [
        (first.case_id, "张明", "示例区发展和改革局", "健全资金拨付审批制度", date(2026, 6, 30))]
    again = apply(via, matter=REWORDED)
    assert again.open_ids() == ["prior_ruling_review"]
    summary = again.data()["prior_ruling_summary"]
    assert "整改销号" in summary and "健全资金拨付审批制度" in summary and "2026-06-30" in summary


def test_the_register_of_closed_rectifications_alone_stops_a_reopening(via: Transport) -> None:
    first = apply(via)
    close_exempt_without_appeal(first, rectification=True)
    with via.ctx.sessions() as s, s.begin():
        # A register kept from before rulings were filed: only the closed rectification is there.
        s.execute(delete(Ruling).where(Ruling.case_id == first.case_id))
    again = apply(via, matter=REWORDED)
    assert again.open_ids() == ["prior_ruling_review"]
    data = again.data()
    assert "prior_ruling_id" not in data and data["prior_case_id"] == first.case_id
    assert "整改销号" in data["prior_ruling_summary"]
    again.do("intake", "prior_ruling_review", {"new_evidence": False, "prior_review_note": "已整改销号，无新证据"})
    assert (again.case().status, again.case().closure) == ("completed", "prior_ruling")


def test_the_identity_number_is_read_only_by_those_who_handle_the_case(via: Transport) -> None:
    run = apply(via, cadre_id_number=NUMBER)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)  # the committee now reads the case, but not the number
    with via.ctx.sessions() as s:
        seen = {who: queries.case_view(via.ctx, s, via.people[who], run.case_id)["data"].get("cadre_id_number")
                for who in ("intake", "committee1")}
    with via.ctx.sessions() as s:  # a new transaction sees the reads recorded by the ones before
        logged = s.scalars(select(AccessLog.kinds).where(AccessLog.case_id == run.case_id,
                                                         AccessLog.username == "intake")).all()
    assert seen == {"intake": NUMBER, "committee1": None}
    assert ["identity"] in [list(kinds) for kinds in logged]  # 查阅留痕: the intake officer's read is on record
