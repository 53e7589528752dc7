"""Keeping the stored due dates and their tasks in step with the facts.

Every casework row with due dates says which rules apply (`due_specs`). After a fact
changes, a service calls `save_with_due_dates(row, ts)`: the dates are recomputed, the
row saved, and one `Task` per due date (with the rule's task: who must act, what) is
created, moved, closed or removed. The timescale engine calls `recompute_open_rows` when
a closure day or a local target changes, and `hearth timescales_recompute` does the
whole authority.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from hearth.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    ConferenceReport,
    HasDueDates,
    Section47Enquiry,
    Task,
)
from hearth.timescales.engine import Timescales, timescales
from hearth.timescales.registry import RecomputeScope

# The rows whose due dates can still move, and the rules each carries.
OPEN_ROWS: list[tuple[type[models.Model], Q, tuple[str, ...], tuple[str, ...]]] = [
    (
        CINEpisode,
        Q(strategy_needed_on__isnull=False, strategy_held_on__isnull=True),
        ("cp.strategy_discussion",),
        (),
    ),
    (Assessment, Q(authorised_on__isnull=True), ("assessment.completion",), ("episode",)),
    (Section47Enquiry, Q(icpc_held_on__isnull=True), ("cp.icpc",), ()),
    (
        ChildProtectionPlan,
        Q(end_date__isnull=True),
        ("cp.review", "cp.core_group.first", "cp.visit"),
        (),
    ),
    (CINPlan, Q(end_date__isnull=True), ("cin.review",), ()),
    (
        ConferenceReport,
        Q(received_on__isnull=True, conference__held_on__isnull=True),
        ("cp.report.icpc", "cp.report.review"),
        ("conference",),
    ),
]
RULE_CODES = frozenset(code for _, _, codes, _ in OPEN_ROWS for code in codes)


def _as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def task_values(
    row: Any, ts: Timescales, now: dt.datetime | None = None
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """For each of `row`'s due dates, the key of its task and the task's values (None
    where there should be no task): what `tasks_sync` writes, and what the demo
    generator writes in bulk."""
    now = now or timezone.now()
    label = row._meta.label_lower
    found: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for spec in row.due_specs():
        start = _as_date(spec.last or spec.start)
        rule = ts.rule(spec.code, start) if start else ts.book.versions(spec.code)[-1]
        field = rule.produces.due_date
        key = {"source_type": label, "source_id": row.pk, "source_field": field}
        due = _as_date(getattr(row, field))
        if rule.produces.task is None or due is None:
            found.append((key, None))
            continue
        target = getattr(row, rule.produces.target_date) if rule.produces.target_date else None
        found.append(
            (
                key,
                {
                    "person_id": row.person_id,
                    "rule_code": spec.code,
                    "title": rule.produces.task.title,
                    "role": rule.produces.task.role,
                    "due_on": due,
                    "target_on": _as_date(target),
                    "done_on": spec.met_on,
                    "updated_at": now,
                },
            )
        )
    return found


def tasks_sync(row: Any, ts: Timescales) -> None:
    """Create, move, close or remove the tasks for `row`'s due dates."""
    for key, values in task_values(row, ts):
        if values is None:
            Task.objects.filter(**key).delete()
        else:
            Task.objects.update_or_create(**key, defaults=values)


def save_with_due_dates(
    row: Any, ts: Timescales | None = None, fields: Iterable[str] | None = None
) -> None:
    """Recompute `row`'s due dates, save it (only `fields` and the changed dates, if
    `fields` is given) and bring its tasks into step."""
    ts = ts or timescales()
    changed = row.recompute_due_dates(ts)
    if fields is None or row.pk is None:
        row.save()
    else:
        row.save(update_fields=sorted({*fields, *changed}))
    tasks_sync(row, ts)


def recompute_open_rows(scope: RecomputeScope, ts: Timescales | None = None) -> int:
    """Recompute every open row the change may move; return how many changed."""
    ts = ts or timescales()
    count = 0
    for model, open_q, codes, related in OPEN_ROWS:
        if not scope.covers(codes):
            continue
        rows = model._default_manager.filter(open_q).select_related(*related)
        for row in rows.iterator(chunk_size=500):
            assert isinstance(row, HasDueDates)
            changed = row.recompute_due_dates(ts)
            if changed:
                row.save(update_fields=changed)
                tasks_sync(row, ts)
                count += 1
    return count
