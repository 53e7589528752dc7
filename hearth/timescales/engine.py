"""Turning events into due dates, using the rules in `rules/` and the local settings.

    from hearth.timescales.engine import due_date, next_due, timescales

    due = due_date("cp.icpc", strategy_discussion_on)
    due.date, due.title, due.offset_text, due.source   # what the details component shows

    ts = timescales()            # loads closures and local targets once, for a batch
    ts.apply_due(conference, "cp.review", conference.held_on, last=last_review_on)

A casework model stores each due date on its own row (so lists sort and filter by it in
the database) and recomputes it whenever a fact it depends on changes; see
`registry.py` for how it also hears about closure days and local targets changing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from django.utils import timezone

from hearth.timescales.caching import LocalCache
from hearth.timescales.calendar import WorkingCalendar, working_calendar
from hearth.timescales.rules import (
    RULES_DIR,
    NonWorkingDay,
    NoRuleError,
    Offset,
    Rule,
    RuleBook,
    RuleDataError,
    Unit,
)

Moment = dt.date | dt.datetime


@cache
def rulebook() -> RuleBook:
    """Hearth's rules, read once per process (they change only with a release)."""
    book = RuleBook.from_dirs(RULES_DIR)
    if not book.codes():
        # A packaging mistake would otherwise surface as "no rule" on every page.
        raise RuleDataError(f"No timescale rules found in {RULES_DIR}")
    return book


@dataclass(frozen=True)
class LocalValue:
    """An authority's value for one rule (a snapshot of a `LocalTarget` row)."""

    rule_code: str
    offset: Offset
    repeat_offset: Offset | None
    valid_from: dt.date
    valid_to: dt.date | None
    reason: str

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _load_local_values() -> tuple[LocalValue, ...]:
    from hearth.timescales.models import LocalTarget  # models import this module

    return tuple(
        LocalValue(
            rule_code=t.rule_code,
            offset=t.offset,
            repeat_offset=t.repeat_offset,
            valid_from=t.valid_from,
            valid_to=t.valid_to,
            reason=t.reason,
        )
        for t in LocalTarget.objects.all()
    )


_local_values_cache: LocalCache[tuple[LocalValue, ...]] = LocalCache(_load_local_values)


def invalidate_local_values() -> None:
    """Forget the cached local targets (called whenever a LocalTarget changes)."""
    _local_values_cache.invalidate()


DEFAULT_LOCAL_REASON = "Hearth's default: this authority has not set its own"


@dataclass(frozen=True)
class Due:
    """A due date and everything needed to explain it to the person who must meet it."""

    date: dt.date
    code: str
    title: str
    start: Moment
    event: str  # the starting event, in words
    offset: Offset
    offset_text: str  # "15 working days after the strategy discussion ..."
    source: str
    source_url: str
    local: bool  # the timescale is local practice, not statutory
    local_reason: str  # for a local rule: where its value comes from
    rule: Rule
    repeat: bool = False  # counted from the last occurrence, not the first event
    at: dt.datetime | None = None  # for deadlines in working hours
    target: dt.date | None = None  # a stricter local target beside a statutory date
    target_at: dt.datetime | None = None
    target_text: str = ""
    target_reason: str = ""

    @property
    def value(self) -> Moment:
        """What is stored on the record: the moment for working hours, else the date."""
        return self.at or self.date

    @property
    def target_value(self) -> Moment | None:
        return self.target_at or self.target

    @property
    def summary(self) -> str:
        """One line for a hover title."""
        text = f"{self.title}: {self.offset_text}."
        if self.target:
            text += f" Local target: {self.target_text}."
        return f"{text} Source: {self.source}"


