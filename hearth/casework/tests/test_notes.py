"""Case notes and visits: the one-page form (pre-filled, draft-safe, policy-checked,
audited), the child protection visit due date moved by a visit where the child was
seen alone, and three no-access visits in a row escalated to the team manager once per
run, on a child protection or child in need case only."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from hearth.audit.models import AuditEvent
from hearth.casework import services
from hearth.casework.models import CaseNote, ChildProtectionPlan, Task
from hearth.casework.selectors import ESCALATION_RULE
from hearth.people.models import Household, HouseholdMember

from .conftest import D, at
from .test_views import _journey, _reads

pytestmark = pytest.mark.django_db


def _visit(cw, when, *, user=None, **values):
    values.setdefault("kind", "home_visit")
    if values.get("no_access"):
        values.setdefault("no_access_reason", "no_answer")
    else:
        values.setdefault("text", "Visited at home.")
    return services.case_note_record(
        acting_user=user or cw.worker, person=cw.child, occurred_at=when, **values
    )


def _escalations(cw):
    return list(Task.objects.filter(person=cw.child, rule_code=ESCALATION_RULE))


# --- The child protection visit due date ---------------------------------------------------


def test_a_visit_seeing_the_child_alone_moves_the_cp_visit_due_date(cw):
    _journey(cw)  # plan from Wednesday 9 September 2026
    plan = ChildProtectionPlan.objects.get(person=cw.child)
    # 10 working days from the plan's start: Wednesday 23 September 2026.
    assert plan.next_visit_due_on == D(2026, 9, 23)
    task = Task.objects.get(person=cw.child, rule_code="cp.visit")
    assert task.due_on == D(2026, 9, 23)

    # Seen, but not alone: the local rule asks for the child seen alone (cp.visit).
    _visit(cw, at(2026, 9, 18), child_seen=True)
    plan.refresh_from_db()
    assert plan.last_visit_on is None and plan.next_visit_due_on == D(2026, 9, 23)

    # Seen alone on Monday 21 September: next due 10 working days on, Monday 5 October.
    _visit(cw, at(2026, 9, 21), child_seen=True, seen_alone=True)
    plan.refresh_from_db()
    assert plan.last_visit_on == D(2026, 9, 21)
    assert plan.next_visit_due_on == D(2026, 10, 5)
    task.refresh_from_db()
    assert task.due_on == D(2026, 10, 5)

    # A phone call never counts as a visit; an earlier visit recorded late does not
    # move the date back.
    _visit(cw, at(2026, 9, 25), kind="phone_call", child_seen=True, seen_alone=True)
    _visit(cw, at(2026, 9, 15), child_seen=True, seen_alone=True)
    plan.refresh_from_db()
    assert plan.last_visit_on == D(2026, 9, 21)


def test_the_authority_sets_its_own_visit_frequency(cw, f):
    from hearth.timescales.models import LocalTarget
    from hearth.timescales.services import local_target_save

    _journey(cw)
    admin = f.user("administrator", full_name="Ada Admin")
    local_target_save(acting_user=admin, target=LocalTarget(
        rule_code="cp.visit", amount=5, unit="working_days", repeat_amount=5,
        repeat_unit="working_days", valid_from=D(2026, 1, 1),
        reason="Child protection procedures 2026, section 4.3"))  # fmt: skip
    plan = ChildProtectionPlan.objects.get(person=cw.child)
    assert plan.next_visit_due_on == D(2026, 9, 16)  # 5 working days after 9 September
    _visit(cw, at(2026, 9, 14), child_seen=True, seen_alone=True)
    plan.refresh_from_db()
    assert plan.next_visit_due_on == D(2026, 9, 21)  # Monday 14 + 5 working days
    assert Task.objects.get(person=cw.child, rule_code="cp.visit").due_on == D(2026, 9, 21)


# --- Three no-access visits in a row -------------------------------------------------------


def test_three_no_access_visits_in_a_row_escalate_once_to_the_team_manager(cw):
    _journey(cw)
    _visit(cw, at(2026, 9, 14), no_access=True)
    _visit(cw, at(2026, 9, 16), no_access=True, no_access_reason="refused_entry")
    assert _escalations(cw) == []
    third = _visit(cw, at(2026, 9, 18), no_access=True)
    [task] = _escalations(cw)
    assert task.role == "team_manager"
    assert task.assigned_to == cw.manager
    assert task.source_id == third.pk
    assert "3 visits in a row without access" in task.title
    assert "nobody answered, refused entry" in task.title
    # Due the next working day after the third visit (Friday 18 -> Monday 21 September).
    assert task.due_on == D(2026, 9, 21)
    assert AuditEvent.objects.filter(event__contains="task", person_id=cw.child.pk).exists()
    # A fourth in the same run does not escalate again.
    _visit(cw, at(2026, 9, 22), no_access=True)
    assert len(_escalations(cw)) == 1


def test_a_visit_seeing_the_child_resets_the_count(cw):
    _journey(cw)
    _visit(cw, at(2026, 9, 14), no_access=True)
    _visit(cw, at(2026, 9, 16), no_access=True)
    _visit(cw, at(2026, 9, 17), child_seen=True)
    _visit(cw, at(2026, 9, 18), no_access=True)
    _visit(cw, at(2026, 9, 21), no_access=True)
    assert _escalations(cw) == []
    _visit(cw, at(2026, 9, 22), no_access=True)
    assert len(_escalations(cw)) == 1
    # A new run after another seen visit escalates again.
    _visit(cw, at(2026, 9, 23), child_seen=True, seen_alone=True)
    for day in (24, 25, 28):
        _visit(cw, at(2026, 9, day), no_access=True)
    assert len(_escalations(cw)) == 2


def test_no_access_escalates_on_a_child_in_need_plan(cw):
    episode = cw.episode()
    services.cin_plan_start(acting_user=cw.worker, episode=episode, start_date=D(2026, 5, 4))
    for day in (5, 6, 7):
        _visit(cw, at(2026, 5, day), no_access=True)
    assert len(_escalations(cw)) == 1


def test_no_access_without_a_plan_does_not_escalate(cw):
    cw.episode()
    for day in (5, 6, 7):
        _visit(cw, at(2026, 5, day), no_access=True)
    assert _escalations(cw) == []


def test_a_manager_marks_the_escalation_dealt_with(cw, login):
    _journey(cw)
    for day in (14, 16, 18):
        _visit(cw, at(2026, 9, day), no_access=True)
    [task] = _escalations(cw)
    url = f"/casework/escalations/{task.pk}/done/"
    assert login(cw.worker).get(url).status_code == 403
    assert login(cw.outsider).get(url).status_code == 404
    client = login(cw.manager)
    page = _page(client.get(f"/casework/children/{cw.child.pk}/"))
    assert "Mark dealt with" in page
    bad = {"day_0": "17", "day_1": "9", "day_2": "2026"}
    page = _page(client.post(url, bad))
    assert "cannot be dealt with before the visit" in page
    good = {"day_0": "21", "day_1": "9", "day_2": "2026"}
    assert client.post(url, good).status_code == 302
    task.refresh_from_db()
    assert task.done_on == D(2026, 9, 21)
    page = _page(client.get(f"/casework/children/{cw.child.pk}/"))
    assert "Escalated to the team manager" not in page
    # Another no-access visit in the same run still does not escalate again.
    _visit(cw, at(2026, 9, 22), no_access=True)
    assert len(_escalations(cw)) == 1


# --- Bad input ------------------------------------------------------------------------------


def test_bad_input_is_refused_with_the_reason(cw):
    cw.episode()
    with pytest.raises(ValidationError) as e:
        _visit(cw, at(2027, 1, 21))  # the clock is at 20 January 2027
    assert "cannot be in the future" in str(e.value)
    with pytest.raises(ValidationError) as e:
        _visit(cw, at(2026, 5, 5), seen_alone=True)
    assert "seen alone if they were seen" in str(e.value)
    with pytest.raises(ValidationError) as e:
        _visit(cw, at(2026, 5, 5), kind="phone_call", no_access=True)
    assert "Only a visit" in str(e.value)
    with pytest.raises(ValidationError) as e:
        _visit(cw, at(2026, 5, 5), no_access=True, no_access_reason="")
    assert "Say why" in str(e.value)
    assert not CaseNote.objects.exists()


def test_outsiders_cannot_record_notes(cw):
    from django.core.exceptions import PermissionDenied

    for user in (cw.outsider, cw.partner, cw.chair):
        with pytest.raises(PermissionDenied):
            _visit(cw, at(2026, 5, 5), user=user)


# --- The pages ----------------------------------------------------------------------------------


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_form_is_pre_filled_with_today_the_author_and_the_household(cw, login, f):
    mum = f.person(given_name="Grace", family_name="Okafor")
    home = Household.objects.create(name="Okafor household")
    HouseholdMember.objects.create(household=home, person=cw.child)
    HouseholdMember.objects.create(household=home, person=mum)
    page = _page(login(cw.worker).get(f"/casework/children/{cw.child.pk}/notes/new/"))
    assert "Written by Sam Rivers" in page
    assert 'name="occurred_on_0" type="text" inputmode="numeric" value="20"' in page
    assert 'name="occurred_on_2" type="text" inputmode="numeric" value="2027"' in page
    assert "Grace" in page and 'name="present"' in page


def test_a_failed_form_keeps_what_was_typed(cw, login):
    cw.episode()
    client = login(cw.worker)
    data = {
        "kind": "home_visit",
        "occurred_on_0": "21", "occurred_on_1": "1", "occurred_on_2": "2027",
        "occurred_time": "10:00",
        "seen_alone": "on",
        "child_words": "I want my bike back.",
        "text": "A long note about the visit.",
    }  # fmt: skip
    url = f"/casework/children/{cw.child.pk}/notes/new/"
    page = _page(client.post(url, data))
    assert "There is a problem" in page
    assert "cannot be in the future" in page
    assert "I want my bike back." in page and "A long note about the visit." in page
    data["occurred_on_0"] = "19"
    page = _page(client.post(url, data))
    assert "seen alone if they were seen" in page
    assert "A long note about the visit." in page
    assert not CaseNote.objects.exists()
    data["child_seen"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.author == cw.worker and note.child_words == "I want my bike back."
    assert AuditEvent.objects.filter(event__startswith="casework.casenote").exists()


def test_partners_and_other_teams_get_404(cw, login):
    url = f"/casework/children/{cw.child.pk}/notes/new/"
    data = {"kind": "phone_call", "text": "x", "occurred_time": "10:00"}
    for user in (cw.partner, cw.outsider):
        client = login(user)
        assert client.get(url).status_code == 404, user
        assert client.post(url, data).status_code == 404, user
    assert not CaseNote.objects.exists()


def test_the_case_page_shows_notes_and_escalations_in_bounded_queries(cw, login):
    _journey(cw)
    client = login(cw.worker)
    url = f"/casework/children/{cw.child.pk}/"
    _visit(cw, at(2026, 9, 10), child_seen=True, child_words="I like my school.")
    small = _reads(client, url)
    for day in (14, 15, 16, 17, 18):
        _visit(cw, at(2026, 9, day), no_access=True, present=["Grace Okafor"])
    for day in (21, 22, 23):
        _visit(cw, at(2026, 9, day), kind="phone_call", significant=True)
    big = _reads(client, url)
    assert big == small, (small, big)
    page = _page(client.get(url))
    assert "Escalated to the team manager" in page
    assert "I like my school." in page
    assert "No access" in page and "Significant" in page
