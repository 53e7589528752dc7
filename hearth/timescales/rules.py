"""Timescale rules as data: one TOML file per rule set in `rules/`.

A rule says which event starts the clock, how far away the deadline is, what it produces
(a due date stored on a record, a task for a role), whether it repeats, the dates it is
valid between, and the public document it comes from. Several versions of one rule code
may exist with adjacent validity dates; the version valid on the day of the starting
event applies, so a change in guidance does not move deadlines already running.

File layout (see `rules/child_protection.toml` for a full example):

    name = "Child protection"

    [events]
    "icpc.held" = "the initial child protection conference"

    [[rules]]
    code = "cp.core_group.first"
    title = "First core group meeting"
    starts_on = "icpc.held"
    offset = { amount = 10, unit = "working_days" }
    produces = { due_date = "core_group_due_on", task = { role = "social_worker", title = "…" } }
    repeat = { amount = 6, unit = "months", after = "cp_review.held" }   # optional
    valid_from = 2018-07-04          # optional; inclusive
    valid_to = 2023-12-14            # optional; inclusive
    source = "Working Together to Safeguard Children 2023, chapter 3 ..."
    source_url = "https://www.gov.uk/..."
    local = false                    # true: local practice only; the offset is a default
    stricter_local_target = true     # the authority may set a stricter target
    local_target = { amount = 8, unit = "working_days" }   # optional default target
    on_non_working_day = "previous"  # keep (default) | previous | next
    conditions = ["child_seen_alone"]  # what an event must show to count (optional)

Units: working_days, calendar_days, weeks, months (clamped to the month's end),
working_hours (inside the working day) and hours (elapsed clock time).

Shapes the rules for children in care will need, and how to write them:
- a sequence with different intervals (looked-after reviews: 20 working days, then
  3 months, then every 6 months) is one rule per step (`care.review.first`,
  `care.review.second` with `starts_on` the first review, `care.review.later` with a
  `repeat`); the casework app picks the step from the reviews it holds;
- alternatives that depend on facts (visits every 6 weeks in the first year of a
  placement, then every 3 months if it is meant to last until 18) are separate rule
  codes, chosen by the casework app, never conditions evaluated here;
- a period "beginning with" the day of the event (care proceedings: 26 weeks beginning
  with the day of issue) counts that day as day 1, so it ends one day before the
  anniversary: write it as 181 calendar_days and say so in `notes`.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hearth.timescales.calendar import WorkingCalendar, add_calendar_days, add_months, add_weeks

RULES_DIR = Path(__file__).parent / "rules"
_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class RuleDataError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


class NoRuleError(LookupError):
    """No version of the rule is valid on the date asked for."""


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WEEKS = "weeks"
    MONTHS = "months"
    WORKING_HOURS = "working_hours"
    HOURS = "hours"  # clock hours, e.g. a return interview within 72 hours

    @property
    def needs_time(self) -> bool:
        return self in {Unit.WORKING_HOURS, Unit.HOURS}

    def describe(self, amount: int) -> str:
        singular, plural = _UNIT_WORDS[self]
        return f"{amount} {singular if amount == 1 else plural}"


_UNIT_WORDS = {
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.CALENDAR_DAYS: ("day", "days"),
    Unit.WEEKS: ("week", "weeks"),
    Unit.MONTHS: ("month", "months"),
    Unit.WORKING_HOURS: ("working hour", "working hours"),
    Unit.HOURS: ("hour", "hours"),
}
UNIT_CHOICES = [(u.value, _UNIT_WORDS[u][1].capitalize()) for u in Unit]


class NonWorkingDay(enum.StrEnum):
    """What to do when a deadline counted in calendar units lands on a non-working day.

    Meetings (conferences, reviews) cannot be held at a weekend, and "within 3 months"
    is missed by the Monday after a Saturday deadline, so those rules say `previous`.
    Visits can happen at weekends, so they `keep` the date.
    """

    KEEP = "keep"
    PREVIOUS = "previous"
    NEXT = "next"


@dataclass(frozen=True)
class Offset:
    amount: int
    unit: Unit

    def describe(self) -> str:
        return self.unit.describe(abs(self.amount))

    def apply(
        self, start: dt.date | dt.datetime, calendar: WorkingCalendar
    ) -> dt.date | dt.datetime:
        """The moment this offset after `start`: a datetime for working hours, else a date."""
        if self.unit.needs_time:
            if not isinstance(start, dt.datetime) or start.tzinfo is None:
                raise TypeError(f"A deadline in {self.unit.value} needs the time of the event")
            if self.unit is Unit.HOURS:
                # Elapsed time, so a night when the clocks change is an hour shorter.
                utc = start.astimezone(dt.UTC) + dt.timedelta(hours=self.amount)
                return utc.astimezone(calendar.tz)
            if self.amount < 0:
                raise ValueError("Working-hour offsets run forwards only")
            return calendar.add_working_hours(start, self.amount)
        day = _as_local_date(start, calendar)
        match self.unit:
            case Unit.WORKING_DAYS:
                return calendar.add_working_days(day, self.amount)
            case Unit.CALENDAR_DAYS:
                return add_calendar_days(day, self.amount)
            case Unit.WEEKS:
                return add_weeks(day, self.amount)
            case Unit.MONTHS:
                return add_months(day, self.amount)
        raise AssertionError(self.unit)  # pragma: no cover


def _as_local_date(start: dt.date | dt.datetime, calendar: WorkingCalendar) -> dt.date:
    if isinstance(start, dt.datetime):
        return start.astimezone(calendar.tz).date() if start.tzinfo else start.date()
    return start


@dataclass(frozen=True)
class Task:
    role: str
    title: str


@dataclass(frozen=True)
class Produces:
    due_date: str = ""  # field on the record that stores the due date
    target_date: str = ""  # field that stores the stricter local target, if any
    task: Task | None = None


@dataclass(frozen=True)
class Repeat:
    offset: Offset
    after: str  # the event each later deadline is counted from


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    rule_set: str
    starts_on: str
    offset: Offset
    source: str
    produces: Produces = field(default_factory=Produces)
    repeat: Repeat | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source_url: str = ""
    local: bool = False
    stricter_local_target: bool = False
    local_target: Offset | None = None
    on_non_working_day: NonWorkingDay = NonWorkingDay.KEEP
    conditions: tuple[str, ...] = ()
    notes: str = ""

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)

    @property
    def allows_local_setting(self) -> bool:
        """Whether an authority may set its own value (a local rule, or a stricter target)."""
        return self.local or self.stricter_local_target

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether this version's validity overlaps [start, end] (None is open-ended)."""
        return (self.valid_to is None or start is None or start <= self.valid_to) and (
            self.valid_from is None or end is None or self.valid_from <= end
        )


