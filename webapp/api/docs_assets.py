"""Serves the interactive API documentation's browser files from the npm install, never from a CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory

bp = Blueprint("api_docs_assets", __name__)

# Only what the documentation page loads; nothing else of node_modules is reachable.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})


def assets_dir() -> Path:
    """Where npm installed swagger-ui-dist (configurable for packaged installs)."""
    configured = current_app.config.get("NODE_MODULES")
    root = Path(configured) if configured else Path(__file__).resolve().parents[2] / "node_modules"
    return root / "swagger-ui-dist"


@bp.get("/api/v1/docs/assets/<name>")
def asset(name: str) -> Response:
    """One file of swagger-ui-dist."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(assets_dir(), name, max_age=86400)
