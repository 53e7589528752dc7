"""Keeping the stored care due dates in step when a local setting changes.

A row's due dates are recomputed by the care services whenever one of its facts
changes. When a closure day or a local target changes instead, the timescales service
calls `recompute_open_rows` (registered in `hearth.care.apps`) for the open periods of
care and placements.
"""

from __future__ import annotations

from hearth.care.models import PeriodOfCare, Placement
from hearth.care.services import DUE_FIELDS, recompute_period, recompute_placement
from hearth.timescales.engine import Timescales, timescales
from hearth.timescales.registry import RecomputeScope

PERIOD_RULES = (
    "care.care_plan", "care.review.first", "care.review.second", "care.review.later",
    "care.health.initial", "care.health.review_under_5", "care.health.review",
    "care.pep.initial", "care.pep.review",
)  # fmt: skip
PLACEMENT_RULES = (
    "care.placement_plan", "care.visit.first", "care.visit.six_weekly",
    "care.visit.three_monthly", "care.visit.weekly", "care.visit.four_weekly",
    "care.visit.care_order",
)  # fmt: skip
RULE_CODES = frozenset(PERIOD_RULES + PLACEMENT_RULES)
PLACEMENT_FIELDS = ["placement_plan_due_on", "visit_due_on", "visit_problem"]


def recompute_open_rows(scope: RecomputeScope, ts: Timescales | None = None) -> int:
    """Recompute the due dates of open periods of care and placements; return how many
    rows changed."""
    ts = ts or timescales()
    changed = 0
    if scope.covers(PERIOD_RULES):
        periods = PeriodOfCare.objects.filter(end_date__isnull=True).select_related("person")
        for period in periods.iterator(chunk_size=500):
            before = [getattr(period, f) for f in DUE_FIELDS]
            recompute_period(period, ts)
            if [getattr(period, f) for f in DUE_FIELDS] != before:
                period.save(update_fields=DUE_FIELDS)
                changed += 1
    if scope.covers(PLACEMENT_RULES):
        placements = Placement.objects.filter(end_date__isnull=True).select_related("period")
        for placement in placements.iterator(chunk_size=500):
            before = [getattr(placement, f) for f in PLACEMENT_FIELDS]
            recompute_placement(placement, ts)
            if [getattr(placement, f) for f in PLACEMENT_FIELDS] != before:
                placement.save(update_fields=PLACEMENT_FIELDS)
                changed += 1
    return changed
