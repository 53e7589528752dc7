"""The working-day calendar against dates counted by hand.

How the expected dates were checked: each was counted by hand on a printed month
calendar (Python's `calendar.TextCalendar`), skipping the England and Wales bank
holidays published on gov.uk/bank-holidays, then cross-checked with
`numpy.busday_offset` given the same holidays typed in by hand (not the `holidays`
package). Day 0 is the day of the event.

Bank holidays used (England and Wales):
  2021: Mon 27 Dec, Tue 28 Dec (substitutes: Christmas and Boxing Day fell at a weekend)
  2022: Mon 3 Jan (substitute for Sat 1 Jan)
  2024: Fri 29 Mar (Good Friday), Mon 1 Apr (Easter Monday)
  2026: Fri 3 Apr, Mon 6 Apr (Easter); Mon 4 May (early May); Mon 25 May (spring);
        Mon 31 Aug (summer); Fri 25 Dec; Mon 28 Dec (substitute for Boxing Day, a Saturday)
  2027: Fri 1 Jan; Mon 27 Dec, Tue 28 Dec (substitutes: both fell at a weekend)
  2028: Mon 3 Jan (substitute for Sat 1 Jan)
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth.timescales.calendar import (
    WorkingCalendar,
    add_calendar_days,
    add_months,
    add_weeks,
    england_bank_holidays,
)

D = dt.date
LONDON = ZoneInfo("Europe/London")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


class TestBankHolidays:
    def test_substitute_days_when_christmas_falls_at_a_weekend(self):
        assert set(england_bank_holidays(2027)) >= {D(2027, 12, 27), D(2027, 12, 28)}
        assert set(england_bank_holidays(2021)) >= {D(2021, 12, 27), D(2021, 12, 28)}
        assert D(2022, 1, 3) in england_bank_holidays(2022)
        assert D(2028, 1, 3) in england_bank_holidays(2028)

    def test_2026_in_full(self):
        # The package also lists the Saturday itself (26 December); only weekdays matter.
        weekdays = sorted(d for d in england_bank_holidays(2026) if d.weekday() < 5)
        assert weekdays == [
            D(2026, 1, 1),
            D(2026, 4, 3),
            D(2026, 4, 6),
            D(2026, 5, 4),
            D(2026, 5, 25),
            D(2026, 8, 31),
            D(2026, 12, 25),
            D(2026, 12, 28),
        ]

    def test_england_not_scotland(self, cal):
        # 2 January and St Andrew's Day are Scottish bank holidays only.
        assert cal.is_working_day(D(2026, 1, 2))
        assert cal.is_working_day(D(2026, 11, 30))

    def test_why_a_day_is_closed(self, closed):
        assert closed.closed_because(D(2026, 12, 26)) == "Saturday"
        assert "Boxing Day" in (closed.closed_because(D(2026, 12, 28)) or "")
        assert closed.closed_because(D(2026, 12, 29)) == "Christmas closure"
        assert closed.closed_because(D(2026, 12, 24)) is None


class TestAddWorkingDays:
    @pytest.mark.parametrize(
        ("start", "days", "expected"),
        [
            # An ordinary week: Friday + 1 is Monday; Saturday counts as day 0 too.
            (D(2026, 3, 6), 1, D(2026, 3, 9)),
            (D(2026, 3, 7), 1, D(2026, 3, 9)),
            (D(2026, 3, 6), 0, D(2026, 3, 6)),
            # Christmas 2026: Fri 25 and Mon 28 (Boxing Day substitute) are holidays.
            (D(2026, 12, 24), 1, D(2026, 12, 29)),
            # Christmas 2027: both days at the weekend, substitutes Mon 27 and Tue 28.
            (D(2027, 12, 24), 1, D(2027, 12, 29)),
            (D(2027, 12, 24), 3, D(2027, 12, 31)),
            # ... and New Year's Day 2028 is a Saturday: substitute Monday 3 January.
            (D(2027, 12, 24), 4, D(2028, 1, 4)),
            # Christmas 2021 the same; New Year's Day 2022 substitute Monday 3 January.
            (D(2021, 12, 24), 1, D(2021, 12, 29)),
            (D(2021, 12, 31), 1, D(2022, 1, 4)),
            # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
            (D(2026, 4, 2), 1, D(2026, 4, 7)),
            # Early May (Mon 4) and spring (Mon 25 May) bank holidays.
            (D(2026, 5, 1), 1, D(2026, 5, 5)),
            (D(2026, 5, 22), 1, D(2026, 5, 26)),
            # Summer bank holiday, Mon 31 August 2026.
            (D(2026, 8, 28), 1, D(2026, 9, 1)),
        ],
    )
    def test_forwards(self, cal, start, days, expected):
        assert cal.add_working_days(start, days) == expected

    def test_45_days_across_easter_and_both_may_bank_holidays(self, cal):
        # Thu 2 Apr 2026: April 7-30 gives 18, Fri 1 May 19, May 5-22 (not 4) 33,
        # May 26-29 (not 25) 37, June 1-5 42, June 8, 9, 10 -> 45.
        assert cal.add_working_days(D(2026, 4, 2), 45) == D(2026, 6, 10)

    def test_15_days_across_christmas_and_new_year(self, cal):
        # Fri 18 Dec 2026: 21-24 Dec (4), 29-31 Dec (7), 4-8 Jan (12), 11-13 Jan (15).
        assert cal.add_working_days(D(2026, 12, 18), 15) == D(2027, 1, 13)

    def test_local_closure_days_are_skipped(self, closed):
        # 29-31 Dec closed, 1 Jan a bank holiday: Thursday 24 Dec + 1 is Monday 4 Jan.
        assert closed.add_working_days(D(2026, 12, 24), 1) == D(2027, 1, 4)
        # Fri 18 Dec + 10: 21-24 Dec (4), 4-8 Jan (9), Mon 11 Jan (10).
        assert closed.add_working_days(D(2026, 12, 18), 10) == D(2027, 1, 11)

    @pytest.mark.parametrize(
        ("start", "days", "expected"),
        [
            # 3 working days before a Wednesday is the Friday before.
            (D(2026, 3, 11), -3, D(2026, 3, 6)),
            # Before Tue 7 Apr 2026, skipping Easter Monday and Good Friday:
            # Thu 2 Apr (1), Wed 1 (2), Tue 31 Mar (3), Mon 30 (4), Fri 27 Mar (5).
            (D(2026, 4, 7), -5, D(2026, 3, 27)),
            # Before Wed 6 Jan 2027: Tue 5 (1), Mon 4 (2), Thu 31 Dec (3).
            (D(2027, 1, 6), -3, D(2026, 12, 31)),
            # Saturday is day 0: 1 working day before it is the Friday.
            (D(2026, 3, 7), -1, D(2026, 3, 6)),
        ],
    )
    def test_backwards(self, cal, start, days, expected):
        assert cal.add_working_days(start, days) == expected

    def test_backwards_over_a_closure(self, closed):
        # Before Wed 6 Jan 2027 with 29-31 Dec closed: Tue 5, Mon 4, Thu 24 Dec.
        assert closed.add_working_days(D(2027, 1, 6), -3) == D(2026, 12, 24)


class TestBetween:
    def test_counts_working_days_after_the_first_date(self, cal):
        assert cal.working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1
        assert cal.working_days_between(D(2026, 12, 18), D(2027, 1, 13)) == 15
        assert cal.working_days_between(D(2026, 12, 18), D(2026, 12, 18)) == 0
        # Friday to the Sunday after: no working day has passed.
        assert cal.working_days_between(D(2026, 3, 6), D(2026, 3, 8)) == 0

    def test_backwards_is_negative(self, cal):
        assert cal.working_days_between(D(2027, 1, 13), D(2026, 12, 18)) == -15
        assert cal.working_days_between(D(2026, 3, 11), D(2026, 3, 6)) == -3

    def test_closures(self, closed):
        assert closed.working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 1

    @given(
        start=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
        days=st.integers(min_value=-80, max_value=80),
    )
    def test_inverse_of_adding(self, start, days):
        cal = WorkingCalendar({D(2026, 12, 29): "closed"})
        end = cal.add_working_days(start, days)
        assert cal.working_days_between(start, end) == days
        if days:
            assert cal.is_working_day(end)

    def test_next_and_previous(self, cal, closed):
        assert cal.next_working_day(D(2026, 12, 24)) == D(2026, 12, 29)
        assert cal.previous_working_day(D(2026, 12, 29)) == D(2026, 12, 24)
        assert cal.next_working_day(D(2027, 12, 24)) == D(2027, 12, 29)
        assert cal.next_working_day(D(2026, 3, 9)) == D(2026, 3, 10)
        assert closed.next_working_day(D(2026, 12, 24)) == D(2027, 1, 4)
        assert closed.previous_working_day(D(2027, 1, 4)) == D(2026, 12, 24)


class TestCalendarArithmetic:
    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (D(2026, 1, 31), 1, D(2026, 2, 28)),
            (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
            (D(2026, 8, 31), 6, D(2027, 2, 28)),
            (D(2027, 11, 30), 3, D(2028, 2, 29)),
            (D(2026, 11, 15), 3, D(2027, 2, 15)),
            (D(2026, 12, 31), 2, D(2027, 2, 28)),
            (D(2026, 3, 31), -1, D(2026, 2, 28)),
            (D(2026, 1, 15), -1, D(2025, 12, 15)),
            (D(2026, 5, 31), 0, D(2026, 5, 31)),
        ],
    )
    def test_months_clamp_to_the_end_of_the_month(self, start, months, expected):
        assert add_months(start, months) == expected

    def test_weeks_and_days(self):
        assert add_weeks(D(2026, 12, 24), 1) == D(2026, 12, 31)
        assert add_weeks(D(2026, 1, 1), 26) == D(2026, 7, 2)
        assert add_calendar_days(D(2026, 2, 27), 2) == D(2026, 3, 1)
        assert add_calendar_days(D(2026, 3, 1), -1) == D(2026, 2, 28)


class TestWorkingHours:
    def test_crossing_a_weekend(self, cal):
        # Friday 15:00 + 4h: 2h on Friday, 2h on Monday from 09:00.
        assert cal.add_working_hours(at(2026, 3, 6, 15), 4) == at(2026, 3, 9, 11)

    def test_crossing_easter(self, cal):
        # Thursday 2 April 16:00 + 4h: 1h Thursday; Good Friday to Easter Monday closed.
        assert cal.add_working_hours(at(2026, 4, 2, 16), 4) == at(2026, 4, 7, 12)

    def test_crossing_the_clocks_going_forward(self, cal):
        # Clocks go forward on Sunday 29 March 2026; Friday 16:00 GMT + 4h is Monday
        # 12:00 BST, which is 11:00 UTC.
        result = cal.add_working_hours(at(2026, 3, 27, 16), 4)
        assert result == at(2026, 3, 30, 12)
        assert result.astimezone(dt.UTC) == dt.datetime(2026, 3, 30, 11, tzinfo=dt.UTC)

    def test_outside_working_hours(self, cal):
        assert cal.add_working_hours(at(2026, 3, 9, 7, 30), 4) == at(2026, 3, 9, 13)
        assert cal.add_working_hours(at(2026, 3, 9, 18), 1) == at(2026, 3, 10, 10)
        assert cal.add_working_hours(at(2026, 3, 9, 17), 1) == at(2026, 3, 10, 10)
        assert cal.add_working_hours(at(2026, 3, 7, 12), 1) == at(2026, 3, 9, 10)

    def test_whole_days(self, cal):
        assert cal.add_working_hours(at(2026, 3, 9, 13), 4) == at(2026, 3, 9, 17)
        assert cal.add_working_hours(at(2026, 3, 9, 9), 8) == at(2026, 3, 9, 17)
        assert cal.add_working_hours(at(2026, 3, 9, 9), 8.5) == at(2026, 3, 10, 9, 30)
        assert cal.add_working_hours(at(2026, 3, 9, 9), dt.timedelta(minutes=30)) == at(
            2026, 3, 9, 9, 30
        )

    def test_utc_input_is_read_as_local_time(self, cal):
        # 08:00 UTC on 1 July is 09:00 BST.
        start = dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC)
        assert cal.add_working_hours(start, 1) == at(2026, 7, 1, 10)

    def test_closure_days_and_other_working_hours(self):
        cal = WorkingCalendar(
            {D(2026, 12, 29): "closed"}, day_start=dt.time(8, 30), day_end=dt.time(16, 30)
        )
        # Thu 24 Dec 15:30 + 2h: 1h Thursday; 25, 28 holidays, 29 closed; Wed 30 09:30.
        assert cal.add_working_hours(at(2026, 12, 24, 15, 30), 2) == at(2026, 12, 30, 9, 30)

    def test_hours_between(self, cal):
        assert cal.working_hours_between(at(2026, 3, 6, 15), at(2026, 3, 9, 11)) == dt.timedelta(
            hours=4
        )
        assert cal.working_hours_between(at(2026, 3, 9, 11), at(2026, 3, 6, 15)) == -dt.timedelta(
            hours=4
        )
        assert cal.working_hours_between(at(2026, 3, 7, 10), at(2026, 3, 8, 10)) == dt.timedelta(0)

    def test_refuses_naive_and_negative(self, cal):
        with pytest.raises(ValueError, match="timezone"):
            cal.add_working_hours(dt.datetime(2026, 3, 9, 10), 1)
        with pytest.raises(ValueError, match="forwards"):
            cal.add_working_hours(at(2026, 3, 9, 10), -1)

    def test_working_day_must_end_after_it_starts(self):
        with pytest.raises(ValueError, match="end after"):
            WorkingCalendar(day_start=dt.time(17), day_end=dt.time(9))
