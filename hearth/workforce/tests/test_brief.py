"""The team brief against a fixed scenario, the duty worker's list, supervision
(frequency, overdue, and the privacy matrix across roles) and the sign-off queue."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.casework.models import Assessment, EpisodeClosure, Task
from hearth.documents.models import Report
from hearth.frontdoor.models import Contact
from hearth.people.models import Involvement
from hearth.workforce import policy, selectors, services
from hearth.workforce.models import DutyShift, Leave, Supervision

from .conftest import TODAY, D

pytestmark = pytest.mark.django_db
_src = itertools.count(1)


def task(person, title, due, rule="cp.visit", **values):
    return Task.objects.create(
        person=person, rule_code=rule, title=title, role="social_worker", due_on=due,
        source_type="test", source_id=next(_src), source_field="f", **values,
    )  # fmt: skip


@pytest.fixture
def brief_scenario(sc):
    amy, ben = sc.child(sc.sam, given_name="Amy"), sc.child(sc.priya, given_name="Ben")
    cal = sc.child(given_name="Cal")  # unallocated
    outsider = sc.f.person(given_name="Dee")  # another team's child
    Involvement.objects.create(
        person=outsider, team=sc.other_worker.team, worker=sc.other_worker, reason="x",
        started=D(2027, 1, 4),
    )  # fmt: skip
    task(amy, "Visit Amy", TODAY)
    task(ben, "Visit Ben", TODAY)
    task(amy, "Review conference report", TODAY + dt.timedelta(days=2), rule="cp.report.review")
    task(ben, "Core group", TODAY - dt.timedelta(days=3), rule="cp.core_group.first")
    task(amy, "Next week's review", TODAY + dt.timedelta(days=8), rule="cp.review")
    task(amy, "3 visits in a row without access", TODAY, rule=selectors.ESCALATION_RULE)
    task(outsider, "Visit Dee", TODAY)
    task(amy, "Done already", TODAY, done_on=TODAY)
    DutyShift.objects.create(team=sc.team, day=TODAY, worker=sc.agent)
    Leave.objects.create(
        user=sc.jo, start=TODAY - dt.timedelta(days=1), end=TODAY + dt.timedelta(days=3)
    )
    Supervision.objects.create(
        worker=sc.sam, supervisor=sc.manager, held_on=TODAY - dt.timedelta(days=30), kind="personal"
    )
    Supervision.objects.create(
        worker=sc.priya, supervisor=sc.manager, held_on=TODAY - dt.timedelta(days=2), kind="case"
    )
    return amy, ben, cal


def test_team_brief_contents(sc, brief_scenario):
    _amy, _ben, cal = brief_scenario
    brief = selectors.team_brief(sc.team, TODAY)
    assert [(w, [t.title for t in ts]) for w, ts in brief.visits_by_worker] == [
        ("Priya Shah", ["Visit Ben"]),
        ("Sam Rivers", ["Visit Amy"]),
    ]
    assert [t.title for t in brief.due_this_week] == ["Review conference report"]
    assert [t.title for t in brief.overdue] == ["Core group"]
    assert [t.title for t in brief.escalations] == ["3 visits in a row without access"]
    assert [i.person for i in brief.unallocated] == [cal]
    assert brief.duty == sc.agent
    assert [x.user for x in brief.leave] == [sc.jo]
    # Sam last supervised 30 days ago (due 2 days ago); the others, never supervised,
    # are due 28 or 14 days after joining (today), so not this week; Priya was just seen.
    assert [(s.worker, s.overdue) for s in brief.supervision] == [(sc.sam, True)]


def test_team_brief_has_the_care_visits_and_tasks(sc):
    from hearth.care.models import CareTask, PeriodOfCare, Placement

    child = sc.child(sc.agent, given_name="Eve")
    period = PeriodOfCare.objects.create(person=child, start_date=D(2026, 1, 5))
    Placement.objects.create(
        person=child, period=period, placement_type="U1", start_date=D(2026, 1, 5),
        visit_due_on=TODAY,
    )  # fmt: skip
    CareTask.objects.create(
        person=child, kind="return_interview", title="Offer a return home interview",
        due_on=TODAY - dt.timedelta(days=1),
    )  # fmt: skip
    brief = selectors.team_brief(sc.team, TODAY)
    assert [(w, [t.title for t in ts]) for w, ts in brief.visits_by_worker] == [
        ("Lee Agent", ["Statutory visit to the child in care"])
    ]
    assert [t.title for t in brief.overdue] == ["Offer a return home interview"]


def test_team_brief_page_is_printable(sc, login, brief_scenario):
    page = login(sc.manager).get("/team/brief/").content.decode()
    assert "Team brief for Wednesday 20 January 2027" in page
    assert "Visit Dee" not in page
    assert "govuk-!-display-none-print" in page


def test_duty_rota_and_the_duty_workers_view(sc, login):
    services.duty_set(acting_user=sc.manager, team=sc.team, day=TODAY, worker=sc.sam)
    services.duty_set(acting_user=sc.manager, team=sc.team, day=TODAY, worker=sc.agent)
    assert DutyShift.objects.get(team=sc.team, day=TODAY).worker == sc.agent
    with pytest.raises(ValidationError):
        services.duty_set(acting_user=sc.manager, team=sc.team, day=TODAY, worker=sc.other_worker)
    with pytest.raises(PermissionDenied):
        services.duty_set(acting_user=sc.other_manager, team=sc.team, day=TODAY, worker=None)
    waiting = sc.child(given_name="Eve")
    Contact.objects.create(
        status="awaiting_decision", rag="red", referred_to_team=sc.team, created_by=sc.manager
    )
    view = selectors.duty_view(sc.team)
    assert [i.person for i in view.needing_visit] == [waiting]
    assert len(view.urgent_contacts) == 1
    assert login(sc.agent).get("/team/duty/today/").status_code == 200
    assert login(sc.sam).get("/team/duty/today/").status_code == 404


def test_supervision_frequency_and_overdue(sc):
    Supervision.objects.create(
        worker=sc.jo, supervisor=sc.manager, held_on=TODAY - dt.timedelta(days=15), kind="personal"
    )
    due = {d.worker.pk: d for d in selectors.supervision_due([sc.jo, sc.sam], TODAY)}
    assert due[sc.jo.pk].due == TODAY - dt.timedelta(days=1)
    assert due[sc.jo.pk].overdue
    assert not due[sc.sam.pk].overdue


@pytest.fixture
def personal(sc):
    return services.supervision_record(
        acting_user=sc.manager, worker=sc.sam, held_on=TODAY, kind="personal",
        personal={"wellbeing": "Tired after court", "was_hard": "The Okafor visit"},
    )  # fmt: skip


def test_personal_supervision_content_stays_out_of_the_audit_log(personal):
    from hearth.audit.models import AuditEvent

    entry = AuditEvent.objects.get(event="workforce.supervision.create")
    assert "Tired after court" not in str(entry.changes) + str(entry.data)
    assert entry.data["kind"] == "personal"


def test_personal_supervision_privacy_matrix(sc, f, personal, login):
    hr = f.user("performance_officer", full_name="Harriet HR")
    group = Group.objects.create(name="HR")
    group.permissions.add(Permission.objects.get(codename="view_personal_supervision"))
    hr.groups.add(group)
    admin = f.user("administrator", full_name="Ada Admin")
    expected = {
        sc.sam: True,  # the worker
        sc.manager: True,  # their team manager
        sc.service_manager: True,  # their service manager
        hr: True,  # HR, named by permission
        sc.priya: False,  # a colleague
        sc.other_manager: False,  # another team's manager
        sc.performance: False,
        sc.partner: False,
        admin: False,  # administrators run the system, they do not read supervision
    }
    for user, allowed in expected.items():
        user = type(user).objects.get(pk=user.pk)  # fresh permission cache
        assert policy.can_read_personal_supervision(user, personal) is allowed, user
        response = login(user).get(f"/team/supervision/{personal.pk}/")
        assert (response.status_code == 200) is allowed, user
        if allowed:
            assert "Tired after court" in response.content.decode()


def test_case_supervision_decisions_are_on_the_childs_record(sc, login):
    child = sc.child(sc.sam)
    services.supervision_record(
        acting_user=sc.manager, worker=sc.sam, held_on=TODAY, kind="case",
        discussions=[{"person": child, "reflection": "Dad avoids visits",
                      "decisions": "Announced visit on Friday",
                      "actions": [{"description": "Visit", "owner": sc.sam, "due_on": TODAY}]}],
    )  # fmt: skip
    assert [d.decisions for d in selectors.case_decisions_for(child.pk)] == [
        "Announced visit on Friday"
    ]
    page = login(sc.priya).get(f"/team/children/{child.pk}/supervision/").content.decode()
    assert "Announced visit on Friday" in page
    assert login(sc.other_worker).get(f"/team/children/{child.pk}/supervision/").status_code == 404


def test_only_the_workers_managers_record_supervision(sc):
    with pytest.raises(PermissionDenied):
        services.supervision_record(
            acting_user=sc.other_manager, worker=sc.sam, held_on=TODAY, kind="personal",
            personal={"workload": "x"},
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.supervision_record(
            acting_user=sc.manager, worker=sc.sam, held_on=TODAY + dt.timedelta(days=1),
            kind="personal", personal={"workload": "x"},
        )  # fmt: skip


def test_sign_off_queue_oldest_deadline_first(sc, login):
    child = sc.child(sc.sam)
    episode = sc.episode(child)
    assessment = Assessment.objects.create(
        person=child, episode=episode, started_on=D(2026, 12, 1), outcome="cin_plan",
        assessment_due_on=D(2027, 2, 2),
    )  # fmt: skip
    EpisodeClosure.objects.create(
        episode=episode, closure_date=TODAY, closure_reason="RC1", requested_by=sc.sam,
        requested_at=dt.datetime(2027, 1, 18, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    task(child, "3 visits without access", D(2027, 1, 21), rule=selectors.ESCALATION_RULE)
    Report.objects.create(
        person=child, kind="assessment", assessment=assessment, state="submitted", author=sc.sam,
        team=sc.team, submitted_at=dt.datetime(2027, 1, 19, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    contact = Contact.objects.create(
        status="awaiting_authorisation", created_by=sc.sam, decided_by=sc.sam,
        decision="referral", decision_due_at=dt.datetime(2027, 1, 19, 17, tzinfo=dt.UTC),
    )  # fmt: skip
    items = selectors.sign_off_queue(sc.manager)
    assert [(i.kind, i.deadline) for i in items] == [
        ("Closure", D(2027, 1, 18)),
        ("Escalation", D(2027, 1, 21)),
        ("Assessment", D(2027, 2, 2)),
        ("Report", D(2027, 2, 2)),
    ]
    # A front door manager's queue has the contact decisions to authorise.
    fd_team = sc.f.team("Front Door", service_area="front_door")
    fd_manager = sc.f.user("team_manager", team=fd_team)
    assert [(i.kind, i.title) for i in selectors.sign_off_queue(fd_manager)] == [
        ("Contact decision", f"Contact {contact.reference}: Referral to children's social care")
    ]
    assert selectors.sign_off_queue(sc.other_manager) == []
    page = login(sc.manager).get("/team/sign-off/").content.decode()
    assert "2 days late" in page
    assert login(sc.sam).get("/team/sign-off/").status_code == 404


def test_case_supervision_decisions_are_on_the_chronology(sc):
    from hearth.casework.chronology import chronology

    child = sc.child(sc.sam)
    services.supervision_record(
        acting_user=sc.manager, worker=sc.sam, held_on=TODAY, kind="case",
        discussions=[{"person": child, "decisions": "Refer to the edge of care team",
                      "actions": [{"description": "Referral", "owner": sc.sam, "due_on": TODAY}]}],
    )  # fmt: skip
    entries = [e for e in chronology(child.pk) if e.kind == "supervision"]
    assert [(e.on, e.title, e.by) for e in entries] == [
        (TODAY, "Case supervision of Sam Rivers", "Tom Reid")
    ]
    assert entries[0].detail == (
        "Refer to the edge of care team Actions: Referral (Sam Rivers, by 20 January 2027)."
    )
    assert chronology(child.pk, until=TODAY - dt.timedelta(days=1), kinds=["supervision"]) == []


def test_recording_case_supervision_for_two_children(sc, login):
    amy, ben = sc.child(sc.sam, given_name="Amy"), sc.child(sc.sam, given_name="Ben")
    client = login(sc.manager)
    assert client.get(f"/team/workers/{sc.sam.pk}/supervision/new/").status_code == 200
    base = {"held_on_0": "19", "held_on_1": "1", "held_on_2": "2027", "kind": "case"}
    response = client.post(
        f"/team/workers/{sc.sam.pk}/supervision/new/",
        base | {"d0-person": amy.pk, "d0-reflection": "Quiet at school",
                "d1-person": ben.pk, "d1-action": "Visit"},
    )  # fmt: skip
    page = response.content.decode()
    assert "Record the decisions about this child" in page
    assert "Say who will do the action and by when" in page
    assert "Quiet at school" in page  # kept
    response = client.post(
        f"/team/workers/{sc.sam.pk}/supervision/new/",
        base | {"d0-person": amy.pk, "d0-decisions": "Speak to the school nurse",
                "d1-person": ben.pk, "d1-decisions": "Keep on CIN plan", "d1-action": "Visit",
                "d1-action_owner": sc.sam.pk, "d1-action_due_on_0": "26",
                "d1-action_due_on_1": "1", "d1-action_due_on_2": "2027"},
    )  # fmt: skip
    assert response.status_code == 302
    sup = Supervision.objects.get(kind="case")
    assert [d.person for d in sup.discussions.all()] == [amy, ben]
    assert sup.discussions.get(person=ben).actions.get().owner == sc.sam
    assert login(sc.other_manager).get(
        f"/team/workers/{sc.sam.pk}/supervision/new/"
    ).status_code in (403, 404)
