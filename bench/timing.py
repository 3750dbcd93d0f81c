"""What one variant measures and reports: per-case timings and an untimed trace of one case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CaseTiming:
    """Seconds for a whole case and for each request in it (the start, then one per user task)."""

    total: float
    steps: tuple[float, ...]


@dataclass(frozen=True)
class CaseTrace:
    """One case run without timing: the path taken, the stored state size after each request, the result."""

    path: tuple[str, ...]
    state_bytes: tuple[int, ...]
    spec_bytes: int | None
    completed: bool
    outcome: str | None
    notes: tuple[str, ...] = ()


class Variant(Protocol):
    """A way of running the benchmark case."""

    label: str
    setup: dict[str, float]

    def run_case(self) -> CaseTiming:
        """Run one whole case, timing every request."""
        ...

    def trace(self) -> CaseTrace:
        """Run one case without timing and report what it stored."""
        ...

    def close(self) -> None:
        """Release what the variant holds (files, connections)."""
        ...
