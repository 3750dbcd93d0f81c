"""A real SMTP server on a free local port that keeps every message it receives, and a context pointed at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message as EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from engine.context import EngineContext


class Mailbox(Message):
    """Keeps every message the server receives."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[EmailMessage] = []

    def handle_message(self, message: EmailMessage) -> None:
        self.received.append(message_from_bytes(message.as_bytes()))

    def subjects(self) -> list[str]:
        """The decoded subjects of the messages received, in order."""
        return [str(make_header(decode_header(m["Subject"]))) for m in self.received]


def free_port() -> int:
    """A local port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    """A running server's port and the mailbox it fills."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, box
    finally:
        controller.stop()


def with_smtp(ctx: EngineContext, port: int) -> EngineContext:
    """The context with mail settings pointing at the local server."""
    settings = {**ctx.config.settings, "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": "false",
                "smtp_sender": "rcjc@district.example"}
    return replace(ctx, config=replace(ctx.config, settings=settings))
