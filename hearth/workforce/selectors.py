"""Reads for the team manager's pages: caseloads and capacity, the allocations meeting's
ranked workers, the duty worker's list, the team brief, supervision due and the sign-off
queue. Casework, front-door and people tables are read here (never written); each page
asks a fixed number of queries however many workers or children the team has."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hearth.accounts.models import Team, User
from hearth.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    EpisodeClosure,
    LookedAfterPeriod,
    StrategyDiscussion,
    Task,
)
from hearth.frontdoor.models import Contact, ContactFlag, ContactPerson, ContactStatus
from hearth.people.models import Involvement, Person, PersonKind, Relationship
from hearth.workforce import policy
from hearth.workforce.models import (
    INTEREST_LABELS,
    Allocation,
    CaseDiscussion,
    DutyShift,
    Leave,
    Supervision,
    WorkerProfile,
    WorkforceSettings,
)

SIBLING_KINDS = ("sibling", "half_sibling", "step_sibling")
FAMILY_KINDS = (*SIBLING_KINDS, "parent", "child", "step_parent", "step_child")
CHILD_KINDS = (PersonKind.CHILD, PersonKind.UNBORN)
ESCALATION_RULE = "casework.no_access_escalation"  # casework's no-access escalation tasks
VISIT_RULES = ("cp.visit",)
MONTH_DAYS = 30
INTERIM_CARE_ORDER = "C1"  # SSDA903 legal status: interim care order, s38 Children Act 1989


def _running(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


# --- Caseloads ---------------------------------------------------------------------------------


@dataclass
class Caseload:
    """One worker's children and their weight against the worker's capacity."""

    worker: User
    profile: WorkerProfile
    children: int = 0
    weight: Decimal = Decimal("0")
    capacity: Decimal = Decimal("0")
    asye: bool = False
    asye_limited: bool = False
    leave_today: Leave | None = None
    leave_soon: Leave | None = None
    kinds: dict[str, int] = field(default_factory=dict)
    supervision: SupervisionDue | None = None

    @property
    def headroom(self) -> Decimal:
        return self.capacity - self.weight

    @property
    def percent(self) -> int:
        if self.capacity <= 0:
            return 100
        return round(self.weight * 100 / self.capacity)

    @property
    def bar_percent(self) -> int:
        return min(self.percent, 100)

    @property
    def band(self) -> str:
        """In words as well as colour: the bar is never the only sign."""
        if self.percent > 100:
            return "Over capacity"
        if self.percent >= 90:
            return "Full"
        return "Has room"

    @property
    def over(self) -> bool:
        return self.weight > self.capacity


def is_asye(worker: User, day: dt.date) -> bool:
    return worker.asye_until is not None and worker.asye_until >= day


def capacity_of(
    worker: User, profile: WorkerProfile, conf: WorkforceSettings, day: dt.date
) -> tuple[Decimal, bool]:
    """The worker's caseload capacity by weight, and whether ASYE protection set it."""
    full = conf.full_caseload_weight * profile.fte
    capacity = profile.max_caseload_weight if profile.max_caseload_weight is not None else full
    if is_asye(worker, day):
        protected = (full * conf.asye_share).quantize(Decimal("0.01"))
        if protected < capacity:
            return protected, True
    return capacity, False


def child_weight(row: Mapping[str, Any], conf: WorkforceSettings) -> tuple[Decimal, str]:
    """A child's weight: the heaviest work with them, plus a little for each brother or
    sister also allocated to the same worker (a sibling group is more work than one
    child, less than separate families), plus the care proceedings weight while an
    interim care order runs (SSDA903 legal status C1, s38 Children Act 1989: the child is
    in proceedings). Out-of-area placements will add theirs once placements record the
    placing authority (the setting is kept ready)."""
    if row["on_cp"]:
        base, kind = conf.weight_cp, "Child protection"
    elif row["looked_after"]:
        base, kind = conf.weight_looked_after, "Looked after"
    elif row["on_cin"]:
        base, kind = conf.weight_cin, "Child in need"
    elif row["open_episode"]:
        base, kind = conf.weight_assessment, "Assessment"
    else:
        base, kind = conf.weight_other, "Other"
    extra = conf.add_sibling * (row["siblings"] or 0)
    if row.get("in_proceedings"):
        extra += conf.add_care_proceedings
    return base + extra, kind


