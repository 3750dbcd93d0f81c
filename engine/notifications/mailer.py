"""Mailing notifications when SMTP is configured: after the commit that stored them, each at most once."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select, update

from engine.context import EngineContext
from engine.persistence.models import Notification, User
from engine.persistence.uow import UnitOfWork

KIND_SUBJECTS = {"reminder": "办理提醒", "escalation": "超期督办", "reassigned": "任务改派", "new_task": "新任务",
                 "supplement_requested": "补正材料", "ruling_issued": "裁定书已印发"}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send mail; from RCJC_SMTP_* settings."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    sender: str = "rcjc@localhost"
    starttls: bool = True
    timeout: float = 10.0


def smtp_settings(settings: Mapping[str, object]) -> SmtpSettings | None:
    """SMTP settings from the engine settings, or None when mail is not configured."""
    host = settings.get("smtp_host")
    if not host:
        return None
    return SmtpSettings(
        host=str(host), port=int(str(settings.get("smtp_port", 587))),
        username=str(settings["smtp_username"]) if settings.get("smtp_username") else None,
        password=str(settings["smtp_password"]) if settings.get("smtp_password") else None,
        sender=str(settings.get("smtp_sender", "rcjc@localhost")),
        starttls=str(settings.get("smtp_starttls", "true")).lower() in ("1", "true", "yes"),
    )


@dataclass(frozen=True)
class MailReport:
    """How many notifications were mailed, skipped (no address) and failed (left for the next round)."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0


def _message(sender: str, to: str, name: str, note: Notification) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"【容错纠错】{KIND_SUBJECTS.get(note.kind, '通知')}"
    message["From"] = sender
    message["To"] = formataddr((name, to))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    case = f"（案件 {note.case_id}）" if note.case_id else ""
    message.set_content(f"{name}，您好：\n\n{note.message}{case}\n\n请登录容错纠错系统办理。本邮件由系统自动发送。\n")
    return message


def send_pending(ctx: EngineContext, limit: int = 200) -> MailReport:
    """Mail the notifications not mailed yet; without SMTP settings nothing happens (they stay in the app)."""
    settings = smtp_settings(ctx.config.settings)
    if settings is None:
        return MailReport()
    with ctx.sessions() as session:
        pending = list(session.execute(
            select(Notification, User.email, User.display_name).join(User, User.username == Notification.username)
            .where(Notification.mailed_at.is_(None)).order_by(Notification.id).limit(limit)))
        session.expunge_all()
    if not pending:
        return MailReport()
    sent: list[int] = []
    skipped = [note.id for note, email, _ in pending if not email]
    failed = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username and settings.password:
                smtp.login(settings.username, settings.password)
            for note, email, name in pending:
                if not email:
                    continue
                try:
                    smtp.send_message(_message(settings.sender, email, name, note))
                except smtplib.SMTPRecipientsRefused:
                    skipped.append(note.id)  # a bad address will not get better by retrying
                except smtplib.SMTPException:
                    failed += 1
                else:
                    sent.append(note.id)
    except (OSError, smtplib.SMTPException):
        # The server is unreachable or refused us: what was not sent stays pending for the next round.
        failed = len(pending) - len(sent) - len(skipped)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        done = sent + skipped
        if done:
            uow.session.execute(update(Notification).where(Notification.id.in_(done)).values(mailed_at=uow.now))
        uow.commit()
    return MailReport(len(sent), len(skipped), failed)
