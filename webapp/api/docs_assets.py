"""Serves the interactive API documentation's browser files from the npm install, never from a CDN."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory

from ..vendor import node_modules

bp = Blueprint("api_docs_assets", __name__)

# Only what the documentation page loads; nothing else of node_modules is reachable.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})


@bp.get("/api/v1/docs/assets/<name>")
def asset(name: str) -> Response:
    """One file of swagger-ui-dist."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(node_modules() / "swagger-ui-dist", name, max_age=86400)