def _sibling_count(worker_ref: Any) -> Any:
    from django.db.models import Count, Subquery

    sibs = (
        Relationship.objects.filter(
            person_id=OuterRef("person_id"),
            kind__in=SIBLING_KINDS,
            relative__involvements__worker_id=worker_ref,
            relative__involvements__ended__isnull=True,
        )
        .order_by()
        .values("person_id")
        .annotate(n=Count("relative_id", distinct=True))
        .values("n")
    )
    return Subquery(sibs)


def work_flags(qs: QuerySet[Involvement], day: dt.date) -> QuerySet[Involvement]:
    """Annotate each involvement with what work is open with its child."""
    person = OuterRef("person_id")
    return qs.annotate(
        on_cp=Exists(ChildProtectionPlan.objects.filter(_running(day), person_id=person)),
        on_cin=Exists(CINPlan.objects.filter(_running(day), person_id=person)),
        looked_after=Exists(LookedAfterPeriod.objects.filter(_running(day), person_id=person)),
        open_episode=Exists(CINEpisode.objects.filter(person_id=person, closure_date__isnull=True)),
        in_proceedings=Exists(
            apps.get_model("care", "LegalStatus").objects.filter(
                person_id=person, code=INTERIM_CARE_ORDER, end_date__isnull=True
            )
        ),
    )


def caseloads(workers: Iterable[User], day: dt.date | None = None) -> list[Caseload]:
    """Each worker's caseload (three queries plus one for settings, whatever the size)."""
    day = day or timezone.localdate()
    conf = WorkforceSettings.current()
    workers = list(workers)
    ids = [w.pk for w in workers]
    profiles = {p.user_id: p for p in WorkerProfile.objects.filter(user_id__in=ids)}
    leave: dict[int, list[Leave]] = defaultdict(list)
    horizon = day + dt.timedelta(days=conf.leave_soon_days)
    for item in Leave.objects.filter(user_id__in=ids, end__gte=day, start__lte=horizon):
        leave[item.user_id].append(item)
    rows = (
        work_flags(
            Involvement.objects.filter(
                worker_id__in=ids, ended__isnull=True, person__kind__in=CHILD_KINDS
            ),
            day,
        )
        .annotate(siblings=_sibling_count(OuterRef("worker_id")))
        .values(
            "worker_id",
            "person_id",
            "on_cp",
            "on_cin",
            "looked_after",
            "open_episode",
            "in_proceedings",
            "siblings",
        )
    )
    loads: dict[int, Caseload] = {}
    for w in workers:
        profile = profiles.get(w.pk) or WorkerProfile(user=w)
        capacity, limited = capacity_of(w, profile, conf, day)
        today_leave = next((x for x in leave[w.pk] if x.start <= day), None)
        soon = next((x for x in leave[w.pk] if x.start > day), None)
        loads[w.pk] = Caseload(
            worker=w,
            profile=profile,
            capacity=capacity,
            asye=is_asye(w, day),
            asye_limited=limited,
            leave_today=today_leave,
            leave_soon=soon,
        )
    seen: set[tuple[int, int]] = set()
    for row in rows:
        key = (row["worker_id"], row["person_id"])
        if key in seen:  # two involvements of one child with one worker count once
            continue
        seen.add(key)
        load = loads[row["worker_id"]]
        weight, kind = child_weight(row, conf)
        load.children += 1
        load.weight += weight
        load.kinds[kind] = load.kinds.get(kind, 0) + 1
    return list(loads.values())


def team_workers(team: Team) -> list[User]:
    """The people in the team who hold cases."""
    return list(
        User.objects.filter(
            team=team, is_active=True, role__in=list(policy.CASE_HOLDING_ROLES)
        ).order_by("full_name", "pk")
    )


def team_members(team: Team) -> list[User]:
    return list(User.objects.filter(team=team, is_active=True).order_by("full_name", "pk"))


def on_leave(user_ids: Iterable[int], day: dt.date) -> dict[int, Leave]:
    return {
        x.user_id: x
        for x in Leave.objects.filter(user_id__in=list(user_ids), start__lte=day, end__gte=day)
    }


