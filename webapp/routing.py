"""Ids in URLs, parsed by the router: a task id that is not one matches no route, so it is a 404 no view sees."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.routing import BaseConverter, Rule, ValidationError


class TaskIdConverter(BaseConverter):
    """A task id (a UUID), handed to the view in the canonical form the engine stores."""

    # The spellings uuid.UUID documents: any case, with or without hyphens, braces or a urn:uuid: prefix. The
    # pattern, not to_python, refuses other text: werkzeug checks a rule's method before its converters, so a
    # refusal in to_python would answer POST /tasks/x with 405 (the GET route matched) instead of 404.
    regex = (r"(?:urn:uuid:)?\{?[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?"
             r"[0-9A-Fa-f]{12}\}?")

    def to_python(self, value: str) -> str:
        """The canonical id."""
        try:
            return str(uuid.UUID(value))
        except ValueError as exc:  # should the pattern ever admit more than UUIDs: no route, rather than a 500
            raise ValidationError() from exc


TASK_CONVERTER = "task"

# A URL variable with one of these names is parsed by its converter without naming it: `<task_id>` reads as
# `<task:task_id>`, so no route can take a task id as plain text by forgetting the converter.
IMPLIED_CONVERTERS: dict[str, str] = {"task_id": TASK_CONVERTER}


class IdRule(Rule):
    """A URL rule whose variables named after an id kind (IMPLIED_CONVERTERS) use that kind's converter."""

    def get_converter(self, variable_name: str, converter_name: str, args: tuple[Any, ...],
                      kwargs: Mapping[str, Any]) -> BaseConverter:
        """The converter named in the rule, else the one the variable's name implies, else the default."""
        if converter_name == "default":
            converter_name = IMPLIED_CONVERTERS.get(variable_name, converter_name)
        return super().get_converter(variable_name, converter_name, args, kwargs)


def install(app: Flask) -> None:
    """Give the app the id converters; call before any route is added."""
    app.url_map.converters[TASK_CONVERTER] = TaskIdConverter
    app.url_rule_class = IdRule
