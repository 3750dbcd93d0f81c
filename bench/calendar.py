"""Command line: `python -m bench.calendar [--calls N]`.

Times the working-day arithmetic every due date and every "N working days left" rests on: the calendar's
per-year cumulative index against counting one day at a time (the baseline, measured in the same run over the
same questions). Prints median, p90 and p99 per call and the ratio; never fails on time.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from datetime import date, timedelta
from time import perf_counter

from engine.calendar import WorkingCalendar

from .stats import summarize


def day_by_day(cal: WorkingCalendar, start: date, n: int) -> date:
    """The baseline: the n-th working day after start, one day at a time."""
    d = start
    while n:
        d += timedelta(days=1)
        n -= cal.is_working_day(d)
    return d


def between_day_by_day(cal: WorkingCalendar, start: date, end: date) -> int:
    """The baseline: working days after start up to end, one day at a time."""
    return sum(cal.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def timed(calls: list[Callable[[], object]]) -> list[float]:
    samples = []
    for call in calls:
        began = perf_counter()
        call()
        samples.append(perf_counter() - began)
    return samples


def main(argv: list[str] | None = None) -> int:
    """Run both ways over the same random questions and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.calendar", description="Time working-day arithmetic.")
    parser.add_argument("--calls", type=int, default=5000, help="questions per kind (default 5000)")
    args = parser.parse_args(argv)
    pick = random.Random(7)
    cal = WorkingCalendar()
    questions = [(date(2025, 1, 1) + timedelta(days=pick.randrange(700)), pick.choice([5, 10, 20, 30, 60]))
                 for _ in range(max(2, args.calls))]
    spans = [(start, start + timedelta(days=pick.randrange(1, 400))) for start, _n in questions]
    for start, n in questions[:50]:  # warm both: the index's years, the package's tables
        assert cal.add_working_days(start, n) == day_by_day(cal, start, n)
    rows = [
        ("add_working_days", timed([lambda s=s, n=n: cal.add_working_days(s, n) for s, n in questions]),
         timed([lambda s=s, n=n: day_by_day(cal, s, n) for s, n in questions])),
        ("working_days_between", timed([lambda s=s, e=e: cal.working_days_between(s, e) for s, e in spans]),
         timed([lambda s=s, e=e: between_day_by_day(cal, s, e) for s, e in spans])),
    ]
    print(f"{len(questions)} questions per kind; limits of 5–60 working days, spans up to 400 days")
    print(f"{'operation':<22}{'index median':>14}{'p90':>10}{'p99':>10}{'day-by-day median':>20}{'ratio':>8}")
    for name, index, baseline in rows:
        a, b = summarize(index), summarize(baseline)
        print(f"{name:<22}{a.median * 1e6:>11.1f} µs{a.p90 * 1e6:>7.1f} µs{a.p99 * 1e6:>7.1f} µs"
              f"{b.median * 1e6:>17.1f} µs{b.median / a.median:>7.0f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
