"""The probes a reverse proxy asks: /healthz answers while the process lives, /readyz only while the database
answers at the schema revision this code needs, and says why not."""

from __future__ import annotations

from alembic import command
from flask import Flask

from engine.context import EngineContext
from engine.persistence import schema


def stamp(ctx: EngineContext, revision: str) -> None:
    """Record the database as being at `revision` (the test schema is built from the models, not migrated)."""
    config = schema.alembic_config()
    with ctx.db.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, revision)


def test_healthz_answers_without_the_database_and_readyz_with_its_revision(app: Flask, deployed: EngineContext) -> None:
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    unmigrated = client.get("/readyz")
    assert unmigrated.status_code == 503 and unmigrated.get_json()["revision"] is None
    stamp(deployed, "head")
    ready = client.get("/readyz")
    body = ready.get_json()
    assert ready.status_code == 200 and body["status"] == "ready"
    assert body["revision"] == body["head"] == schema.head_revision() and body["process_versions"] > 0


def test_readyz_refuses_while_the_schema_is_behind_the_code(app: Flask, deployed: EngineContext) -> None:
    stamp(deployed, "0017")
    client = app.test_client()
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.get_json()["revision"] == "0017" and "rcjc init" in behind.get_json()["problem"]
    assert client.get("/healthz").status_code == 200  # alive: a restart would not help
    stamp(deployed, "head")
    assert client.get("/readyz").status_code == 200
