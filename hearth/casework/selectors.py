"""Reads of casework records for other apps: each takes many people at once, so a page
about several children asks once, not once per child."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from hearth.casework.models import ChildProtectionPlan, CINEpisode, LookedAfterPeriod


def cin_episodes_for(person_ids: Iterable[int]) -> dict[int, list[CINEpisode]]:
    """Each person's CIN episodes, newest referral first (one query)."""
    found: dict[int, list[CINEpisode]] = defaultdict(list)
    for episode in CINEpisode.objects.filter(person_id__in=list(person_ids)).order_by(
        "-referral_date", "-pk"
    ):
        found[episode.person_id].append(episode)
    return found


def protection_plans_for(person_ids: Iterable[int]) -> dict[int, list[ChildProtectionPlan]]:
    found: dict[int, list[ChildProtectionPlan]] = defaultdict(list)
    for plan in ChildProtectionPlan.objects.filter(person_id__in=list(person_ids)).order_by(
        "-start_date"
    ):
        found[plan.person_id].append(plan)
    return found


def looked_after_periods_for(person_ids: Iterable[int]) -> dict[int, list[LookedAfterPeriod]]:
    found: dict[int, list[LookedAfterPeriod]] = defaultdict(list)
    for period in LookedAfterPeriod.objects.filter(person_id__in=list(person_ids)).order_by(
        "-start_date"
    ):
        found[period.person_id].append(period)
    return found