# --- Supervision due ---------------------------------------------------------------------------


@dataclass
class SupervisionDue:
    worker: User
    every_days: int
    last: dt.date | None
    due: dt.date

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()


def supervision_frequency(
    worker: User, profile: WorkerProfile | None, conf: WorkforceSettings, day: dt.date
) -> int:
    if profile is not None and profile.supervision_every_days:
        return profile.supervision_every_days
    return conf.asye_supervision_days if is_asye(worker, day) else conf.supervision_days


def supervision_due(workers: Iterable[User], day: dt.date | None = None) -> list[SupervisionDue]:
    """When each worker's next supervision is due (personal or case, whichever was last);
    a worker never supervised is due from the day their profile began."""
    from django.db.models import Max

    day = day or timezone.localdate()
    conf = WorkforceSettings.current()
    workers = list(workers)
    ids = [w.pk for w in workers]
    last = dict(
        Supervision.objects.filter(worker_id__in=ids)
        .values("worker_id")
        .annotate(m=Max("held_on"))
        .values_list("worker_id", "m")
    )
    profiles = {p.user_id: p for p in WorkerProfile.objects.filter(user_id__in=ids)}
    found = []
    for w in workers:
        every = supervision_frequency(w, profiles.get(w.pk), conf, day)
        held = last.get(w.pk)
        start = held or timezone.localtime(w.date_joined).date()
        found.append(SupervisionDue(w, every, held, start + dt.timedelta(days=every)))
    return found


def supervisions_of(worker: User) -> QuerySet[Supervision]:
    return (
        Supervision.objects.filter(worker=worker)
        .select_related("supervisor")
        .prefetch_related("discussions__person", "discussions__actions__owner")
    )


def case_decisions_for(person_id: int) -> list[CaseDiscussion]:
    """The decisions made about a child in case supervision, newest first: part of the
    child's record (shown to anyone who may open it)."""
    return list(
        CaseDiscussion.objects.filter(person_id=person_id, supervision__kind="case")
        .select_related("supervision__worker", "supervision__supervisor")
        .prefetch_related("actions__owner")
        .order_by("-supervision__held_on", "-pk")
    )


# --- The allocations meeting --------------------------------------------------------------------


@dataclass
class Reason:
    text: str
    good: bool


@dataclass
class Candidate:
    load: Caseload
    score: float
    suitable: bool
    reasons: list[Reason]


@dataclass
class WorkItem:
    """An unallocated child and what is known about them."""

    involvement: Involvement
    person: Person
    kind: str
    age: int | None
    concern: str = ""
    categories: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    language: str = ""  # the child's first language, when not English
    tags: set[str] = field(default_factory=set)
    child_protection: bool = False
    family_workers: dict[int, str] = field(default_factory=dict)  # worker id -> relation
    past_workers: set[int] = field(default_factory=set)
    candidates: list[Candidate] = field(default_factory=list)


# Contact categories (front door code list) that point to an interest.
CATEGORY_INTERESTS = {
    "domestic_abuse": "domestic_abuse",
    "neglect": "neglect",
    "exploitation": "exploitation",
    "missing": "exploitation",
}


def unallocated(team: Team, limit: int = 25) -> QuerySet[Involvement]:
    """The team's open work with no worker, oldest first."""
    day = timezone.localdate()
    person = OuterRef("person_id")
    # A strategy discussion in the open episode puts the work on the child protection
    # route (every section 47 enquiry starts at one).
    strategy = StrategyDiscussion.objects.filter(
        person_id=person, episode__closure_date__isnull=True
    )
    other_team = Involvement.objects.filter(person_id=person).exclude(team=team)
    return (
        Involvement.objects.filter(
            team=team, ended__isnull=True, worker__isnull=True, person__kind__in=CHILD_KINDS
        )
        .select_related("person")
        .annotate(
            on_cp=Exists(ChildProtectionPlan.objects.filter(_running(day), person_id=person)),
            open_episode=Exists(
                CINEpisode.objects.filter(person_id=person, closure_date__isnull=True)
            ),
            s47=Exists(strategy),
            transfer=Exists(
                other_team.filter(
                    Q(ended__isnull=True) | Q(ended__gte=OuterRef("started"))
                ).exclude(pk=OuterRef("pk"))
            ),
        )
        .order_by("started", "pk")[:limit]
    )


