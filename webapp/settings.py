"""Where the web app and the command line get their engine context from."""

from __future__ import annotations

import os
from pathlib import Path

from engine.calendar_store import load_schedules
from engine.clock import Clock
from engine.config import load_config
from engine.context import EngineContext
from engine.db import DEFAULT_URL


def database_url(explicit: str | None = None) -> str:
    """The database URL: explicit, else DATABASE_URL, else the embedded SQLite file under instance/."""
    url = explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return url


def build_context(url: str | None = None, clock: Clock | None = None) -> EngineContext:
    """An engine context from the environment's configuration, with the imported holiday schedules installed."""
    ctx = EngineContext.create(database_url(url), load_config(), clock)
    load_schedules(ctx)
    return ctx
