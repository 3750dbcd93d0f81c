"""Where the web app and the command line get their engine context from."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from engine.clock import Clock
from engine.config import load_config
from engine.context import EngineContext
from engine.persistence.audit_key import AuditKey
from engine.persistence.db import DEFAULT_URL
from engine.procedure.holiday_schedules import load_schedules


def database_url(explicit: str | None = None) -> str:
    """The database URL: explicit, else DATABASE_URL, else the embedded SQLite file under instance/."""
    url = explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return url


def instance_path() -> str:
    """The web app's instance folder (Flask's choice for the package), shared with the command line."""
    return Flask("webapp", instance_relative_config=True).instance_path


def audit_key(folder: str | None = None) -> AuditKey:
    """RCJC_AUDIT_KEY, or a random key kept in the instance folder's `audit_key` file (created once, mode 0600).

    The key never goes into the database: whoever can change the database must not be able to re-hash it.
    """
    configured = os.environ.get("RCJC_AUDIT_KEY")
    if configured:
        try:
            return AuditKey.from_text(configured)
        except ValueError as exc:
            raise ValueError(f"RCJC_AUDIT_KEY: {exc}") from exc
    path = Path(folder or instance_path()) / "audit_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and linked into place: a concurrent first start never reads a
        # half-written key, and an existing key is never replaced (losing it orphans every keyed event).
        spare = path.with_name(f".audit_key.{secrets.token_hex(8)}")
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
                out.flush()
                os.fsync(out.fileno())
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    try:
        return AuditKey.from_text(path.read_text())
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def build_context(url: str | None = None, clock: Clock | None = None) -> EngineContext:
    """An engine context from the environment's configuration, with the imported holiday schedules installed."""
    ctx = EngineContext.create(database_url(url), load_config(), clock, audit_key())
    load_schedules(ctx)
    return ctx
