"""Reads of casework records. For other apps, each takes many people at once, so a page
about several children asks once, not once per child; for the case pages, one child's
whole case in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from hearth.accounts.models import Role, User
from hearth.casework.models import (
    Assessment,
    CaseAction,
    CaseNote,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    Conference,
    ConferenceInvitee,
    LookedAfterPeriod,
    Section47Enquiry,
    StrategyAttendee,
    StrategyDiscussion,
    Task,
)
from hearth.people.models import HouseholdMember

# The newest notes shown on the case page; the chronology shows the rest.
NOTES_ON_PAGE = 50
ESCALATION_RULE = "casework.no_access_escalation"


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


# --- A child's case ----------------------------------------------------------------------------


def episode_latest_activity(episode: CINEpisode) -> dt.date | None:
    """The date of the last work recorded in an episode: nothing may close before it
    (CIN rule 8565, no activity after closure)."""
    dates: list[dt.date | None] = []
    dates += (
        Assessment.objects.filter(episode=episode)
        .aggregate(a=Max("started_on"), b=Max("authorised_on"), c=Max("seen__seen_on"))
        .values()
    )
    held = StrategyDiscussion.objects.filter(episode=episode).aggregate(a=Max("held_at"))["a"]
    dates.append(timezone.localtime(held).date() if held else None)
    dates += (
        Section47Enquiry.objects.filter(episode=episode).aggregate(a=Max("completed_on")).values()
    )
    dates += Conference.objects.filter(episode=episode).aggregate(a=Max("held_on")).values()
    dates += (
        ChildProtectionPlan.objects.filter(episode=episode)
        .aggregate(a=Max("start_date"), b=Max("end_date"), c=Max("core_groups__held_on"))
        .values()
    )
    dates += (
        CINPlan.objects.filter(episode=episode)
        .aggregate(a=Max("start_date"), b=Max("end_date"), c=Max("reviews__held_on"))
        .values()
    )
    present = [d for d in dates if d is not None]
    return max(present) if present else None


@dataclass
class Case:
    """Everything the case section of a child's record shows, read in a fixed number of
    queries however long the history."""

    episodes: list[CINEpisode]
    tasks: list[Task]
    other_plans: list[ChildProtectionPlan] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)

    @property
    def escalations(self) -> list[Task]:
        """Open no-access escalations for the team manager."""
        return [t for t in self.tasks if t.rule_code == ESCALATION_RULE]

    @property
    def open_episode(self) -> CINEpisode | None:
        return next((e for e in self.episodes if e.is_open), None)


def _actions() -> Prefetch[Any]:
    return Prefetch("actions", queryset=CaseAction.objects.order_by("due_on", "pk"))


def case_for_page(person_id: int) -> Case:
    episodes = (
        CINEpisode.objects.filter(person_id=person_id)
        .select_related("closure__requested_by", "closure__signed_off_by")
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.prefetch_related("seen")),
            Prefetch(
                "strategy_discussions",
                queryset=StrategyDiscussion.objects.prefetch_related("attendees", _actions()),
            ),
            "section47_enquiries",
            Prefetch(
                "conferences",
                queryset=Conference.objects.select_related("chair").prefetch_related(
                    "invitees", "reports"
                ),
            ),
            Prefetch(
                "cp_plans",
                queryset=ChildProtectionPlan.objects.prefetch_related("core_groups", _actions()),
            ),
            Prefetch("cin_plans", queryset=CINPlan.objects.prefetch_related("reviews", _actions())),
        )
        .order_by("-referral_date", "-pk")
    )
    tasks = Task.objects.filter(person_id=person_id, done_on__isnull=True).order_by("due_on", "pk")
    other = ChildProtectionPlan.objects.filter(person_id=person_id, episode__isnull=True)
    notes = CaseNote.objects.filter(person_id=person_id).select_related("author")
    return Case(
        episodes=list(episodes),
        tasks=list(tasks.select_related("assigned_to")),
        other_plans=list(other),
        notes=list(notes.order_by("-occurred_at", "-pk")[:NOTES_ON_PAGE]),
    )


def household_names(person_id: int) -> list[str]:
    """The other people in the child's current households, to choose who was present."""
    members = (
        HouseholdMember.objects.filter(
            left__isnull=True,
            household__members__person_id=person_id,
            household__members__left__isnull=True,
        )
        .exclude(person_id=person_id)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    return list(dict.fromkeys(m.person.display_name for m in members))


def reviewing_officers() -> QuerySet[User]:
    """Who may chair a conference."""
    return User.objects.filter(role=Role.REVIEWING_OFFICER, is_active=True).order_by("full_name")


def agencies_known(episode: CINEpisode) -> list[dict[str, str]]:
    """The professionals already involved in the episode (strategy discussions, newest
    first), to pre-fill the next meeting's invitees."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for a in StrategyAttendee.objects.filter(discussion__episode=episode).order_by(
        "-discussion__held_at", "pk"
    ):
        seen.setdefault((a.name, a.agency), {"name": a.name, "agency": a.agency, "role": a.role})
    for i in ConferenceInvitee.objects.filter(conference__episode=episode).order_by(
        "-conference__scheduled_on", "pk"
    ):
        seen.setdefault((i.name, i.agency), {"name": i.name, "agency": i.agency, "role": ""})
    return list(seen.values())
