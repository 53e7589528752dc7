"""Reads of reports and of what a child's file still lacks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from hearth.accounts.models import Team, User
from hearth.casework.models import (
    Assessment,
    CaseNote,
    Conference,
    ConferenceReport,
    StrategyAttendee,
)
from hearth.casework.selectors import household_names
from hearth.core.codelists import codelist
from hearth.documents.missing import MissingItem, missing_for_people
from hearth.documents.models import Report, ReportKind, ReportState
from hearth.people.models import Involvement, Person


def deadline() -> Coalesce:
    """The report's deadline as casework keeps it now (a conference moved moves its
    reports' due date), else the one stored when the report was started or submitted."""
    conference_due = (
        ConferenceReport.objects.filter(
            conference_id=OuterRef("conference_id"), report_due_on__isnull=False
        )
        .order_by("report_due_on")
        .values("report_due_on")[:1]
    )
    return Coalesce(Subquery(conference_due), F("assessment__assessment_due_on"), F("due_on"))


def awaiting_sign_off(manager: User) -> QuerySet[Report]:
    """Reports submitted and waiting for this manager's decision: those submitted to
    them by name, and (for a team or service manager) those from their team. Each
    carries `deadline`, the date it must reach the chair (for an assessment report,
    the assessment's due date), and the list runs oldest deadline first; reports with
    no deadline come last, oldest submission first."""
    if not (manager.is_authenticated and manager.is_active):
        return Report.objects.none()
    mine = Q(submitted_to=manager)
    if manager.is_manager and manager.team_id:
        mine |= Q(team_id=manager.team_id)
    return (
        Report.objects.filter(mine, state=ReportState.SUBMITTED)
        .exclude(author=manager)
        .select_related("person", "author", "assessment", "conference")
        .annotate(deadline=deadline())
        .order_by(F("deadline").asc(nulls_last=True), "submitted_at", "pk")
    )


def reports_to_finish(author: User) -> QuerySet[Report]:
    """The author's own reports still with them: drafts and reports returned with
    comments, each with `deadline`, oldest deadline first (for "My work")."""
    if not (author.is_authenticated and author.is_active):
        return Report.objects.none()
    return (
        Report.objects.filter(author=author, state__in=[ReportState.DRAFT, ReportState.RETURNED])
        .select_related("person", "assessment", "conference")
        .annotate(deadline=deadline())
        .order_by(F("deadline").asc(nulls_last=True), "created_at", "pk")
    )


def shared_with(officer: User) -> QuerySet[Report]:
    """Reports shared with this chair or reviewing officer, the soonest conference
    first (conferences already held last)."""
    return (
        Report.objects.filter(shared_with=officer, state=ReportState.SHARED)
        .select_related("person", "author", "conference", "assessment")
        .annotate(deadline=deadline())
        .order_by(
            F("conference__held_on").desc(nulls_first=True),
            F("conference__scheduled_on").asc(nulls_last=True),
            "-shared_at",
        )
    )


# --- Pre-filling a report from the record -------------------------------------------------------


