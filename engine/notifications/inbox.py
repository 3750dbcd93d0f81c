"""The in-app inbox: notifications stored for one user (reminders, escalations, assignments) until read."""

from __future__ import annotations

from sqlalchemy import func, select, update

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import Notification
from engine.persistence.uow import UnitOfWork


def notify(uow: UnitOfWork, username: str, case_id: int | None, task_id: str | None, kind: str, message: str,
           actor: Actor) -> None:
    """Store a notification for a user."""
    uow.session.add(Notification(username=username, case_id=case_id, task_id=task_id, kind=kind, message=message[:500],
                                 created_by=actor.username, created_at=uow.now, read_at=None))


def unread_count(ctx: EngineContext, username: str) -> int:
    """How many notifications the user has not read."""
    with ctx.sessions() as session:
        return session.scalar(select(func.count()).select_from(Notification).where(
            Notification.username == username, Notification.read_at.is_(None))) or 0


def mark_all_read(ctx: EngineContext, username: str) -> None:
    """Mark every notification of a user read."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        uow.session.execute(update(Notification).where(Notification.username == username, Notification.read_at.is_(None))
                            .values(read_at=uow.now))
        uow.commit()
