"""Rows for the paged lists, written straight to the database: notifications for a user, and register records."""

from __future__ import annotations

from datetime import date, timedelta

from engine.access.policy import SYSTEM
from engine.context import EngineContext
from engine.notifications.inbox import notify
from engine.persistence.models import CadreRecord
from engine.persistence.uow import UnitOfWork

# Outcomes in turn, so that a filter by outcome leaves some of the records on several pages.
OUTCOMES = ("EXEMPT", "MITIGATE", "NOT_TOLERATED")


def notify_many(ctx: EngineContext, username: str, count: int, text: str = "提醒") -> None:
    """`count` notifications for a user in one transaction, numbered in their message: “提醒 00”, “提醒 01”, …"""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        for n in range(count):
            notify(uow, username, None, None, "reminder", f"{text} {n:02d}", SYSTEM)
        uow.commit()


def file_records(ctx: EngineContext, case_ids: list[int], first_day: date = date(2026, 3, 2)) -> None:
    """A ruling and a clarification on record for each case; every two cases share a decision day (ties on the day)."""
    rows: list[CadreRecord] = []
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        for n, case_id in enumerate(case_ids):
            for kind in ("ruling", "clarification"):
                rows.append(CadreRecord(
                    case_id=case_id, kind=kind, cadre_name=f"档案干部{n:02d}", cadre_unit="示例区发展和改革局",
                    cadre_id_number=None, cadre_position="科长", matter=f"事项{n:02d}",
                    outcome=OUTCOMES[n % 3] if kind == "ruling" else None, previous_outcome=None,
                    decided_on=first_day + timedelta(days=n // 2), no_negative=True, no_negative_scope=["assessment"],
                    withdrawn_on=None, updated_at=uow.now))
        uow.session.add_all(rows)
        uow.commit()
