"""Each user's choice of notifications, and writing notifications as those choices say.

By default every kind is shown in the app; reminders and escalations are also mailed (as they always were: a
late step should reach its holder away from the screen), the other kinds not. A kind turned off in the app is not written at all
(and so not mailed either); a kind to be mailed is left pending for the mail step only for a user with an address,
every other notification is written as already dealt with by mail (mailer.py sends those whose mailed_at is empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from engine.context import EngineContext
from engine.errors import FormInvalid, Message
from engine.persistence import riders
from engine.persistence.db import connection
from engine.persistence.models import NoticeChoice, Notification, User, table
from engine.persistence.prepared import Prepared
from engine.persistence.uow import UnitOfWork

# Every kind of notification, in the order the settings list them.
KINDS = ("new_task", "reassigned", "supplement_requested", "ruling_issued", "reminder", "escalation")
# (in the app, by mail) for each kind when the user chose nothing.
DEFAULTS = {kind: (True, kind in ("reminder", "escalation")) for kind in KINDS}


# Written in the step's transaction: prepared, so that telling people costs a step little.
_ADD = Prepared(insert(table(Notification)))


@dataclass(frozen=True)
class Recipient:
    """What writing a user's notifications needs: their mail address and the kinds they chose about."""

    email: str | None
    chosen: Mapping[str, tuple[bool, bool]]


@dataclass(frozen=True)
class Choice:
    """Whether one kind of notification is shown in the app and mailed."""

    kind: str
    in_app: bool = True
    mail: bool = False


@dataclass(frozen=True)
class Note:
    """A notification to write for one user."""

    username: str
    case_id: int | None
    task_id: str | None
    kind: str
    message: str


def choices_of(ctx: EngineContext, username: str) -> list[Choice]:
    """The user's choice for every kind, the defaults where they chose nothing."""
    with ctx.sessions() as session:
        saved = {c.kind: c for c in session.scalars(select(NoticeChoice).where(NoticeChoice.username == username))}
    return [Choice(k, saved[k].in_app, saved[k].mail) if k in saved else Choice(k, *DEFAULTS[k]) for k in KINDS]


def save_choices(ctx: EngineContext, username: str, chosen: Iterable[Choice]) -> list[Choice]:
    """Replace the user's choices (kinds not named keep the defaults); the choices now in force.

    Raises: FormInvalid (a kind that does not exist).
    """
    wanted = {c.kind: c for c in chosen}
    unknown = sorted(set(wanted) - set(KINDS))
    if unknown:
        raise FormInvalid({"kind": [Message("没有这种通知：%(unknown)s", unknown=unknown[0][:40])]})
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        uow.session.execute(delete(NoticeChoice).where(NoticeChoice.username == username))
        rows = [{"username": username, "kind": k, "in_app": c.in_app, "mail": c.mail} for k, c in wanted.items()
                if (c.in_app, c.mail) != DEFAULTS[k]]
        if rows:
            uow.session.execute(insert(NoticeChoice), rows)
        uow.commit()
    return choices_of(ctx, username)


def recipients(session: Session, names: Iterable[str]) -> dict[str, Recipient]:
    """The addresses and choices of these users (one query); users who do not exist are left out."""
    found = session.execute(
        select(User.username, User.email, NoticeChoice.kind, NoticeChoice.in_app, NoticeChoice.mail)
        .outerjoin(NoticeChoice, NoticeChoice.username == User.username)
        .where(User.username.in_(sorted(set(names)))))
    return gather(found)


def gather(rows: Iterable[tuple[str, str | None, str | None, bool | None, bool | None]]) -> dict[str, Recipient]:
    """Recipients from (username, email, kind, in_app, mail) rows, one row per chosen kind (or one with no kind)."""
    emails: dict[str, str | None] = {}
    chosen: dict[str, dict[str, tuple[bool, bool]]] = {}
    for username, email, kind, in_app, mail in rows:
        emails[username] = email
        mine = chosen.setdefault(username, {})
        if kind is not None:
            mine[kind] = (bool(in_app), bool(mail))
    return {name: Recipient(emails[name], chosen[name]) for name in emails}


def deliver(session: Session, now: datetime, notes: Iterable[Note], created_by: str,
            known: Mapping[str, Recipient] | None = None) -> list[str]:
    """Write the notifications the recipients' choices let through, in the caller's transaction; who got one.

    `known` are recipients the caller read already; the others are read in one query. The rows go in one statement.
    """
    notes = [n for n in notes if n.username]
    if not notes:
        return []
    found = dict(known or {})
    missing = {n.username for n in notes} - set(found)
    if missing:
        found.update(recipients(session, missing))
    rows, written = [], []
    for note in dict.fromkeys(notes):
        recipient = found.get(note.username)
        if recipient is None:
            continue
        in_app, mail = recipient.chosen.get(note.kind, DEFAULTS.get(note.kind, (True, False)))
        if not in_app:
            continue
        # Pending for the mail step only when it is wanted and can be sent: the mail step never looks at the rest.
        mailed_at = None if mail and recipient.email else now
        rows.append({"username": note.username, "case_id": note.case_id, "task_id": note.task_id, "kind": note.kind,
                     "message": note.message[:500], "created_by": created_by, "created_at": now, "read_at": None,
                     "mailed_at": mailed_at})
        written.append(note)
    if rows and not riders.queue_notes(session, rows):
        _ADD.run(connection(session), rows)
    return [note.username for note in written]


def parse_form(form: Mapping[str, str]) -> list[Choice]:
    """The choices ticked on the settings form: `in_app_<kind>` and `mail_<kind>` checkboxes."""
    return [Choice(k, bool(form.get(f"in_app_{k}")), bool(form.get(f"mail_{k}"))) for k in KINDS]
