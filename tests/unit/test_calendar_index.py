"""Working-day arithmetic by the per-year cumulative index gives, for every start and count, the day a person
counting on a calendar would reach; a schedule installed later counts at once."""

from __future__ import annotations

import random
from datetime import date, timedelta

from engine.calendar import WorkingCalendar, YearSchedule

# Holidays configured by the district, a make-up workday, and an imported year beyond the package's knowledge.
EXTRA_HOLIDAYS = {date(2026, 6, 1), date(2027, 12, 31)}
EXTRA_WORKDAYS = {date(2026, 6, 6)}
IMPORTED = YearSchedule(2031, holidays=frozenset({date(2031, 1, 1), date(2031, 1, 2)}),
                        workdays=frozenset({date(2031, 1, 4)}))


def counted_on_a_calendar(working: dict[date, bool], start: date, n: int) -> date:
    """The n-th working day after (before, for n < 0) start, one day at a time."""
    step, d = timedelta(days=1 if n >= 0 else -1), start
    for _ in range(abs(n)):
        d += step
        while not working[d]:
            d += step
    return d


def between_on_a_calendar(working: dict[date, bool], start: date, end: date) -> int:
    low, high = sorted((start, end))
    count = sum(working[low + timedelta(days=i)] for i in range(1, (high - low).days + 1))
    return count if end >= start else -count


def test_the_index_agrees_with_counting_day_by_day_across_years_and_overrides() -> None:
    cal = WorkingCalendar(EXTRA_HOLIDAYS, EXTRA_WORKDAYS, {2031: IMPORTED})
    # Each day asked once, as the calendar says it: the reference counts over this, the index on its own.
    working = {date(2020, 1, 1) + timedelta(days=i): cal.is_working_day(date(2020, 1, 1) + timedelta(days=i))
               for i in range(16 * 366)}
    pick = random.Random(20261205)
    for _ in range(1500):
        start = date(2024, 1, 1) + timedelta(days=pick.randrange(0, 8 * 366))
        n = pick.choice([0, 1, 2, 5, 10, 15, 20, 30, 60, 250, 400, -1, -3, -20, -300])
        assert cal.add_working_days(start, n) == counted_on_a_calendar(working, start, n), (start, n)
        end = start + timedelta(days=pick.randrange(-800, 800))
        assert cal.working_days_between(start, end) == between_on_a_calendar(working, start, end), (start, end)


def test_the_spring_festival_and_a_year_end_are_counted_as_the_schedule_says() -> None:
    cal = WorkingCalendar()
    # 2026: the Spring Festival holiday runs 15–23 February, with make-up workdays on 14 and 28 February.
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert cal.add_working_days(date(2026, 1, 5), -2) == date(2025, 12, 31)


def test_a_schedule_installed_later_counts_at_once_and_uninstalling_restores() -> None:
    cal = WorkingCalendar()
    friday = date(2032, 1, 2)
    before = cal.add_working_days(friday, 1)
    previous = cal.install(YearSchedule(2032, holidays=frozenset({date(2032, 1, 5)}), workdays=frozenset()))
    assert before == date(2032, 1, 5) and cal.add_working_days(friday, 1) == date(2032, 1, 6)
    assert cal.working_days_between(friday, date(2032, 1, 6)) == 1
    cal.uninstall(2032, previous)
    assert cal.add_working_days(friday, 1) == before
