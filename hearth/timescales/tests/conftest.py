from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hearth.timescales.calendar import WorkingCalendar, invalidate_calendar
from hearth.timescales.engine import invalidate_local_values
from hearth.timescales.rules import RuleBook

FIXTURE_RULES = Path(__file__).parent / "rules"

# Christmas closure used across the tests: Tuesday 29 to Thursday 31 December 2026
# (Friday 25 and Monday 28 are bank holidays; Friday 1 January 2027 too).
CLOSURES_2026 = {dt.date(2026, 12, d): "Christmas closure" for d in (29, 30, 31)}


@pytest.fixture(autouse=True)
def _fresh_local_settings():
    # Closure days and targets are cached per process; tests roll the rows back
    # without signals, so start and end each test with nothing cached.
    invalidate_calendar()
    invalidate_local_values()
    yield
    invalidate_calendar()
    invalidate_local_values()


@pytest.fixture
def cal() -> WorkingCalendar:
    """England and Wales bank holidays and weekends only."""
    return WorkingCalendar()


@pytest.fixture
def closed() -> WorkingCalendar:
    """With the 2026 Christmas closure."""
    return WorkingCalendar(CLOSURES_2026)


@pytest.fixture
def fixture_book() -> RuleBook:
    return RuleBook.from_dirs(FIXTURE_RULES)
