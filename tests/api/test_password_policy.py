"""Administrators adding users through the API get the password policy's per-field messages."""

from __future__ import annotations

import pytest

from tests.support.client import ApiUser


@pytest.mark.parametrize(("password", "message"), [("Abc-12345", "长度应在 12 到 256 个字符之间"),
                                                   ("password1234", "过于常见"), ("1234567890ab", "过于常见")])
def test_short_and_common_passwords_are_refused_per_field(users: dict[str, ApiUser], password: str, message: str) -> None:
    admin = users["admin"]
    refused = admin.post("/users", {"username": "wang_intake", "password": password, "groups": ["intake"]}, expect=400)
    assert refused["error"]["code"] == "validation_failed"
    assert list(refused["error"]["fields"]) == ["password"] and message in refused["error"]["fields"]["password"][0]
    assert "wang_intake" not in [u["username"] for u in admin.get("/users", query_string={"per_page": 100})["items"]]
    admin.post("/users", {"username": "wang_intake", "password": "Orchid-Compass-4471", "groups": ["intake"]},
               expect=201)
