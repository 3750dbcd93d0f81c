"""The cadre register page: search records by name, unit, identity number, outcome and period; a cadre's page
as PDF for a promotion or assessment review. Every lookup is recorded per case shown."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from engine.calendar import chinese_date
from engine.documents.register_sheet import cadre_sheet
from engine.errors import Forbidden
from engine.reading.filings import FilingView, filings_for_lookup
from engine.reading.register import CLARIFIED, OUTCOME_LABELS, RegisterQuery, ensure_reader, search_register

from ..context import engine_context
from ..guards import query_date
from .blueprint import UiBlueprint
from .decisions import outcome_label
from .labels import FILING_STATUS_LABELS
from .session import current_actor, login_required

bp = UiBlueprint("ui_register", __name__)
OUTCOME_CHOICES = [*OUTCOME_LABELS.items(), (CLARIFIED, "澄清正名")]
# Records per page: each page shown is also recorded as looked up, case by case, so pages stay modest.
PER_PAGE = 50
SEARCH_KEYS = ("name", "unit", "id_number", "outcome", "from", "to")


def _query(errors: dict[str, str]) -> RegisterQuery:
    """The search from the page's parameters, bounded like the API's."""
    outcome = request.args.get("outcome", "")
    page = request.args.get("page", "1")
    return RegisterQuery(request.args.get("name", "")[:100], request.args.get("unit", "")[:200],
                         request.args.get("id_number", "")[:18],
                         outcome if outcome in dict(OUTCOME_CHOICES) else "",
                         query_date("from", errors), query_date("to", errors),
                         int(page) if page.isdecimal() and 0 < len(page) < 6 and int(page) > 0 else 1, PER_PAGE)


def _allowed() -> None:
    try:
        ensure_reader(current_actor())
    except Forbidden:
        abort(403)


@bp.get("/register")
@login_required
def register() -> ResponseReturnValue:
    """The search form, and the matching records once something is asked."""
    _allowed()
    errors: dict[str, str] = {}
    query = _query(errors)
    asked = any(request.args.get(k) for k in SEARCH_KEYS)
    items: list[dict[str, Any]] = []
    filings: list[FilingView] = []
    total = 0
    if asked and not errors:
        ctx = engine_context()
        with ctx.sessions() as session:
            items, total = search_register(ctx, session, current_actor(), query)
            if query.page > _pages(total):
                # A page beyond the last (typed, or the records changed meanwhile) shows the last one instead.
                query = replace(query, page=_pages(total))
                items, total = search_register(ctx, session, current_actor(), query)
            filings = filings_for_lookup(ctx, session, current_actor(), query.name, query.unit)
    search = {k: request.args[k] for k in SEARCH_KEYS if request.args.get(k)}
    return render_template("register.html", items=items, total=total, asked=asked, errors=errors, query=query,
                           outcomes=OUTCOME_CHOICES, args=request.args, filings=filings, search=search,
                           pages=_pages(total), filing_status_labels=FILING_STATUS_LABELS,
                           outcome_label=outcome_label)


def _pages(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


@bp.get("/register/cadre.pdf")
@login_required
def cadre_pdf() -> ResponseReturnValue:
    """One cadre's records as a PDF page (by exact name and unit), for a promotion or assessment review."""
    _allowed()
    name, unit = request.args.get("name", "")[:100].strip(), request.args.get("unit", "")[:200].strip()
    if not name:
        abort(404)
    ctx = engine_context()
    with ctx.sessions() as session:
        items, _total = search_register(ctx, session, current_actor(), RegisterQuery(name=name, unit=unit, per_page=100),
                                        channel="register_pdf")
    items = [i for i in items if i["cadre_name"] == name and (i["cadre_unit"] or "") == unit]
    if not items:
        abort(404)
    pdf = cadre_sheet(items, chinese_date(ctx.clock.now().astimezone(ZoneInfo(ctx.config.timezone)).date()))
    disposition = f"attachment; filename=\"cadre-record.pdf\"; filename*=UTF-8''{quote(f'干部容错纠错档案-{name}.pdf')}"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": disposition})
