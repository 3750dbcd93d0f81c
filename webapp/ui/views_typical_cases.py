"""The typical case library (典型案例库): every signed-in person searches and reads the published cases; the chair
and supervisors see those taken out too, and take one out with a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import Conflict, FormInvalid, NotFound
from engine.reading.typical_cases import KEEPERS, MAX_REASON, read, search, unpublish

from .. import engine_messages
from ..context import engine_context
from ..guards import form_number
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_typical_cases", __name__)
PER_PAGE = 20


@bp.get("/typical-cases")
@login_required
def library() -> ResponseReturnValue:
    """Published cases found by words, newest first."""
    q = request.args.get("q", "").strip()[:100]
    withdrawn = request.args.get("withdrawn") == "1"
    page = max(1, min(form_number(request.args.get("page")) or 1, 100_000))
    with engine_context().sessions() as session:
        rows, total = search(session, current_actor(), q, withdrawn, page, PER_PAGE)
    return render_template("typical_cases.html", rows=rows, total=total, q=q, withdrawn=withdrawn, page=page,
                           pages=max(1, -(-total // PER_PAGE)), keeper=current_actor().in_any(KEEPERS))


def _page(typical_id: int, error: str | None = None, reason: str = "", status: int = 200) -> ResponseReturnValue:
    with engine_context().sessions() as session:
        row = read(session, current_actor(), typical_id)
        return render_template("typical_case.html", row=row, keeper=current_actor().in_any(KEEPERS), error=error,
                               reason=reason, max_reason=MAX_REASON), status


@bp.get("/typical-cases/<int:typical_id>")
@login_required
def typical_case(typical_id: int) -> ResponseReturnValue:
    """One case: its title, text and what it teaches."""
    return _page(typical_id)


@bp.post("/typical-cases/<int:typical_id>/unpublish")
@login_required
def take_out(typical_id: int) -> ResponseReturnValue:
    """Take the case out of the library for a reason; a missing reason keeps the page and says so."""
    reason = request.form.get("reason", "")[:MAX_REASON]
    try:
        unpublish(engine_context(), current_actor(), typical_id, reason)
    except FormInvalid:
        return _page(typical_id, _("Please write why the case is taken out."), reason, 422)
    except (Conflict, NotFound) as exc:
        flash(engine_messages.summary_of(exc), "error")
        return redirect(url_for("ui_typical_cases.library"))
    flash(_("The case was taken out of the library; its history is kept."), "success")
    return redirect(url_for("ui_typical_cases.typical_case", typical_id=typical_id))
