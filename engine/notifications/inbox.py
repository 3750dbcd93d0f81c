"""The in-app inbox: notifications stored for one user (reminders, escalations, assignments) until read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.notifications.choices import Note, deliver
from engine.persistence.models import Notification
from engine.persistence.uow import UnitOfWork

# Most notifications a page lists: a page stays quick however many a user has collected.
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class NotificationPage:
    """One page of a user's notifications, newest first, with how many match and how many are unread."""

    items: list[Notification]
    total: int
    unread: int
    page: int = 1
    per_page: int = MAX_PER_PAGE

    @property
    def pages(self) -> int:
        """How many pages the matching notifications fill (at least one, so that an empty list is page 1 of 1)."""
        return max(1, -(-self.total // self.per_page))


def about(case_id: int, cadre_name: str | None, step: str) -> str:
    """How a notice names a step of a case: “受理审查”（案件 3，张明）."""
    return f"“{step}”（案件 {case_id}" + (f"，{cadre_name}" if cadre_name else "") + "）"


def notify(uow: UnitOfWork, username: str, case_id: int | None, task_id: str | None, kind: str, message: str,
           actor: Actor) -> None:
    """Store a notification for a user, as their choices for its kind say."""
    deliver(uow.session, uow.now, [Note(username, case_id, task_id, kind, message)], actor.username)


def unread_count(ctx: EngineContext, username: str) -> int:
    """How many notifications the user has not read (every page's header asks: one statement, no transaction)."""
    with ctx.lone_reads() as session:
        return session.scalar(select(func.count()).select_from(Notification).where(
            Notification.username == username, Notification.read_at.is_(None))) or 0


def mark_all_read(ctx: EngineContext, username: str) -> None:
    """Mark every notification of a user read."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        uow.session.execute(update(Notification).where(Notification.username == username, Notification.read_at.is_(None))
                            .values(read_at=uow.now))
        uow.commit()


def notifications_of(ctx: EngineContext, username: str, page: int = 1, per_page: int = MAX_PER_PAGE,
                     unread_only: bool = False) -> NotificationPage:
    """A page of the user's notifications, newest first (only the unread ones if asked), read in SQL."""
    page, per_page = max(1, page), max(1, min(per_page, MAX_PER_PAGE))
    mine = Notification.username == username
    unread_filter = Notification.read_at.is_(None)
    with ctx.sessions() as session:
        # Both counts in one pass over the user's own rows (ix_notification_user_id), never the whole table.
        counted = session.execute(select(func.count(), func.count().filter(unread_filter)).where(mine)).one()
        everything, unread = int(counted[0] or 0), int(counted[1] or 0)
        total = unread if unread_only else everything
        offset = (page - 1) * per_page
        items: list[Notification] = []
        if offset < total:
            where = [mine, unread_filter] if unread_only else [mine]
            # The id is unique and grows with each notification: newest first, and pages never overlap.
            items = list(session.scalars(select(Notification).where(*where).order_by(Notification.id.desc())
                                         .limit(per_page).offset(offset)))
    return NotificationPage(items, total, unread, page, per_page)
