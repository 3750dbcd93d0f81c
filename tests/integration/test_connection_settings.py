"""Each database's connections come set up as the architecture says: SQLite in WAL mode, syncing at checkpoints,
with foreign keys on; PostgreSQL without JIT compilation (which cost a reader's case list more than running it)."""

from __future__ import annotations

from engine.context import EngineContext


def test_pooled_connections_come_set_up_for_the_workload(ctx: EngineContext) -> None:
    with ctx.db.connect() as conn:
        if conn.dialect.name == "postgresql":
            assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
            # Set outside any transaction: a rollback of the first one does not undo it.
            conn.rollback()
            assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
        else:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
