"""Children in care timescales against dates worked out by hand.

2026 bank holidays (England and Wales) that matter here: Good Friday 3 April, Easter
Monday 6 April, early May 4 May, spring 25 May, Christmas 25 and Boxing Day (substitute)
28 December. Working days count from the day after the event.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from hearth.care import services
from hearth.care.models import CareLeaverContact, VisitBasis
from hearth.care.schedules import (
    birthday_contacts,
    health_schedule,
    pep_schedule,
    review_schedule,
    visit_schedule,
)
from hearth.care.tests.conftest import D
from hearth.timescales.calendar import WorkingCalendar
from hearth.timescales.engine import Timescales, rulebook

LONDON = ZoneInfo("Europe/London")
PLAIN = Timescales(calendar=WorkingCalendar(), local_values=())

# (rule, start, repeat, expected): every children-in-care rule, checked by hand.
CASES = [
    # Thu 2 Apr 2026 + 20 working days: 7-10 Apr (4), 13-17 (9), 20-24 (14), 27-30 (18),
    # Fri 1 May (19), Mon 4 May holiday, Tue 5 May (20).
    ("care.review.first", D(2026, 4, 2), False, D(2026, 5, 5)),
    ("care.review.second", D(2026, 5, 5), False, D(2026, 8, 5)),
    ("care.review.second", D(2026, 11, 27), False, D(2027, 2, 26)),  # Sat 27 Feb -> Fri 26
    ("care.review.later", D(2026, 8, 5), True, D(2027, 2, 5)),
    ("care.review.later", D(2026, 6, 26), True, D(2026, 12, 24)),  # Sat 26 Dec -> Thu 24
    # 10 working days: 7-10 Apr (4), 13-17 (9), Mon 20 (10).
    ("care.care_plan", D(2026, 4, 2), False, D(2026, 4, 20)),
    ("care.placement_plan", D(2026, 4, 2), False, D(2026, 4, 13)),
    ("care.visit.first", D(2026, 4, 2), False, D(2026, 4, 9)),
    ("care.visit.six_weekly", D(2026, 4, 9), True, D(2026, 5, 21)),
    ("care.visit.three_monthly", D(2026, 11, 30), True, D(2027, 2, 28)),  # clamped, Sunday kept
    ("care.visit.weekly", D(2026, 4, 9), True, D(2026, 4, 16)),
    ("care.visit.four_weekly", D(2026, 4, 16), True, D(2026, 5, 14)),
    ("care.visit.care_order", D(2026, 6, 1), False, D(2026, 6, 8)),
    ("care.health.initial", D(2026, 4, 2), False, D(2026, 5, 5)),
    ("care.health.review_under_5", D(2026, 5, 5), True, D(2026, 11, 5)),
    ("care.health.review", D(2026, 5, 5), True, D(2027, 5, 5)),
    ("care.pep.initial", D(2026, 4, 2), False, D(2026, 4, 20)),
    ("care.pep.review", D(2026, 4, 20), True, D(2026, 8, 20)),
]


@pytest.mark.parametrize(("code", "start", "repeat", "expected"), CASES)
def test_rule(code, start, repeat, expected):
    due = PLAIN.next_due(code, start) if repeat else PLAIN.due_date(code, start)
    assert due.date == expected


def test_every_care_rule_has_a_hand_checked_case_and_a_source():
    care_rules = {r.code for r in rulebook().all_rules() if r.rule_set == "children_in_care"}
    assert care_rules - {"care.missing.return_interview"} == {c[0] for c in CASES}
    for r in rulebook().all_rules():
        if r.rule_set == "children_in_care":
            assert r.source_url.startswith("https://www."), r.code
            assert ("Regulations 2010" in r.source) or ("DfE" in r.source), r.code


def test_return_interview_72_hours_after_return():
    returned = dt.datetime(2026, 6, 5, 22, 30, tzinfo=LONDON)
    due = PLAIN.due_date("care.missing.return_interview", returned)
    assert due.at == dt.datetime(2026, 6, 8, 22, 30, tzinfo=LONDON)


# --- Reg 28: which pattern applies ------------------------------------------------------


def visit(**values):
    values.setdefault("placement_start", D(2026, 4, 2))
    values.setdefault("basis", VisitBasis.STANDARD)
    values.setdefault("intended_until_18", None)
    values.setdefault("first_review_on", None)
    return visit_schedule(ts=PLAIN, **values)


def test_first_visit_within_a_week_of_any_placement():
    assert visit(last_visit=None).due == D(2026, 4, 9)


def test_six_weekly_in_the_first_year():
    assert visit(last_visit=D(2026, 4, 9)).due == D(2026, 5, 21)


def test_after_the_first_year_long_term_or_not():
    base = {"placement_start": D(2025, 4, 2), "last_visit": D(2026, 4, 20)}
    assert visit(intended_until_18=True, **base).due == D(2026, 7, 20)
    assert visit(intended_until_18=False, **base).due == D(2026, 6, 1)


def test_missing_fact_is_named():
    found = visit(placement_start=D(2025, 4, 2), last_visit=D(2026, 4, 20))
    assert found.due is None
    assert "meant to last until the child is 18" in found.explanation
    order = visit(basis=VisitBasis.WITH_PARENTS_CARE_ORDER, last_visit=None)
    assert order.due is None
    assert order.explanation == (
        "Cannot work out the next visit: record the date the care order was made"
    )
    assert visit(basis=VisitBasis.WITH_PARENTS_CARE_ORDER, last_visit=None,
                 care_order_on=D(2026, 6, 1)).due == D(2026, 6, 8)  # fmt: skip


def test_with_parents_reg19_weekly_then_six_weekly():
    basis = VisitBasis.WITH_PARENTS_REG19
    assert visit(basis=basis, last_visit=D(2026, 4, 9)).due == D(2026, 4, 16)
    after = visit(basis=basis, last_visit=D(2026, 5, 6), first_review_on=D(2026, 5, 5))
    assert after.due == D(2026, 6, 17)


def test_connected_person_weekly_then_four_weekly():
    for basis in (VisitBasis.CONNECTED_TEMPORARY, VisitBasis.ICO_WITH_PARENTS):
        assert visit(basis=basis, last_visit=D(2026, 4, 9)).due == D(2026, 4, 16)
        after = visit(basis=basis, last_visit=D(2026, 5, 6), first_review_on=D(2026, 5, 5))
        assert after.due == D(2026, 6, 3)


# --- Reg 33 reviews, health, PEP -----------------------------------------------------------


def test_review_sequence():
    start = D(2026, 4, 2)
    assert review_schedule(care_started=start, reviews_held=0, first_review_on=None,
                           last_review_on=None, ts=PLAIN).due == D(2026, 5, 5)  # fmt: skip
    assert review_schedule(care_started=start, reviews_held=1, first_review_on=D(2026, 5, 5),
                           last_review_on=D(2026, 5, 5), ts=PLAIN).due == D(2026, 8, 5)  # fmt: skip
    assert review_schedule(care_started=start, reviews_held=2, first_review_on=D(2026, 5, 5),
                           last_review_on=D(2026, 8, 5), ts=PLAIN).due == D(2027, 2, 5)  # fmt: skip


def test_health_by_age():
    def due(born, last):
        found = health_schedule(
            care_started=D(2026, 4, 2), date_of_birth=born, last_assessment=last, ts=PLAIN
        )
        return found.due or found.missing

    assert due(D(2019, 3, 14), None) == D(2026, 5, 5)
    assert due(D(2019, 3, 14), D(2026, 5, 5)) == D(2027, 5, 5)  # 7 years old: 12 months
    assert due(D(2024, 1, 1), D(2026, 5, 5)) == D(2026, 11, 5)  # under 5: 6 months
    assert due(None, D(2026, 5, 5)) == "the child's date of birth"


def test_pep():
    assert pep_schedule(care_started=D(2026, 4, 2), last_pep=None, ts=PLAIN).due == D(2026, 4, 20)
    assert pep_schedule(care_started=D(2026, 4, 2), last_pep=D(2026, 4, 20),
                        ts=PLAIN).due == D(2026, 8, 20)  # fmt: skip


# --- Stored on the record ------------------------------------------------------------------


@pytest.mark.django_db
def test_due_dates_stored_and_moved(care):
    period = care.start()
    assert (period.review_due_on, period.care_plan_due_on) == (D(2026, 5, 5), D(2026, 4, 20))
    assert (period.health_assessment_due_on, period.pep_due_on) == (D(2026, 5, 5), D(2026, 4, 20))
    placement = period.placements.get()
    assert (placement.visit_due_on, placement.placement_plan_due_on) == (
        D(2026, 4, 9), D(2026, 4, 13),
    )  # fmt: skip
    services.visit_record(acting_user=care.worker, placement=placement, visited_on=D(2026, 4, 8),
                          seen_alone=True)  # fmt: skip
    placement.refresh_from_db()
    assert placement.visit_due_on == D(2026, 5, 20)
    review = services.review_record(
        acting_user=care.iro, period=period, held_on=D(2026, 4, 30), participation="PN1",
        chair=care.iro, child_views="I like it here.",
    )  # fmt: skip
    assert review.next_due_on == D(2026, 7, 30)
    period.refresh_from_db()
    assert (period.review_due_on, period.reviews_held) == (D(2026, 7, 30), 1)


@pytest.mark.django_db
def test_placement_with_missing_fact_says_so(care):
    period = care.start(start_date=D(2025, 4, 2))
    placement = period.placements.get()
    services.visit_record(acting_user=care.worker, placement=placement, visited_on=D(2026, 4, 20))
    placement.refresh_from_db()
    assert placement.visit_due_on is None
    assert "meant to last until the child is 18" in placement.visit_problem
    services.placement_facts_update(
        acting_user=care.worker, placement=placement, intended_until_18=True,
        visit_basis=VisitBasis.STANDARD,
    )  # fmt: skip
    placement.refresh_from_db()
    assert (placement.visit_due_on, placement.visit_problem) == (D(2026, 7, 20), "")


@pytest.mark.django_db
def test_review_participation_checked(care):
    period = care.start()
    with pytest.raises(ValidationError, match="PN0 is only for a child under 4"):
        services.review_record(acting_user=care.iro, period=period, held_on=D(2026, 4, 30),
                               participation="PN0", chair=care.iro)  # fmt: skip
    with pytest.raises(ValidationError, match="not a valid code"):
        services.review_record(acting_user=care.iro, period=period, held_on=D(2026, 4, 30),
                               participation="PN9", chair=care.iro)  # fmt: skip


# --- Care leavers ---------------------------------------------------------------------------


def test_birthday_contacts_17_to_21():
    rows = birthday_contacts(D(2008, 2, 29))
    assert [r.age for r in rows] == [17, 18, 19, 20, 21]
    assert rows[0].birthday == D(2025, 2, 28)
    assert (rows[0].window_opens, rows[0].window_closes) == (D(2024, 11, 28), D(2025, 3, 28))
    assert rows[3].birthday == D(2028, 2, 29)


@pytest.mark.django_db
def test_care_leaver_contact_with_oc3_codes(care):
    row = services.care_leaver_contact_record(
        acting_user=care.worker, person=care.child, birthday=19, contact_on=D(2026, 3, 1),
        in_touch="YES", activity="F2", accommodation="U", suitable=True,
    )  # fmt: skip
    assert (row.in_touch, row.activity, row.accommodation) == ("YES", "F2", "U1")
    homeless = services.care_leaver_contact_record(
        acting_user=care.worker, person=care.child, birthday=20, contact_on=D(2026, 3, 1),
        in_touch="YES", activity="G5", accommodation="S", suitable=True,
    )  # fmt: skip
    assert homeless.accommodation == "S2"  # no fixed abode is never suitable (rule 133)
    lost = services.care_leaver_contact_record(
        acting_user=care.worker, person=care.child, birthday=21, contact_on=D(2026, 3, 1),
        in_touch="NO",
    )  # fmt: skip
    assert (lost.activity, lost.accommodation) == ("0", "0")
    with pytest.raises(ValidationError, match="record their activity"):
        services.care_leaver_contact_record(
            acting_user=care.worker, person=care.child, birthday=18, contact_on=D(2026, 3, 1),
            in_touch="YES",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="birthdays 17 to 21"):
        services.care_leaver_contact_record(
            acting_user=care.worker, person=care.child, birthday=16, contact_on=D(2026, 3, 1),
            in_touch="NO",
        )  # fmt: skip
    assert CareLeaverContact.objects.count() == 3


@pytest.mark.django_db
def test_a_closure_day_moves_the_first_review(care, f):
    from hearth.timescales import services as ts_services
    from hearth.timescales.models import LocalClosure

    period = care.start()
    assert period.review_due_on == D(2026, 5, 5)
    admin = f.user("administrator")
    ts_services.closure_save(
        acting_user=admin, closure=LocalClosure(date=D(2026, 4, 24), reason="Staff training")
    )
    period.refresh_from_db()
    assert period.review_due_on == D(2026, 5, 6)