def child_protection_work(person_id: int) -> bool:
    """Whether the child's open work is on the child protection route."""
    day = timezone.localdate()
    return (
        ChildProtectionPlan.objects.filter(_running(day), person_id=person_id).exists()
        or StrategyDiscussion.objects.filter(
            person_id=person_id, episode__closure_date__isnull=True
        ).exists()
    )


def _item_kind(inv: Any) -> str:
    if inv.transfer and not inv.reason.startswith("Referral"):
        return "Transfer in"
    if inv.reason.startswith("Referral"):
        return "New referral"
    if inv.open_episode:
        return "Assessment"
    return "Other work"


def work_items(team: Team, limit: int = 25) -> list[WorkItem]:
    """The allocations meeting's list, each with what is known (a fixed number of queries)."""
    day = timezone.localdate()
    invs = list(unallocated(team, limit))
    ids = [i.person_id for i in invs]
    items = {
        inv.person_id: WorkItem(
            involvement=inv,
            person=inv.person,
            kind=_item_kind(inv),
            age=inv.person.age_on(day),
            child_protection=bool(getattr(inv, "s47", False) or getattr(inv, "on_cp", False)),
        )
        for inv in invs
    }
    # The latest contact about each child: its concern and categories.
    links = (
        ContactPerson.objects.filter(person_id__in=ids, contact__status=ContactStatus.DECIDED)
        .select_related("contact")
        .prefetch_related("contact__categories")
        .order_by("person_id", "-contact__received_at")
    )
    for link in links:
        item = items[link.person_id]
        if not item.concern:
            item.concern = link.contact.concern
            item.categories = [c.code for c in link.contact.categories.all()]
    for flag in ContactFlag.objects.filter(person_id__in=ids).order_by("raised_at"):
        label = flag.get_kind_display()
        if label not in items[flag.person_id].flags:
            items[flag.person_id].flags.append(label)
    # Who already works with the family (open), and who worked with the child before.
    rels = Relationship.objects.filter(person_id__in=ids, kind__in=FAMILY_KINDS).values_list(
        "person_id", "relative_id", "kind"
    )
    relative_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pid, rid, kind in rels:
        relative_of[rid].append((pid, kind))
    family_open = Involvement.objects.filter(
        person_id__in=list(relative_of), ended__isnull=True, worker__isnull=False
    ).values_list("person_id", "worker_id")
    for rid, wid in family_open:
        for pid, kind in relative_of[rid]:
            label = "a brother or sister" if kind in SIBLING_KINDS else "a parent or child"
            items[pid].family_workers.setdefault(wid, label)
    for pid, wid in Involvement.objects.filter(
        person_id__in=ids, ended__isnull=False, worker__isnull=False
    ).values_list("person_id", "worker_id"):
        items[pid].past_workers.add(wid)
    from hearth.documents.missing import missing_for_people

    for pid, missing in missing_for_people(ids).items():
        items[pid].missing = [m.label for m in missing]
    siblings_here: dict[int, int] = defaultdict(int)
    for pid, rid, kind in rels:
        if kind in SIBLING_KINDS and rid in items:
            siblings_here[pid] += 1
    for item in items.values():
        item.tags = work_tags(item, siblings_here[item.person.pk])
        item.language = first_language(item.person)
    loads = caseloads(team_workers(team), day)
    conf = WorkforceSettings.current()
    for item in items.values():
        item.candidates = rank(item, loads, conf, day)
    return [items[i.person_id] for i in invs]


def work_tags(item: WorkItem, siblings_unallocated: int) -> set[str]:
    """The interests this work matches, from what is known about it."""
    tags: set[str] = set()
    person = item.person
    if person.kind == PersonKind.UNBORN:
        tags.add("pre_birth")
    if item.age is not None and item.age < 5:
        tags.add("under_fives")
    if item.age is not None and item.age >= 13:
        tags.add("adolescents")
    if item.child_protection:
        tags.add("child_protection")
    if siblings_unallocated:
        tags.add("sibling_groups")
    for code in item.categories:
        if code in CATEGORY_INTERESTS:
            tags.add(CATEGORY_INTERESTS[code])
    return tags


