"""Reads for the care pages and for other apps. Every page reads a fixed number of
queries whatever the size of the child's history: lists are capped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from hearth.care.models import (
    AdopterApplication,
    Adoption,
    CareLeaver,
    CareLeaverContact,
    Carer,
    CareTask,
    Episode,
    HealthAssessment,
    MissingEpisode,
    PeriodOfCare,
    Placement,
    Review,
    StatutoryVisit,
    UASCStatus,
)

RECENT = 10


@dataclass
class CareSummary:
    period: PeriodOfCare | None
    periods: list[PeriodOfCare] = field(default_factory=list)
    legal_status: str = ""
    placement: Placement | None = None
    episodes: list[Episode] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    visits: list[StatutoryVisit] = field(default_factory=list)
    tasks: list[CareTask] = field(default_factory=list)
    missing: list[MissingEpisode] = field(default_factory=list)
    health: list[HealthAssessment] = field(default_factory=list)
    adoption: Adoption | None = None
    leaver: CareLeaver | None = None
    contacts: list[CareLeaverContact] = field(default_factory=list)
    uasc: UASCStatus | None = None


def care_summary(person_id: int) -> CareSummary:
    """Everything the child's care page shows (about a dozen queries)."""
    periods = list(PeriodOfCare.objects.filter(person_id=person_id).order_by("-start_date")[:5])
    period = periods[0] if periods else None
    summary = CareSummary(period=period, periods=periods)
    summary.leaver = (
        CareLeaver.objects.filter(person_id=person_id).select_related("personal_adviser").first()
    )
    summary.contacts = list(CareLeaverContact.objects.filter(person_id=person_id)[:6])
    summary.uasc = UASCStatus.objects.filter(person_id=person_id).first()
    if period is None:
        return summary
    summary.episodes = list(
        Episode.objects.filter(period=period).order_by("-start_date", "-pk")[:RECENT]
    )
    current = next((e for e in summary.episodes if e.end_date is None), None)
    summary.legal_status = current.legal_status if current else ""
    summary.placement = (
        Placement.objects.filter(period=period)
        .select_related("carer")
        .order_by("-start_date", "-pk")
        .first()
    )
    summary.reviews = list(
        Review.objects.filter(period=period).select_related("chair").order_by("-held_on")[:RECENT]
    )
    summary.visits = list(
        StatutoryVisit.objects.filter(person_id=person_id)
        .select_related("visited_by")
        .order_by("-visited_on", "-pk")[:RECENT]
    )
    summary.tasks = list(
        CareTask.objects.filter(person_id=person_id, done_on__isnull=True).order_by("due_on")[
            :RECENT
        ]
    )
    summary.missing = list(
        MissingEpisode.objects.filter(period=period).order_by("-started_at")[:RECENT]
    )
    summary.health = list(HealthAssessment.objects.filter(period=period)[:RECENT])
    summary.adoption = Adoption.objects.filter(period=period).select_related("family").first()
    return summary


def current_period(person_id: int) -> PeriodOfCare | None:
    return PeriodOfCare.objects.filter(person_id=person_id, end_date__isnull=True).first()


def in_care_on(person_ids: list[int], day: dt.date) -> set[int]:
    """Which of these children were looked after on `day` (for other apps' flags)."""
    rows = PeriodOfCare.objects.filter(person_id__in=person_ids, start_date__lte=day).exclude(
        end_date__lt=day
    )
    return set(rows.values_list("person_id", flat=True))


def carers_page(kind: str = "", vacant: bool = False) -> QuerySet[Carer]:
    qs = Carer.objects.order_by("name")
    if kind:
        qs = qs.filter(kind=kind)
    if vacant:
        qs = qs.filter(vacancies__gt=0)
    return qs


# Where a prospective adopter family is, for the register's filter: (value, label).
ADOPTER_STAGES = (
    ("assessing", "Being assessed"),
    ("waiting", "Approved and waiting"),
    ("matched", "Matched or placed"),
    ("adopted", "Adoption order made"),
    ("left", "Left the process"),
)


def adopter_families(stage: str = "") -> QuerySet[AdopterApplication]:
    """Adopter families, newest enquiry first, with their adopters (two queries a page)."""
    qs = AdopterApplication.objects.prefetch_related("adopters__person").order_by(
        "-enquiry_on", "reference"
    )
    live = qs.filter(left_on__isnull=True)
    return {
        "assessing": live.filter(approved_on__isnull=True),
        "waiting": live.filter(approved_on__isnull=False, matched_on__isnull=True),
        "matched": live.filter(matched_on__isnull=False, adoption_order_on__isnull=True),
        "adopted": live.filter(adoption_order_on__isnull=False),
        "left": qs.filter(left_on__isnull=False),
    }.get(stage, qs)


