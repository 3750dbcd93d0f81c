"""Working-day calendar for procedural time limits (Chinese public holidays and make-up workdays)."""

from __future__ import annotations

import calendar as _stdcal
import re
import threading
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar

UNITS = frozenset({"working_days", "months", "days"})
_LIMIT_RE = re.compile(r"^\s*(\d+)\s*(wd|mo|d)\s*$")
_LIMIT_UNITS = {"wd": "working_days", "mo": "months", "d": "days"}
_END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class YearSchedule:
    """The State Council holiday schedule of one year: days off and make-up workdays."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]


@dataclass(frozen=True)
class Deadline:
    """When a time limit ends; `provisional` when the holiday schedule of a counted year is unknown."""

    at: datetime
    provisional: bool


@cache
def chinese_date(day: date) -> str:
    """A date as Chinese documents and notices write it: 2026年4月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def package_knows(year: int) -> bool:
    """Whether the installed chinese_calendar package has the holiday schedule of `year`."""
    # chinese_calendar raises for years it has no data for; probing once per year is enough.
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except (NotImplementedError, ValueError, OverflowError):
        return False
    return True


def package_schedule(year: int) -> YearSchedule | None:
    """The schedule of `year` as the chinese_calendar package has it, or None when it does not know the year."""
    if not package_knows(year):
        return None
    holidays = frozenset(d for d in chinese_calendar.holidays if d.year == year)
    workdays = frozenset(d for d in chinese_calendar.workdays if d.year == year)
    return YearSchedule(year=year, holidays=holidays, workdays=workdays)


def package_years() -> tuple[int, int]:
    """The first and last year the chinese_calendar package has a schedule for."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


class WorkingCalendar:
    """Decides which days are working days and counts time limits over them."""

    def __init__(
        self,
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        schedules: Mapping[int, YearSchedule] | None = None,
        tz: ZoneInfo | None = None,
    ) -> None:
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_workdays = frozenset(extra_workdays)
        both = self._extra_holidays & self._extra_workdays
        if both:
            days = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"日期不能同时配置为节假日和工作日：{days}")
        schedules = dict(schedules or {})
        for year, schedule in schedules.items():
            if schedule.year != year:
                raise ValueError(f"{year} 年的日程表写的是 {schedule.year} 年")
        # Replaced as a whole, never changed in place: request threads read it without taking the lock.
        self._schedules: Mapping[int, YearSchedule] = schedules
        self._lock = threading.Lock()
        # Per year, cumulative working-day counts: limits and "days left" are a lookup and a bisection, not a walk.
        # They belong to the schedules they were counted from; installing a schedule makes them stale at once.
        self._indexes: Mapping[int, tuple[int, ...]] = {}
        self._indexes_of: Mapping[int, YearSchedule] = self._schedules
        self.tz = tz or ZoneInfo("Asia/Shanghai")

    def is_known_year(self, year: int) -> bool:
        """Whether the official holiday schedule of `year` is known (imported or built in)."""
        return year in self._schedules or package_knows(year)

    def source(self, year: int) -> str:
        """Where the schedule of `year` comes from: "imported", "package" or "fallback" (Monday–Friday)."""
        if year in self._schedules:
            return "imported"
        return "package" if package_knows(year) else "fallback"

    def imported(self) -> dict[int, YearSchedule]:
        """The imported schedules by year."""
        return dict(self._schedules)

    def install(self, schedule: YearSchedule) -> YearSchedule | None:
        """Add or replace the imported schedule of a year; returns the one it replaced, if any."""
        with self._lock:
            previous = self._schedules.get(schedule.year)
            self._schedules = {**self._schedules, schedule.year: schedule}
        return previous

    def uninstall(self, year: int, previous: YearSchedule | None = None) -> None:
        """Undo `install`: put back the schedule it replaced, or forget the year."""
        with self._lock:
            schedules = dict(self._schedules)
            if previous is None:
                schedules.pop(year, None)
            else:
                schedules[year] = previous
            self._schedules = schedules

    def is_working_day(self, d: date) -> bool:
        """Whether `d` is a working day; never raises for years without data (falls back to Mon–Fri)."""
        return self._is_working_day(d, self._schedules)

    def _is_working_day(self, d: date, schedules: Mapping[int, YearSchedule]) -> bool:
        if d in self._extra_holidays:
            return False
        if d in self._extra_workdays:
            return True
        schedule = schedules.get(d.year)
        if schedule is not None:
            if d in schedule.holidays:
                return False
            if d in schedule.workdays:
                return True
            return d.weekday() < 5
        if package_knows(d.year):
            try:
                return bool(chinese_calendar.is_workday(d))
            except (NotImplementedError, ValueError):
                pass
        return d.weekday() < 5

    def _index(self, year: int) -> tuple[int, ...]:
        """The year's cumulative working-day counts: element i counts the working days of its days 1 to i + 1."""
        schedules = self._schedules
        found = self._indexes.get(year) if self._indexes_of is schedules else None
        if found is None:
            first, count, counts = date(year, 1, 1), 0, []
            for offset in range((date(year + 1, 1, 1) - first).days):
                count += self._is_working_day(first + timedelta(days=offset), schedules)
                counts.append(count)
            found = tuple(counts)
            with self._lock:
                # Replaced, not changed in place: request threads read the mapping without the lock.
                if self._schedules is schedules:
                    kept = self._indexes if self._indexes_of is schedules else {}
                    self._indexes, self._indexes_of = {**kept, year: found}, schedules
        return found

    def _count(self, d: date) -> int:
        """Working days from 1 January of d's year up to and including d."""
        return self._index(d.year)[d.timetuple().tm_yday - 1]

    def _day_with_count(self, year: int, count: int) -> date:
        """The first day of `year` by which `count` (1 or more) of its working days have passed."""
        return date(year, 1, 1) + timedelta(days=bisect_left(self._index(year), count))

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n < 0); n = 0 returns `start`."""
        if n == 0:
            return start
        if n > 0:
            year, wanted = start.year, self._count(start) + n
            while wanted > self._index(year)[-1]:
                wanted -= self._index(year)[-1]
                year += 1
            return self._day_with_count(year, wanted)
        before = start - timedelta(days=1)
        year, wanted = before.year, self._count(before) + n + 1
        while wanted <= 0:
            year -= 1
            wanted += self._index(year)[-1]
        return self._day_with_count(year, wanted)

    @staticmethod
    def add_months(start: date, n: int) -> date:
        """`start` moved by n calendar months, clamped to the last day of the target month."""
        index = start.year * 12 + (start.month - 1) + n
        year, month = divmod(index, 12)
        last = _stdcal.monthrange(year, month + 1)[1]
        return date(year, month + 1, min(start.day, last))

    def deadline(self, start: datetime, amount: int, unit: str) -> Deadline:
        """End (23:59:59 local, as UTC) of a limit of `amount` `unit`s counted from `start`."""
        if start.tzinfo is None:
            raise ValueError("起算时间必须带时区")
        if amount < 0:
            raise ValueError("时限不能为负数")
        first = start.astimezone(self.tz).date()
        provisional = False
        if unit == "working_days":
            end = self.add_working_days(first, amount)
            if end > first:
                counted_from = first + timedelta(days=1)
                years = range(counted_from.year, end.year + 1)
                provisional = any(not self.is_known_year(y) for y in years)
        elif unit in ("months", "days"):
            end = self.add_months(first, amount) if unit == "months" else first + timedelta(days=amount)
            # A limit in calendar units whose last day is a day off ends on the next working day
            # (民法典 第二百零三条); whether it is a day off is only known for years with a schedule.
            provisional = not self.is_known_year(end.year)
            end = self.next_working_day(end)
        else:
            raise ValueError(f"未知的时限单位：{unit!r}（应为 {', '.join(sorted(UNITS))}）")
        at = datetime.combine(end, _END_OF_DAY, tzinfo=self.tz).astimezone(UTC)
        return Deadline(at=at, provisional=provisional)

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_left(self, due_at: datetime, now: datetime) -> int:
        """Working days from today until a due date (local time); negative once it has passed."""
        return self.working_days_between(now.astimezone(self.tz).date(), due_at.astimezone(self.tz).date())

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is earlier."""
        if end == start:
            return 0
        low, high, sign = (start, end, 1) if end > start else (end, start, -1)
        if low.year == high.year:
            return sign * (self._count(high) - self._count(low))
        between = sum(self._index(year)[-1] for year in range(low.year + 1, high.year))
        return sign * (self._index(low.year)[-1] - self._count(low) + between + self._count(high))


