"""Warning signs in the reader's language: what kind of sign, and what it rests on."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from engine.reading.warnings import Sign

from .ui.decisions import outcome_label

KIND_LABELS = {
    "repeated_tolerance": lazy_gettext("Repeated tolerance"),
    "wrong_applicant": lazy_gettext("Applicant not eligible"),
    "procedure_irregular": lazy_gettext("Irregular procedure"),
    "changed_on_appeal": lazy_gettext("Conclusion changed on appeal"),
    "rectification_failing": lazy_gettext("Rectification not done properly"),
}
ACTION_LABELS = {"skip": lazy_gettext("a step skipped"), "retry": lazy_gettext("a failed step retried"),
                 "terminate": lazy_gettext("the case terminated"), "migrate": lazy_gettext("moved to another version")}


def _cases(ids: Any) -> str:
    return "、".join(f"#{i}" for i in ids) if isinstance(ids, list) else ""


def sign_text(sign: Sign) -> str:
    """What the sign rests on, in words."""
    d = sign.details
    if sign.kind == "repeated_tolerance":
        parts = []
        if d.get("cadre_cases"):
            parts.append(_("the cadre was tolerated %(n)s times within %(years)s years before (cases %(cases)s)",
                           n=len(d["cadre_cases"]), years=d.get("years", ""), cases=_cases(d["cadre_cases"])))
        if d.get("unit_cases"):
            parts.append(_("the unit was tolerated %(n)s times within %(years)s years before",
                           n=len(d["unit_cases"]), years=d.get("years", "")))
        return _("; ").join([*parts, _("confirm or clear “repeated error” in the investigation")])
    if sign.kind == "wrong_applicant":
        return _("refused: the cadre is not within this organ's management authority")
    if sign.kind == "procedure_irregular":
        return _("repaired by a supervisor: %(actions)s",
                 actions=_(", ").join(str(ACTION_LABELS.get(a, a)) for a in d.get("actions", [])))
    if sign.kind == "changed_on_appeal":
        return _("the appeal changed %(old)s to %(new)s", old=outcome_label(d.get("from")), new=outcome_label(d.get("to")))
    parts = []
    if d.get("rejections"):
        parts.append(_("rejected %(n)s times at verification", n=d["rejections"]))
    if d.get("overdue"):
        parts.append(_("past its deadline"))
    return _("; ").join(parts)


def sign_item(sign: Sign) -> dict[str, Any]:
    """A sign as the API and the pages give it."""
    return {"id": sign.id, "case_id": sign.case_id, "kind": sign.kind, "kind_label": str(KIND_LABELS.get(sign.kind, sign.kind)),
            "text": sign_text(sign), "raised_at": sign.raised_at, "cadre_name": sign.cadre_name, "unit": sign.unit,
            "matter": sign.matter, "acknowledged_at": sign.acknowledged_at, "acknowledged_by": sign.acknowledged_by,
            "note": sign.note}
