"""Filing rulings and clarifications into the cadre register (干部容错纠错档案), kept current as the case goes on.

Each save of a case files what its data settles, so the register follows the case without a step of its own: a
ruling as soon as it is issued (it is in force during an appeal), its "no negative evaluation" scope as the
organization department applies it, an appeal's change of outcome (withdrawing the flag when the ruling no longer
tolerates the mistake), and a clarification once carried out. A record is written only when something changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence.models import CadreRecord

OUTCOMES = ("EXEMPT", "MITIGATE", "NOT_TOLERATED")
# Where "no negative evaluation" applies when the organization department has not narrowed it.
FULL_SCOPE = ["assessment", "awards", "selection", "unit_assessment"]


def _text(value: Any, size: int) -> str | None:
    text = " ".join(str(value or "").split())
    return text[:size] or None


def _settled(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The records the case data settles, as column values (without the day each was first filed)."""
    name, matter = _text(data.get("cadre_name"), 100), _text(data.get("matter"), 500)
    if not name or not matter:
        return []
    cadre = {"cadre_name": name, "cadre_unit": _text(data.get("cadre_unit"), 200),
             "cadre_id_number": _text(data.get("cadre_id_number"), 18),
             "cadre_position": _text(data.get("cadre_position"), 200), "matter": matter}
    found = []
    outcome = data.get("outcome")
    if outcome in OUTCOMES and data.get("ruling_action") in (None, "issue"):
        tolerated = outcome == "EXEMPT"
        scope = [s for s in data.get("no_negative_scope") or [] if s in FULL_SCOPE] or (FULL_SCOPE if tolerated else [])
        changed = data.get("appeal_result") == "changed" and data.get("previous_outcome") in OUTCOMES
        found.append({**cadre, "kind": "ruling", "outcome": outcome, "no_negative": tolerated,
                      "no_negative_scope": scope if tolerated else [],
                      "previous_outcome": data.get("previous_outcome") if changed else None,
                      "withdrawn": changed and data.get("previous_outcome") == "EXEMPT" and not tolerated})
    if data.get("clarification_approved") is True and data.get("executed_date"):
        found.append({**cadre, "kind": "clarification", "outcome": None, "no_negative": True,
                      "no_negative_scope": FULL_SCOPE, "previous_outcome": None, "withdrawn": False})
    return found


def file_records(session: Session, case_id: int, data: Mapping[str, Any], now: datetime, today: date) -> None:
    """Write or bring up to date the case's register records from its data (nothing when nothing changed)."""
    settled = _settled(data)
    if not settled:
        return
    kept = {r.kind: r for r in session.scalars(select(CadreRecord).where(CadreRecord.case_id == case_id))}
    for values in settled:
        withdrawn = values.pop("withdrawn")
        row = kept.get(values["kind"])
        if row is None:
            session.add(CadreRecord(case_id=case_id, decided_on=today, updated_at=now,
                                    withdrawn_on=today if withdrawn else None, **values))
            continue
        changes = {k: v for k, v in values.items() if getattr(row, k) != v}
        if withdrawn and row.withdrawn_on is None:
            changes["withdrawn_on"] = today
        elif not withdrawn and row.withdrawn_on is not None:
            changes["withdrawn_on"] = None
        for key, value in changes.items():
            setattr(row, key, value)
        if changes:
            row.updated_at = now
