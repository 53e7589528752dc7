"""The synthetic authority's children in care keep to the rules the services enforce:
episodes contiguous and never overlapping, RNE and REC as the changes say, codes valid
on the day, a provider wherever the placement type needs one, reviews on time order."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import pytest

from hearth.care.models import (
    AdopterApplication,
    Adoption,
    CareLeaver,
    CareLeaverContact,
    Carer,
    Episode,
    PeriodOfCare,
    Placement,
    Review,
    UASCStatus,
)
from hearth.care.schedules import age_on
from hearth.care.services import ADOPTER_STEPS, needs_provider
from hearth.casework.models import LookedAfterPeriod
from hearth.core.codelists import codelist
from hearth.demo.generator import generate

TODAY = dt.date(2026, 11, 2)


@pytest.mark.django_db
def test_demo_children_in_care_follow_the_rules():
    generate(children=1500, seed=11, today=TODAY)
    _episodes_follow_the_rules()
    _reviews_placements_and_carers()
    _adopter_families()
    _relevant_care_leavers()


def _episodes_follow_the_rules() -> None:
    periods = {p.pk: p for p in PeriodOfCare.objects.all()}
    assert len(periods) > 50
    by_period = defaultdict(list)
    for e in Episode.objects.order_by("start_date", "pk"):
        by_period[e.period_id].append(e)
    lists = {n: codelist(n) for n in (
        "ssda903_legal_status", "ssda903_placement_type", "ssda903_placement_provider",
        "ssda903_reason_ceased", "ssda903_reason_place_change", "primary_need")}  # fmt: skip
    rnes = defaultdict(int)
    for pk, period in periods.items():
        episodes = by_period[pk]
        assert episodes, pk
        assert episodes[0].reason_new_episode == "S"
        assert episodes[0].start_date == period.start_date
        for a, b in itertools.pairwise(episodes):
            assert a.end_date == b.start_date, (pk, a, b)
            assert a.reason_ceased == "X1"
            assert b.start_date > a.start_date
            moved = a.placement_id != b.placement_id
            legal = a.legal_status != b.legal_status
            assert moved or legal, (pk, a, b)
            assert bool(a.reason_place_change) == moved
            rnes[b.reason_new_episode] += 1
        last = episodes[-1]
        assert last.end_date == period.end_date
        assert (last.reason_ceased or None) == (period.reason_ceased or None)
        for e in episodes:
            assert lists["ssda903_legal_status"].is_valid(e.legal_status, e.start_date)
            assert lists["ssda903_placement_type"].is_valid(e.placement_type, e.start_date)
            assert lists["primary_need"].is_valid(e.category_of_need, e.start_date)
            if needs_provider(e.placement_type):
                assert lists["ssda903_placement_provider"].is_valid(
                    e.placement_provider, e.start_date
                )
            else:
                assert e.placement_provider == ""
            assert e.start_date <= TODAY
    assert {"L", "P"} <= set(rnes), rnes
    assert PeriodOfCare.objects.filter(end_date__isnull=True).count() > 50
    assert LookedAfterPeriod.objects.count() == len(periods)


def _reviews_placements_and_carers() -> None:
    for period in PeriodOfCare.objects.filter(end_date__isnull=True)[:200]:
        held = list(Review.objects.filter(period=period).values_list("held_on", flat=True))
        assert held == sorted(held)
        assert all(period.start_date < d <= TODAY for d in held)
        assert period.review_due_on is not None
        open_placements = Placement.objects.filter(period=period, end_date__isnull=True)
        assert open_placements.count() == 1
    assert not Carer.objects.filter(vacancies__lt=0).exists()
    assert Carer.objects.filter(vacancies__gt=0).exists()
    assert UASCStatus.objects.exists()


def _adopter_families() -> None:
    """Families waiting, matched and withdrawn, each journey in order with one or two
    adults, and every match or placement for adoption linked to an approved family
    (Annex A lists 10 and 11, SSDA903 AD1)."""
    families = list(AdopterApplication.objects.prefetch_related("adopters__person"))
    for family in families:
        days = [getattr(family, f) for f, _ in ADOPTER_STEPS if getattr(family, f)]
        assert days == sorted(days) and days[-1] <= TODAY, family.reference
        adopters = list(family.adopters.all())
        assert 1 <= len(adopters) <= 2 and all(a.person.kind == "adult" for a in adopters)
        assert bool(family.left_on) == bool(family.left_reason)
    waiting = [f for f in families if f.approved_on and not f.matched_on and not f.left_on]
    matched = [f for f in families if f.matched_on]
    left = [f for f in families if f.left_on]
    assert waiting and matched and left, (len(waiting), len(matched), len(left))
    for a in Adoption.objects.filter(matched_on__isnull=False).select_related("family"):
        assert a.family is not None and a.family.approved_on <= a.matched_on
        assert a.number_of_adopters == a.family.adopters.count()
        if a.placed_on:
            assert a.family.placed_on == a.placed_on and a.adopters_id == a.family.household_id


def _relevant_care_leavers() -> None:
    """Relevant young people are 16 or 17, left care after their 16th birthday after a
    period that began by then, and have an adviser and a pathway plan."""
    rows = list(CareLeaver.objects.filter(eligibility="relevant").select_related("person"))
    assert rows
    for row in rows:
        born = row.person.date_of_birth
        assert 16 <= age_on(born, TODAY) < 18
        period = PeriodOfCare.objects.get(person=row.person)
        assert period.end_date == row.left_care_on and age_on(born, period.end_date) >= 16
        assert (period.end_date - period.start_date).days >= 91
        assert row.personal_adviser_id and row.pathway_plan_on and row.pathway_review_due_on
        for contact in CareLeaverContact.objects.filter(person=row.person):
            assert contact.birthday == 17 and contact.accommodation[:1] not in ("Z", "T")