def first_language(person: Person) -> str:
    """The child's first language in words, unless English or not recorded."""
    from hearth.core.codelists import codelist

    if not person.first_language or person.first_language == "ENG":
        return ""
    return codelist("language").label(person.first_language)


def asye_cp_barred_until(worker: User, conf: WorkforceSettings) -> dt.date | None:
    """Newly qualified workers lead no child protection work for their first months
    (configurable; Hearth's local default of 6 months follows common ASYE practice of a
    protected, lower-risk caseload, not a national rule)."""
    if worker.asye_until is None or worker.qualified_on is None:
        return None
    months = conf.asye_no_cp_months
    year = worker.qualified_on.year + (worker.qualified_on.month - 1 + months) // 12
    month = (worker.qualified_on.month - 1 + months) % 12 + 1
    day = min(worker.qualified_on.day, 28)
    return dt.date(year, month, day)


def rank(
    item: WorkItem, loads: list[Caseload], conf: WorkforceSettings, day: dt.date
) -> list[Candidate]:
    """Workers ranked for one piece of work, each with the reasons (never a hidden score:
    the manager sees why, and decides)."""
    found = []
    for load in loads:
        w = load.worker
        reasons: list[Reason] = []
        score = float(load.headroom)
        suitable = True
        reasons.append(
            Reason(
                f"Capacity: {load.weight:.1f} of {load.capacity:.1f}"
                f" ({load.headroom:+.1f} headroom)",
                load.headroom >= 1,
            )
        )
        matched = sorted(
            INTEREST_LABELS.get(t, t) for t in item.tags if t in load.profile.interests
        )
        if matched:
            score += 3 * len(matched)
            reasons.append(Reason("Interests: " + ", ".join(matched), True))
        goals = load.profile.career_goals.lower()
        aims = sorted(
            INTEREST_LABELS.get(t, t)
            for t in item.tags
            if t not in load.profile.interests
            and goals
            and (t.replace("_", " ") in goals or INTEREST_LABELS.get(t, t).lower() in goals)
        )
        if aims:
            score += 2 * len(aims)
            reasons.append(Reason("Career goals: " + ", ".join(aims), True))
        spoken = {x.strip().lower() for x in load.profile.languages}
        if item.language and item.language.lower() in spoken:
            score += 4
            reasons.append(Reason(f"Speaks {item.language}, the child's first language", True))
        relation = item.family_workers.get(w.pk)
        if relation:
            score += 20
            reasons.append(Reason(f"Continuity: already works with {relation}", True))
        elif w.pk in item.past_workers:
            score += 6
            reasons.append(Reason("Continuity: worked with this child before", True))
        if load.asye:
            barred = asye_cp_barred_until(w, conf)
            if item.child_protection and barred is not None and barred > day:
                suitable = False
                reasons.append(
                    Reason(
                        f"Newly qualified: no child protection lead until {barred:%-d %B %Y}",
                        False,
                    )
                )
            else:
                reasons.append(
                    Reason("Newly qualified (ASYE): protected caseload", load.headroom >= 1)
                )
        if load.leave_today:
            score -= 10
            reasons.append(Reason(f"On leave until {load.leave_today.end:%-d %B}", False))
        elif load.leave_soon:
            score -= 4
            reasons.append(
                Reason(
                    f"Leave from {load.leave_soon.start:%-d %B} to {load.leave_soon.end:%-d %B}",
                    False,
                )
            )
        found.append(Candidate(load, score, suitable, reasons))
    found.sort(key=lambda c: (not c.suitable, -c.score, c.load.worker.full_name))
    return found


def allocation_history(team: Team) -> QuerySet[Allocation]:
    return Allocation.objects.filter(team=team).select_related(
        "person", "worker", "previous_worker", "allocated_by"
    )


def long_leave(team: Team, day: dt.date | None = None) -> list[Leave]:
    """Leave in the team long enough to need the worker's children reallocated."""
    day = day or timezone.localdate()
    conf = WorkforceSettings.current()
    rows = Leave.objects.filter(
        user__team=team, end__gte=day, start__lte=day + dt.timedelta(days=MONTH_DAYS)
    ).select_related("user")
    return [x for x in rows if x.days >= conf.long_leave_days]


