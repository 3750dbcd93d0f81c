"""The statistics page: the district's figures with charts and the numbers beside them, as Excel or CSV too;
and the case list, filtered as on its page, as Excel or CSV."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import Forbidden
from engine.reading import figure_words
from engine.reading.statistics import READERS, FigureQuery, figures

from ..context import engine_context
from ..figures import figures_csv, figures_xlsx, labelled
from ..guards import query_date
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_statistics", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"



def _query(errors: dict[str, str]) -> FigureQuery:
    since, until = query_date("from", errors), query_date("to", errors)
    if since and until and since > until:
        errors["to"] = _("The end of the period is before its start.")
    return FigureQuery(since, until, request.args.get("unit", "").strip()[:200],
                       request.args.get("domain", "").strip()[:100])


def _figures() -> tuple[FigureQuery, list[dict[str, Any]], dict[str, str]]:
    """The figures asked for on the page, with the domains to choose from; 400 on a bad period, 403 if not allowed."""
    errors: dict[str, str] = {}
    query = _query(errors)
    if errors:
        abort(400, next(iter(errors.values())))
    ctx = engine_context()
    try:
        with ctx.sessions() as session:
            used, tables = figures(ctx, session, current_actor(), query)
            domains = figure_words.domain_names(ctx, session)
    except Forbidden:
        abort(403)
    return used, labelled(tables), domains


def _heading(query: FigureQuery, domains: dict[str, str]) -> str:
    parts = [_("Statistics"), f"{query.since or '…'} — {query.until or '…'}"]
    if query.unit:
        parts.append(query.unit)
    if query.domain:
        parts.append(domains.get(query.domain, query.domain))
    return " · ".join(parts)


def download(body: bytes, mimetype: str, name: str) -> Response:
    """A file to save, named in Chinese where the browser can (an ASCII name for the rest)."""
    ascii_name = "export" + name[name.rindex("."):]
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.get("/statistics")
@login_required
def statistics() -> ResponseReturnValue:
    """The figures for the period, unit and domain asked, each as a chart with its table."""
    errors: dict[str, str] = {}
    query = _query(errors)
    tables: list[dict[str, Any]] = []
    domains: dict[str, str] = {}
    if errors:
        used = query
    else:
        used, tables, domains = _figures()
    return render_template("statistics.html", query=used, tables=tables, domains=domains, errors=errors,
                           args=request.args, unit_fixed=not current_actor().in_any(READERS),
                           this_year=engine_context().clock.now().astimezone(engine_context().calendar.tz).year)


@bp.get("/statistics.xlsx")
@login_required
def statistics_xlsx() -> ResponseReturnValue:
    """Every table of the page as a sheet of an Excel workbook."""
    used, tables, domains = _figures()
    return download(figures_xlsx(tables, _heading(used, domains)), XLSX, _("statistics") + ".xlsx")


@bp.get("/statistics.csv")
@login_required
def statistics_csv() -> ResponseReturnValue:
    """Every table of the page as a section of one CSV file."""
    _used, tables, _domains = _figures()
    return download(figures_csv(tables), "text/csv", _("statistics") + ".csv")
