"""Where casework apps tell the engine which stored due dates to recompute.

Due dates live on the rows they belong to. A row recomputes its own when one of its
facts changes (the app's service calls `row.recompute_due_dates(ts)` and saves). When a
local setting changes instead (a closure day, a local target), timescales cannot touch
another app's tables, so each app registers a function that recomputes its own open
rows, and the timescales service calls it:

    # hearth/casework/apps.py, in ready()
    from hearth.timescales import registry
    registry.register(
        "casework.conference",
        rules=["cp.icpc", "cp.core_group.first", "cp.review"],
        recompute=services.conference_recompute_due_dates,   # (scope) -> rows changed
    )

    # hearth/casework/models.py
    class Conference(models.Model):
        def recompute_due_dates(self, ts: Timescales) -> list[str]:
            return ts.apply_due(self, "cp.review", self.held_on, last=self.last_review_on)

`recompute_rows` does the loop for a queryset of such rows.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from hearth.timescales.engine import Timescales


@dataclass(frozen=True)
class RecomputeScope:
    """What changed, so an app can limit which rows it recomputes.

    `rule_codes` None means every rule (a closure day moves any working-day deadline).
    `since` is the earliest day the change touches: a row whose clock started, or
    whose due date falls, on or after it may move. Recomputing more rows than needed
    is always safe.
    """

    rule_codes: frozenset[str] | None = None
    since: dt.date | None = None

    def covers(self, codes: Iterable[str]) -> bool:
        return self.rule_codes is None or bool(self.rule_codes & set(codes))


Recompute = Callable[[RecomputeScope], int]


@dataclass(frozen=True)
class Registration:
    name: str
    rules: frozenset[str]
    recompute: Recompute


class HasDueDates(Protocol):
    """A model whose rows store due dates worked out by the engine."""

    def recompute_due_dates(self, ts: Timescales) -> list[str]:
        """Set every due-date field from the row's facts; return the names that changed."""
        ...


_lock = threading.Lock()
_registrations: dict[str, Registration] = {}


def register(name: str, *, rules: Iterable[str], recompute: Recompute) -> None:
    """Declare that `recompute` keeps the due dates of rules `rules` up to date.

    Registering the same name again replaces the earlier entry (apps' ready() may run
    more than once in tests).
    """
    from hearth.timescales.engine import rulebook

    codes = frozenset(rules)
    known = set(rulebook().codes())
    if unknown := codes - known:
        raise ValueError(f"{name}: unknown timescale rules {sorted(unknown)}")
    with _lock:
        _registrations[name] = Registration(name=name, rules=codes, recompute=recompute)


def unregister(name: str) -> None:
    with _lock:
        _registrations.pop(name, None)


def registrations() -> list[Registration]:
    with _lock:
        return list(_registrations.values())


def recompute(scope: RecomputeScope) -> dict[str, int]:
    """Ask every registered app whose rules the change touches to recompute its rows.

    Returns the number of rows each changed. Runs in the caller's transaction, so a
    failure leaves the local setting and the due dates as they were.
    """
    return {reg.name: reg.recompute(scope) for reg in registrations() if scope.covers(reg.rules)}


def recompute_rows(rows: QuerySet[Model], ts: Timescales | None = None) -> int:
    """Recompute and save the due dates of `rows` (models with `recompute_due_dates`)."""
    from hearth.timescales.engine import timescales

    ts = ts or timescales()
    changed_rows = 0
    for row in rows.iterator(chunk_size=500):
        changed = row.recompute_due_dates(ts)  # type: ignore[attr-defined]
        if changed:
            row.save(update_fields=changed)
            changed_rows += 1
    return changed_rows
