"""The documents panel of the case page: the official documents a case issued, each as PDF or DOCX."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import Conflict, Forbidden, FormInvalid
from engine.procedure.corrections import correct_document, document_text
from engine.procedure.documents import FORMATS, open_document
from engine.reading.documents import case_documents

from .. import engine_messages
from ..api.attachments import download_response
from ..context import engine_context
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_documents", __name__)


def document_panel(case_id: int) -> dict[str, Any]:
    """What the case page's documents panel shows the signed-in user."""
    ctx, actor = engine_context(), current_actor()
    with ctx.sessions() as session:
        items = case_documents(session, actor, case_id, with_correctors=True)
    return {"items": items, "formats": sorted(FORMATS)}


@bp.app_context_processor
def panel_context() -> dict[str, Any]:
    """The panel's loader for the case page (called only where the panel is included)."""
    return {"document_panel": document_panel}


@bp.get("/cases/<int:case_id>/documents/<int:document_id>.<fmt>")
@login_required
def download(case_id: int, document_id: int, fmt: str) -> ResponseReturnValue:
    """The document as PDF or DOCX, as an attachment; recorded in the case's audit trail."""
    if fmt not in FORMATS:
        abort(404)
    return download_response(open_document(engine_context(), current_actor(), case_id, document_id, fmt))


def _submit_correction(case_id: int, document_id: int, sections: list[dict[str, Any]]) -> ResponseReturnValue:
    """Issue the correction typed into the form (a refusal raises, with the typed text kept in `sections`)."""
    typed = request.form.getlist("section")
    for part, text in zip(sections, typed, strict=False):
        part["text"] = text
    issued = correct_document(engine_context(), current_actor(), case_id, document_id, request.form.get("reason", ""),
                              typed)
    flash(_("The correction %(number)s was issued.", number=issued.number))
    return redirect(url_for("ui_case.case", case_id=case_id, _anchor=f"document-{issued.id}"))


@bp.route("/cases/<int:case_id>/documents/<int:document_id>/correct", methods=["GET", "POST"])
@login_required
def correct(case_id: int, document_id: int) -> ResponseReturnValue:
    """The correction form: the document's text part by part and a reason; a refusal keeps what was typed."""
    doc = document_text(engine_context(), current_actor(), case_id, document_id)
    sections = [dict(s) for s in doc["sections"]]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            return _submit_correction(case_id, document_id, sections)
        except FormInvalid as exc:
            errors = engine_messages.field_texts(exc.fields)
        except (Forbidden, Conflict) as exc:
            flash(engine_messages.summary_of(exc), "error")
            return redirect(url_for("ui_case.case", case_id=case_id, _anchor="documents"))
    elif not doc["may_correct"]:
        abort(403)
    return render_template("document_correction.html", doc=doc, sections=sections, errors=errors, case_id=case_id,
                           reason=request.form.get("reason", "")[:2000]), 422 if errors else 200
