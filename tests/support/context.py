"""Engine contexts on fresh databases: SQLite, and PostgreSQL when DATABASE_URL says so; the shipped procedure."""

from __future__ import annotations

import os

from engine.bundles.definitions import BundleCache
from engine.bundles.shipped import SHIPPED, collect
from engine.clock import SystemClock
from engine.config import EngineConfig
from engine.context import EngineContext
from engine.persistence.audit_key import AuditKey
from engine.persistence.db import Base

PG_URL = os.environ.get("DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL.startswith("postgresql") else [])
SHARED_BUNDLES = BundleCache()
# One fixed audit key for every context and, through RCJC_AUDIT_KEY, every command a test runs.
TEST_AUDIT_KEY_TEXT = "test-audit-key-0123456789abcdef"
TEST_AUDIT_KEY = AuditKey.from_text(TEST_AUDIT_KEY_TEXT)


def make_context(
    url: str, clock: SystemClock, config: EngineConfig | None = None, audit_key: AuditKey = TEST_AUDIT_KEY
) -> EngineContext:
    """A context on a fresh database with the tables created."""
    ctx = EngineContext.create(url, config or EngineConfig(), clock, audit_key)
    ctx.bundles = SHARED_BUNDLES
    Base.metadata.create_all(ctx.db)
    return ctx


def shipped_files() -> dict[str, bytes]:
    """The processes and forms the product ships."""
    return collect(SHIPPED)[0]
