"""Reports: drafted from the record, submitted, returned, resubmitted, approved and
shared; every version kept; only the right manager decides; concurrent saves refused
without loss; the PDF only for those who may read the child's case."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.models import ConflictError
from hearth.documents import selectors, services
from hearth.documents.models import ImmutableError, Report, ReportState, ReportVersion

from .conftest import D, pdf_text

pytestmark = pytest.mark.django_db

FILLED = {
    "family_views": "Mum wants help with the housing.",
    "analysis": "Repeated injuries with no explanation; Amelia is frightened at home.",
    "recommendation": "A child protection plan under the category of physical abuse.",
}


def _start(cw, conference):
    return services.report_start(acting_user=cw.worker, kind="icpc", conference=conference)


def _filled(report, **more):
    return {**report.sections, **FILLED, **more}


def _submitted(cw, conference):
    report = _start(cw, conference)
    return services.report_submit(
        acting_user=cw.worker,
        report=report,
        expected_version=report.version,
        sections=_filled(report),
    )


def test_a_report_starts_from_the_record(cw, conference):
    report = _start(cw, conference)
    assert report.state == ReportState.DRAFT
    assert "Name: Amelia Okafor" in report.text("child")
    assert "14 March 2019" in report.text("child")
    assert "I like it at Nana's" in report.text("child_voice")
    assert "Two call-outs to the address" in report.text("agency_views")
    assert "Section 47 enquiry started 21 August 2026" in report.text("reason")
    # Due to the chair 3 working days before Wed 9 Sep 2026 (cp.report.icpc): Fri 4 Sep.
    assert (report.due_on, report.due_rule) == (D(2026, 9, 4), "cp.report.icpc")
    assert [v.event for v in report.versions.all()] == ["started"]
    # Starting again opens the same report.
    assert _start(cw, conference).pk == report.pk
    assert AuditEvent.objects.filter(event="documents.report.create", object_id=str(report.pk))


def test_draft_submitted_returned_resubmitted_approved_shared(cw, conference):
    report = _start(cw, conference)
    report = services.report_save(
        acting_user=cw.worker,
        report=report,
        expected_version=report.version,
        sections=_filled(report, recommendation=""),
    )
    with pytest.raises(ValidationError) as refused:
        services.report_submit(
            acting_user=cw.worker, report=report, expected_version=report.version
        )
    assert "recommendation" in refused.value.error_dict
    report = services.report_submit(
        acting_user=cw.worker,
        report=report,
        expected_version=report.version,
        sections=_filled(report),
    )
    assert (report.state, report.submitted_to, report.team) == ("submitted", cw.manager, cw.team)
    # Once submitted the author cannot change the text.
    with pytest.raises(ValidationError, match="can no longer change"):
        services.report_save(
            acting_user=cw.worker, report=report, expected_version=report.version, sections={}
        )
    with pytest.raises(ValidationError, match="what needs to change"):
        services.report_return(acting_user=cw.manager, report=report, comments="  ")
    report = services.report_return(
        acting_user=cw.manager, report=report, comments="Say what Amelia told the school nurse."
    )
    assert report.state == ReportState.RETURNED
    report = services.report_submit(
        acting_user=cw.worker,
        report=report,
        expected_version=report.version,
        sections=_filled(report, child_voice=report.text("child_voice") + "\nShe told the nurse."),
    )
    report = services.report_approve(acting_user=cw.manager, report=report)
    assert report.state == ReportState.APPROVED
    with pytest.raises(PermissionDenied):
        services.report_approve(acting_user=cw.manager, report=report)  # not twice
    report = services.report_share(acting_user=cw.worker, report=report)
    assert (report.state, report.shared_with) == ("shared", cw.chair)

    versions = list(report.versions.order_by("number"))
    assert [(v.number, v.event, v.state) for v in versions] == [
        (1, "started", "draft"),
        (2, "saved", "draft"),
        (3, "saved", "draft"),
        (4, "submitted", "submitted"),
        (5, "returned", "returned"),
        (6, "saved", "returned"),
        (7, "resubmitted", "submitted"),
        (8, "approved", "approved"),
        (9, "shared", "shared"),
    ]
    assert versions[4].comment == "Say what Amelia told the school nurse."
    assert versions[4].by == cw.manager
    assert "She told the nurse" not in versions[3].sections["child_voice"]
    assert "She told the nurse" in versions[6].sections["child_voice"]
    # Versions never change.
    with pytest.raises(ImmutableError):
        versions[0].save()
    with pytest.raises(ImmutableError):
        versions[0].delete()
    events = set(
        AuditEvent.objects.filter(
            object_id=str(report.pk), object_type="documents.report"
        ).values_list("event", flat=True)
    )
    assert {"documents.report.submitted", "documents.report.returned",
            "documents.report.approved", "documents.report.shared"} <= events  # fmt: skip
    approved = AuditEvent.objects.get(event="documents.report.approved")
    assert approved.changes["state"] == ["submitted", "approved"]
    assert approved.actor_id == cw.manager.pk
    saved = AuditEvent.objects.filter(event="documents.report.saved").first()
    assert "sections" in saved.changes


def test_only_the_right_manager_decides(cw, conference, f):
    report = _submitted(cw, conference)
    other_team = f.team("Child Protection East")
    other_manager = f.user("team_manager", team=other_team, full_name="Ivo Marsh")
    for user in (cw.worker, other_manager, cw.chair, cw.outsider):
        assert not services.can_decide(user, report)
        with pytest.raises(PermissionDenied):
            services.report_approve(acting_user=user, report=report)
    # Another manager of the author's team may decide; so may the one it was sent to.
    assert services.can_decide(cw.second_manager, report)
    assert services.can_decide(cw.manager, report)
    assert list(selectors.awaiting_sign_off(other_manager)) == []
    # A manager never signs off their own report.
    f.involve(cw.child, cw.team, cw.manager)
    own = services.report_start(
        acting_user=cw.manager, kind="assessment", assessment=conference.episode.assessments.get()
    )
    own = services.report_submit(
        acting_user=cw.manager,
        report=own,
        expected_version=own.version,
        sections=_filled(own),
        manager=cw.second_manager,
    )
    assert not services.can_decide(cw.manager, own)
    assert services.can_decide(cw.second_manager, own)


def test_awaiting_sign_off_lists_the_managers_reports_oldest_deadline_first(cw, conference):
    icpc = _submitted(cw, conference)
    assessment = conference.episode.assessments.get()
    report = services.report_start(acting_user=cw.worker, kind="assessment", assessment=assessment)
    services.report_submit(
        acting_user=cw.worker,
        report=report,
        expected_version=report.version,
        sections=_filled(report),
    )
    rows = list(selectors.awaiting_sign_off(cw.manager))
    # The assessment was due 10 June 2026, before the conference report (4 Sep 2026).
    assert [(r.pk, r.deadline) for r in rows] == [
        (report.pk, D(2026, 6, 10)),
        (icpc.pk, D(2026, 9, 4)),
    ]
    assert list(selectors.awaiting_sign_off(cw.worker)) == []
    services.report_approve(acting_user=cw.manager, report=icpc)
    assert [r.pk for r in selectors.awaiting_sign_off(cw.second_manager)] == [report.pk]


def test_moving_the_conference_moves_the_deadline_in_the_queue(cw, conference):
    from hearth.casework import services as cs

    _submitted(cw, conference)
    cs.conference_update(
        acting_user=cw.chair,
        conference=conference,
        expected_version=conference.version,
        scheduled_on=D(2026, 9, 16),
        chair=cw.chair,
        invitees=cw.attendees(),
        reports=[{"id": r.pk, "author": r.author, "agency": r.agency}
                 for r in conference.reports.all()],
    )  # fmt: skip
    # Wed 16 Sep 2026 less 3 working days: Fri 11 Sep.
    assert selectors.awaiting_sign_off(cw.manager).get().deadline == D(2026, 9, 11)


def test_a_second_user_saving_over_a_changed_draft_is_refused_without_loss(cw, conference, f):
    colleague = f.user("social_worker", team=cw.team, full_name="Ada Penn")
    report = _start(cw, conference)
    opened_at = report.version
    services.report_save(
        acting_user=cw.worker,
        report=Report.objects.get(pk=report.pk),
        expected_version=opened_at,
        sections={**report.sections, "analysis": "First analysis by Sam."},
    )
    with pytest.raises(ConflictError):
        services.report_save(
            acting_user=colleague,
            report=Report.objects.get(pk=report.pk),
            expected_version=opened_at,
            sections={**report.sections, "analysis": "Second analysis by Ada."},
        )
    report.refresh_from_db()
    assert report.text("analysis") == "First analysis by Sam."
    assert report.versions.count() == 2

    # Through the page: the second person's text stays in the form, the saved one beside it.
    client = Client()
    client.force_login(colleague)
    data = {**report.sections, "analysis": "Second analysis by Ada.", "version": opened_at,
            "action": "save"}  # fmt: skip
    response = client.post(reverse("documents:report", args=[report.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Second analysis by Ada." in body and "First analysis by Sam." in body
    assert "changed by someone else" in body
    report.refresh_from_db()
    assert report.text("analysis") == "First analysis by Sam."


def test_a_worker_of_another_team_cannot_read_a_report_or_its_pdf(cw, conference, login):
    report = _submitted(cw, conference)
    services.report_approve(acting_user=cw.manager, report=report)
    client = login(cw.outsider)
    for name in ("documents:report", "documents:report_pdf"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    assert client.post(reverse("documents:report_decide", args=[report.pk]),
                       {"decision": "approve"}).status_code == 404  # fmt: skip
    client = login(cw.partner)
    assert client.get(reverse("documents:report", args=[report.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.report_start(acting_user=cw.outsider, kind="icpc", conference=conference)


def test_an_approved_report_prints_as_pdf(cw, conference, login):
    report = _submitted(cw, conference)
    client = login(cw.worker)
    url = reverse("documents:report_pdf", args=[report.pk])
    assert client.get(url).status_code == 404  # not before it is signed off
    services.report_approve(acting_user=cw.manager, report=report)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Amelia Okafor" in pdf_text(response.content)
    assert AuditEvent.objects.filter(event="documents.report.pdf", actor_id=cw.worker.pk)


def test_the_pages_through_the_client(cw, conference, login, django_assert_max_num_queries):
    client = login(cw.worker)
    start = reverse("documents:conference_report", args=[conference.pk])
    assert b"Start the report" in client.get(start).content
    response = client.post(start)
    report = Report.objects.get()
    assert response.url == reverse("documents:report", args=[report.pk])
    url = response.url
    with django_assert_max_num_queries(40):
        page = client.get(url)
    assert page.status_code == 200 and b"The child&#x27;s voice" in page.content
    # Autosave: the version comes back out of band for the next save.
    auto = client.post(
        reverse("documents:report_autosave", args=[report.pk]),
        {**report.sections, "analysis": "Typed so far", "version": report.version},
        HTTP_HX_REQUEST="true",
    )
    assert b"Draft saved" in auto.content and b'hx-swap-oob="true"' in auto.content
    report.refresh_from_db()
    assert report.text("analysis") == "Typed so far"
    # Submitting with a required section empty keeps what was typed and says why.
    data = {**report.sections, "recommendation": "", "version": report.version,
            "action": "submit", "manager": cw.manager.pk}  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert b"govuk-error-summary" in refused.content and b"Typed so far" in refused.content
    data["recommendation"] = "A plan."
    assert client.post(url, data).status_code == 302
    manager = login(cw.manager)
    with django_assert_max_num_queries(20):
        queue = manager.get(reverse("documents:sign_off"))
    assert b"Amelia Okafor" in queue.content
    refused = manager.post(reverse("documents:report_decide", args=[report.pk]),
                           {"decision": "return", "comments": ""})  # fmt: skip
    assert b"Say what needs to change" in refused.content
    manager.post(reverse("documents:report_decide", args=[report.pk]), {"decision": "approve"})
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert ReportVersion.objects.filter(report=report, event="approved").exists()


def test_a_review_report_carries_the_plan_and_each_step_is_notified(cw, conference):
    from hearth.accounts.models import Notification
    from hearth.casework import services as cs
    from hearth.casework.models import ChildProtectionPlan, Section47Enquiry

    cs.section47_complete(
        acting_user=cw.worker, enquiry=Section47Enquiry.objects.get(), completed_on=D(2026, 9, 2),
        concerns_substantiated=True, likely_significant_harm=True, icpc_required=True)  # fmt: skip
    cs.conference_record(
        acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9), plan_decided=True,
        category="PHY")  # fmt: skip
    plan = ChildProtectionPlan.objects.get()
    cs.case_action_add(
        acting_user=cw.worker, parent=plan, description="Weekly visits", owner="Sam Rivers",
        due_on=D(2026, 10, 1))  # fmt: skip
    review = cs.conference_schedule(
        acting_user=cw.worker, episode=conference.episode, kind="review", plan=plan,
        scheduled_on=D(2026, 12, 8), chair=cw.chair, invitees=[], reports=[])  # fmt: skip
    with pytest.raises(ValidationError, match="does not match"):
        services.report_start(acting_user=cw.worker, kind="icpc", conference=review)
    report = services.report_start(acting_user=cw.worker, kind="review", conference=review)
    assert "Weekly visits – Sam Rivers, by 1 October 2026" in report.text("plan")
    assert "Child protection plan since 9 September 2026" in report.text("reason")
    assert "Physical abuse" in report.text("reason")
    # Tue 8 Dec 2026 less 5 working days (cp.report.review): Tue 1 Dec.
    assert report.due_on == D(2026, 12, 1)
    report = services.report_submit(
        acting_user=cw.worker, report=report, expected_version=report.version,
        sections=_filled(report))  # fmt: skip
    assert Notification.objects.filter(recipient=cw.manager, link__contains=str(report.pk))
    report = services.report_return(
        acting_user=cw.manager, report=report, comments="Add the school's view"
    )
    assert Notification.objects.filter(recipient=cw.worker, text__contains="returned")
    report = services.report_submit(
        acting_user=cw.worker, report=report, expected_version=report.version)  # fmt: skip
    report = services.report_approve(acting_user=cw.manager, report=report)
    services.report_share(acting_user=cw.worker, report=report)
    assert Notification.objects.filter(recipient=cw.chair, text__contains="shared with you")


def test_the_chair_finds_the_reports_shared_with_them(cw, conference, login):
    report = _submitted(cw, conference)
    report = services.report_approve(acting_user=cw.manager, report=report)
    with pytest.raises(ValidationError, match="reviewing officer"):
        services.report_share(acting_user=cw.worker, report=report, recipient=cw.manager)
    services.report_share(acting_user=cw.worker, report=report)
    assert list(selectors.shared_with(cw.chair)) == [report]
    page = login(cw.chair).get(reverse("documents:shared"))
    body = page.content.decode()
    assert "Amelia Okafor" in body
    assert "Late" in body  # shared on 20 January 2027, after the 4 September deadline
    assert login(cw.chair).get(reverse("documents:report_pdf", args=[report.pk])).status_code == 200


def test_the_report_page_reads_a_fixed_number_of_queries(cw, conference, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = _start(cw, conference)
    client = login(cw.worker)
    url = reverse("documents:report", args=[report.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(10):
        report = services.report_save(
            acting_user=cw.worker, report=report, expected_version=report.version,
            sections={**report.sections, "analysis": f"Draft {i}"})  # fmt: skip
    big = count()
    assert big == small <= 25, (small, big)


def test_an_assessment_report_starts_from_the_assessment(cw, conference):
    assessment = conference.episode.assessments.get()
    report = services.report_start(acting_user=cw.worker, kind="assessment", assessment=assessment)
    assert report.text("reason").startswith("Referral received 2 April 2026 from")
    assert report.text("professional_views") == "School worry about bruising."
    assert report.text("recommendation") == "Strategy discussion"
    assert "I like it at Nana's" in report.text("child_voice")
    assert (report.due_on, report.due_rule) == (D(2026, 6, 10), "assessment.completion")
    with pytest.raises(ValidationError, match="Choose the assessment"):
        services.report_start(acting_user=cw.worker, kind="assessment")
    with pytest.raises(ValidationError, match="Choose the conference"):
        services.report_start(acting_user=cw.worker, kind="icpc")


def test_the_authors_unfinished_reports_for_my_work(cw, conference):
    report = _start(cw, conference)
    assert [(r.pk, r.deadline) for r in selectors.reports_to_finish(cw.worker)] == [
        (report.pk, D(2026, 9, 4))
    ]
    report = services.report_submit(
        acting_user=cw.worker, report=report, expected_version=report.version,
        sections=_filled(report))  # fmt: skip
    assert list(selectors.reports_to_finish(cw.worker)) == []
    services.report_return(acting_user=cw.manager, report=report, comments="More on school.")
    assert [r.state for r in selectors.reports_to_finish(cw.worker)] == ["returned"]
    assert list(selectors.reports_to_finish(cw.outsider)) == []


def test_an_autosave_landing_after_the_submit_is_told_not_refused(cw, conference, login):
    # The page's last autosave can reach the server just after its own Submit: it is
    # answered with what happened (no error in the browser), and writes nothing.
    report = _submitted(cw, conference)
    versions = report.versions.count()
    client = login(cw.worker)
    response = client.post(
        reverse("documents:report_autosave", args=[report.pk]),
        {**report.sections, "analysis": "Typed just before Submit", "version": report.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"now waiting for the manager and can no longer change" in response.content
    assert b'hx-swap-oob="true"' not in response.content
    report.refresh_from_db()
    assert "Typed just before Submit" not in report.text("analysis")
    assert report.versions.count() == versions
    # Someone who may not read the child's case learns nothing of it.
    outsider = login(cw.outsider)
    url = reverse("documents:report_autosave", args=[report.pk])
    assert outsider.post(url, {"version": report.version}).status_code == 404
