"""A case's decisions as its reader sees them: each outcome in words, with the reason written for any departure
from the decision table's recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext

OUTCOME_LABELS = {
    "EXEMPT": lazy_gettext("Exempted from liability"),
    "MITIGATE": lazy_gettext("Lenient or mitigated treatment"),
    "NOT_TOLERATED": lazy_gettext("Not tolerated"),
}
# Each step that decides an outcome: the key of its outcome, the key of its reason, and what the step is called.
_STEPS = (
    ("recommended_outcome", None, lazy_gettext("Recommended by the six-looks decision table")),
    ("proposed_outcome", "override_reason", lazy_gettext("Proposed by the investigator")),
    ("carried_outcome", "motion_reason", lazy_gettext("Carried by the committee's vote")),
    ("outcome", "ruling_override_reason", lazy_gettext("Ruling")),
)


@dataclass(frozen=True)
class DecisionLine:
    """One decided outcome: who decided it, the outcome in words, and the reason given for departing."""

    step: str
    outcome: str
    reason: str | None


def outcome_label(code: Any) -> str:
    """An outcome in words; an unknown code as it is."""
    return str(OUTCOME_LABELS.get(str(code), code))


def decision_lines(data: Mapping[str, Any]) -> list[DecisionLine]:
    """The outcomes the case's steps decided, in order, from data the reader may see."""
    recommended = data.get("recommended_outcome")
    lines = []
    for key, reason_key, step in _STEPS:
        if not data.get(key):
            continue
        reason = str(data.get(reason_key) or "").strip() if reason_key else ""
        departs = recommended is not None and data[key] != recommended
        lines.append(DecisionLine(str(step), outcome_label(data[key]), reason if reason and departs else None))
    return lines
