"""Request bodies: JSON too deep, non-finite or with unstorable text is refused before anything reads it."""

from __future__ import annotations

import json

import pytest
from flask import Flask, request
from werkzeug.exceptions import BadRequest

from engine.bounded_json import MAX_DEPTH as MAX_JSON_DEPTH
from engine.bounded_json import RefusedJson, depth, has_lone_surrogate, loads
from webapp.bodies import install, printable_key


@pytest.mark.parametrize("document", ["[" * 50_000, '{"a":' * 50_000, "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
                                      '{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)],
                         ids=["arrays", "objects", "just-over-arrays", "just-over-objects"])
def test_deep_documents_are_refused(document: str) -> None:
    with pytest.raises(RefusedJson):
        loads(document)


def test_documents_up_to_the_bound_are_read() -> None:
    document = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert depth(loads(document)) == MAX_JSON_DEPTH
    assert loads('{"a": [1, {"b": "文"}]}'.encode()) == {"a": [1, {"b": "文"}]}


@pytest.mark.parametrize("document", ["NaN", "[Infinity]", '{"a": -Infinity}', "1e999", "9" * 5000])
def test_numbers_json_cannot_carry_are_refused(document: str) -> None:
    with pytest.raises(RefusedJson):
        loads(document)


def test_syntax_errors_stay_json_errors() -> None:
    with pytest.raises(json.JSONDecodeError):
        loads(b"")
    with pytest.raises(ValueError):
        loads(b'"\xff"')


def test_lone_surrogates_are_found_and_named_printably() -> None:
    value = loads('{"\\ud800": "\\udfff"}')
    key = next(iter(value))
    assert has_lone_surrogate(key) and has_lone_surrogate(value[key])
    assert not has_lone_surrogate(loads('"\\ud83d\\ude00"'))  # a proper pair is one character
    assert printable_key(key) == "\\ud800"


def test_request_get_json_is_bounded_too_and_responses_always_encode() -> None:
    app = Flask(__name__)
    install(app)
    with app.test_request_context("/", method="POST", data="[" * 50_000, content_type="application/json"):
        with pytest.raises(BadRequest):
            request.get_json()
    with app.test_request_context("/"):
        body = app.json.response({"\ud800": "中文"}).get_data()
    assert json.loads(body) == {"\ud800": "中文"}
