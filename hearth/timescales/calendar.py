"""The working-day calendar for England and Wales.

A working day is Monday to Friday, not a bank holiday in England and Wales, and not a
day the authority has closed (a `LocalClosure`, for example the days between Christmas
and New Year). Statutory timescales are counted in these days: *Working Together to
Safeguard Children* 2023 counts referral decisions, assessments and conferences in
working days, and the DfE CIN census validator excludes weekends and England and Wales
bank holidays in the same way.

Bank holidays come from the `holidays` package (country GB, subdivision ENG), which
includes substitute days ("Christmas Day (observed)") and one-off days such as a state
funeral once the package knows of them. A newly announced one-off day can be entered as
a local closure until the package is upgraded.

Counting convention: the day of the event is day 0, so "1 working day after a referral
received on Friday" is the next Monday (or Tuesday after a bank holiday Monday).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

from hearth.timescales.caching import LocalCache

LONDON = ZoneInfo("Europe/London")
DEFAULT_DAY_START = dt.time(9, 0)
DEFAULT_DAY_END = dt.time(17, 0)
_ONE_DAY = dt.timedelta(days=1)


@cache
def england_bank_holidays(year: int) -> Mapping[dt.date, str]:
    """Bank holidays in England and Wales in one year, with their names."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return MappingProxyType({day: str(name) for day, name in found.items() if day.year == year})


# Calendar arithmetic that does not depend on working days.


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def add_weeks(start: dt.date, weeks: int) -> dt.date:
    return start + dt.timedelta(weeks=weeks)


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day of the month `months` later (or earlier), clamped to the month's end.

    31 January + 1 month is 28 February (29 in a leap year): a review "within 3 months"
    of 30 November is due by 28 or 29 February, never in March.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return dt.date(year, month, min(start.day, monthrange(year, month)[1]))


class WorkingCalendar:
    """Working days and working hours: weekends, bank holidays and local closures."""

    def __init__(
        self,
        closures: Mapping[dt.date, str] | Iterable[dt.date] = (),
        *,
        day_start: dt.time = DEFAULT_DAY_START,
        day_end: dt.time = DEFAULT_DAY_END,
        tz: ZoneInfo = LONDON,
    ) -> None:
        if day_end <= day_start:
            raise ValueError("The working day must end after it starts")
        self.closures: Mapping[dt.date, str] = MappingProxyType(
            dict(closures) if isinstance(closures, Mapping) else dict.fromkeys(closures, "")
        )
        self.day_start = day_start
        self.day_end = day_end
        self.tz = tz

    # Days

    def bank_holiday(self, day: dt.date) -> str | None:
        """The bank holiday's name, or None."""
        return england_bank_holidays(day.year).get(day)

    def is_bank_holiday(self, day: dt.date) -> bool:
        return day in england_bank_holidays(day.year)

    def is_closure(self, day: dt.date) -> bool:
        return day in self.closures

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in england_bank_holidays(day.year)
            and day not in self.closures
        )

    def closed_because(self, day: dt.date) -> str | None:
        """Why a day is not a working day ("Saturday", "Christmas Day", ...), or None."""
        if day.weekday() >= 5:
            return f"{day:%A}"
        if name := self.bank_holiday(day):
            return name
        if day in self.closures:
            return self.closures[day] or "Local closure day"
        return None

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before `day`."""
        day -= _ONE_DAY
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (before it, if negative).

        `start` is day 0 whether or not it is a working day, so the result of a non-zero
        offset is always a working day: 1 working day after Saturday is Monday, and 3
        working days before a Wednesday conference is the Friday before.
        """
        step = _ONE_DAY if days > 0 else -_ONE_DAY
        day = start
        for _ in range(abs(days)):
            day += step
            while not self.is_working_day(day):
                day += step
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """How many working days `b` is after `a` (negative if before).

        The inverse of `add_working_days` when `b` is a working day:
        `add_working_days(a, working_days_between(a, b)) == b`. Forwards it counts the
        working days in (a, b]; backwards, minus those in [b, a).
        """
        if b >= a:
            first, last, sign = a + _ONE_DAY, b, 1
        else:
            first, last, sign = b, a - _ONE_DAY, -1
        count = 0
        day = first
        while day <= last:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return sign * count

    # Hours (front-door RAG deadlines such as "within 4 working hours")

    def _opens(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.day_start, tzinfo=self.tz)

    def _closes(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.day_end, tzinfo=self.tz)

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("Working hours need a timezone-aware datetime")
        return moment.astimezone(self.tz)

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` if it is inside working hours, else when working hours next begin."""
        local = self._local(moment)
        day = local.date()
        if self.is_working_day(day):
            if local < self._opens(day):
                return self._opens(day)
            if local < self._closes(day):
                return local
        return self._opens(self.next_working_day(day))

    def add_working_hours(self, start: dt.datetime, hours: float | dt.timedelta) -> dt.datetime:
        """The moment `hours` of working time after `start`, in local time.

        A contact at 15:00 on a Friday with a 4-working-hour deadline is due at 11:00
        on Monday (09:00–17:00 working day). Time outside working hours does not count.
        """
        remaining = hours if isinstance(hours, dt.timedelta) else dt.timedelta(hours=hours)
        if remaining < dt.timedelta(0):
            raise ValueError("Working hours can only be added forwards")
        current = self.next_working_moment(start)
        while True:
            # Wall-clock arithmetic inside one working day: clocks change at night, so
            # no working day contains a daylight-saving jump.
            available = self._closes(current.date()) - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self._opens(self.next_working_day(current.date()))

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Working time from `a` to `b` (negative if `b` is earlier)."""
        a, b = self._local(a), self._local(b)
        if b < a:
            return -self.working_hours_between(b, a)
        total = dt.timedelta(0)
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                begin = max(a, self._opens(day))
                end = min(b, self._closes(day))
                if end > begin:
                    total += end - begin
            day += _ONE_DAY
        return total


def _working_hours_setting() -> tuple[dt.time, dt.time]:
    start, end = getattr(settings, "HEARTH_WORKING_HOURS", ("09:00", "17:00"))
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def _load_calendar() -> WorkingCalendar:
    from hearth.timescales.models import LocalClosure  # models import this module

    day_start, day_end = _working_hours_setting()
    closures = dict(LocalClosure.objects.values_list("date", "reason"))
    return WorkingCalendar(closures, day_start=day_start, day_end=day_end)


_calendar_cache: LocalCache[WorkingCalendar] = LocalCache(_load_calendar)


def working_calendar() -> WorkingCalendar:
    """This authority's calendar: bank holidays, weekends and its local closure days."""
    return _calendar_cache.get()


def invalidate_calendar() -> None:
    """Forget the cached closure days (called whenever a LocalClosure changes)."""
    _calendar_cache.invalidate()
