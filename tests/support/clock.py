"""A wall clock the test freezes and moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from engine.clock import SystemClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, clear of holidays


class FrozenClock(SystemClock):
    """The wall clock, frozen and moved by the test; SpiffWorkflow's own datetime.now() moves with it."""

    def __init__(self, traveller: time_machine.Coordinates) -> None:
        self._traveller = traveller

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self._traveller.shift(delta)

    def move_to(self, when: datetime) -> None:
        """Jump to an absolute time."""
        self._traveller.move_to(when)
