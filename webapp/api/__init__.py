"""The JSON API under /api/v1: flask-smorest blueprints, bearer tokens, one error shape, an OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from ..routing import TaskIdConverter
from . import errors

API_CONFIG: dict[str, Any] = {
    "API_TITLE": "rcjc 容错纠错 API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_REDOC_PATH": None,
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/vendor/swagger-ui-dist/",
    "API_SPEC_OPTIONS": {
        "info": {"description": "容错纠错案件办理接口。除获取令牌外，每个请求都需携带 Authorization: Bearer <token>。"},
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    },
}

# flask-smorest's endpoint of the browsable document (Swagger UI), on its "api-docs" blueprint.
DOCS_PAGE = "api-docs.openapi_swagger_ui"


def task_id_schema(converter: TaskIdConverter) -> dict[str, str]:
    """How the document describes a task id in a path."""
    return {"type": "string", "format": "uuid"}


class RcjcApi(Api):
    """flask-smorest's Api with the rcjc error shape in the document and in responses."""

    ERROR_SCHEMA = errors.ErrorSchema

    def _register_error_handlers(self) -> None:
        errors.register(self._app)


def init_api(app: Flask) -> Api:
    """Attach the API and its document to the app."""
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = RcjcApi(app)
    api.register_converter(TaskIdConverter, task_id_schema)  # before the blueprints: their paths use it
    from . import (
        attachments,
        auth,
        cases,
        catalog,
        documents,
        filings,
        register,
        statistics,
        supervision,
        tasks,
        typical_cases,
        users,
        warnings,
    )

    for blueprint in (auth.bp, users.bp, catalog.bp, cases.bp, attachments.bp, documents.bp, tasks.bp, supervision.bp,
                      register.bp, statistics.bp, warnings.bp, typical_cases.bp, filings.bp):
        api.register_blueprint(blueprint)
    return api
