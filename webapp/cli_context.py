"""The engine context of one `rcjc` command."""

from __future__ import annotations

import click

from engine.context import EngineContext

from .settings import build_context


def command_context() -> EngineContext:
    """An engine context whose database connections are closed when the command ends."""
    ctx = build_context()
    click.get_current_context().call_on_close(ctx.db.dispose)
    return ctx
