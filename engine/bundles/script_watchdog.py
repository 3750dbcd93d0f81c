"""The watchdog that stops a script: past its time limit (engine-function time given back within an allowance), or
once the process has grown by more than MAX_SCRIPT_MEMORY since the script began."""

from __future__ import annotations

import time
from types import CodeType, FrameType
from typing import Any

from engine.bundles import script_guards as guards


class ScriptTimeout(Exception):
    """A script or expression ran past its time limit."""


class ScriptMemoryExceeded(Exception):
    """A script made the process hold more than MAX_SCRIPT_MEMORY additional memory."""


# How much engine-function time a script may use beyond its own limit, as a multiple of the limit: a lookup slowed by
# a busy database does not fail the step, while a script calling engine functions in a loop is still stopped.
ENGINE_TIME_FACTOR = 10


class Watchdog:
    """A trace function that raises ScriptTimeout inside script frames once the deadline passes, and
    ScriptMemoryExceeded once the process has grown by more than MAX_SCRIPT_MEMORY since the script began."""

    def __init__(self, codes: frozenset[CodeType], limit: float) -> None:
        self.codes = codes
        self.limit = limit
        self.deadline = time.monotonic() + limit
        # Time spent inside engine functions (database lookups) is given back, up to this much in all.
        self.allowance = limit * ENGINE_TIME_FACTOR
        self.lines = 0
        self.memory_ceiling: int | None = None

    def on_call(self, frame: FrameType, event: str, arg: Any) -> Any:
        # Only the script's own frames are traced: engine functions run at full speed.
        if frame.f_code in self.codes:
            self.check()
            return self.on_line
        return None

    def on_line(self, frame: FrameType, event: str, arg: Any) -> Any:
        self.lines += 1
        # Every 16 lines: one line builds at most a few bounded objects, so the overshoot stays small.
        if not self.lines % 16:
            self.check_memory()
        self.check()
        return self.on_line

    def check_memory(self) -> None:
        current = guards.resident_memory()
        if current is None:
            return
        # The baseline is read at the first check, so that expressions and short scripts never pay for it.
        if self.memory_ceiling is None:
            self.memory_ceiling = current + guards.MAX_SCRIPT_MEMORY
        elif current > self.memory_ceiling:
            limit = guards.MAX_SCRIPT_MEMORY // 2**20
            raise ScriptMemoryExceeded(f"脚本占用的内存超过限制（{limit} MB），可能是循环中保存了过多数据")

    def credit(self, spent: float) -> None:
        """Give back time an engine function spent, while the allowance lasts."""
        given = min(spent, self.allowance)
        self.allowance -= given
        self.deadline += given

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ScriptTimeout(f"脚本运行超过时间限制（{self.limit:g} 秒）")
