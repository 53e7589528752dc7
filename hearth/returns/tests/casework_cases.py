"""Casework histories for the returns tests, written straight to the casework tables."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hearth.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    Conference,
    Section47Enquiry,
    StrategyDiscussion,
)
from hearth.people.models import PersonDisability
from hearth.returns.tests.cin_cases import upn

D = dt.date


def census_child(f, **values):
    values.setdefault("ethnicity", "WBRI")
    values.setdefault("upn", upn(1))
    child = f.person(**values)
    PersonDisability.objects.create(person=child, code="NONE")
    return child


def cp_history(child):
    """Referred in the year; assessed; a strategy discussion, enquiry, conference and
    plan with a review; then a review and closure after 31 March (not in the census)."""
    episode = CINEpisode.objects.create(
        person=child, referral_date=D(2025, 9, 1), referral_source="6", primary_need_code="N1"
    )
    Assessment.objects.create(
        episode=episode,
        person=child,
        started_on=D(2025, 9, 2),
        authorised_on=D(2025, 10, 1),
        factors=["16A", "17A"],
    )
    talk = StrategyDiscussion.objects.create(
        episode=episode,
        person=child,
        held_at=timezone.make_aware(dt.datetime(2025, 9, 10, 10)),
        decision="s47_single",
    )
    s47 = Section47Enquiry.objects.create(
        episode=episode,
        person=child,
        strategy_discussion=talk,
        started_on=D(2025, 9, 10),
        last_strategy_on=D(2025, 9, 10),
        icpc_required=True,
        icpc_held_on=D(2025, 9, 30),
        icpc_due_on=D(2025, 10, 1),
    )
    plan = ChildProtectionPlan.objects.create(
        person=child,
        episode=episode,
        start_date=D(2025, 9, 30),
        initial_category="NEG",
        latest_category="NEG",
    )
    Conference.objects.create(
        episode=episode, person=child, kind="initial", section47=s47, scheduled_on=D(2025, 9, 30),
        held_on=D(2025, 9, 30), plan=plan,
    )  # fmt: skip
    for held in (D(2025, 12, 15), D(2026, 6, 15)):
        Conference.objects.create(
            episode=episode, person=child, kind="review", plan=plan, scheduled_on=held,
            held_on=held,
        )  # fmt: skip
    plan.end_date = D(2026, 6, 15)
    plan.save()
    episode.closure_date, episode.closure_reason = D(2026, 7, 1), "RC7"
    episode.save()
    return episode