def reallocation_list(worker: User) -> list[WorkItem]:
    """The children of a worker going on long leave, each with the team's other workers
    ranked for them."""
    day = timezone.localdate()
    conf = WorkforceSettings.current()
    invs = list(
        work_flags(
            Involvement.objects.filter(
                worker=worker, ended__isnull=True, person__kind__in=CHILD_KINDS
            ).select_related("person", "team"),
            day,
        ).order_by("person__family_name", "person__given_name")
    )
    others = [w for w in team_workers(worker.team) if w.pk != worker.pk] if worker.team else []
    loads = caseloads(others, day)
    items = []
    for inv in invs:
        item = WorkItem(
            involvement=inv,
            person=inv.person,
            kind="Reallocation",
            age=inv.person.age_on(day),
            child_protection=bool(getattr(inv, "on_cp", False)),
        )
        item.tags = work_tags(item, 0)
        item.language = first_language(item.person)
        item.candidates = rank(item, loads, conf, day)
        items.append(item)
    return items


# --- Duty and the team brief --------------------------------------------------------------------


def duty_rota(team: Team, start: dt.date, days: int = 14) -> list[tuple[dt.date, DutyShift | None]]:
    shifts = {
        s.day: s
        for s in DutyShift.objects.filter(
            team=team, day__gte=start, day__lt=start + dt.timedelta(days=days)
        ).select_related("worker")
    }
    return [
        (start + dt.timedelta(days=i), shifts.get(start + dt.timedelta(days=i)))
        for i in range(days)
    ]


def duty_worker(team: Team, day: dt.date) -> User | None:
    shift = DutyShift.objects.filter(team=team, day=day).select_related("worker").first()
    return shift.worker if shift else None


@dataclass
class TeamChildren:
    """The team's open work, read once: each child's allocated worker (by name), and the
    children waiting for allocation, oldest first."""

    workers: dict[int, str | None]
    waiting: list[Involvement]

    @property
    def ids(self) -> list[int]:
        return list(self.workers)


def team_children(team: Team) -> TeamChildren:
    workers: dict[int, str | None] = {}
    waiting: list[Involvement] = []
    rows = (
        Involvement.objects.filter(team=team, ended__isnull=True, person__kind__in=CHILD_KINDS)
        .select_related("person", "worker")
        .order_by("started", "pk")
    )
    for inv in rows:
        if inv.worker is not None:
            workers[inv.person_id] = inv.worker.full_name
        else:
            workers.setdefault(inv.person_id, None)
            waiting.append(inv)
    return TeamChildren(workers, waiting)


@dataclass
class BriefItem:
    """One line of the brief, whichever app's due date it comes from."""

    person: Person
    title: str
    due_on: dt.date
    worker_name: str | None


def _care_items(children: TeamChildren, until: dt.date) -> list[BriefItem]:
    """Statutory visits to the team's children in care (reg 28, due dates kept on each
    open placement) and the care service's own tasks, due by `until`."""
    from hearth.care.models import CareTask, Placement

    ids = children.ids
    visits = (
        Placement.objects.filter(end_date__isnull=True, visit_due_on__lte=until, person_id__in=ids)
        .select_related("person")
        .order_by("visit_due_on", "pk")[:BRIEF_LIST_SIZE]
    )
    tasks = (
        CareTask.objects.filter(done_on__isnull=True, due_on__lte=until, person_id__in=ids)
        .select_related("person")
        .order_by("due_on", "pk")[:BRIEF_LIST_SIZE]
    )
    name = children.workers.get
    items = [
        BriefItem(v.person, CARE_VISIT_TITLE, v.visit_due_on, name(v.person_id))
        for v in visits
        if v.visit_due_on is not None
    ]
    items += [BriefItem(t.person, t.title, t.due_on, name(t.person_id)) for t in tasks]
    return items


CARE_VISIT_TITLE = "Statutory visit to the child in care"


