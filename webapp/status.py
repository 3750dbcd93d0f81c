"""Probes for a reverse proxy or orchestrator: /healthz (the process answers) and /readyz (the database answers at
the schema revision this code needs; with how much it holds)."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for
from flask.typing import ResponseReturnValue

from engine.reading.health import health, readiness

from .context import engine_context

bp = Blueprint("status", __name__)


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """The icon, for clients that ask for it where browsers used to (the pages link the SVG itself)."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness: the process serves requests (the database is not asked, so an outage restarts nothing)."""
    return jsonify({"status": "ok"}), 200


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Readiness: 200 when the database answers at the current schema revision, else 503 with the reason."""
    ctx = engine_context()
    found = readiness(ctx)
    body = {"status": "ready" if found.ready else "not ready", "revision": found.revision, "head": found.head}
    if not found.ready:
        return jsonify({**body, "problem": found.problem}), 503
    counts = health(ctx)
    return jsonify({**body, "process_versions": counts.process_versions, "cases": counts.cases}), 200
