"""Missing information: each stage names what it needs; the case page, a child's list
and a team's list agree; the team's list reads a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.casework import selectors as case_selectors
from hearth.casework import services as cs
from hearth.casework.models import ChildProtectionPlan, Section47Enquiry
from hearth.documents import selectors, services
from hearth.documents.missing import missing_for_people, missing_from_case, requirements
from hearth.documents.models import Report

from .conftest import D, conference_stage

pytestmark = pytest.mark.django_db


def _codes(child):
    return {(m.stage, m.code) for m in selectors.missing_items(child)}


def _agree(child):
    """The case page's path (rows it already read) gives the same list as the bulk one."""
    case = case_selectors.case_for_page(child.pk)
    reports = list(Report.objects.filter(person_id=child.pk))
    from_case = missing_from_case(case.episodes, reports)
    bulk = missing_for_people([child.pk]).get(child.pk, [])
    assert sorted(from_case, key=repr) == sorted(bulk, key=repr)


def test_every_item_in_the_data_file_has_a_check_and_a_source():
    reqs = requirements()
    assert ("conference", "report_approved") in reqs
    assert all(r.source for r in reqs.values())


def test_an_assessment_needs_the_child_seen_their_voice_and_an_analysis(cw):
    episode = cw.episode()
    assessment = cs.assessment_start(
        acting_user=cw.worker, episode=episode, started_on=D(2026, 4, 7)
    )
    assert _codes(cw.child) == {
        ("assessment", "child_seen"), ("assessment", "child_voice"), ("assessment", "analysis")
    }  # fmt: skip
    item = selectors.missing_items(cw.child)[0]
    assert item.url == reverse("casework:assessment", args=[assessment.pk])
    assert item.due_on == D(2026, 6, 10)
    _agree(cw.child)
    cs.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 9), alone=True
    )
    cs.assessment_update(
        acting_user=cw.worker, assessment=assessment, expected_version=assessment.version,
        child_voice="“I want to stay with Nana.”", family_views="", professional_views="",
        analysis="Safe with support.", factors=["21"], outcome="")  # fmt: skip
    assert _codes(cw.child) == set()
    _agree(cw.child)


def test_a_conference_needs_an_approved_report_the_childs_views_and_a_chair(cw):
    conference = conference_stage(cw)
    assessment = conference.episode.assessments.get()
    assert _codes(cw.child) == {("conference", "report_approved")}
    # Without the child's voice anywhere, the conference lacks the child's views.
    cs.assessment_update(
        acting_user=cw.worker, assessment=assessment, expected_version=assessment.version,
        child_voice="", family_views="", professional_views="", analysis="x", factors=["21"],
        outcome="")  # fmt: skip
    codes = _codes(cw.child)
    assert ("conference", "child_views") in codes
    _agree(cw.child)
    report = services.report_start(acting_user=cw.worker, kind="icpc", conference=conference)
    report = services.report_submit(
        acting_user=cw.worker, report=report, expected_version=report.version,
        sections={**report.sections, "child_voice": "Amelia drew her family: Nana first.",
                  "analysis": "a", "recommendation": "b"})  # fmt: skip
    report = services.report_approve(acting_user=cw.manager, report=report)
    # Approved, but the deadline (4 Sep 2026) has passed and the chair has not had it.
    assert {c for c in _codes(cw.child) if c[0] == "conference"} == {
        ("conference", "report_shared")
    }
    _agree(cw.child)
    services.report_share(acting_user=cw.worker, report=report)
    assert {c for c in _codes(cw.child) if c[0] == "conference"} == set()


def test_a_protection_plan_needs_core_groups_actions_and_a_category(cw):
    conference = conference_stage(cw)
    cs.section47_complete(
        acting_user=cw.worker, enquiry=Section47Enquiry.objects.get(), completed_on=D(2026, 9, 2),
        concerns_substantiated=True, likely_significant_harm=True, icpc_required=True)  # fmt: skip
    cs.conference_record(
        acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9), plan_decided=True,
        category="PHY")  # fmt: skip
    plan = ChildProtectionPlan.objects.get()
    assert {c for c in _codes(cw.child) if c[0] == "cp_plan"} == {
        ("cp_plan", "core_groups"), ("cp_plan", "actions")
    }  # fmt: skip
    core = next(m for m in selectors.missing_items(cw.child) if m.code == "core_groups")
    assert core.due_on == D(2026, 9, 23)  # the first core group's due date
    _agree(cw.child)
    cs.core_group_record(acting_user=cw.worker, plan=plan, held_on=D(2026, 9, 22))
    cs.case_action_add(
        acting_user=cw.worker, parent=plan, description="Weekly visits", owner="Sam Rivers",
        due_on=D(2026, 10, 1))  # fmt: skip
    assert {c for c in _codes(cw.child) if c[0] == "cp_plan"} == set()
    _agree(cw.child)


def test_a_child_in_need_plan_needs_actions(cw):
    episode = cw.episode()
    cs.cin_plan_start(acting_user=cw.worker, episode=episode, start_date=D(2026, 5, 1))
    assert _codes(cw.child) == {("cin_plan", "actions")}
    _agree(cw.child)


def test_the_teams_list_reads_a_fixed_number_of_queries(
    cw, f, login, django_assert_max_num_queries
):
    conference_stage(cw)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = selectors.missing_items_for_team(cw.team)
        return len(ctx.captured_queries), rows

    small, rows = count()
    assert [r.person for r in rows] == [cw.child]
    assert rows[0].worker == cw.worker
    for i in range(4):
        child = f.person(given_name=f"Kid{i}", family_name="Stone")
        f.involve(child, cw.team, cw.worker)
        episode = cs.cin_episode_open(
            acting_user=None, person=child, referral_date=D(2026, 5, 1), referral_source="2A"
        )
        cs.assessment_start(acting_user=cw.worker, episode=episode, started_on=D(2026, 5, 5))
        cs.cin_plan_start(acting_user=cw.worker, episode=episode, start_date=D(2026, 5, 6))
    big, rows = count()
    assert big == small <= 8
    assert len(rows) == 5
    # The manager's page, for their own team only.
    client = login(cw.manager)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("documents:missing"))
    body = page.content.decode()
    assert "Amelia Okafor" in body and "Kid3 Stone" in body
    assert "No approved social work report" in body
    other = login(cw.outsider)
    assert "Amelia Okafor" not in other.get(reverse("documents:missing")).content.decode()
    assert login(cw.partner).get(reverse("documents:missing")).status_code == 404


def test_the_case_page_shows_missing_information(cw, login):
    conference_stage(cw)
    body = login(cw.worker).get(reverse("casework:case", args=[cw.child.pk])).content.decode()
    assert "Missing information" in body
    assert "No approved social work report for the conference" in body
    assert reverse("documents:conference_report", args=[Section47Enquiry.objects.get()
                   .conferences.get().pk]) in body  # fmt: skip