@dataclass
class Brief:
    day: dt.date
    team: Team
    visits_today: list[BriefItem]
    due_this_week: list[BriefItem]
    overdue: list[BriefItem]
    escalations: list[BriefItem]
    unallocated: list[Involvement]
    duty: User | None
    leave: list[Leave]
    supervision: list[SupervisionDue]

    @property
    def visits_by_worker(self) -> list[tuple[str, list[BriefItem]]]:
        groups: dict[str, list[BriefItem]] = defaultdict(list)
        for t in self.visits_today:
            groups[t.worker_name or "Not allocated"].append(t)
        return sorted(groups.items())


BRIEF_LIST_SIZE = 50


def team_brief(team: Team, day: dt.date | None = None) -> Brief:
    """The morning meeting on one page, in a fixed number of queries: the team's open
    work once, then its children's open tasks overdue and due this week (casework and
    care), the leave, duty and supervision."""
    day = day or timezone.localdate()
    week_end = day + dt.timedelta(days=6 - day.weekday())
    children = team_children(team)
    name = children.workers.get
    open_tasks = (
        Task.objects.filter(done_on__isnull=True, person_id__in=children.ids)
        .select_related("person")
        .order_by("due_on", "pk")
    )
    visits: list[BriefItem] = []
    due: list[BriefItem] = []
    overdue: list[BriefItem] = []
    escalations: list[BriefItem] = []
    earlier = open_tasks.filter(due_on__lt=day)[: 2 * BRIEF_LIST_SIZE]
    this_week = open_tasks.filter(due_on__gte=day, due_on__lte=week_end)[: 3 * BRIEF_LIST_SIZE]
    for t in [*earlier, *this_week]:
        item = BriefItem(t.person, t.title, t.due_on, name(t.person_id))
        if t.rule_code == ESCALATION_RULE:
            escalations.append(item)
        elif t.due_on < day:
            overdue.append(item)
        elif t.due_on == day and t.rule_code in VISIT_RULES:
            visits.append(item)
        else:
            due.append(item)
    for item in _care_items(children, week_end):
        if item.due_on < day:
            overdue.append(item)
        elif item.due_on == day and item.title == CARE_VISIT_TITLE:
            visits.append(item)
        else:
            due.append(item)
    for group in (visits, due, overdue, escalations):
        group.sort(key=lambda i: (i.due_on, i.person.display_name))
        del group[BRIEF_LIST_SIZE:]
    members = team_members(team)
    leave = list(
        Leave.objects.filter(user__team=team, start__lte=day, end__gte=day)
        .select_related("user")
        .order_by("user__full_name")
    )
    due_sup = [
        s
        for s in supervision_due([m for m in members if m.role in policy.CASE_HOLDING_ROLES], day)
        if s.due <= week_end
    ]
    return Brief(
        day=day,
        team=team,
        visits_today=visits,
        due_this_week=due,
        overdue=overdue,
        escalations=escalations,
        unallocated=children.waiting[:BRIEF_LIST_SIZE],
        duty=duty_worker(team, day),
        leave=leave,
        supervision=sorted(due_sup, key=lambda s: s.due),
    )


@dataclass
class DutyView:
    urgent_contacts: list[Contact]
    needing_visit: Sequence[Involvement]


def duty_view(team: Team) -> DutyView:
    """What the duty worker picks up: urgent work coming to the team (red-rated
    contacts referred to it, and those still being decided), and unallocated children
    with no visit recorded since the work started."""
    from hearth.casework.models import VISIT_KINDS, CaseNote

    urgent = list(
        Contact.objects.filter(referred_to_team=team, rag="red")
        .exclude(status=ContactStatus.DRAFT)
        .filter(
            Q(status__in=[ContactStatus.AWAITING_DECISION, ContactStatus.AWAITING_AUTHORISATION])
            | Q(received_at__gte=timezone.now() - dt.timedelta(days=7))
        )
        .order_by("-received_at")[:BRIEF_LIST_SIZE]
    )
    visited = CaseNote.objects.filter(
        person_id=OuterRef("person_id"),
        kind__in=list(VISIT_KINDS),
        child_seen=True,
        occurred_at__date__gte=OuterRef("started"),
    )
    needing = list(
        Involvement.objects.filter(
            team=team, ended__isnull=True, worker__isnull=True, person__kind__in=CHILD_KINDS
        )
        .annotate(visited=Exists(visited))
        .filter(visited=False)
        .select_related("person")
        .order_by("started", "pk")[:BRIEF_LIST_SIZE]
    )
    return DutyView(urgent, needing)