def annex_a_adopters(since: dt.date, on: dt.date) -> list[dict[str, Any]]:
    """Ofsted ILACS Annex A list 11, one dict an individual adopter: the families in the
    adoption process at some time from `since` to `on` (enquiry by `on`, not left nor
    adopted before `since`) [reading of the list's 12-month scope: check the Annex A
    guidance]. Gender, ethnicity and disability are the adopter's person record's; the
    returns app letters them. Three queries however many families."""
    from django.db.models import Q

    from hearth.care.models import Adopter
    from hearth.people.models import PersonDisability

    families = AdopterApplication.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=since),
        Q(adoption_order_on__isnull=True) | Q(adoption_order_on__gte=since),
        enquiry_on__lte=on,
    )
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in Adopter.objects.filter(application__in=families)
        .order_by("application__reference", "person__local_id")
        .values(
            "person_id", "person__local_id", "person__sex", "person__ethnicity",
            "application__reference", "application__fostering_for_adoption",
            "application__enquiry_on", "application__stage1_started_on",
            "application__stage1_ended_on", "application__stage2_started_on",
            "application__stage2_ended_on", "application__applied_on",
            "application__approved_on", "application__matched_on", "application__placed_on",
            "application__children_placed", "application__adoption_order_on",
            "application__left_on", "application__left_reason",
        )
    ]  # fmt: skip
    disabled: dict[int, list[str]] = {}
    for pid, code in PersonDisability.objects.filter(
        person_id__in=[r["person_id"] for r in rows]
    ).values_list("person_id", "code"):
        disabled.setdefault(pid, []).append(code)
    for r in rows:
        r["disabilities"] = disabled.get(r["person_id"], [])
    return rows


def adopter_stage(family: AdopterApplication) -> str:
    """The label of where this family is in the process."""
    if family.left_on:
        return f"Left ({family.get_left_reason_display().lower()})"
    if family.adoption_order_on:
        return "Adoption order made"
    if family.matched_on:
        return "Matched or placed"
    if family.approved_on:
        return "Approved and waiting"
    return "Being assessed"


def children_in_care_for(user: Any) -> QuerySet[PeriodOfCare]:
    """Open periods of care of the children this user may open, soonest review first,
    with the current placement's next visit (one query a page)."""
    from django.db.models import OuterRef, Subquery

    from hearth.accounts import policy as accounts_policy

    visible = accounts_policy.visible_people(user).values("pk")
    current = Placement.objects.filter(period=OuterRef("pk"), end_date__isnull=True)
    return (
        PeriodOfCare.objects.filter(end_date__isnull=True, person_id__in=visible)
        .select_related("person")
        .annotate(
            visit_due_on=Subquery(current.values("visit_due_on")[:1]),
            visit_problem=Subquery(current.values("visit_problem")[:1]),
            placement_type=Subquery(current.values("placement_type")[:1]),
        )
        .order_by("review_due_on", "pk")
    )


@dataclass(frozen=True)
class DueItem:
    person_id: int
    title: str
    due_on: dt.date
    source: str  # "period", "placement" or "task"


PERIOD_DUE = (
    ("review_due_on", "Looked-after review (reg 33)"),
    ("care_plan_due_on", "Care plan"),
    ("health_assessment_due_on", "Health assessment"),
    ("pep_due_on", "Personal education plan"),
)
PLACEMENT_DUE = (
    ("visit_due_on", "Statutory visit (reg 28)"),
    ("placement_plan_due_on", "Placement plan"),
)


def due_items_for(person_ids: list[int], until: dt.date | None = None) -> list[DueItem]:
    """Everything due for these children in care (open periods and placements, open
    care tasks), soonest first, in three queries: for a worker's or a team's lists in
    other apps (My work, the team brief)."""
    items: list[DueItem] = []
    periods = PeriodOfCare.objects.filter(person_id__in=person_ids, end_date__isnull=True)
    for row in periods.values("person_id", *(f for f, _ in PERIOD_DUE)):
        items += [
            DueItem(row["person_id"], title, row[f], "period") for f, title in PERIOD_DUE if row[f]
        ]
    placements = Placement.objects.filter(person_id__in=person_ids, end_date__isnull=True)
    for row in placements.values("person_id", *(f for f, _ in PLACEMENT_DUE)):
        items += [
            DueItem(row["person_id"], title, row[f], "placement")
            for f, title in PLACEMENT_DUE
            if row[f]
        ]
    tasks = CareTask.objects.filter(person_id__in=person_ids, done_on__isnull=True)
    items += [
        DueItem(pid, title, due, "task")
        for pid, title, due in tasks.values_list("person_id", "title", "due_on")
    ]
    if until is not None:
        items = [i for i in items if i.due_on <= until]
    return sorted(items, key=lambda i: (i.due_on, i.person_id, i.title))
