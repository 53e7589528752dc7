"""Sharing an approved conference report with the chair is the social work report
received: casework's "send the report to the chair" deadline is met (in time or late),
its task closes, and the conference's section of the case page, the worker's "My work"
and the team's overdue list all say so."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hearth.casework import services as cs
from hearth.casework.models import ConferenceReport, Section47Enquiry, Task
from hearth.documents import services
from hearth.documents.models import ReportKind
from hearth.timescales.engine import timescales

from .conftest import D, at

pytestmark = pytest.mark.django_db

SEND = "Send the conference report to the chair"
FILLED = {
    "family_views": "Mum wants help with the housing.",
    "analysis": "Repeated injuries with no explanation.",
    "recommendation": "A child protection plan under the category of physical abuse.",
}


def _approved(cw, conference, kind=ReportKind.ICPC):
    report = services.report_start(acting_user=cw.worker, kind=kind, conference=conference)
    report = services.report_submit(
        acting_user=cw.worker,
        report=report,
        expected_version=report.version,
        sections={**report.sections, **FILLED},
    )
    return services.report_approve(acting_user=cw.manager, report=report)


def _task(report: ConferenceReport) -> Task:
    return Task.objects.get(
        source_type="casework.conferencereport", source_id=report.pk, source_field="report_due_on"
    )


def _reports_row(html: str) -> str:
    """The "Reports" row of the conference on the case page."""
    found = re.search(r"Reports</dt>(.*?)</dd>\s*</div>", html, re.S)
    assert found, "the conference shows its reports"
    return found.group(1)


def test_sharing_in_time_meets_the_deadline_on_every_list(cw, conference):
    asked = conference.reports.get()  # Sam Rivers, children's social care: due Fri 4 Sep
    assert asked.report_due_on == D(2026, 9, 4) and _task(asked).done_on is None
    worker, manager = Client(), Client()  # two people at once
    with time_machine.travel(at(2026, 9, 3, 16), tick=False):
        worker.force_login(cw.worker)
        report = _approved(cw, conference)
        mine = worker.get(reverse("casework:my_work")).content.decode()
        assert SEND in mine  # still to do, due tomorrow
        services.report_share(acting_user=cw.worker, report=report)
    asked.refresh_from_db()
    assert asked.received_on == D(2026, 9, 3)
    assert _task(asked).done_on == D(2026, 9, 3)
    # After the deadline, nothing about it is outstanding or overdue.
    with time_machine.travel(at(2026, 9, 8), tick=False):
        worker.force_login(cw.worker)  # a new day, a new session (idle sessions end)
        manager.force_login(cw.manager)
        case = worker.get(reverse("casework:case", args=[cw.child.pk])).content.decode()
        row = _reports_row(case)
        assert "received 3 September 2026" in row and "Done in time" in row
        assert SEND not in worker.get(reverse("casework:my_work")).content.decode()
        overdue = manager.get(reverse("casework:team_overdue")).content.decode()
        assert "Complete the child and family assessment" in overdue  # the list is there
        assert SEND not in overdue


def _held_with_plan(cw, conference):
    cs.section47_complete(
        acting_user=cw.worker, enquiry=Section47Enquiry.objects.get(), completed_on=D(2026, 9, 2),
        concerns_substantiated=True, likely_significant_harm=True, icpc_required=True)  # fmt: skip
    cs.conference_record(
        acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9), plan_decided=True,
        category="PHY")  # fmt: skip
    return conference.episode.cp_plans.get()


def test_sharing_late_is_met_late_and_an_unasked_report_is_added(cw, conference):
    with time_machine.travel(at(2026, 9, 8), tick=False):  # Tuesday, the day before
        services.report_share(acting_user=cw.worker, report=_approved(cw, conference))
    asked = conference.reports.get()
    assert asked.received_on == D(2026, 9, 8)
    assert _task(asked).done_on == D(2026, 9, 8)
    assert timescales().status(asked.report_due_on, met_on=asked.received_on).text == (
        "Done 2 working days late"  # Friday 4 September to Tuesday 8 September
    )
    # A review conference that asked for no report: the shared one is recorded as received.
    plan = _held_with_plan(cw, conference)
    assert conference.reports.get().received_on == D(2026, 9, 8)  # kept at the conference
    review = cs.conference_schedule(
        acting_user=cw.worker, episode=conference.episode, kind="review", plan=plan,
        scheduled_on=D(2026, 12, 8), chair=cw.chair, invitees=[], reports=[])  # fmt: skip
    assert not review.reports.exists()
    with time_machine.travel(at(2026, 11, 30), tick=False):
        report = _approved(cw, review, kind=ReportKind.REVIEW)
        services.report_share(acting_user=cw.worker, report=report)
    added = review.reports.get()
    assert (added.author, added.agency, added.received_on) == (
        "Sam Rivers", "social_care", D(2026, 11, 30)
    )  # fmt: skip
    assert added.report_due_on == D(2026, 12, 1)  # 5 working days before Tue 8 Dec
    assert _task(added).done_on == D(2026, 11, 30)


def test_a_report_shared_after_the_conference_date_did_not_reach_it(cw, conference):
    # The default clock, 20 January 2027: the conference of 9 September is not yet
    # recorded, but the report cannot have reached it.
    services.report_share(acting_user=cw.worker, report=_approved(cw, conference))
    asked = conference.reports.get()
    assert asked.received_on is None and _task(asked).done_on is None
    _held_with_plan(cw, conference)  # recording the outcome is not refused
    asked.refresh_from_db()
    assert asked.received_on is None
    assert _task(asked).done_on == D(2026, 9, 9)  # the chance passed with the conference


def test_a_report_shared_after_the_conference_was_held_changes_nothing(cw, conference):
    report = _approved(cw, conference)
    cs.section47_complete(
        acting_user=cw.worker, enquiry=Section47Enquiry.objects.get(), completed_on=D(2026, 9, 2),
        concerns_substantiated=True, likely_significant_harm=True, icpc_required=True)  # fmt: skip
    # Brought forward: held on Thursday 3 September.
    cs.conference_record(
        acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 3), plan_decided=False
    )
    with time_machine.travel(at(2026, 9, 4), tick=False):  # before the date it was set for
        services.report_share(acting_user=cw.worker, report=report)
    asked = conference.reports.get()
    assert asked.received_on is None  # settled when the conference was held
    assert _task(asked).done_on == D(2026, 9, 3)
