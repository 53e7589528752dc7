"""The chronology: generated from the record against a fixed scenario, manual entries
from documents through the provider registry, filters by type and date, the page's
access checks and query count, printing, and the PDF."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.casework import chronology as chron
from hearth.casework import services
from hearth.casework.models import ChildProtectionPlan, Section47Enquiry
from hearth.documents import services as documents
from hearth.frontdoor.models import Contact, ContactPerson

from .conftest import D, at

pytestmark = pytest.mark.django_db


def _scenario(cw):
    """Arthur's pattern in miniature: a contact, the referral, an assessment, a strategy
    discussion, a section 47 enquiry, a conference and a plan, notes and a manual entry."""
    contact = Contact.objects.create(
        status="decided", received_at=at(2026, 4, 1, 9, 30), referral_source="2A",
        referrer_organisation="Ashby Primary School", concern="Bruising on the arm.",
        decision="referral", decision_reason="Unexplained injury to a young child.",
        decided_at=at(2026, 4, 2, 11), created_by=cw.worker)  # fmt: skip
    ContactPerson.objects.create(contact=contact, person=cw.child, role="child", added_by=cw.worker)
    episode = cw.episode()
    assessment = services.assessment_start(
        acting_user=cw.worker, episode=episode, started_on=D(2026, 4, 7)
    )
    services.assessment_update(
        acting_user=cw.worker, assessment=assessment, expected_version=assessment.version,
        child_voice="“Nana reads to me.”", family_views="", professional_views="",
        analysis="Repeated injuries.", factors=["3B"], outcome="strategy_discussion")  # fmt: skip
    services.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 9), alone=True
    )
    services.assessment_authorise(
        acting_user=cw.manager, assessment=assessment, authorised_on=D(2026, 5, 20)
    )
    services.strategy_discussion_record(
        acting_user=cw.worker, episode=episode, held_at=at(2026, 8, 21, 14), decision="s47_joint",
        attendees=cw.attendees(), summary="Joint enquiry with the police.")  # fmt: skip
    enquiry = Section47Enquiry.objects.get()
    services.section47_complete(
        acting_user=cw.worker, enquiry=enquiry, completed_on=D(2026, 9, 2),
        concerns_substantiated=True, likely_significant_harm=True, icpc_required=True)  # fmt: skip
    conference = services.conference_schedule(
        acting_user=cw.chair, episode=episode, kind="initial", section47=enquiry,
        scheduled_on=D(2026, 9, 9), chair=cw.chair, invitees=[], reports=[])  # fmt: skip
    services.conference_record(
        acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9), plan_decided=True,
        category="PHY")  # fmt: skip
    plan = ChildProtectionPlan.objects.get()
    services.core_group_record(acting_user=cw.worker, plan=plan, held_on=D(2026, 9, 22))
    services.case_note_record(
        acting_user=cw.worker, person=cw.child, kind="home_visit", occurred_at=at(2026, 9, 15),
        child_seen=True, seen_alone=True, child_words="I got a new bike.", text="Home calm.",
        significant=True)  # fmt: skip
    services.case_note_record(
        acting_user=cw.worker,
        person=cw.child,
        kind="phone_call",
        occurred_at=at(2026, 9, 16),
        text="Routine call to school.",
    )  # fmt: skip  (not significant: not on the chronology)
    services.case_note_record(
        acting_user=cw.manager, person=cw.child, kind="supervision_decision",
        occurred_at=at(2026, 9, 17), text="Keep weekly visits.")  # fmt: skip
    documents.chronology_entry_add(
        acting_user=cw.worker, person=cw.child, occurred_on=D(2026, 3, 10),
        title="Family moved from another authority",
        source="Letter from the previous LA")  # fmt: skip


EXPECTED = [
    (D(2026, 3, 10), "manual", "Family moved from another authority"),
    (D(2026, 4, 1), "contact", "Contact C{id:06d} from Ashby Primary School"),
    (D(2026, 4, 2), "referral", "Referral: child in need episode opened"),
    (D(2026, 4, 2), "decision", "Front door decision: Referral to children's social care"),
    (D(2026, 4, 7), "assessment", "Assessment started"),
    (D(2026, 5, 20), "assessment", "Assessment authorised: Strategy discussion"),
    (D(2026, 8, 21), "strategy", "Strategy discussion: Section 47 enquiry jointly with the police"),
    (D(2026, 8, 21), "s47", "Section 47 enquiry started"),
    (D(2026, 9, 2), "s47", "Section 47 enquiry ended: concerns substantiated; initial conference"),
    (D(2026, 9, 9), "conference", "Initial child protection conference: child protection plan"),
    (D(2026, 9, 9), "plan", "Child protection plan started"),
    (D(2026, 9, 15), "note", "Home visit: child seen alone"),
    (D(2026, 9, 17), "supervision", "Supervision decision"),
    (D(2026, 9, 22), "plan", "Core group meeting"),
]  # fmt: skip


def _rows(entries):
    return [(e.on, e.kind, e.title) for e in entries]


def _expected():
    contact = Contact.objects.get()
    return [(d, k, t.format(id=contact.pk)) for d, k, t in EXPECTED]


def test_the_chronology_is_generated_from_the_record(cw):
    _scenario(cw)
    entries = chron.chronology(cw.child.pk)
    got = _rows(entries)
    # Titles that carry a code label are checked by their start.
    assert [(d, k) for d, k, _ in got] == [(d, k) for d, k, _ in _expected()]
    for (_, _, title), (_, _, want) in zip(got, _expected(), strict=True):
        assert title.startswith(want), (title, want)
    by_kind = {e.kind: e for e in entries}
    assert "I got a new bike." in by_kind["note"].detail
    assert by_kind["note"].by == "Sam Rivers"
    assert by_kind["manual"].detail == "Source: Letter from the previous LA"
    assert by_kind["conference"].title.endswith("child protection plan (Physical abuse)")
    assert by_kind["conference"].by == "Ruth Adeyemi"


def test_the_chronology_filters_by_type_and_date(cw):
    _scenario(cw)
    kinds = chron.chronology(cw.child.pk, kinds={"conference", "plan"})
    assert [e.kind for e in kinds] == ["conference", "plan", "plan"]
    window = chron.chronology(cw.child.pk, since=D(2026, 9, 2), until=D(2026, 9, 15))
    assert [e.on for e in window] == [D(2026, 9, 2), D(2026, 9, 9), D(2026, 9, 9), D(2026, 9, 15)]
    both = chron.chronology(cw.child.pk, kinds={"note", "manual"}, since=D(2026, 4, 1))
    assert _rows(both) == [(D(2026, 9, 15), "note", "Home visit: child seen alone")]
    assert chron.chronology(cw.child.pk, until=D(2026, 1, 1)) == []


def test_other_apps_register_their_own_sources(cw):
    keys = {t.key for t in chron.entry_types()}
    assert {"contact", "referral", "assessment", "strategy", "s47", "conference", "plan",
            "note", "supervision", "manual"} <= keys  # fmt: skip
    manual = next(p for p in chron.providers() if p.name == "documents.manual")
    assert manual.add_url is not None
    assert manual.add_url(cw.child.pk) == reverse(
        "documents:chronology_entry_new", args=[cw.child.pk]
    )


def test_the_page_checks_access_logs_the_view_and_reads_a_fixed_number_of_queries(cw, login):
    url = reverse("casework:chronology", args=[cw.child.pk])
    client = login(cw.worker)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    cw.episode()
    small, _ = count()
    _scenario_rest(cw)
    big, response = count()
    assert big == small <= 30, (small, big)
    body = response.content.decode()
    assert "Family moved from another authority" in body
    assert '<style media="print">' in body
    assert "Add an event to the chronology" in body
    assert AuditEvent.objects.filter(event="people.person.view.chronology", actor_id=cw.worker.pk)
    assert login(cw.outsider).get(url).status_code == 404
    assert login(cw.partner).get(url).status_code == 404
    assert login(cw.outsider).get(url + ".pdf").status_code == 404


def _scenario_rest(cw):
    """More entries on the episode already open: notes and a manual entry."""
    for day in range(1, 11):
        services.case_note_record(
            acting_user=cw.worker, person=cw.child, kind="home_visit",
            occurred_at=at(2026, 10, day), child_seen=True, text=f"Visit {day}",
            significant=True)  # fmt: skip
    documents.chronology_entry_add(
        acting_user=cw.worker, person=cw.child, occurred_on=D(2026, 3, 10),
        title="Family moved from another authority")  # fmt: skip


def test_a_bad_filter_is_named_and_keeps_what_was_typed(cw, login):
    cw.episode()
    url = reverse("casework:chronology", args=[cw.child.pk])
    typed = {"since_0": "10", "since_1": "9", "since_2": "2026",
             "until_0": "1", "until_1": "9", "until_2": "2026"}  # fmt: skip
    response = login(cw.worker).get(url, typed)
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "The end of the date range must be after its start" in body
    assert 'value="2026"' in body


def test_the_pdf_names_the_child_and_is_audited(cw, login):
    from hearth.documents.tests.conftest import pdf_text

    _scenario(cw)
    client = login(cw.worker)
    response = client.get(
        reverse("casework:chronology_pdf", args=[cw.child.pk]), {"kinds": ["conference", "plan"]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Amelia Okafor" in pdf_text(response.content)
    event = AuditEvent.objects.get(event="casework.chronology.pdf")
    assert event.data["entries"] == 3
    assert event.person_id == cw.child.pk


def test_manual_entries_through_the_page(cw, login):
    url = reverse("documents:chronology_entry_new", args=[cw.child.pk])
    client = login(cw.worker)
    refused = client.post(url, {"occurred_on_0": "1", "occurred_on_1": "2", "occurred_on_2": "2030",
                                "title": "Moved house"})  # fmt: skip
    assert "The date cannot be in the future" in refused.content.decode()
    assert "Moved house" in refused.content.decode()
    done = client.post(url, {"occurred_on_0": "1", "occurred_on_1": "2", "occurred_on_2": "2026",
                             "title": "Moved house", "detail": "To Ashby."})  # fmt: skip
    assert done.status_code == 302
    assert _rows(chron.chronology(cw.child.pk)) == [(D(2026, 2, 1), "manual", "Moved house")]
    assert login(cw.outsider).get(url).status_code == 404
    assert login(cw.chair).get(url).status_code == 403
