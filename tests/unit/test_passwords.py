"""The password policy: twelve characters at least, and nothing a list of common passwords would guess."""

from __future__ import annotations

import pytest

from engine.access import passwords
from engine.errors import FormInvalid

STRONG = "Lantern-Meadow-2718"


@pytest.mark.parametrize("weak", ["short-pw", "Abc-12345", "x" * 11])
def test_short_passwords_are_refused(weak: str) -> None:
    assert passwords.problems(weak) == ["密码至少需要 12 个字符"]


@pytest.mark.parametrize("common", ["password1234", "password-123", "qwertyuiop12", "123456789012",
                                    "iloveyou2024", "aaaaaaaaaaaa", "P@ssw0rd1234"])
def test_common_passwords_and_their_usual_variants_are_refused(common: str) -> None:
    found = passwords.problems(common)
    assert len(found) == 1 and "常见" in found[0]


def test_a_password_made_of_the_users_own_name_is_refused() -> None:
    assert passwords.problems("wangxiaoming2026") == []  # weak only once the name is known to be theirs
    assert passwords.problems("wangxiaoming2026", ["wangxiaoming"]) != []


def test_strong_passwords_and_long_passphrases_pass() -> None:
    assert passwords.problems(STRONG) == []
    assert passwords.problems("风吹麦浪的午后我们在河边读书") == []
    assert passwords.problems("lanterns in autumn rain, " * 4) == []  # longer than zxcvbn scores: its start counts
    assert passwords.problems("x" * 257) == ["密码不能超过 256 个字符"]


def test_check_names_the_field() -> None:
    with pytest.raises(FormInvalid) as refused:
        passwords.check("short", "new_password")
    assert list(refused.value.fields) == ["new_password"] and "12" in refused.value.summary
