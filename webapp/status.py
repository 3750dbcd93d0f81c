"""A status page: what is deployed and how many cases run, in Chinese."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from engine.reading.health import health

from .context import engine_context

bp = Blueprint("status", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness and database check for operators."""
    found = health(engine_context())
    return jsonify({"status": "ok", "process_versions": found.process_versions, "cases": found.cases}), 200
