"""Missing information: what each stage of a child's case still needs.

The stages and items are data (`rules/missing_information.toml`, each with its
source); each item names a check here. The checks look at `Facts`: a few plain values
per assessment, conference and plan. A team's list reads them for every child at once
in five queries (`missing_for_people`); the case page builds them from the rows it has
already read, adding only the one query for the child's reports (`missing_from_case`).
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from hearth.casework.models import (
    Assessment,
    CaseAction,
    ChildProtectionPlan,
    ChildSeen,
    CINEpisode,
    CINPlan,
    Conference,
    CoreGroupMeeting,
)
from hearth.documents.models import SIGNED_OFF_STATES, Report, ReportState

RULES = Path(__file__).parent / "rules" / "missing_information.toml"


@dataclass(frozen=True)
class Requirement:
    stage: str
    stage_title: str
    code: str
    label: str
    source: str


@dataclass(frozen=True)
class MissingItem:
    """One thing a stage of the child's case lacks, where to put it right, and why it
    is needed."""

    person_id: int
    stage: str
    stage_title: str
    code: str
    label: str
    source: str
    about: str  # which record: "Initial child protection conference, 3 March 2027"
    url: str
    due_on: dt.date | None = None


@functools.cache
def requirements() -> dict[tuple[str, str], Requirement]:
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    titles = {s["code"]: s["title"] for s in data["stages"]}
    found = {}
    for item in data["items"]:
        key = (item["stage"], item["code"])
        found[key] = Requirement(
            item["stage"], titles[item["stage"]], item["code"], item["label"], item["source"]
        )
    unknown = set(found) - set(CHECKS)
    if unknown:
        raise ValueError(f"missing_information.toml names items with no check: {unknown}")
    return found


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


# --- Facts and checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the checks need to know about one assessment, conference or plan."""

    stage: str
    pk: int
    person_id: int
    about: str
    url: str
    due_on: dt.date | None = None
    seen: bool = False
    child_voice: bool = False  # this assessment's, or for a conference any assessment's
    analysis: bool = False
    chair: bool = False
    core_group: bool = False
    actions: bool = False
    category: bool = False


@dataclass
class Context:
    today: dt.date
    reports: dict[int, Report]  # by conference id


def _report(f: Facts, c: Context) -> Report | None:
    return c.reports.get(f.pk)


def _report_signed_off(f: Facts, c: Context) -> bool:
    r = _report(f, c)
    return r is not None and r.state in SIGNED_OFF_STATES


def _late_to_chair(f: Facts, c: Context) -> bool:
    r = _report(f, c)
    if r is None or r.state != ReportState.APPROVED or r.due_on is None:
        return False
    return r.due_on < c.today


def _child_views(f: Facts, c: Context) -> bool:
    r = _report(f, c)
    return f.child_voice or (r is not None and bool(r.text("child_voice").strip()))


Check = Callable[[Facts, Context], bool]

# Each check answers True when the item is MISSING.
CHECKS: dict[tuple[str, str], Check] = {
    ("assessment", "child_seen"): lambda f, c: not f.seen,
    ("assessment", "child_voice"): lambda f, c: not f.child_voice,
    ("assessment", "analysis"): lambda f, c: not f.analysis,
    ("conference", "report_approved"): lambda f, c: not _report_signed_off(f, c),
    ("conference", "report_shared"): _late_to_chair,
    ("conference", "child_views"): lambda f, c: not _child_views(f, c),
    ("conference", "chair"): lambda f, c: not f.chair,
    ("cp_plan", "core_groups"): lambda f, c: not f.core_group,
    ("cp_plan", "actions"): lambda f, c: not f.actions,
    ("cp_plan", "category"): lambda f, c: not f.category,
    ("cin_plan", "actions"): lambda f, c: not f.actions,
}


def evaluate(facts: Iterable[Facts], reports: Iterable[Report]) -> dict[int, list[MissingItem]]:
    """Run every stage's checks; each child's missing items, in stage order."""
    ctx = Context(
        today=timezone.localdate(),
        reports={r.conference_id: r for r in reports if r.conference_id is not None},
    )
    reqs = requirements()
    found: dict[int, list[MissingItem]] = defaultdict(list)
    for f in facts:
        for (stage, code), req in reqs.items():
            if stage == f.stage and CHECKS[(stage, code)](f, ctx):
                found[f.person_id].append(
                    MissingItem(
                        person_id=f.person_id,
                        stage=stage,
                        stage_title=req.stage_title,
                        code=code,
                        label=req.label,
                        source=req.source,
                        about=f.about,
                        url=f.url,
                        due_on=f.due_on,
                    )
                )
    return found


