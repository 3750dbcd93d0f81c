"""Prior filings (事前备案): a unit lists its own, the organization department and supervisors every unit's, with
where each stands and when its next report is due; a filing's page shows its reports beside its process."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue

from engine.procedure.documents import FORMATS
from engine.reading.documents import case_documents
from engine.reading.filings import STATUSES, FilingQuery, cited_filing, list_filings, read_filing

from ..context import engine_context
from ..guards import form_number
from .blueprint import UiBlueprint
from .labels import CLOSURE_LABELS, FILING_STATUS_LABELS, REPORT_LABELS, RISK_LABELS
from .session import current_actor, login_required

bp = UiBlueprint("ui_filings", __name__)
PER_PAGE = 20
LABELS = {"filing_status_labels": FILING_STATUS_LABELS, "risk_labels": RISK_LABELS, "report_labels": REPORT_LABELS,
          "closure_labels": CLOSURE_LABELS}


@bp.get("/filings")
@login_required
def filings() -> ResponseReturnValue:
    """The filings the reader may see, the next report due first."""
    status = request.args.get("status", "")
    query = FilingQuery(status if status in STATUSES else "", request.args.get("unit", "").strip()[:200],
                        request.args.get("q", "").strip()[:100], request.args.get("overdue") == "1")
    page = max(1, min(form_number(request.args.get("page")) or 1, 100_000))
    ctx = engine_context()
    with ctx.sessions() as session:
        rows, total = list_filings(ctx, session, current_actor(), query, page, PER_PAGE)
    return render_template("filings.html", rows=rows, total=total, query=query, statuses=STATUSES, page=page,
                           pages=max(1, -(-total // PER_PAGE)), **LABELS)


@bp.get("/filings/<int:filing_id>")
@login_required
def filing(filing_id: int) -> ResponseReturnValue:
    """One filing: what was filed, where it stands, its progress reports."""
    ctx = engine_context()
    with ctx.sessions() as session:
        row = read_filing(ctx, session, current_actor(), filing_id)
    return render_template("filing.html", row=row, **LABELS)


def cited_filing_panel(case_id: int) -> dict[str, Any] | None:
    """The prior filing a case cites, its reports and documents, for the case and task pages (None: no citation)."""
    ctx, actor = engine_context(), current_actor()
    with ctx.sessions() as session:
        row = cited_filing(ctx, session, actor, case_id)
        docs = case_documents(session, actor, row.case_id) if row is not None else []
    return {"row": row, "docs": docs, "formats": sorted(FORMATS), **LABELS} if row is not None else None
