"""The blueprint every page of the web UI is on: the guards on what pages take, and their answer to engine errors."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from engine.errors import EngineError

from ..guards import refuse_impossible_ids, refuse_nul_characters
from .errors import engine_error_page


class UiBlueprint(Blueprint):
    """A blueprint of pages; its hooks run for its own routes only, never for the API's (which has its own)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url_value_preprocessor(refuse_impossible_ids)
        self.before_request(refuse_nul_characters)
        # A NotFound or Forbidden from the engine is the 404 or 403 page; views catch only what they answer otherwise.
        self.register_error_handler(EngineError, engine_error_page)
