"""Reads of casework records. For other apps, each takes many people at once, so a page
about several children asks once, not once per child; for the case pages, one child's
whole case in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from hearth.accounts import policy
from hearth.accounts.models import Role, Team, User
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
from hearth.people.models import HouseholdMember, Involvement, Person
from hearth.timescales.engine import rulebook

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


# --- A worker's and a team's due work ---------------------------------------------------------

# The most rows a list on "My work" or the team's overdue list shows; the count says
# how many there are in all.
WORK_LIST_SIZE = 50
VISIT_RULES = frozenset({"cp.visit"})


@dataclass(frozen=True)
class DueItem:
    """One thing due for a child: a statutory task or an action agreed in a plan."""

    person_id: int
    person_name: str
    title: str
    who: str  # the role expected to act, or the owner of an action
    due_on: dt.date
    rule_code: str = ""  # empty for a plan's action
    worker: str = ""  # the allocated worker (on the team's list)
    rule_text: str = ""  # the rule and its source, for the date's hover text


@cache  # the rules change only with a release
def _rule_text(code: str) -> str:
    """ "Initial child protection conference. Source: Working Together 2023, ..." (the
    rule's current version; blank for a code that is not a timescale rule)."""
    book = rulebook()
    if code not in book.codes():
        return ""
    rule = book.versions(code)[-1]
    return f"{rule.title}. Source: {' '.join(rule.source.split())}"


def allocated_children(user: User) -> list[Person]:
    """The children allocated to this worker (an open involvement naming them) that they
    may open, by name (one query)."""
    mine = Person.objects.filter(
        pk__in=Involvement.objects.filter(worker=user, ended__isnull=True).values("person_id")
    )
    return list(policy.visible_people(user, mine).order_by("family_name", "given_name", "pk"))


def _task_items(tasks: Iterable[Task], names: dict[int, str]) -> list[DueItem]:
    return [
        DueItem(
            t.person_id,
            names.get(t.person_id, ""),
            t.title,
            Role(t.role).label if t.role in Role.values else t.role,
            t.due_on,
            t.rule_code,
            rule_text=_rule_text(t.rule_code),
        )
        for t in tasks
    ]


def _action_items(actions: Iterable[CaseAction], names: dict[int, str]) -> list[DueItem]:
    return [
        DueItem(a.person_id, names.get(a.person_id, ""), a.description, a.owner, a.due_on)
        for a in actions
    ]


def _merge(*lists: list[DueItem], size: int) -> list[DueItem]:
    """Lists each already sorted by due date, merged and cut to `size`."""
    return sorted((i for part in lists for i in part), key=lambda i: i.due_on)[:size]


@dataclass
class DueWork:
    items: list[DueItem]
    total: int  # all the open items, however many are listed
    overdue: int


def due_for_children(
    children: list[Person], *, today: dt.date, size: int = WORK_LIST_SIZE
) -> DueWork:
    """Everything still to do for these children, soonest first: the open tasks from
    the stored due dates and the open actions of their plans and strategy discussions.
    Sorted and cut in the database (four queries whatever the caseload)."""
    ids = [c.pk for c in children]
    names = {c.pk: c.display_name for c in children}
    tasks = Task.objects.filter(person_id__in=ids, done_on__isnull=True)
    actions = CaseAction.objects.filter(person_id__in=ids, done_on__isnull=True)
    items = _merge(
        _task_items(tasks.order_by("due_on", "pk")[:size], names),
        _action_items(actions.order_by("due_on", "pk")[:size], names),
        size=size,
    )
    counts = (
        tasks.aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today))),
        actions.aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today))),
    )
    return DueWork(
        items=items,
        total=sum(c["n"] for c in counts),
        overdue=sum(c["late"] for c in counts),
    )


def visits_due(children: list[Person], *, today: dt.date) -> list[DueItem]:
    """Statutory visits due today or already overdue for these children (one query)."""
    names = {c.pk: c.display_name for c in children}
    tasks = Task.objects.filter(
        person_id__in=list(names),
        done_on__isnull=True,
        rule_code__in=VISIT_RULES,
        due_on__lte=today,
    ).order_by("due_on", "pk")
    return _task_items(tasks[:WORK_LIST_SIZE], names)


def teams_overseen(user: User) -> QuerySet[Team]:
    """The teams whose overdue list this user may read: a team manager's or senior
    practitioner's own team; a service manager's teams in their service area."""
    if not (user.is_authenticated and user.is_active) or user.team_id is None:
        return Team.objects.none()
    if user.role == Role.SERVICE_MANAGER:
        return Team.objects.filter(service_area=user.service_area).order_by("name")
    if user.role in (Role.TEAM_MANAGER, Role.SENIOR_PRACTITIONER):
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def team_overdue(team_id: int, *, today: dt.date, size: int = WORK_LIST_SIZE) -> DueWork:
    """Everything overdue for the children the team works with (an open involvement),
    most overdue first, with each child's allocated worker. Five queries whatever the
    team's caseload."""
    involvements = list(
        Involvement.objects.filter(team_id=team_id, ended__isnull=True)
        .select_related("person", "worker")
        .order_by("pk")
    )
    names: dict[int, str] = {}
    workers: dict[int, str] = {}
    for inv in involvements:
        # A restricted record's name is for the people named on it only.
        names[inv.person_id] = (
            "Restricted record" if inv.person.restricted else inv.person.display_name
        )
        if inv.worker is not None:
            workers[inv.person_id] = inv.worker.full_name
    ids = list(names)
    tasks = Task.objects.filter(person_id__in=ids, done_on__isnull=True, due_on__lt=today)
    actions = CaseAction.objects.filter(person_id__in=ids, done_on__isnull=True, due_on__lt=today)
    items = _merge(
        _task_items(tasks.order_by("due_on", "pk")[:size], names),
        _action_items(actions.order_by("due_on", "pk")[:size], names),
        size=size,
    )
    total = tasks.count() + actions.count()
    return DueWork(
        items=[replace(i, worker=workers.get(i.person_id, "")) for i in items],
        total=total,
        overdue=total,
    )