def _day(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "not recorded"


def _child_section(person: Person) -> str:
    lines = [f"Name: {person.display_name}"]
    lines.append(f"Date of birth: {_day(person.date_of_birth)}")
    age = person.age
    if age is not None:
        lines.append(f"Age: {age}")
    lines.append(f"Local ID: {person.local_id}")
    household = household_names(person.pk)
    if household:
        lines.append("Lives with: " + ", ".join(household))
    return "\n".join(lines)


def _child_words(person_id: int, limit: int = 5) -> list[str]:
    notes = (
        CaseNote.objects.filter(person_id=person_id)
        .exclude(child_words="")
        .order_by("-occurred_at", "-pk")[:limit]
    )
    return [
        f"{_day(n.occurred_on)} ({n.get_kind_display().lower()}): {n.child_words}" for n in notes
    ]


def _agency_views(person_id: int) -> str:
    attendees = (
        StrategyAttendee.objects.filter(discussion__person_id=person_id)
        .exclude(information_shared="")
        .select_related("discussion")
        .order_by("-discussion__held_at", "pk")[:20]
    )
    return "\n".join(
        f"{a.name} ({a.get_agency_display()}), {_day(a.discussion.held_on)}: {a.information_shared}"
        for a in attendees
    )


def report_prefill(
    kind: str,
    person_id: int,
    assessment: Assessment | None,
    conference: Conference | None,
) -> dict[str, str]:
    """A report's first draft, from what the record already holds, so nobody types a
    fact twice: the child's details and household, the assessment's sections, the
    child's words from visits, what the agencies shared, and the plan's actions."""
    person = Person.objects.get(pk=person_id)
    texts: dict[str, str] = {"child": _child_section(person)}
    latest = assessment or (
        Assessment.objects.filter(person_id=person_id).order_by("-started_on", "-pk").first()
    )
    words = _child_words(person_id)
    voice = [latest.child_voice] if latest and latest.child_voice else []
    if words:
        voice.append("What the child said on visits:\n" + "\n".join(words))
    texts["child_voice"] = "\n\n".join(voice)
    if latest is not None:
        texts["family_views"] = latest.family_views
        texts["analysis"] = latest.analysis
    if kind == ReportKind.ASSESSMENT and assessment is not None:
        episode = assessment.episode
        source = codelist("referral_source").label(episode.referral_source)
        texts["reason"] = f"Referral received {_day(episode.referral_date)} from {source}."
        texts["professional_views"] = assessment.professional_views
        texts["recommendation"] = assessment.get_outcome_display() if assessment.outcome else ""
        return texts
    texts["agency_views"] = _agency_views(person_id)
    if conference is None:
        return texts
    if conference.section47_id and conference.section47 is not None:
        s47 = conference.section47
        found = {True: "substantiated", False: "not substantiated", None: "not yet recorded"}
        texts["reason"] = (
            f"Section 47 enquiry started {_day(s47.started_on)}; concerns "
            f"{found[s47.concerns_substantiated]}."
        )
    if conference.plan_id and conference.plan is not None:
        plan = conference.plan
        category = codelist("category_of_abuse").label(plan.latest_category)
        texts["reason"] = (
            f"Child protection plan since {_day(plan.start_date)} (category: {category})."
        )
        texts["plan"] = "\n".join(
            f"{a.description} – {a.owner}, by {_day(a.due_on)}"
            + (f" (done {_day(a.done_on)})" if a.done_on else "")
            for a in plan.actions.order_by("due_on", "pk")
        )
    return texts


# --- Missing information --------------------------------------------------------------------


def missing_items(child: Person) -> list[MissingItem]:
    """What each stage of the child's case still needs (`hearth.documents.missing`)."""
    return missing_for_people([child.pk]).get(child.pk, [])


@dataclass
class TeamMissing:
    person: Person
    worker: User | None
    items: list[MissingItem]


def missing_items_for_team(team: Team) -> list[TeamMissing]:
    """The children the team works with that have missing items, with their worker,
    earliest due first: eight queries whatever the team's size."""
    involvements = (
        Involvement.objects.filter(team=team, ended__isnull=True)
        .select_related("person", "worker")
        .order_by("person_id", "-started")
    )
    by_person: dict[int, Involvement] = {}
    for inv in involvements:
        by_person.setdefault(inv.person_id, inv)
    found = missing_for_people(by_person)
    rows = [
        TeamMissing(by_person[pid].person, by_person[pid].worker, items)
        for pid, items in found.items()
        if items
    ]

    def first_due(row: TeamMissing) -> tuple[dt.date, str]:
        dues = [i.due_on for i in row.items if i.due_on]
        return (min(dues) if dues else dt.date.max, row.person.display_name)

    return sorted(rows, key=first_due)
