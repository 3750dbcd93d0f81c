"""Alembic environment: migrates the database the caller's connection points at."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from engine.persistence.db import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run migrations on the connection handed over by engine.persistence.schema, or on the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
