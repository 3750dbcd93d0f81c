"""Serves the browser libraries the UI uses from the npm install (package-lock.json), never from a CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__)

# Only the files pages load; nothing else of node_modules is reachable.
FILES: dict[str, frozenset[str]] = {
    "echarts": frozenset({"dist/echarts.min.js"}),
    "swagger-ui-dist": frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}),
    "bpmn-js": frozenset({
        "dist/bpmn-navigated-viewer.production.min.js",
        "dist/bpmn-modeler.production.min.js",
        "dist/assets/bpmn-js.css",
        "dist/assets/diagram-js.css",
        "dist/assets/bpmn-font/css/bpmn-embedded.css",
    }),
    "bpmn-js-properties-panel": frozenset({"dist/bpmn-js-properties-panel.umd.js"}),
    "properties-panel": frozenset({"dist/assets/properties-panel.css"}),
    "form-js": frozenset({
        "dist/form-editor.umd.js",
        "dist/assets/form-js.css",
        "dist/assets/form-js-editor.css",
        "dist/assets/properties-panel.css",
    }),
    "dmn-js": frozenset({
        "dist/dmn-modeler.production.min.js",
        "dist/assets/diagram-js.css",
        "dist/assets/dmn-js-shared.css",
        "dist/assets/dmn-js-drd.css",
        "dist/assets/dmn-js-decision-table.css",
        "dist/assets/dmn-js-decision-table-controls.css",
        "dist/assets/dmn-js-literal-expression.css",
        "dist/assets/dmn-js-boxed-expression.css",
        "dist/assets/dmn-js-boxed-expression-controls.css",
        "dist/assets/dmn-font/css/dmn-embedded.css",
    }),
}


# Where a package lives under node_modules when its name has a scope.
DIRECTORIES = {"form-js": "@bpmn-io/form-js", "properties-panel": "@bpmn-io/properties-panel"}


def node_modules() -> Path:
    """Where npm installed the packages (configurable for packaged installs)."""
    configured = current_app.config.get("NODE_MODULES")
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "node_modules"


@bp.get("/vendor/<package>/<path:name>")
def vendor_file(package: str, name: str) -> Response:
    """One allowed file of an npm package."""
    if name not in FILES.get(package, frozenset()):
        abort(404)
    return send_from_directory(node_modules() / DIRECTORIES.get(package, package), name, max_age=86400)