# --- Facts from rows ----------------------------------------------------------------------------


def _assessment(a: Assessment, seen: bool) -> Facts:
    return Facts(
        "assessment",
        a.pk,
        a.person_id,
        f"Assessment started {_day(a.started_on)}",
        reverse("casework:assessment", args=[a.pk]),
        a.assessment_due_on,
        seen=seen,
        child_voice=bool(a.child_voice.strip()),
        analysis=bool(a.analysis.strip()),
    )


def _conference(c: Conference, voiced: bool) -> Facts:
    return Facts(
        "conference",
        c.pk,
        c.person_id,
        f"{c.get_kind_display()}, {_day(c.scheduled_on)}",
        reverse("documents:conference_report", args=[c.pk]),
        c.scheduled_on,
        child_voice=voiced,
        chair=c.chair_id is not None,
    )


def _cp_plan(p: ChildProtectionPlan, core_group: bool, actions: bool) -> Facts:
    return Facts(
        "cp_plan",
        p.pk,
        p.person_id,
        f"Child protection plan from {_day(p.start_date)}",
        reverse("casework:case", args=[p.person_id]),
        p.first_core_group_due_on if not core_group else p.review_due_on,
        core_group=core_group,
        actions=actions,
        category=bool(p.latest_category),
    )


def _cin_plan(p: CINPlan, actions: bool) -> Facts:
    return Facts(
        "cin_plan",
        p.pk,
        p.person_id,
        f"Child in need plan from {_day(p.start_date)}",
        reverse("casework:case", args=[p.person_id]),
        p.review_due_on,
        actions=actions,
    )


def missing_for_people(person_ids: Iterable[int]) -> dict[int, list[MissingItem]]:
    """Each child's missing items, for any number of children in five queries."""
    ids = list(person_ids)
    if not ids:
        return {}
    voiced_q = Assessment.objects.filter(person_id=OuterRef("person_id")).exclude(child_voice="")
    facts: list[Facts] = []
    for a in Assessment.objects.filter(person_id__in=ids, authorised_on__isnull=True).annotate(
        has_seen=Exists(ChildSeen.objects.filter(assessment_id=OuterRef("pk")))
    ):
        facts.append(_assessment(a, a.has_seen))
    conferences = list(
        Conference.objects.filter(person_id__in=ids, held_on__isnull=True).annotate(
            voiced=Exists(voiced_q)
        )
    )
    facts += [_conference(c, c.voiced) for c in conferences]
    for p in ChildProtectionPlan.objects.filter(person_id__in=ids, end_date__isnull=True).annotate(
        has_core_group=Exists(CoreGroupMeeting.objects.filter(plan_id=OuterRef("pk"))),
        has_actions=Exists(CaseAction.objects.filter(cp_plan_id=OuterRef("pk"))),
    ):
        facts.append(_cp_plan(p, p.has_core_group, p.has_actions))
    for c in CINPlan.objects.filter(person_id__in=ids, end_date__isnull=True).annotate(
        has_actions=Exists(CaseAction.objects.filter(cin_plan_id=OuterRef("pk")))
    ):
        facts.append(_cin_plan(c, c.has_actions))
    reports = Report.objects.filter(person_id__in=ids, conference__held_on__isnull=True).only(
        "pk", "conference_id", "state", "sections", "due_on"
    )
    return evaluate(facts, reports)


def missing_from_case(
    episodes: Iterable[CINEpisode], reports: Iterable[Report]
) -> list[MissingItem]:
    """One child's missing items from the episodes the case page has read with their
    assessments (and dates seen), conferences and plans (with core groups and actions)
    prefetched: no further queries."""
    episodes = list(episodes)
    facts: list[Facts] = []
    voiced = any(a.child_voice.strip() for e in episodes for a in e.assessments.all())
    person_id = None
    for e in episodes:
        person_id = e.person_id
        for a in e.assessments.all():
            if a.authorised_on is None:
                facts.append(_assessment(a, bool(a.seen.all())))
        for c in e.conferences.all():
            if c.held_on is None:
                facts.append(_conference(c, voiced))
        for p in e.cp_plans.all():
            if p.end_date is None:
                facts.append(_cp_plan(p, bool(p.core_groups.all()), bool(p.actions.all())))
        for cin in e.cin_plans.all():
            if cin.end_date is None:
                facts.append(_cin_plan(cin, bool(cin.actions.all())))
    if person_id is None:
        return []
    return evaluate(facts, reports).get(person_id, [])