def parse_limit(text: str) -> tuple[int, str]:
    """Parse a configured limit such as "10wd", "1mo" or "5d" into (amount, unit)."""
    match = _LIMIT_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"时限格式不正确：{text!r}；应写作数字加单位，如 10wd（工作日）、1mo（月）、5d（自然日）")
    amount = int(match.group(1))
    if amount == 0:
        raise ValueError(f"时限必须大于零：{text!r}")
    return amount, _LIMIT_UNITS[match.group(2)]


def _parse_dates(values: Any, year: int, what: str) -> frozenset[date]:
    if not isinstance(values, list):
        raise ValueError(f"日程表的 {what} 应为日期列表")
    days: set[date] = set()
    for value in values:
        try:
            d = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            d = None
        if d is None or len(value) != 10:
            raise ValueError(f"日程表的 {what} 中有无效日期：{value!r}（应为 YYYY-MM-DD）")
        if d.year != year:
            raise ValueError(f"日程表的 {what} 中的日期 {value} 不在 {year} 年")
        days.add(d)
    return frozenset(days)


def load_schedule_json(obj: Any) -> YearSchedule:
    """Build a YearSchedule from {"year": 2027, "holidays": [...], "workdays": [...]}."""
    if not isinstance(obj, Mapping):
        raise ValueError("日程表应为 JSON 对象")
    unknown = set(obj) - {"year", "holidays", "workdays"}
    if unknown:
        raise ValueError(f"日程表含有未知字段：{', '.join(sorted(map(str, unknown)))}")
    year = obj.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2999:
        raise ValueError(f"日程表的 year 无效：{year!r}")
    holidays = _parse_dates(obj.get("holidays", []), year, "holidays")
    workdays = _parse_dates(obj.get("workdays", []), year, "workdays")
    both = holidays & workdays
    if both:
        days = ", ".join(d.isoformat() for d in sorted(both))
        raise ValueError(f"日期不能同时是节假日和调休工作日：{days}")
    return YearSchedule(year=year, holidays=holidays, workdays=workdays)