class RuleBook:
    """Every version of every rule, with the events they start from."""

    def __init__(self, rules: Iterable[Rule], events: Mapping[str, str]) -> None:
        self.events: Mapping[str, str] = dict(events)
        by_code: dict[str, list[Rule]] = defaultdict(list)
        for r in rules:
            by_code[r.code].append(r)
        self._versions = {
            code: tuple(sorted(vs, key=lambda r: r.valid_from or dt.date.min))
            for code, vs in by_code.items()
        }
        self._check()

    def _check(self) -> None:
        from hearth.accounts.models import Role  # only needed once the apps are loaded

        roles = set(Role.values)
        for code, versions in self._versions.items():
            for earlier, later in itertools.pairwise(versions):
                if earlier.valid_to is None or (
                    later.valid_from is not None and later.valid_from <= earlier.valid_to
                ):
                    raise RuleDataError(f"{code}: versions overlap; give each valid_from/valid_to")
            for r in versions:
                where = f"{r.rule_set}: {code}"
                for event in (r.starts_on, r.repeat.after if r.repeat else None):
                    if event is not None and event not in self.events:
                        raise RuleDataError(f"{where}: unknown event {event!r}")
                task = r.produces.task
                if task and task.role not in roles:
                    raise RuleDataError(f"{where}: unknown role {task.role!r}")
                if r.local_target and not r.stricter_local_target:
                    raise RuleDataError(f"{where}: local_target needs stricter_local_target")
                if r.local and r.stricter_local_target:
                    raise RuleDataError(
                        f"{where}: a local rule is itself configurable; "
                        "stricter_local_target is for statutory rules"
                    )
                if r.local_target and not is_stricter(r.local_target, r.offset):
                    raise RuleDataError(f"{where}: local_target must be stricter than the offset")

    def codes(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, code: str) -> tuple[Rule, ...]:
        try:
            return self._versions[code]
        except KeyError:
            raise NoRuleError(f"No timescale rule {code!r}") from None

    def rule(self, code: str, on: dt.date) -> Rule:
        """The version of rule `code` valid on `on`."""
        for r in self.versions(code):
            if r.valid_on(on):
                return r
        raise NoRuleError(f"No version of timescale rule {code!r} is valid on {on.isoformat()}")

    def all_rules(self) -> list[Rule]:
        return [r for code in self.codes() for r in self._versions[code]]

    def event_label(self, event: str) -> str:
        return self.events.get(event, event)

    @classmethod
    def from_dirs(cls, *dirs: Path) -> RuleBook:
        rules: list[Rule] = []
        events: dict[str, str] = {}
        for directory in dirs:
            for path in sorted(directory.glob("*.toml")):
                file_rules, file_events = load_rule_file(path)
                for name, label in file_events.items():
                    if events.get(name, label) != label:
                        raise RuleDataError(f"{path.name}: event {name!r} is described twice")
                    events[name] = label
                rules.extend(file_rules)
        return cls(rules, events)


