"""The typical case library pages: everyone finds and reads published cases, in words and escaped; the chair takes
one out with a reason (a missing reason is said, the typed text kept); others may not, and it leaves the list."""

from __future__ import annotations

import re

from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import TypicalCase
from engine.persistence.uow import UnitOfWork
from tests.support.documents import ruled
from tests.support.pages import new_browser
from tests.support.transports import ServiceTransport


def published(deployed: EngineContext, people: dict[str, Actor]) -> int:
    """A typical case in the library (its process is tested end to end in tests/e2e/test_typical_cases.py)."""
    source = ruled(ServiceTransport(deployed, people)).case_id
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        row = TypicalCase(source_case_id=source, process_case_id=source, title="招商引资领域容错免责案例：<先行先试>",
                          text="【基本案情】某干部在某地推进招商。\n【处理结果】经裁定，对该干部容错免责。",
                          guidance="集体决策、及时纠偏的无意过失依规容错。", domain="investment_promotion", published_at=uow.now)
        uow.session.add(row)
        uow.session.flush()
        typical_id = row.id
        uow.commit()
    return typical_id


def test_everyone_finds_and_reads_a_published_case(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    typical_id = published(deployed, people)
    reader = new_browser(app, "applicant")
    assert "/typical-cases" in re.findall(r"<nav.*?</nav>", reader.get("/inbox").get_data(as_text=True), re.S)[0]
    found = reader.get("/typical-cases?q=招商 先行").get_data(as_text=True)
    assert f'data-typical="{typical_id}"' in found and "&lt;先行先试&gt;" in found and "<先行先试>" not in found
    assert "没有找到典型案例" in reader.get("/typical-cases?q=不存在的词").get_data(as_text=True)
    page = reader.get(f"/typical-cases/{typical_id}").get_data(as_text=True)
    assert "某干部在某地推进招商" in page and "典型意义" in page and "撤回典型案例" not in page
    assert reader.post(f"/typical-cases/{typical_id}/unpublish", {"reason": "过时"}).status_code == 403


def test_the_chair_takes_a_case_out_with_a_reason(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    typical_id = published(deployed, people)
    chair = new_browser(app, "chair")
    chair.get(f"/typical-cases/{typical_id}")
    refused = chair.post(f"/typical-cases/{typical_id}/unpublish", {"reason": "  "})
    assert refused.status_code == 422 and "请填写撤回理由" in refused.get_data(as_text=True)
    done = chair.post(f"/typical-cases/{typical_id}/unpublish", {"reason": "所依据的规定已修订"})
    assert done.status_code == 302
    assert "所依据的规定已修订" in chair.get(f"/typical-cases/{typical_id}").get_data(as_text=True)
    assert f'data-typical="{typical_id}"' in chair.get("/typical-cases?withdrawn=1").get_data(as_text=True)
    reader = new_browser(app, "investigator")
    assert f'data-typical="{typical_id}"' not in reader.get("/typical-cases?withdrawn=1").get_data(as_text=True)
    assert reader.get(f"/typical-cases/{typical_id}").status_code == 404
    assert reader.get("/typical-cases/99999999999").status_code == 404
