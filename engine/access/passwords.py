"""The password policy: long enough, and not a common password or an easily guessed variant of one."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from zxcvbn import zxcvbn

from engine.errors import FormInvalid, Message

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn's scale: 3 means about 10^8 guesses or more, out of reach of lists of common passwords and their
# usual variations (appended digits, l33t, keyboard rows, repeats, the user's own name).
MIN_SCORE = 3
# zxcvbn refuses longer input; a passphrase whose first 72 characters are weak is weak.
_SCORED_PREFIX = 72
# zxcvbn keeps the caller's words in a module-level dictionary while it scores: one check at a time.
_lock = threading.Lock()


def problems(password: str, user_inputs: Iterable[str] = ()) -> list[str]:
    """What is wrong with a new password (empty when it is acceptable); `user_inputs` are words it must not lean on."""
    if len(password) < MIN_LENGTH:
        return [Message("密码至少需要 %(least)s 个字符", least=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [Message("密码不能超过 %(most)s 个字符", most=MAX_LENGTH)]
    words = [w for w in user_inputs if w]
    with _lock:
        score = int(zxcvbn(password[:_SCORED_PREFIX], user_inputs=words)["score"])
    if score < MIN_SCORE:
        return ["密码过于常见或容易猜到（常用密码、键盘序列、重复字符或用户名的变形），请换一个更难猜的密码"]
    return []


def check(password: str, field: str = "password", user_inputs: Iterable[str] = ()) -> None:
    """Refuse a password that breaks the policy, naming the form field it came from.

    Raises: FormInvalid.
    """
    found = problems(password, user_inputs)
    if found:
        raise FormInvalid({field: found}, "密码不符合要求")