@dataclass(frozen=True)
class DueStatus:
    state: str  # met, late, overdue, today, soon, upcoming
    text: str
    colour: str  # GOV.UK tag colour
    working_days: int


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _as_date(moment: Moment) -> dt.date:
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def describe(offset: Offset, event: str, roll: NonWorkingDay = NonWorkingDay.KEEP) -> str:
    """'15 working days after the strategy discussion', for people reading a due date."""
    if offset.amount == 0:
        text = f"on the day of {event}"
    else:
        text = f"{offset.describe()} {'before' if offset.amount < 0 else 'after'} {event}"
    if roll is NonWorkingDay.PREVIOUS:
        text += "; if that is not a working day, the working day before"
    elif roll is NonWorkingDay.NEXT:
        text += "; if that is not a working day, the next working day"
    return text


class Timescales:
    """The rules with one reading of the calendar and local targets.

    Make one per request or batch of recomputations: the closure days and local targets
    are read once (from the process cache), on first use.
    """

    def __init__(
        self,
        *,
        book: RuleBook | None = None,
        calendar: WorkingCalendar | None = None,
        local_values: Iterable[LocalValue] | None = None,
    ) -> None:
        self.book = book or rulebook()
        if calendar is not None:
            self.__dict__["calendar"] = calendar
        if local_values is not None:
            self.__dict__["local_values"] = tuple(local_values)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return working_calendar()

    @cached_property
    def local_values(self) -> tuple[LocalValue, ...]:
        return _local_values_cache.get()

    def rule(self, code: str, on: dt.date | None = None) -> Rule:
        """The version of a rule valid on `on` (today if not given)."""
        return self.book.rule(code, on or timezone.localdate())

    def local_value(self, code: str, on: dt.date) -> LocalValue | None:
        return next((v for v in self.local_values if v.rule_code == code and v.valid_on(on)), None)

    def _apply(self, offset: Offset, start: Moment, roll: NonWorkingDay) -> Moment:
        moment = offset.apply(start, self.calendar)
        if isinstance(moment, dt.datetime) or self.calendar.is_working_day(moment):
            return moment
        if roll is NonWorkingDay.PREVIOUS:
            return self.calendar.previous_working_day(moment)
        if roll is NonWorkingDay.NEXT:
            return self.calendar.next_working_day(moment)
        return moment

    def _due(self, code: str, start: Moment, on: dt.date | None, *, repeat: bool) -> Due:
        on = on or _as_date(start)
        r = self.book.rule(code, on)
        if repeat and r.repeat is None:
            raise ValueError(f"Timescale rule {code!r} does not repeat")
        base = r.repeat.offset if r.repeat and repeat else r.offset
        event = self.book.event_label(r.repeat.after if r.repeat and repeat else r.starts_on)
        local = self.local_value(code, on) if r.allows_local_setting else None
        local_offset = (local.repeat_offset if repeat else local.offset) if local else None
        offset, target_offset, local_reason, target_reason = base, None, "", ""
        if r.local:
            offset = local_offset or base
            local_reason = local.reason if local and local_offset else DEFAULT_LOCAL_REASON
        elif local_offset:
            target_offset, target_reason = local_offset, local.reason if local else ""
        elif r.local_target and not repeat:
            target_offset, target_reason = r.local_target, DEFAULT_LOCAL_REASON
        moment = self._apply(offset, start, r.on_non_working_day)
        target: Moment | None = None
        if target_offset:
            # Never later than the statutory date, whatever was configured.
            found = self._apply(target_offset, start, r.on_non_working_day)
            target = min(found, moment) if type(found) is type(moment) else moment
        at = moment if isinstance(moment, dt.datetime) else None
        target_at = target if isinstance(target, dt.datetime) else None
        return Due(
            date=_as_date(moment),
            at=at,
            code=r.code,
            title=r.title,
            start=start,
            event=event,
            offset=offset,
            offset_text=describe(offset, event, r.on_non_working_day),
            source=r.source,
            source_url=r.source_url,
            local=r.local,
            local_reason=local_reason,
            rule=r,
            repeat=repeat,
            target=_as_date(target) if target is not None else None,
            target_at=target_at,
            target_text=describe(target_offset, event, r.on_non_working_day)
            if target_offset
            else "",
            target_reason=target_reason,
        )

    def due_date(self, code: str, start: Moment, *, on: dt.date | None = None) -> Due:
        """When rule `code` falls due for an event on `start`.

        The rule version (and local target) valid on `on` applies; by default that is the
        day of the event itself, so later changes to a rule do not move running clocks.
        """
        return self._due(code, start, on, repeat=False)

    def next_due(self, code: str, last: Moment, *, on: dt.date | None = None) -> Due:
        """For a repeating rule: when the next one is due after the last on `last`."""
        return self._due(code, last, on, repeat=True)

    def apply_due(
        self,
        obj: Any,
        code: str,
        start: Moment | None,
        *,
        last: Moment | None = None,
        on: dt.date | None = None,
    ) -> list[str]:
        """Set the fields rule `code` produces on `obj`; return the names that changed.

        With `last`, a repeating rule counts from the last occurrence; otherwise from
        `start`; with neither, the fields are cleared (the clock has not started).
        """
        due: Due | None = None
        if last is not None:
            due = self.next_due(code, last, on=on)
        elif start is not None:
            due = self.due_date(code, start, on=on)
        r = due.rule if due else self.book.versions(code)[-1]
        if not r.produces.due_date:
            raise ValueError(f"Timescale rule {code!r} does not produce a due date field")
        changed = []
        for name, value in (
            (r.produces.due_date, due.value if due else None),
            (r.produces.target_date, due.target_value if due else None),
        ):
            if name and getattr(obj, name) != value:
                setattr(obj, name, value)
                changed.append(name)
        return changed

    def status(
        self,
        due_on: dt.date,
        *,
        met_on: dt.date | None = None,
        today: dt.date | None = None,
        soon: int = 2,
    ) -> DueStatus:
        """How a due date stands today, counted in working days."""
        cal = self.calendar
        if met_on is not None:
            if met_on <= due_on:
                return DueStatus("met", "Done in time", "green", 0)
            late = cal.working_days_between(due_on, met_on)
            text = f"Done {_plural(late, 'working day')} late" if late else "Done late"
            return DueStatus("late", text, "orange", late)
        today = today or timezone.localdate()
        if today > due_on:
            over = cal.working_days_between(due_on, today)
            text = f"Overdue by {_plural(over, 'working day')}" if over else "Overdue"
            return DueStatus("overdue", text, "red", -over)
        if today == due_on:
            return DueStatus("today", "Due today", "yellow", 0)
        left = cal.working_days_between(today, due_on)
        if left == 0:
            return DueStatus("soon", "Due before the next working day", "yellow", 0)
        text = f"{_plural(left, 'working day')} left"
        if left <= soon:
            return DueStatus("soon", text, "yellow", left)
        return DueStatus("upcoming", text, "grey", left)


def timescales(book: RuleBook | None = None) -> Timescales:
    """The engine with this authority's closure days and local targets."""
    return Timescales(book=book)


def rule(code: str, on: dt.date | None = None) -> Rule:
    """The version of rule `code` valid on `on` (today if not given)."""
    return rulebook().rule(code, on or timezone.localdate())


def due_date(code: str, start: Moment, *, on: dt.date | None = None) -> Due:
    return timescales().due_date(code, start, on=on)


def next_due(code: str, last: Moment, *, on: dt.date | None = None) -> Due:
    return timescales().next_due(code, last, on=on)


def apply_due(
    obj: Any, code: str, start: Moment | None, *, last: Moment | None = None
) -> list[str]:
    return timescales().apply_due(obj, code, start, last=last)


__all__ = [
    "Due",
    "DueStatus",
    "NoRuleError",
    "Timescales",
    "Unit",
    "apply_due",
    "due_date",
    "next_due",
    "rule",
    "rulebook",
    "timescales",
]