# --- The sign-off queue -------------------------------------------------------------------------


@dataclass
class SignOff:
    kind: str
    title: str
    deadline: dt.date | None
    href: str
    person: Person | None = None
    detail: str = ""

    @property
    def days_left(self) -> int | None:
        return None if self.deadline is None else (self.deadline - timezone.localdate()).days


def sign_off_queue(manager: User, limit: int = 100) -> list[SignOff]:
    """Everything awaiting this manager's decision, oldest deadline first."""
    from django.urls import reverse

    from hearth.frontdoor import policy as fd_policy

    items: list[SignOff] = []
    teams = policy.managed_teams(manager)
    team_children = Involvement.objects.filter(team__in=teams, ended__isnull=True).values(
        "person_id"
    )
    if fd_policy.is_front_door_manager(manager):
        for c in (
            Contact.objects.filter(status=ContactStatus.AWAITING_AUTHORISATION)
            .exclude(decided_by=manager)
            .order_by("decision_due_at")[:limit]
        ):
            items.append(
                SignOff(
                    "Contact decision",
                    f"Contact {c.reference}: {c.get_decision_display()}",
                    timezone.localtime(c.decision_due_at).date() if c.decision_due_at else None,
                    reverse("frontdoor:contact", args=[c.pk]),
                )
            )
    for a in (
        Assessment.objects.filter(authorised_on__isnull=True, person_id__in=team_children)
        .exclude(outcome="")
        .select_related("person")
        .order_by("assessment_due_on")[:limit]
    ):
        items.append(
            SignOff(
                "Assessment",
                "Child and family assessment to authorise",
                a.assessment_due_on,
                reverse("casework:assessment", args=[a.pk]),
                a.person,
            )
        )
    for closure in (
        EpisodeClosure.objects.filter(
            signed_off_at__isnull=True,
            returned_note="",
            episode__person_id__in=team_children,
        )
        .exclude(requested_by=manager)
        .select_related("episode__person")
        .order_by("requested_at")[:limit]
    ):
        items.append(
            SignOff(
                "Closure",
                "Case closure to sign off",
                timezone.localtime(closure.requested_at).date(),
                reverse("casework:closure_sign_off", args=[closure.episode_id]),
                closure.episode.person,
                detail="Requested "
                + timezone.localtime(closure.requested_at).strftime("%-d %B %Y"),
            )
        )
    for t in (
        Task.objects.filter(rule_code=ESCALATION_RULE, done_on__isnull=True)
        .filter(Q(assigned_to=manager) | Q(person_id__in=team_children))
        .select_related("person")
        .order_by("due_on")[:limit]
    ):
        items.append(
            SignOff(
                "Escalation",
                t.title,
                t.due_on,
                reverse("casework:case", args=[t.person_id]),
                t.person,
            )
        )
    items += _reports_awaiting(manager)
    far = dt.date.max
    items.sort(key=lambda s: (s.deadline or far, s.kind))
    return items[:limit]


def _reports_awaiting(manager: User) -> list[SignOff]:
    """Reports for conferences and reviews waiting for this manager, from the documents
    app, with the date each must reach the chair or reviewing officer."""
    from django.urls import reverse

    from hearth.documents.selectors import awaiting_sign_off

    found = []
    for r in awaiting_sign_off(manager)[:100]:
        deadline = getattr(r, "deadline", None)
        found.append(
            SignOff(
                "Report",
                r.get_kind_display(),
                deadline,
                reverse("documents:report", args=[r.pk]),
                r.person,
                detail="Must reach the chair or reviewing officer by the deadline"
                if deadline
                else "",
            )
        )
    return found


def people_named(ids: Iterable[int]) -> dict[int, Person]:
    return Person.objects.in_bulk(list(ids))


def team_for(user: User, team_id: int | None) -> Team | None:
    """The team a page is about: the one asked for (if the user manages it), else their own."""
    teams = policy.managed_teams(user)
    if team_id is not None:
        return next((t for t in teams if t.pk == team_id), None)
    if user.team_id and any(t.pk == user.team_id for t in teams):
        return next(t for t in teams if t.pk == user.team_id)
    return teams[0] if teams else None
