"""The district's figures in the reader's language, and as Excel and CSV files (for the page, the API and exports)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engine.reading.statistics import UNKNOWN, Table

from .ui.decisions import OUTCOME_LABELS
from .ui.labels import CLOSURE_LABELS
from .ui.setup import STATUS_LABELS

TITLES = {
    "status": lazy_gettext("Cases by status"),
    "outcome": lazy_gettext("Rulings by outcome in force"),
    "closure": lazy_gettext("Ended cases by how they ended"),
    "procedure": lazy_gettext("Simple and ordinary procedure"),
    "tolerance_by_domain": lazy_gettext("Tolerance rate by domain"),
    "tolerance_by_unit": lazy_gettext("Tolerance rate by unit"),
    "stage": lazy_gettext("Open cases by stage"),
    "stage_days": lazy_gettext("Working days per stage"),
    "late_by_group": lazy_gettext("Overdue steps by department"),
    "rulings_by_year": lazy_gettext("Rulings per year"),
    "clarified_by_year": lazy_gettext("Cadres cleared by clarification"),
    "filings_by_year": lazy_gettext("Prior filings per year"),
}
COLUMNS = {
    "label": lazy_gettext("Item"), "cases": lazy_gettext("Cases"), "ruled": lazy_gettext("Ruled"),
    "exempt": OUTCOME_LABELS["EXEMPT"], "mitigate": OUTCOME_LABELS["MITIGATE"],
    "not_tolerated": OUTCOME_LABELS["NOT_TOLERATED"], "rate": lazy_gettext("Tolerance rate (%)"),
    "stages": lazy_gettext("Stages ended"), "average": lazy_gettext("Average (working days)"),
    "p90": lazy_gettext("90th percentile (working days)"), "late": lazy_gettext("Ended late"),
    "overdue": lazy_gettext("Overdue now"), "total": lazy_gettext("Total"), "rulings": lazy_gettext("Rulings"),
    "cadres": lazy_gettext("Cadres cleared"), "filed": lazy_gettext("Filings made"),
    "registered": lazy_gettext("Filings registered"),
    "declined": lazy_gettext("Declined"), "reports": lazy_gettext("Reports received"),
    "late_reports": lazy_gettext("Reports sent late"), "drifts": lazy_gettext("Drifts"),
    "cited": lazy_gettext("Cited by applications"),
}
PROCEDURE_LABELS = {"simple": lazy_gettext("simple procedure"), "ordinary": lazy_gettext("ordinary procedure")}
# Where a row's key is a code, its words in the reader's language.
STATUS_WORDS: dict[str, Any] = {status.value: label for status, label in STATUS_LABELS.items()}
KEY_LABELS: dict[str, dict[str, Any]] = {
    "status": STATUS_WORDS, "outcome": OUTCOME_LABELS, "closure": {**STATUS_WORDS, **CLOSURE_LABELS},
    "procedure": PROCEDURE_LABELS,
}
NOT_GIVEN = lazy_gettext("not given")
# What a spreadsheet would run as a formula if a cell began with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def labelled(tables: Iterable[Table]) -> list[dict[str, Any]]:
    """Tables as readers see them: a title, named columns and every row with its label in words."""
    shown = []
    for t in tables:
        words = KEY_LABELS.get(t.key, {})
        rows = [{**r, "label": str(r["label"] if r["label"] is not None
                                   else words.get(r["key"], NOT_GIVEN if r["key"] == UNKNOWN else r["key"]))}
                for r in t.rows]
        shown.append({"key": t.key, "title": str(TITLES[t.key]),
                      "columns": [{"key": c, "label": str(COLUMNS[c])} for c in ("label", *t.columns)], "rows": rows})
    return shown


def _cell(value: Any) -> Any:
    """A value safe in a spreadsheet: text that would start a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _sheet_rows(table: dict[str, Any]) -> list[list[Any]]:
    keys = [c["key"] for c in table["columns"]]
    return [[c["label"] for c in table["columns"]], *([r[k] for k in keys] for r in table["rows"])]


def workbook(sheets: Sequence[tuple[str, list[list[Any]]]], heading: str) -> bytes:
    """An .xlsx file with one sheet per (title, rows), the first row of each in bold, under a heading line."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        # A sheet's name may not hold []:*?/\ and is at most 31 characters.
        sheet = book.create_sheet("".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet")
        sheet.append([_cell(heading)])
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for i, _width in enumerate(rows[0] if rows else [], start=1):
            sheet.column_dimensions[get_column_letter(i)].width = 18 if i > 1 else 32
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def figures_xlsx(tables: list[dict[str, Any]], heading: str) -> bytes:
    """Every table of figures as a sheet of one workbook."""
    return workbook([(t["title"], _sheet_rows(t)) for t in tables], heading)


def text_csv(sections: Sequence[tuple[str, list[list[Any]]]]) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so that spreadsheet programs read Chinese right); each section under
    its title, a blank line between sections."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, (title, rows) in enumerate(sections):
        if i:
            writer.writerow([])
        if title:
            writer.writerow([_cell(title)])
        writer.writerows([[_cell(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def figures_csv(tables: list[dict[str, Any]]) -> bytes:
    """Every table of figures as sections of one CSV file."""
    return text_csv([(t["title"], _sheet_rows(t)) for t in tables])
