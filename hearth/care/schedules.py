"""Which timescale rule applies to a child in care, from the facts of their care.

The rules themselves (intervals, sources) are data in
`hearth/timescales/rules/children_in_care.toml`; this module only chooses between them,
as the rule file asks: reg 28 visits by the placement's facts, reg 33 reviews by the
reviews already held, health reviews by the child's age. A schedule that cannot be
worked out says which fact is missing, in words a worker can act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hearth.care.models import VisitBasis
from hearth.timescales.calendar import add_months
from hearth.timescales.engine import Timescales, timescales


@dataclass(frozen=True)
class Schedule:
    """A due date and the rule it comes from, or the fact missing to work it out."""

    due: dt.date | None
    code: str = ""
    missing: str = ""

    @property
    def explanation(self) -> str:
        if self.missing:
            return f"Cannot work out the next visit: record {self.missing}"
        return ""


def _due(ts: Timescales, code: str, start: dt.date, *, repeat: bool = False) -> Schedule:
    due = ts.next_due(code, start) if repeat else ts.due_date(code, start)
    return Schedule(due.date, code)


def visit_schedule(
    *,
    placement_start: dt.date,
    basis: str,
    intended_until_18: bool | None,
    last_visit: dt.date | None,
    first_review_on: dt.date | None,
    care_order_on: dt.date | None = None,
    ts: Timescales | None = None,
) -> Schedule:
    """When the next reg 28 visit is due (SI 2010/959 reg 28).

    `last_visit` is the last visit since this placement started; `first_review_on`
    the child's first looked-after review, if held.
    """
    ts = ts or timescales()
    if last_visit is None:
        if basis == VisitBasis.WITH_PARENTS_CARE_ORDER:
            if care_order_on is None:
                return Schedule(None, missing="the date the care order was made")
            return _due(ts, "care.visit.care_order", care_order_on)
        return _due(ts, "care.visit.first", placement_start)
    before_first_review = first_review_on is None or last_visit < first_review_on
    match basis:
        case VisitBasis.WITH_PARENTS_REG19:
            code = "care.visit.weekly" if before_first_review else "care.visit.six_weekly"
        case VisitBasis.CONNECTED_TEMPORARY | VisitBasis.ICO_WITH_PARENTS:
            code = "care.visit.weekly" if before_first_review else "care.visit.four_weekly"
        case VisitBasis.WITH_PARENTS_CARE_ORDER:
            code = "care.visit.six_weekly"
        case _:
            if last_visit < add_months(placement_start, 12):
                code = "care.visit.six_weekly"
            elif intended_until_18 is None:
                return Schedule(
                    None,
                    missing="whether the placement is meant to last until the child is 18 "
                    "(the first year of the placement is over)",
                )
            else:
                code = "care.visit.three_monthly" if intended_until_18 else "care.visit.six_weekly"
    return _due(ts, code, last_visit, repeat=True)


def review_schedule(
    *,
    care_started: dt.date,
    reviews_held: int,
    first_review_on: dt.date | None,
    last_review_on: dt.date | None,
    ts: Timescales | None = None,
) -> Schedule:
    """When the next looked-after review is due (reg 33: 20 working days, then 3 months,
    then every 6 months)."""
    ts = ts or timescales()
    if reviews_held == 0 or first_review_on is None:
        return _due(ts, "care.review.first", care_started)
    if reviews_held == 1:
        return _due(ts, "care.review.second", first_review_on)
    assert last_review_on is not None
    return _due(ts, "care.review.later", last_review_on, repeat=True)


def health_schedule(
    *,
    care_started: dt.date,
    date_of_birth: dt.date | None,
    last_assessment: dt.date | None,
    ts: Timescales | None = None,
) -> Schedule:
    """When the next health assessment is due: the initial one before the first review,
    then every 6 months before the 5th birthday and every 12 months from it."""
    ts = ts or timescales()
    if last_assessment is None:
        return _due(ts, "care.health.initial", care_started)
    if date_of_birth is None:
        return Schedule(None, missing="the child's date of birth")
    under_5 = last_assessment < add_months(date_of_birth, 60)
    code = "care.health.review_under_5" if under_5 else "care.health.review"
    # The interval follows the child's age at the last assessment.
    return _due(ts, code, last_assessment, repeat=True)


def pep_schedule(
    *, care_started: dt.date, last_pep: dt.date | None, ts: Timescales | None = None
) -> Schedule:
    ts = ts or timescales()
    if last_pep is None:
        return _due(ts, "care.pep.initial", care_started)
    return _due(ts, "care.pep.review", last_pep, repeat=True)


def care_plan_schedule(*, first_placement: dt.date, ts: Timescales | None = None) -> Schedule:
    ts = ts or timescales()
    return _due(ts, "care.care_plan", first_placement)


def placement_plan_schedule(*, placement_start: dt.date, ts: Timescales | None = None) -> Schedule:
    ts = ts or timescales()
    return _due(ts, "care.placement_plan", placement_start)


# --- Care leavers ------------------------------------------------------------------------

# SSDA903 OC3 asks about the young person's situation around each birthday from 17 to
# 21 (and to 25 for some). The window, 3 months before to 1 month after the birthday, is
# NOT VERIFIED: it is from recall of the DfE "Guide to the SSDA903 collection" (care
# leavers section), which the searchable sources on 23 November 2026 named (the 2016 to
# 2017 guide) but did not give the text of; nor does the public validator
# (csc-validator-be-903 0.1.17) check a window. "3 months either side" is unverified too.
OC3_AGES = (17, 18, 19, 20, 21)
OC3_WINDOW_BEFORE_MONTHS = 3
OC3_WINDOW_AFTER_MONTHS = 1


@dataclass(frozen=True)
class BirthdayContact:
    age: int
    birthday: dt.date
    window_opens: dt.date
    window_closes: dt.date


def birthday_contacts(date_of_birth: dt.date) -> list[BirthdayContact]:
    """The birthdays from 17 to 21 around which a care leaver is contacted (OC3)."""
    rows = []
    for age in OC3_AGES:
        birthday = add_months(date_of_birth, 12 * age)
        rows.append(
            BirthdayContact(
                age=age,
                birthday=birthday,
                window_opens=add_months(birthday, -OC3_WINDOW_BEFORE_MONTHS),
                window_closes=add_months(birthday, OC3_WINDOW_AFTER_MONTHS),
            )
        )
    return rows


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
