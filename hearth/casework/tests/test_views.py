"""Casework pages: who may see and change them, forms pre-filled from the record, bad
input kept and explained, both texts kept on a conflicting save, every due date with
its rule and source, and a fixed number of queries however long the history."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.audit.models import AuditEvent
from hearth.casework import services
from hearth.casework.models import Assessment, Conference, Section47Enquiry, StrategyDiscussion

from .conftest import D, at
from .test_services import _assessment, _fill, _icpc, _strategy

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def _journey(cw):
    """Referral, assessment, strategy discussion (s47), initial conference, plan."""
    episode = cw.episode()
    assessment = _fill(cw, _assessment(cw, episode))
    services.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 8), alone=True
    )
    medical = {"description": "Medical", "owner": "Dr Rao (health)", "due_on": D(2026, 8, 24)}
    _strategy(cw, episode, actions=[medical])
    conference = _icpc(cw, episode)
    services.conference_record(
        acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9), plan_decided=True,
        category="NEG")  # fmt: skip
    return episode


def test_the_case_page_shows_the_process_with_every_due_date_and_its_source(cw, login):
    _journey(cw)
    page = _text(login(cw.worker).get(f"/casework/children/{cw.child.pk}/"))
    assert "Child in need episode from 2 April 2026" in page
    assert "2A: Schools" in page
    assert "Section 47 enquiry jointly with the police" in page
    assert "DC Lee Hart (Police): Two call-outs to the address this year." in page
    assert "Held 9 September 2026" in page
    assert "Child protection plan: NEG: Neglect" in page
    assert "Child protection plan from 9 September 2026" in page
    # Every due date says how it was worked out, and from what.
    assert page.count("How this date is worked out") >= 6
    assert "45 working days after the referral was received" in page
    assert "15 working days after the strategy discussion" in page
    assert "3 months after the initial child protection conference" in page
    assert "Working Together to Safeguard Children 2023" in page
    assert "Hold the child protection review conference" in page  # the open tasks
    assert "Reviewing officer / conference chair" in page
    assert page.count("Not received before the conference") == 2  # the reports never sent
    assert AuditEvent.objects.filter(
        event="people.person.view.casework", person_id=cw.child.pk, actor_id=cw.worker.pk
    ).exists()


def test_the_person_page_links_to_the_case(cw, login):
    page = _text(login(cw.worker).get(f"/people/{cw.child.pk}/"))
    assert f'href="/casework/children/{cw.child.pk}/"' in page


def test_people_without_access_are_kept_out(cw, login, f):
    episode = _journey(cw)
    assessment = Assessment.objects.get()
    urls = [
        f"/casework/children/{cw.child.pk}/",
        f"/casework/assessments/{assessment.pk}/",
        f"/casework/episodes/{episode.pk}/strategy-discussions/new/",
    ]
    for user in (cw.outsider, cw.partner):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    # A reviewing officer reads every case and runs conferences, but does not write
    # assessments.
    chair = login(cw.chair)
    assert chair.get(urls[0]).status_code == 200
    assert chair.get(urls[2]).status_code == 403
    enquiry = Section47Enquiry.objects.get()
    assert chair.get(f"/casework/section-47/{enquiry.pk}/outcome/").status_code == 403
    plan = episode.cp_plans.get()
    assert chair.get(f"/casework/cp-plans/{plan.pk}/review/").status_code == 200
    # A restricted child: the break-glass page first.
    cw.child.restricted = True
    cw.child.save()
    response = login(cw.worker).get(urls[0])
    assert response.status_code == 302
    assert response["Location"] == f"/people/{cw.child.pk}/restricted/"


def test_forms_are_filled_from_the_record(cw, login):
    episode = cw.episode()
    client = login(cw.worker)
    page = _text(client.get(f"/casework/episodes/{episode.pk}/strategy-discussions/new/"))
    assert 'value="Sam Rivers"' in page  # the allocated worker, as the first attendee
    _strategy(cw, episode)
    enquiry = Section47Enquiry.objects.get()
    page = _text(client.get(f"/casework/section-47/{enquiry.pk}/conference/"))
    # The conference date proposed is the due date (Mon 14 Sep 2026), the invitees are
    # the strategy discussion's, and a report is asked of each agency.
    assert 'name="scheduled_on_0" type="text" inputmode="numeric" value="14"' in page
    assert 'value="DC Lee Hart"' in page and 'value="Dr Asha Rao"' in page
    conference = _icpc(cw, episode)
    page = _text(client.get(f"/casework/conferences/{conference.pk}/outcome/"))
    assert "DC Lee Hart (Police)" in page  # attendance asked for each invitee
    assert "Report from Dr Asha Rao" in page


def test_bad_input_is_explained_and_what_was_typed_is_kept(cw, login):
    episode = cw.episode()
    _strategy(cw, episode)
    enquiry = Section47Enquiry.objects.get()
    client = login(cw.worker)
    response = client.post(
        f"/casework/section-47/{enquiry.pk}/conference/",
        {
            "scheduled_on_0": "20", "scheduled_on_1": "8", "scheduled_on_2": "2026",
            "chair": cw.chair.pk,
            "invitees-0-name": "Nana Okafor", "invitees-0-agency": "family",
            "reports-0-author": "Sam Rivers", "reports-0-agency": "social_care",
        },
    )  # fmt: skip
    page = _text(response)
    assert "There is a problem" in page
    assert "cannot be before the strategy discussion (21 August 2026)" in page
    assert 'value="Nana Okafor"' in page
    assert not Conference.objects.exists()

    response = client.post(
        f"/casework/episodes/{episode.pk}/strategy-discussions/new/",
        {"held_on_0": "1", "held_on_1": "3", "held_on_2": "2026", "held_time": "9:30",
         "decision": "nfa", "attendees-0-name": "DC Hart", "attendees-0-agency": ""},
    )  # fmt: skip
    page = _text(response)
    assert "must be on or after the referral" in page
    assert 'value="DC Hart"' in page
    assert StrategyDiscussion.objects.count() == 1


def test_a_conflicting_assessment_save_keeps_both_texts(cw, login, f):
    assessment = _assessment(cw)
    url = f"/casework/assessments/{assessment.pk}/"
    colleague = f.user("senior_practitioner", team=cw.team, full_name="Rosa Vale")
    form = {"version": "1", "family_views": "", "professional_views": "", "analysis": ""}
    first = Client()
    first.force_login(cw.worker)
    assert first.post(url, {**form, "child_voice": "Amelia: I want to stay."}).status_code == 302
    second = Client()
    second.force_login(colleague)
    page = _text(second.post(url, {**form, "child_voice": "Amelia drew her family."}))
    assert "changed by someone else" in page
    assert "Amelia drew her family." in page  # what the second person typed, in the form
    assert "Amelia: I want to stay." in page  # what was saved, beside it
    assert 'name="version" value="2"' in page  # saving again now overwrites, knowingly
    assert Assessment.objects.get().child_voice == "Amelia: I want to stay."


def test_the_assessment_shows_its_due_date_and_days_left(cw, login):
    assessment = _assessment(cw)
    page = _text(login(cw.worker).get(f"/casework/assessments/{assessment.pk}/"))
    assert "10 June 2026" in page
    assert "Overdue by" in page  # the clock is at 20 January 2027
    assert "The child&#x27;s voice" in page or "The child's voice" in page


def _reads(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    audit_writes = ("audit_auditevent", "SAVEPOINT", "pg_advisory_xact_lock")
    return sum(1 for q in ctx.captured_queries if not any(w in q["sql"] for w in audit_writes))


def test_the_case_page_reads_a_fixed_number_of_queries(cw, login):
    client = login(cw.worker)
    url = f"/casework/children/{cw.child.pk}/"
    episode = _journey(cw)
    small = _reads(client, url)
    # Much more history: more discussions, attendees, actions, conferences, a CIN plan,
    # an earlier closed episode's worth of rows.
    for day in (10, 11, 14):
        _strategy(cw, episode, held_at=at(2026, 9, day), decision="nfa", actions=[
            {"description": f"Check {day}", "owner": "SW", "due_on": D(2026, 9, 30)}])  # fmt: skip
    plan = episode.cp_plans.get()
    for day in (20, 25):
        services.core_group_record(acting_user=cw.worker, plan=plan, held_on=D(2026, 9, day))
        services.case_action_add(
            acting_user=cw.worker, parent=plan, description=f"Action {day}", owner="SW",
            due_on=D(2026, 10, day))  # fmt: skip
    review = services.conference_schedule(
        acting_user=cw.chair, episode=episode, kind="review", plan=plan,
        scheduled_on=D(2026, 12, 8), chair=cw.chair, invitees=cw.attendees(),
        reports=[{"author": "Sam Rivers", "agency": "social_care"}])  # fmt: skip
    assert review.pk
    big = _reads(client, url)
    assert big == small, (small, big)
    assert big <= 30, big


def test_closing_an_episode_through_the_pages(cw, login):
    first = cw.episode(referral_date=D(2025, 9, 1))
    services.cin_episode_close(
        acting_user=None, episode=first, closure_date=D(2025, 10, 1), closure_reason="RC8"
    )
    episode = cw.episode()
    assessment = _fill(cw, _assessment(cw, episode), outcome="nfa", factors=["21"])
    services.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 8), alone=True
    )
    services.assessment_authorise(
        acting_user=cw.manager, assessment=assessment, authorised_on=D(2026, 5, 20)
    )
    worker = login(cw.worker)
    url = f"/casework/episodes/{episode.pk}/closure/"
    assert 'value="RC8" checked' in _text(worker.get(url))  # from the assessment's outcome
    checklist = ["child_seen", "child_views_recorded", "plan_ended", "family_told"]
    response = worker.post(
        url,
        {"closure_date_0": "1", "closure_date_1": "6", "closure_date_2": "2026",
         "closure_reason": "RC8", "checklist": checklist},
    )  # fmt: skip
    assert response.status_code == 302
    assert worker.get(f"{url}sign-off/").status_code == 403
    manager = login(cw.manager)
    page = _text(manager.get(f"{url}sign-off/"))
    assert "Not done</strong> Partner agencies have been told" in page
    assert "closed on 1 October 2025, within 12 months" in page  # possible re-referral
    page = _text(manager.post(f"{url}sign-off/", {"approve": "yes"}))
    assert "The checklist is not complete: partner agencies have been told" in page
    worker = login(cw.worker)
    worker.post(
        url,
        {"closure_date_0": "1", "closure_date_1": "6", "closure_date_2": "2026",
         "closure_reason": "RC8", "checklist": [*checklist, "agencies_told"]},
    )  # fmt: skip
    manager = login(cw.manager)
    assert manager.post(f"{url}sign-off/", {"approve": "yes"}).status_code == 302
    page = _text(manager.get(f"/casework/children/{cw.child.pk}/"))
    assert "Possible pattern of re-referral" in page
    assert "RC8: Case closed after assessment, no further action" in page
