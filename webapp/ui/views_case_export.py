"""The case list, filtered as on its page, as an Excel workbook or a CSV file: every matching case the reader may
see (up to a bound), in words."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.reading.case_list import CaseSummary, list_cases

from ..context import engine_context
from ..figures import STATUS_WORDS, text_csv, workbook
from .blueprint import UiBlueprint
from .decisions import outcome_label
from .labels import CLOSURE_LABELS
from .session import current_actor, login_required
from .views_case import case_filter
from .views_statistics import XLSX, download

bp = UiBlueprint("ui_case_export", __name__)
# An export is for reading in a spreadsheet, not a copy of the database.
MOST = 10_000


def _rows() -> tuple[list[list[Any]], int]:
    ctx = engine_context()
    tz = ZoneInfo(ctx.config.timezone)
    with ctx.sessions() as session:
        items, total = list_cases(ctx, session, current_actor(), case_filter(), ctx.clock.now(), 1, MOST)
    header = [_("Number"), _("Cadre"), _("Unit"), _("Matter"), _("Status"), _("Outcome"), _("How it ended"),
              _("Started"), _("Updated"), _("Overdue")]

    def row(c: CaseSummary) -> list[Any]:
        return [c.id, c.cadre_name or "", c.started_unit or "", c.matter or "", str(STATUS_WORDS.get(c.status, c.status)),
                outcome_label(c.outcome) if c.outcome else "", str(CLOSURE_LABELS.get(c.closure or "", c.closure or "")),
                c.created_at.astimezone(tz).date().isoformat(), c.updated_at.astimezone(tz).date().isoformat(),
                _("yes") if c.overdue else ""]
    return [header, *(row(c) for c in items)], total


@bp.get("/cases.xlsx")
@login_required
def cases_xlsx() -> ResponseReturnValue:
    """The filtered case list as an Excel workbook."""
    rows, total = _rows()
    heading = _("Cases") + f" · {total}" + ("" if total <= MOST else " · " + _("first %(n)s", n=MOST))
    return download(workbook([(_("Cases"), rows)], heading), XLSX, _("cases") + ".xlsx")


@bp.get("/cases.csv")
@login_required
def cases_csv() -> ResponseReturnValue:
    """The filtered case list as a CSV file."""
    rows, _total = _rows()
    return download(text_csv([("", rows)]), "text/csv", _("cases") + ".csv")
