from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.calendar import Deadline, WorkingCalendar, YearSchedule, load_schedule_json, parse_limit


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def local_noon(d: date, cal: WorkingCalendar) -> datetime:
    return datetime(d.year, d.month, d.day, 12, tzinfo=cal.tz)


def test_national_day_2025(cal: WorkingCalendar) -> None:
    # Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 are make-up workdays.
    assert cal.is_working_day(date(2025, 9, 28))
    assert cal.is_working_day(date(2025, 10, 11))
    assert not cal.is_working_day(date(2025, 10, 8))
    assert cal.add_working_days(date(2025, 9, 26), 10) == date(2025, 10, 16)
    assert cal.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_spring_festival_2026(cal: WorkingCalendar) -> None:
    # Feb 15–23 off; Saturdays Feb 14 and Feb 28 are make-up workdays.
    assert cal.add_working_days(date(2026, 2, 12), 2) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 12), 10) == date(2026, 3, 4)
    assert cal.working_days_between(date(2026, 2, 12), date(2026, 3, 4)) == 10
    assert cal.working_days_between(date(2026, 3, 4), date(2026, 2, 12)) == -10


def test_zero_and_negative_counts(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)
    assert cal.add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert cal.working_days_between(date(2025, 10, 3), date(2025, 10, 3)) == 0


def test_deadline_is_end_of_local_day_in_utc(cal: WorkingCalendar) -> None:
    result = cal.deadline(local_noon(date(2025, 9, 26), cal), 10, "working_days")
    assert result == Deadline(at=datetime(2025, 10, 16, 15, 59, 59, tzinfo=UTC), provisional=False)
    # 20:00 UTC on Sep 25 is already Sep 26 in Beijing.
    late = cal.deadline(datetime(2025, 9, 25, 20, tzinfo=UTC), 10, "working_days")
    assert late.at == result.at


def test_unknown_year_is_provisional_until_schedule_imported(cal: WorkingCalendar) -> None:
    start = local_noon(date(2026, 12, 24), cal)
    assert not cal.is_known_year(2027)
    guessed = cal.deadline(start, 10, "working_days")
    # Mon–Fri fallback: Jan 1 2027 (a Friday) is counted as a working day.
    assert guessed == Deadline(datetime(2027, 1, 7, 15, 59, 59, tzinfo=UTC), provisional=True)

    schedule = load_schedule_json({"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []})
    known = WorkingCalendar(schedules={2027: schedule})
    assert known.is_known_year(2027)
    assert known.deadline(start, 10, "working_days") == Deadline(datetime(2027, 1, 8, 15, 59, 59, tzinfo=UTC), provisional=False)


def test_deadline_within_known_years_is_not_provisional(cal: WorkingCalendar) -> None:
    assert not cal.deadline(local_noon(date(2026, 12, 1), cal), 3, "working_days").provisional


def test_imported_schedule_make_up_workday() -> None:
    schedule = YearSchedule(2027, holidays=frozenset(), workdays=frozenset({date(2027, 1, 9)}))
    cal = WorkingCalendar(schedules={2027: schedule})
    assert cal.is_working_day(date(2027, 1, 9))  # a Saturday
    assert not cal.is_working_day(date(2027, 1, 10))


def test_extra_days_override_everything() -> None:
    cal = WorkingCalendar(
        extra_holidays=[date(2025, 9, 29)],  # a Monday
        extra_workdays=[date(2025, 10, 2)],  # inside National Day
    )
    assert not cal.is_working_day(date(2025, 9, 29))
    assert cal.is_working_day(date(2025, 10, 2))
    assert cal.add_working_days(date(2025, 9, 26), 3) == date(2025, 10, 2)


def test_conflicting_extra_days_refused() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(extra_holidays=[date(2025, 1, 2)], extra_workdays=[date(2025, 1, 2)])


def test_months_clamp_to_month_end(cal: WorkingCalendar) -> None:
    assert cal.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert cal.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert cal.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert cal.add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    result = cal.deadline(local_noon(date(2025, 1, 31), cal), 1, "months")
    assert result == Deadline(datetime(2025, 2, 28, 15, 59, 59, tzinfo=UTC), provisional=False)


def test_calendar_days(cal: WorkingCalendar) -> None:
    result = cal.deadline(local_noon(date(2025, 3, 3), cal), 5, "days")
    assert result.at == datetime(2025, 3, 8 + 2, 15, 59, 59, tzinfo=UTC)  # Sat 8th ends on Mon 10th


def test_a_calendar_limit_ending_on_a_holiday_ends_on_the_next_working_day(cal: WorkingCalendar) -> None:
    # 5 days from 30 Sep 2025 is 5 Oct, inside the National Day holiday (1–8 Oct): the limit ends on 9 Oct.
    result = cal.deadline(local_noon(date(2025, 9, 30), cal), 5, "days")
    assert result == Deadline(datetime(2025, 10, 9, 15, 59, 59, tzinfo=UTC), provisional=False)
    # One month from 1 Sep 2025 is 1 Oct, also inside it.
    assert cal.deadline(local_noon(date(2025, 9, 1), cal), 1, "months").at.date() == date(2025, 10, 9)
    # The last day of a limit in a year the calendar does not know may yet turn out a day off.
    assert cal.deadline(local_noon(date(2027, 1, 2), cal), 1, "months").provisional is True


def test_deadline_rejects_naive_start_and_unknown_unit(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        cal.deadline(datetime(2025, 1, 1), 1, "days")
    with pytest.raises(ValueError):
        cal.deadline(datetime(2025, 1, 1, tzinfo=UTC), 1, "weeks")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10wd", (10, "working_days")), ("1mo", (1, "months")), ("5d", (5, "days")), (" 15 wd ", (15, "working_days"))],
)
def test_parse_limit(text: str, expected: tuple[int, str]) -> None:
    assert parse_limit(text) == expected


@pytest.mark.parametrize("text", ["", "10", "wd", "10w", "1.5mo", "-3d", "0d", "10 working days", "十天"])
def test_parse_limit_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="时限"):
        parse_limit(text)


@pytest.mark.parametrize(
    "obj",
    [
        {"year": 2027, "holidays": ["2028-01-01"], "workdays": []},
        {"year": 2027, "holidays": ["2027-13-01"], "workdays": []},
        {"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-01-01"]},
        {"year": "2027", "holidays": [], "workdays": []},
        {"year": 2027, "holidays": "2027-01-01"},
        {"year": 2027, "extra": []},
        [],
    ],
)
def test_load_schedule_json_rejects(obj: object) -> None:
    with pytest.raises(ValueError):
        load_schedule_json(obj)
