"""A status page: what is deployed and how many cases run, in Chinese."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select

from engine.persistence.models import Case, ProcessVersion

bp = Blueprint("status", __name__)


@bp.get("/healthz")
def healthz() -> tuple[object, int]:
    """Liveness and database check for operators."""
    ctx = current_app.extensions["rcjc"]
    with ctx.sessions() as session:
        processes = session.scalar(select(func.count()).select_from(ProcessVersion))
        cases = session.scalar(select(func.count()).select_from(Case))
    return jsonify({"status": "ok", "process_versions": processes, "cases": cases}), 200
