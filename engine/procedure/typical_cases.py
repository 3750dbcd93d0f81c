"""Typical cases (典型案例) drafted from a closed case, checked for what the source case names, and published.

The typical-case process calls these from its scripts: the draft when a case is proposed, the check before the
second person reviews it, and the publication when the chair approves (checked once more, in the same step).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import EngineContext
from engine.documents.facts import form_words
from engine.persistence.lifecycle import CaseStatus
from engine.persistence.models import Case, TypicalCase
from engine.procedure.anonymise import Identifiers, anonymise, leaks

OUTCOME_WORDS = {"EXEMPT": "容错免责", "MITIGATE": "从轻或减轻处理", "NOT_TOLERATED": "不予容错"}
# The parts of the draft: a heading, then the case data keys whose text goes under it.
PARTS = (("基本案情", ("matter", "facts")), ("调查核实", ("findings",)), ("认定依据", ("ruling_facts", "ruling_basis")),
         ("整改要求", ("rectification_requirements",)))


def _source(ctx: EngineContext, session: Session, case_id: int) -> tuple[Case | None, dict[str, Any]]:
    case = session.get(Case, case_id)
    if case is None:
        return None, {}
    # Imported here: the store builds the script functions this module's callers are part of.
    from engine.procedure import runtime, workflow_store

    _bundle, workflow = workflow_store.load_workflow(ctx, session, case)
    return case, runtime.case_data(workflow)


def _identifiers(case: Case, data: Mapping[str, Any]) -> Identifiers:
    return Identifiers.of(data.get("cadre_name"), (data.get("cadre_unit"), case.unit, case.started_unit),
                          data.get("cadre_id_number"), data.get("loss_amount"))


def draft(ctx: EngineContext, session: Session, case_id: int) -> dict[str, Any]:
    """A first anonymised draft from a closed, ruled case; or why the case cannot be one."""
    case, data = _source(ctx, session, case_id)
    if case is None:
        return {"eligible": False, "reason": f"案件 {case_id} 不存在"}
    if case.status != CaseStatus.COMPLETED or case.outcome not in OUTCOME_WORDS:
        return {"eligible": False, "reason": "只有已办结并作出裁定的案件可以作为典型案例"}
    if session.scalar(select(TypicalCase.id).where(TypicalCase.source_case_id == case_id,
                                                   TypicalCase.unpublished_at.is_(None))) is not None:
        return {"eligible": False, "reason": "该案件已作为典型案例发布"}
    ids = _identifiers(case, data)
    domain = form_words(ctx.bundle_of_version(session, case.process_version_id).forms.values()).labels.get(
        "domain", {}).get(data.get("domain"), "")
    paragraphs = []
    for heading, keys in PARTS:
        texts = [str(data[k]).strip() for k in keys if isinstance(data.get(k), str) and data[k].strip()]
        if texts:
            paragraphs.append(f"【{heading}】" + "。".join(t.rstrip("。") for t in texts) + "。")
    paragraphs.append(f"【处理结果】经裁定，对该干部{OUTCOME_WORDS[case.outcome]}。")
    title = f"{domain}领域{OUTCOME_WORDS[case.outcome]}案例：{data.get('matter') or ''}".strip("：")
    return {"eligible": True, "title": anonymise(title, ids)[:200], "text": anonymise("\n".join(paragraphs), ids),
            "domain": case.domain or ""}


def check(ctx: EngineContext, session: Session, case_id: int, text: str) -> list[str]:
    """What of the source case the text still names (empty when it may be published)."""
    case, data = _source(ctx, session, case_id)
    return leaks(text, _identifiers(case, data)) if case is not None else []


def publish(ctx: EngineContext, session: Session, process_case_id: int | None, source_case_id: int, title: str,
            text: str, guidance: str, now: datetime) -> int:
    """Put the approved case in the library; refused while the text names anything of the source case."""
    found = check(ctx, session, source_case_id, "\n".join((title, text, guidance)))
    if found:
        raise ValueError("仍有未脱敏的信息，不能发布：" + "；".join(found))
    source = session.get(Case, source_case_id)
    row = TypicalCase(source_case_id=source_case_id, process_case_id=process_case_id, title=title[:200], text=text,
                      guidance=guidance, domain=source.domain if source else None, published_at=now)
    session.add(row)
    session.flush()
    return row.id
