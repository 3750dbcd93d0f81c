"""Summary statistics of timing samples."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Median, 90th and 99th percentile and mean of a sample, in seconds."""

    median: float
    p90: float
    p99: float
    mean: float


def summarize(samples: Sequence[float]) -> Summary:
    """Summarize at least two samples; percentiles interpolate between the sorted samples."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return Summary(statistics.median(samples), cuts[89], cuts[98], statistics.fmean(samples))


def step_medians(cases: Sequence[tuple[float, ...]]) -> list[float]:
    """The median of each step over all cases."""
    return [statistics.median(column) for column in zip(*cases, strict=True)]
