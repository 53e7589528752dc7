"""The front door's clocks, counted on the authority's working calendar.

- The decision on a contact is due by the end of the working day after the day it was
  received (`referral.decision` in the timescale rules: Working Together 2023, ch. 3).
- Information requests to partners are due a set time after they are sent, by the
  contact's RAG rating. Hearth's defaults (red 4 working hours, amber 1 working day,
  green 3 working days) are local practice, not statute; an authority changes them
  with the setting HEARTH_FRONTDOOR_REQUEST_DEADLINES, e.g.
  ``{"red": (2, "working_hours"), "amber": (1, "working_days"), "green": (3, "working_days")}``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from hearth.timescales.calendar import WorkingCalendar, working_calendar
from hearth.timescales.engine import due_date

DECISION_RULE = "referral.decision"
DEFAULT_REQUEST_DEADLINES: dict[str, tuple[int, str]] = {
    "red": (4, "working_hours"),
    "amber": (1, "working_days"),
    "green": (3, "working_days"),
}
_UNITS = {
    "working_hours": ("working hour", "working hours"),
    "working_days": ("working day", "working days"),
}


def request_deadlines() -> dict[str, tuple[int, str]]:
    configured = getattr(settings, "HEARTH_FRONTDOOR_REQUEST_DEADLINES", None) or {}
    deadlines = {**DEFAULT_REQUEST_DEADLINES, **configured}
    for rag, (amount, unit) in deadlines.items():
        if unit not in _UNITS or amount < 0:
            raise ValueError(f"HEARTH_FRONTDOOR_REQUEST_DEADLINES[{rag!r}]: {amount} {unit}")
    return deadlines


def describe_deadline(rag: str) -> str:
    """'4 working hours', for the page that sets a rating."""
    amount, unit = request_deadlines()[rag]
    singular, plural = _UNITS[unit]
    return f"{amount} {singular if amount == 1 else plural}"


def decision_due_at(
    received_at: dt.datetime, calendar: WorkingCalendar | None = None
) -> dt.datetime:
    """The end of the working day one working day after the day of receipt: a contact
    received on Friday (or on Saturday) is due by close of Monday, or Tuesday after a
    bank holiday Monday."""
    cal = calendar or working_calendar()
    day = due_date(DECISION_RULE, received_at).date
    return dt.datetime.combine(day, cal.day_end, tzinfo=cal.tz)


def request_due_at(
    rag: str, sent_at: dt.datetime, calendar: WorkingCalendar | None = None
) -> dt.datetime:
    """When a partner's answer is due. Working hours count inside the working day; a
    working day is the same time on the next working day, counted from the moment the
    request reaches working hours (a request sent at 18:00 on Friday, amber, is due at
    09:00 on Tuesday)."""
    cal = calendar or working_calendar()
    amount, unit = request_deadlines()[rag]
    if unit == "working_hours":
        return cal.add_working_hours(sent_at, amount)
    start = cal.next_working_moment(sent_at)
    day = cal.add_working_days(start.date(), amount)
    return dt.datetime.combine(day, start.time(), tzinfo=cal.tz)


@dataclass(frozen=True)
class Clock:
    """How a deadline stands now, for a tag on a page."""

    due_at: dt.datetime
    overdue: bool
    text: str
    colour: str  # GOV.UK tag colour


def _hours_text(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}h {minutes:02d}m"
    return f"{hours}h" if hours else f"{minutes}m"


def clock(
    due_at: dt.datetime,
    *,
    now: dt.datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> Clock:
    """Working time left before `due_at` (or how late it is), red once it has passed."""
    cal = calendar or working_calendar()
    now = now or timezone.now()
    if now > due_at:
        late = cal.working_hours_between(due_at, now)
        text = f"Overdue by {_hours_text(late)} working time" if late else "Overdue"
        return Clock(due_at, True, text, "red")
    left = cal.working_hours_between(now, due_at)
    day_length = dt.datetime.combine(dt.date.min, cal.day_end) - dt.datetime.combine(
        dt.date.min, cal.day_start
    )
    colour = "yellow" if left <= day_length / 2 else "grey"
    return Clock(due_at, False, f"{_hours_text(left)} working time left", colour)