def is_stricter(target: Offset, statutory: Offset) -> bool:
    """A local target is stricter if it is in the same unit and no later.

    Comparing across units (5 working days against 1 week) depends on the start date,
    so a target must use the statutory rule's unit. For an offset before an event
    (negative), stricter means earlier, which is also the smaller amount.
    """
    return target.unit == statutory.unit and target.amount <= statutory.amount


def _offset(raw: Any, where: str) -> Offset:
    if not isinstance(raw, dict) or set(raw) - {"amount", "unit", "after"}:
        raise RuleDataError(f"{where}: an offset is {{ amount = N, unit = ... }}")
    try:
        return Offset(int(raw["amount"]), Unit(raw["unit"]))
    except (KeyError, ValueError) as e:
        raise RuleDataError(f"{where}: bad offset {raw!r} ({e})") from None


_RULE_KEYS = {
    "code", "title", "starts_on", "offset", "produces", "repeat", "valid_from", "valid_to",
    "source", "source_url", "local", "stricter_local_target", "local_target",
    "on_non_working_day", "conditions", "notes",
}  # fmt: skip


def _rule(raw: dict[str, Any], rule_set: str) -> Rule:
    where = f"{rule_set}: {raw.get('code', '?')}"
    if unknown := set(raw) - _RULE_KEYS:
        raise RuleDataError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("code", "title", "starts_on", "offset", "source"):
        if not raw.get(key):
            raise RuleDataError(f"{where}: {key} is required")
    if not _CODE.match(raw["code"]):
        raise RuleDataError(f"{where}: codes are lower-case dotted names")
    produces_raw = raw.get("produces", {})
    task_raw = produces_raw.get("task")
    produces = Produces(
        due_date=produces_raw.get("due_date", ""),
        target_date=produces_raw.get("target_date", ""),
        task=Task(role=task_raw["role"], title=task_raw["title"]) if task_raw else None,
    )
    repeat = None
    if "repeat" in raw:
        if "after" not in raw["repeat"]:
            raise RuleDataError(f"{where}: repeat needs `after` (the event it counts from)")
        repeat = Repeat(offset=_offset(raw["repeat"], where), after=raw["repeat"]["after"])
    valid_from, valid_to = raw.get("valid_from"), raw.get("valid_to")
    for value in (valid_from, valid_to):
        if value is not None and (isinstance(value, dt.datetime) or not isinstance(value, dt.date)):
            raise RuleDataError(f"{where}: validity dates are plain dates (2024-04-01)")
    if valid_from and valid_to and valid_to < valid_from:
        raise RuleDataError(f"{where}: valid_to is before valid_from")
    offset = _offset(raw["offset"], where)
    if offset.unit.needs_time and raw.get("on_non_working_day"):
        raise RuleDataError(f"{where}: deadlines in hours are moments, not days to move")
    try:
        non_working = NonWorkingDay(raw.get("on_non_working_day", "keep"))
    except ValueError:
        raise RuleDataError(f"{where}: on_non_working_day is keep, previous or next") from None
    return Rule(
        code=raw["code"],
        title=raw["title"],
        rule_set=rule_set,
        starts_on=raw["starts_on"],
        offset=offset,
        source=" ".join(raw["source"].split()),
        produces=produces,
        repeat=repeat,
        valid_from=valid_from,
        valid_to=valid_to,
        source_url=raw.get("source_url", ""),
        local=bool(raw.get("local", False)),
        stricter_local_target=bool(raw.get("stricter_local_target", False)),
        local_target=_offset(raw["local_target"], where) if "local_target" in raw else None,
        on_non_working_day=non_working,
        conditions=tuple(raw.get("conditions", ())),
        notes=" ".join(raw.get("notes", "").split()),
    )


def load_rule_file(path: Path) -> tuple[list[Rule], dict[str, str]]:
    """The rules and events in one rule-set file."""
    with path.open("rb") as f:
        try:
            data = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise RuleDataError(f"{path.name}: {e}") from None
    events = {str(k): str(v) for k, v in data.get("events", {}).items()}
    return [_rule(raw, path.stem) for raw in data.get("rules", [])], events
