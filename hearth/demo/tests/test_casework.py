"""The synthetic authority's case histories keep the rules the casework services
enforce: dates in order and never in the future, nothing after an episode's closure,
no overlapping episodes or plans, plans starting at their conference, due dates and
tasks exactly as the services would store them, no three no-access visits in a row;
and they have the shape the issue asks for (most referrals assessed, most on time,
plans open today)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count, F

from hearth.casework.due import task_values
from hearth.casework.models import (
    Assessment,
    CaseNote,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    Conference,
    ConferenceReport,
    EpisodeClosure,
    Section47Enquiry,
    StrategyDiscussion,
    Task,
)
from hearth.casework.selectors import episode_latest_activity, protection_plans_for
from hearth.demo.generator import Summary, generate
from hearth.timescales.engine import timescales

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 6, 3)
NOW = dt.datetime(2026, 6, 3, 11, 0, tzinfo=LONDON)


@pytest.fixture
def authority() -> Summary:
    with time_machine.travel(NOW, tick=False):
        return generate(children=1500, seed=11, today=TODAY)


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def test_histories_have_the_shape_the_issue_asks_for(authority):
    episodes = CINEpisode.objects.count()
    assert authority.assessments == Assessment.objects.count()
    assert 0.5 <= authority.assessments / episodes <= 0.9  # most referrals assessed
    assert 0 < StrategyDiscussion.objects.count() < authority.assessments
    plans = authority.child_protection_plans + authority.cin_plans
    assert 0.05 <= plans / episodes <= 0.45
    assert authority.case_notes > 10 * authority.child_protection_plans
    # Most assessments are authorised within 45 working days; some are late.
    done = Assessment.objects.filter(authorised_on__isnull=False)
    late = done.filter(authorised_on__gt=F("assessment_due_on")).count()
    assert 0.03 <= late / done.count() <= 0.3
    # Plans open today, so the front door's "on a plan" flag can show.
    open_plans = ChildProtectionPlan.objects.filter(end_date__isnull=True)
    assert open_plans.count() > 20
    child = open_plans.first().person_id
    assert any(p.current_on(TODAY) for p in protection_plans_for([child])[child])
    # Plans run months to years.
    lengths = [
        ((p.end_date or TODAY) - p.start_date).days for p in ChildProtectionPlan.objects.all()
    ]
    assert min(lengths) < 120 and max(lengths) > 365


def test_dates_are_in_order_and_never_after_closure_or_today(authority):
    episodes = {e.pk: e for e in CINEpisode.objects.all()}
    by_child: dict[int, list[CINEpisode]] = defaultdict(list)
    for e in episodes.values():
        by_child[e.person_id].append(e)
    for runs in by_child.values():
        runs.sort(key=lambda e: e.referral_date)
        assert sum(e.closure_date is None for e in runs) <= 1
        for a, b in itertools.pairwise(runs):
            assert a.closure_date is not None and a.closure_date < b.referral_date

    def within(episode_id: int, day: dt.date) -> None:
        e = episodes[episode_id]
        assert e.referral_date <= day <= (e.closure_date or TODAY), (e.pk, day)

    for a in Assessment.objects.all():
        within(a.episode_id, a.started_on)
        if a.authorised_on:
            within(a.episode_id, a.authorised_on)
            assert a.authorised_on >= a.started_on and a.outcome
    for s in StrategyDiscussion.objects.all():
        within(s.episode_id, _day(s.held_at))
        assert s.held_at <= NOW
    for q in Section47Enquiry.objects.select_related("strategy_discussion"):
        assert q.started_on == _day(q.strategy_discussion.held_at)
        if q.completed_on:
            within(q.episode_id, q.completed_on)
            assert q.completed_on >= q.started_on
        if q.icpc_held_on:
            assert q.icpc_held_on >= q.started_on
    for c in Conference.objects.all():
        if c.held_on:
            within(c.episode_id, c.held_on)
            assert c.scheduled_on == c.held_on
        if c.is_initial and c.plan_id:
            plan = ChildProtectionPlan.objects.get(pk=c.plan_id)
            assert plan.start_date == c.held_on  # a plan starts on its conference
            assert c.section47.icpc_held_on == c.held_on
    for note in CaseNote.objects.all():
        assert note.occurred_at <= NOW
        if note.episode_id:
            within(note.episode_id, _day(note.occurred_at))
    # Nothing recorded after a closure (CIN rule 8565), and every closure signed off.
    closures = {c.episode_id: c for c in EpisodeClosure.objects.all()}
    for e in episodes.values():
        if e.closure_date:
            latest = episode_latest_activity(e)
            assert latest is None or latest <= e.closure_date, e.pk
            closure = closures[e.pk]
            assert closure.signed_off_at and closure.signed_off_by_id != closure.requested_by_id
            assert not closure.missing()


def test_plans_never_overlap_and_count_the_ones_before(authority):
    spans: dict[int, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    for p in ChildProtectionPlan.objects.all():
        spans[p.person_id].append((p.start_date, p.end_date or dt.date.max, "cp"))
        assert p.end_date is None or p.end_date >= p.start_date
        earlier = ChildProtectionPlan.objects.filter(
            person_id=p.person_id, start_date__lt=p.start_date
        ).count()
        assert p.previous_plans == earlier
    for p in CINPlan.objects.all():
        spans[p.person_id].append((p.start_date, p.end_date or dt.date.max, "cin"))
    for runs in spans.values():
        runs.sort()
        for a, b in itertools.pairwise(runs):
            assert a[1] < b[0], (a, b)


def test_due_dates_and_tasks_are_those_the_services_would_store(authority):
    ts = timescales()
    rows = [
        *CINEpisode.objects.all(),  # the strategy discussion's due date
        *Assessment.objects.select_related("episode"),
        *Section47Enquiry.objects.all(),
        *ChildProtectionPlan.objects.all(),
        *CINPlan.objects.all(),
        *ConferenceReport.objects.select_related("conference"),
    ]
    tasks = {(t.source_type, t.source_id, t.source_field): t for t in Task.objects.all()}
    expected = 0
    for row in rows:
        assert row.recompute_due_dates(ts) == [], row  # nothing would change
        for key, values in task_values(row, ts):
            found = tasks.get((key["source_type"], key["source_id"], key["source_field"]))
            if values is None:
                assert found is None
                continue
            expected += 1
            assert found is not None, key
            assert (found.due_on, found.done_on, found.rule_code, found.person_id) == (
                values["due_on"], values["done_on"], values["rule_code"], values["person_id"]
            )  # fmt: skip
    assert expected == len(tasks)
    assert Task.objects.filter(rule_code="cp.strategy_discussion").exists()
    # Some work is overdue today, most is not.
    open_tasks = Task.objects.filter(done_on__isnull=True)
    assert 0 < open_tasks.filter(due_on__lt=TODAY).count() < open_tasks.count()


def test_no_three_no_access_visits_in_a_row(authority):
    runs: dict[int, int] = defaultdict(int)
    assert CaseNote.objects.filter(no_access=True).exists()
    for note in CaseNote.objects.filter(kind__in=["home_visit", "school_visit"]).order_by(
        "person_id", "occurred_at"
    ):
        runs[note.person_id] = runs[note.person_id] + 1 if note.no_access else 0
        assert runs[note.person_id] < 3
    seen = CaseNote.objects.filter(child_seen=True)
    assert seen.filter(seen_alone=True).count() > seen.count() / 2
    assert not CaseNote.objects.filter(seen_alone=True, child_seen=False).exists()
    # One history per episode: nothing hangs off an episode another child has.
    assert not Assessment.objects.exclude(person_id=F("episode__person_id")).exists()
    assert CINEpisode.objects.annotate(n=Count("assessments")).filter(n__gt=1).count() == 0
