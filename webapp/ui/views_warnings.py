"""The warnings page for supervisors (every case's signs, acknowledged with a note), and a case's signs beside the
case and its tasks for those who handle it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.access.policy import SUPERVISOR
from engine.errors import Conflict, FormInvalid, NotFound
from engine.procedure.warning_signs import KINDS
from engine.reading.warnings import MAX_NOTE, acknowledge, case_signs, list_signs

from .. import engine_messages
from ..api.warnings import named
from ..context import engine_context
from ..guards import form_number
from ..warning_text import KIND_LABELS, sign_item
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_warnings", __name__)
PER_PAGE = 50


def signs_of_case(case_id: int) -> list[dict[str, Any]]:
    """The case's signs as the signed-in person may see them beside the case (none for others)."""
    with engine_context().sessions() as session:
        return named([sign_item(s) for s in case_signs(session, current_actor(), case_id)])


def _page(errors: dict[int, str] | None = None, notes: dict[int, str] | None = None, status: int = 200) -> ResponseReturnValue:
    if SUPERVISOR not in current_actor().groups:
        abort(403)
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    show_all = request.args.get("all") == "1"
    page = max(1, min(form_number(request.args.get("page")) or 1, 100_000))
    with engine_context().sessions() as session:
        signs, total = list_signs(session, current_actor(), kind, not show_all, page, PER_PAGE)
    return render_template("warnings.html", signs=named([sign_item(s) for s in signs]), total=total, kind=kind,
                           show_all=show_all, kinds=KIND_LABELS, page=page, pages=max(1, -(-total // PER_PAGE)),
                           errors=errors or {}, notes=notes or {}, max_note=MAX_NOTE), status


@bp.get("/warnings")
@login_required
def warnings() -> ResponseReturnValue:
    """Signs not yet acknowledged (or all), newest first, by kind."""
    return _page()


@bp.post("/warnings/<int:warning_id>/acknowledge")
@login_required
def acknowledge_sign(warning_id: int) -> ResponseReturnValue:
    """Acknowledge a sign with a note; a missing note keeps the page and says so."""
    if SUPERVISOR not in current_actor().groups:
        abort(403)
    note = request.form.get("note", "")[:MAX_NOTE]
    try:
        acknowledge(engine_context(), current_actor(), warning_id, note)
    except FormInvalid:
        return _page({warning_id: _("Please write how the sign was handled.")}, {warning_id: note}, 422)
    except (Conflict, NotFound) as exc:
        flash(engine_messages.summary_of(exc), "error")
        return redirect(url_for("ui_warnings.warnings"))
    flash(_("The sign was acknowledged."), "success")
    return redirect(url_for("ui_warnings.warnings"))
