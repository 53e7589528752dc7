"""Caseload weights and capacity, and the protections for newly qualified workers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hearth.people.models import Relationship
from hearth.workforce import selectors
from hearth.workforce.models import WorkerProfile, WorkforceSettings

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _load(user):
    return selectors.caseloads([user], TODAY)[0]


def test_eighteen_typical_children_fill_a_full_time_worker(sc):
    for child in sc.children(sc.sam, 18):
        sc.cin_plan(child)
    load = _load(sc.sam)
    assert load.children == 18
    assert load.weight == Decimal("18")
    assert load.capacity == Decimal("18")
    assert load.percent == 100
    assert load.band == "Full"
    assert not load.over


def test_each_kind_of_work_counts_by_its_weight(sc):
    cp, cin, lac, assessment, _other = sc.children(sc.sam, 5)
    sc.cp_plan(cp)
    sc.cin_plan(cin)
    sc.looked_after(lac)
    sc.episode(assessment)
    load = _load(sc.sam)
    # 1.5 + 1 + 1.25 + 1 + 0.75
    assert load.weight == Decimal("5.5")
    assert load.kinds == {
        "Child protection": 1,
        "Child in need": 1,
        "Looked after": 1,
        "Assessment": 1,
        "Other": 1,
    }


def test_an_ended_plan_no_longer_counts(sc):
    child = sc.child(sc.sam)
    sc.cp_plan(child, end_date=TODAY.replace(day=1))
    assert _load(sc.sam).weight == Decimal("0.75")


def test_a_sibling_group_adds_a_little_for_each_brother_or_sister(sc):
    a, b = sc.children(sc.sam, 2)
    Relationship.objects.create(person=a, relative=b, kind="sibling")
    Relationship.objects.create(person=b, relative=a, kind="sibling")
    # Two "other" children at 0.75, each plus 0.1 for the other.
    assert _load(sc.sam).weight == Decimal("1.7")


def test_care_proceedings_add_their_weight(sc):
    from hearth.care.models import LegalStatus, PeriodOfCare

    child = sc.child(sc.sam)
    sc.looked_after(child)
    period = PeriodOfCare.objects.create(person=child, start_date=TODAY.replace(month=1, day=2))
    LegalStatus.objects.create(period=period, person=child, code="C1", start_date=period.start_date)
    # Looked after 1.25 + proceedings 0.5.
    assert _load(sc.sam).weight == Decimal("1.75")


def test_weights_are_configurable(sc):
    WorkforceSettings.objects.create(
        pk=1, weight_cp=Decimal("2"), full_caseload_weight=Decimal("20")
    )
    sc.cp_plan(sc.child(sc.sam))
    load = _load(sc.sam)
    assert load.weight == Decimal("2")
    assert load.capacity == Decimal("20")


def test_capacity_follows_hours_and_a_personal_limit(sc):
    assert _load(sc.priya).capacity == Decimal("9")  # 0.5 FTE
    WorkerProfile.objects.create(user=sc.sam, max_caseload_weight=Decimal("15"))
    assert _load(sc.sam).capacity == Decimal("15")


def test_over_capacity_shows_in_words(sc):
    for child in sc.children(sc.priya, 7):
        sc.cp_plan(child)  # 10.5 of 9
    load = _load(sc.priya)
    assert load.over
    assert load.band == "Over capacity"
    assert load.bar_percent == 100


def test_newly_qualified_worker_has_a_protected_limit(sc):
    load = _load(sc.jo)
    assert load.asye
    assert load.asye_limited
    assert load.capacity == Decimal("12.06")  # 18 x 0.67
    # A personal limit above the protected one does not lift it.
    WorkerProfile.objects.create(user=sc.jo, max_caseload_weight=Decimal("18"))
    assert _load(sc.jo).capacity == Decimal("12.06")


def test_protection_ends_with_the_asye_year(sc):
    sc.jo.asye_until = TODAY.replace(day=19)
    sc.jo.save()
    load = _load(sc.jo)
    assert not load.asye
    assert load.capacity == Decimal("18")


def test_asye_supervision_is_fortnightly_others_monthly(sc):
    due = {d.worker.pk: d for d in selectors.supervision_due([sc.jo, sc.sam], TODAY)}
    assert due[sc.jo.pk].every_days == 14
    assert due[sc.sam.pk].every_days == 28


def test_caseloads_of_a_team_take_a_fixed_number_of_queries(sc, django_assert_max_num_queries):
    for w in (sc.sam, sc.priya, sc.jo, sc.agent):
        for child in sc.children(w, 3):
            sc.cp_plan(child)
    with django_assert_max_num_queries(5):
        loads = selectors.caseloads(selectors.team_workers(sc.team), TODAY)
    assert [x.children for x in loads] == [3, 3, 3, 3]
