"""Due dates over the official holidays, and over a year the calendar package does not know."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import cast

import pytest

from engine.calendar import (
    Deadline,
    WorkingCalendar,
    YearSchedule,
    load_schedule_json,
    package_knows,
    package_schedule,
    package_years,
)
from engine.config import EngineConfig
from engine.context import EngineContext
from engine.procedure.holiday_schedules import task_due

SCHEDULE_2027 = {"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def local(d: date, cal: WorkingCalendar, hour: int = 10) -> datetime:
    """A moment of a local (Beijing) day."""
    return datetime(d.year, d.month, d.day, hour, tzinfo=cal.tz)


def end_of(d: date) -> datetime:
    """23:59:59 Beijing time of a day, in UTC."""
    return datetime(d.year, d.month, d.day, 15, 59, 59, tzinfo=UTC)


def test_the_package_data_matches_the_published_schedules() -> None:
    # 2025 National Day and Mid-Autumn: 1–8 Oct off; Sunday 28 Sep and Saturday 11 Oct worked.
    national_day_2025 = package_schedule(2025)
    assert national_day_2025 is not None
    assert {date(2025, 10, d) for d in range(1, 9)} <= national_day_2025.holidays
    assert {date(2025, 9, 28), date(2025, 10, 11)} <= national_day_2025.workdays
    # 2026 Spring Festival: 15–23 Feb off; Saturdays 14 and 28 Feb worked. National Day: 1–7 Oct off,
    # Sunday 20 Sep and Saturday 10 Oct worked.
    year_2026 = package_schedule(2026)
    assert year_2026 is not None
    assert {date(2026, 2, d) for d in range(15, 24)} <= year_2026.holidays
    assert {date(2026, 10, d) for d in range(1, 8)} <= year_2026.holidays
    assert {date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)} <= year_2026.workdays
    assert package_years()[1] >= 2026 and package_knows(2026)


def test_a_limit_across_national_day_2025(cal: WorkingCalendar) -> None:
    # From Tuesday 30 Sep: 9 and 10 Oct, the make-up Saturday 11 Oct, then 13 and 14 Oct.
    assert cal.deadline(local(date(2025, 9, 30), cal), 5, "working_days") == Deadline(end_of(date(2025, 10, 14)), False)
    # From Friday 26 Sep the first working day is the make-up Sunday 28 Sep, the next one 29 Sep.
    assert cal.deadline(local(date(2025, 9, 26), cal), 1, "working_days").at == end_of(date(2025, 9, 28))
    assert cal.deadline(local(date(2025, 9, 26), cal), 4, "working_days").at == end_of(date(2025, 10, 9))
    # A limit in calendar days ending inside the holiday ends on the first working day after it.
    assert cal.deadline(local(date(2025, 9, 29), cal), 3, "days") == Deadline(end_of(date(2025, 10, 9)), False)


def test_a_limit_across_the_spring_festival_2026(cal: WorkingCalendar) -> None:
    # From Thursday 12 Feb: 13 Feb, the make-up Saturday 14 Feb, then 24–27 Feb, Saturday 28 Feb, 2–4 Mar.
    assert cal.deadline(local(date(2026, 2, 12), cal), 10, "working_days") == Deadline(end_of(date(2026, 3, 4)), False)
    assert cal.deadline(local(date(2026, 2, 13), cal), 1, "working_days").at == end_of(date(2026, 2, 14))
    assert cal.deadline(local(date(2026, 2, 14), cal), 1, "working_days").at == end_of(date(2026, 2, 24))
    # One month from 18 Jan is 18 Feb, inside the holiday: the limit ends on 24 Feb.
    assert cal.deadline(local(date(2026, 1, 18), cal), 1, "months").at == end_of(date(2026, 2, 24))


def test_a_make_up_saturday_counts_as_a_working_day(cal: WorkingCalendar) -> None:
    saturday = date(2026, 10, 10)
    assert saturday.weekday() == 5 and cal.is_working_day(saturday)
    assert not cal.is_working_day(date(2026, 10, 17))  # an ordinary Saturday
    # From Friday 9 Oct one working day is the Saturday itself, not Monday 12 Oct.
    assert cal.deadline(local(date(2026, 10, 9), cal), 1, "working_days").at == end_of(saturday)
    assert cal.working_days_between(date(2026, 10, 9), date(2026, 10, 12)) == 2


def test_a_limit_crossing_into_an_unknown_year_is_provisional_until_the_year_is_imported(cal: WorkingCalendar) -> None:
    start = local(date(2026, 12, 20), cal)  # a Sunday
    assert cal.source(2027) == "fallback" and package_schedule(2027) is None
    # Monday–Friday fallback: 21–25 and 28–31 Dec, then Friday 1 Jan 2027.
    assert cal.deadline(start, 10, "working_days") == Deadline(end_of(date(2027, 1, 1)), provisional=True)
    # Within the known year nothing is provisional.
    assert cal.deadline(start, 9, "working_days") == Deadline(end_of(date(2026, 12, 31)), provisional=False)

    assert cal.install(load_schedule_json(SCHEDULE_2027)) is None
    assert cal.source(2027) == "imported" and cal.is_known_year(2027)
    # 1–3 Jan 2027 are days off: the tenth working day moves to Monday 4 Jan.
    assert cal.deadline(start, 10, "working_days") == Deadline(end_of(date(2027, 1, 4)), provisional=False)

    cal.uninstall(2027)
    assert cal.deadline(start, 10, "working_days").provisional


def test_replacing_an_imported_year_and_taking_it_back(cal: WorkingCalendar) -> None:
    first = load_schedule_json(SCHEDULE_2027)
    corrected = YearSchedule(2027, holidays=first.holidays, workdays=frozenset({date(2027, 1, 9)}))
    cal.install(first)
    assert cal.install(corrected) == first
    assert cal.is_working_day(date(2027, 1, 9))  # a make-up Saturday of the corrected schedule
    cal.uninstall(2027, first)
    assert not cal.is_working_day(date(2027, 1, 9)) and cal.imported() == {2027: first}


def test_far_years_never_raise(cal: WorkingCalendar) -> None:
    start = local(date(2099, 6, 1), cal)
    assert not package_knows(2099) and cal.source(2099) == "fallback"
    for amount, unit in ((10, "working_days"), (1, "months"), (5, "days")):
        assert cal.deadline(start, amount, unit).provisional
    assert cal.is_working_day(date(2099, 6, 1)) and not cal.is_working_day(date(2099, 6, 6))  # Monday, Saturday
    assert cal.deadline(local(date(1990, 3, 1), cal), 3, "working_days").provisional
    assert cal.working_days_left(end_of(date(2100, 1, 4)), start) > 0


def test_installing_while_others_count() -> None:
    cal = WorkingCalendar()
    start = datetime(2026, 12, 20, 10, tzinfo=cal.tz)
    expected = {end_of(date(2027, 1, 1)), end_of(date(2027, 1, 4))}
    seen: set[datetime] = set()
    errors: list[BaseException] = []

    def count() -> None:
        try:
            for _ in range(200):
                seen.add(cal.deadline(start, 10, "working_days").at)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(50):
        cal.install(load_schedule_json(SCHEDULE_2027))
        cal.uninstall(2027)
    for thread in threads:
        thread.join()
    assert errors == [] and seen <= expected


def fake_context(cal: WorkingCalendar) -> EngineContext:
    """Just what due dates need: the configuration and the calendar."""
    return cast(EngineContext, SimpleNamespace(config=EngineConfig(), calendar=cal))


def test_a_tasks_due_date_from_its_creation_or_from_a_date_it_names(cal: WorkingCalendar) -> None:
    ctx = fake_context(cal)
    created = local(date(2026, 12, 20), cal)
    assert task_due(ctx, created, {}, "acceptance", None) == (end_of(date(2027, 1, 1)), True)
    # Counted from the end of Monday 21 Dec: 22–25 and 28–31 Dec, 1 Jan (fallback), then 4 Jan.
    assert task_due(ctx, created, {"from": "2026-12-21"}, "acceptance", "from") == (end_of(date(2027, 1, 4)), True)
    assert task_due(ctx, created, {"from": "2026-12-21"}, None, "from") == (end_of(date(2026, 12, 21)), False)
    assert task_due(ctx, created, {}, "acceptance", "from") == (None, False)  # the date was never entered
    assert task_due(ctx, created, {}, "no_such_limit", None) == (None, False)
    cal.install(load_schedule_json(SCHEDULE_2027))
    assert task_due(ctx, created, {"from": "2026-12-21"}, "acceptance", "from") == (end_of(date(2027, 1, 5)), False)
