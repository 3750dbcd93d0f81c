"""Notifications are mailed through a real SMTP server when one is configured, each once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from engine.access import users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.notifications import mailer
from engine.notifications.choices import Choice, save_choices
from engine.persistence.models import Notification
from engine.persistence.uow import UnitOfWork
from engine.procedure import services, supervision
from tests.support.cases import start_mini


class Inbox(Message):
    """Keeps every message the server receives."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[object] = []

    def handle_message(self, message: object) -> None:
        self.received.append(message)


def free_port() -> int:
    """A local port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def with_smtp(ctx: EngineContext, port: int) -> EngineContext:
    """The context with mail settings pointing at the test server."""
    settings = {**ctx.config.settings, "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": "false",
                "smtp_sender": "rcjc@district.example"}
    return replace(ctx, config=replace(ctx.config, settings=settings))


def test_reminders_are_mailed_once_to_users_with_an_address(
    ctx: EngineContext, people: dict[str, Actor], smtp_server: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp_server
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        users.create_user(uow.session, "wang", "Lantern-Meadow-2718", ["intake"], uow.now, display_name="王受理",
                          email="wang@district.example")
        uow.commit()
    save_choices(ctx, "wang", [Choice("reassigned", mail=True)])
    save_choices(ctx, "intake", [Choice("reminder", mail=True)])
    case_id, task_id = start_mini(ctx, people["intake"])
    services.claim_task(ctx, people["intake"], task_id)
    supervision.remind(ctx, people["supervisor"], task_id, "请今天办结")  # intake has no address: not queued
    supervision.reassign_task(ctx, people["supervisor"], task_id, "wang")
    mailing = with_smtp(ctx, controller.port)
    assert mailer.send_pending(mailing) == mailer.MailReport(sent=1, skipped=0, failed=0)
    assert mailer.send_pending(mailing) == mailer.MailReport()  # nothing twice
    [raw] = inbox.received
    message = message_from_bytes(raw.as_bytes())  # type: ignore[attr-defined]
    assert message["To"].endswith("<wang@district.example>")
    assert str(make_header(decode_header(message["Subject"]))) == "【容错纠错】任务改派"
    assert f"案件 {case_id}" in message.get_payload(decode=True).decode("utf-8")


def test_an_unreachable_server_leaves_the_mail_pending(ctx: EngineContext, people: dict[str, Actor]) -> None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        users.create_user(uow.session, "li", "Lantern-Meadow-2718", ["intake"], uow.now, email="li@district.example")
        uow.commit()
    save_choices(ctx, "li", [Choice("reminder", mail=True)])
    _, task_id = start_mini(ctx, people["intake"])
    supervision.remind(ctx, people["supervisor"], task_id)
    report = mailer.send_pending(with_smtp(ctx, free_port()))
    assert report.sent == 0 and report.failed == 1
    with ctx.sessions() as s:
        pending = s.query(Notification).filter(Notification.username == "li", Notification.mailed_at.is_(None)).count()
    assert pending == 1


def test_without_smtp_settings_nothing_is_mailed(ctx: EngineContext, people: dict[str, Actor]) -> None:
    _, task_id = start_mini(ctx, people["intake"])
    supervision.remind(ctx, people["supervisor"], task_id)
    assert mailer.send_pending(ctx) == mailer.MailReport()


def test_the_worker_mails_the_reminders_its_timers_raise(
    deployed: EngineContext, people: dict[str, Actor], smtp_server: tuple[Controller, Inbox], clock: object
) -> None:
    from datetime import timedelta
    from threading import Event

    from engine.procedure.timers import run_worker, worker_id
    from tests.support.driver import APPLICATION

    controller, inbox = smtp_server
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        users.create_user(uow.session, "zhao", "Lantern-Meadow-2718", ["intake"], uow.now, email="zhao@district.example")
        uow.commit()
    save_choices(deployed, "zhao", [Choice("reminder", mail=True)])
    zhao = users_actor(deployed, "zhao")
    started = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION)
    services.claim_task(deployed, zhao, started.open_task_ids[0])
    clock.advance(timedelta(days=10))  # type: ignore[attr-defined]  # two working days before acceptance is due
    run_worker(with_smtp(deployed, controller.port), worker_id(), Event(), once=True)
    [raw] = inbox.received
    message = message_from_bytes(raw.as_bytes())  # type: ignore[attr-defined]
    assert str(make_header(decode_header(message["Subject"]))) == "【容错纠错】办理提醒"
    assert "将于2026年3月16日到期" in message.get_payload(decode=True).decode("utf-8")


def users_actor(ctx: EngineContext, name: str) -> Actor:
    """The actor of a user just created."""
    with ctx.sessions() as s:
        return users.actor_for(s, name)
