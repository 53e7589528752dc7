"""The statutory process through its services: due dates against hand-checked dates
(counted on a month calendar, skipping weekends and England and Wales bank holidays),
recomputation when a fact changes, the closure checklist, the factor-code rules, and
bad input refused with its reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from hearth.audit.models import AuditEvent
from hearth.casework import services
from hearth.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    Conference,
    Section47Enquiry,
    Task,
)
from hearth.core.models import ConflictError
from hearth.timescales import services as timescale_settings
from hearth.timescales.models import LocalClosure, LocalTarget

from .conftest import REFERRAL, D, at

pytestmark = pytest.mark.django_db


def _assessment(cw, episode=None, started_on=None):
    episode = episode or cw.episode()
    started_on = started_on or D(2026, 4, 7)
    return services.assessment_start(acting_user=cw.worker, episode=episode, started_on=started_on)


def _fill(cw, assessment, **overrides):
    values = {
        "child_voice": "Amelia said: “I like it at Nana's, she reads to me.”",
        "family_views": "Mum wants help with the housing.",
        "professional_views": "School worry about bruising.",
        "analysis": "Needs protection: repeated injuries, no explanation.",
        "factors": ["18C", "3B"],
        "outcome": "strategy_discussion",
    }
    values.update(overrides)
    return services.assessment_update(
        acting_user=cw.worker, assessment=assessment, expected_version=assessment.version, **values
    )


def _strategy(cw, episode, held_at=None, decision="s47_joint", **extra):
    held_at = held_at or at(2026, 8, 21)
    return services.strategy_discussion_record(
        acting_user=cw.worker,
        episode=episode,
        held_at=held_at,
        decision=decision,
        attendees=cw.attendees(),
        **extra,
    )


def _icpc(cw, episode, scheduled_on=None):
    scheduled_on = scheduled_on or D(2026, 9, 9)
    enquiry = Section47Enquiry.objects.get(episode=episode)
    return services.conference_schedule(
        acting_user=cw.chair,
        episode=episode,
        kind="initial",
        section47=enquiry,
        scheduled_on=scheduled_on,
        chair=cw.chair,
        invitees=cw.attendees(),
        reports=[{"author": "Sam Rivers", "agency": "social_care"},
                 {"author": "Dr Asha Rao", "agency": "health"}],
    )  # fmt: skip


def _task(row, field):
    return Task.objects.get(source_type=row._meta.label_lower, source_id=row.pk, source_field=field)


# --- Assessment -------------------------------------------------------------------------------


def test_assessment_is_due_45_working_days_from_the_referral(cw):
    # Thu 2 Apr 2026 over Easter (3, 6 Apr) and both May bank holidays (4, 25 May):
    # due Wed 10 June 2026 (also in timescales/tests/test_rules.py).
    assessment = _assessment(cw)
    assert assessment.assessment_due_on == D(2026, 6, 10)
    task = _task(assessment, "assessment_due_on")
    assert (task.due_on, task.role, task.done_on) == (D(2026, 6, 10), "social_worker", None)
    assert task.title == "Complete the child and family assessment"


def test_an_assessment_needs_the_child_seen_and_their_voice_before_a_manager_authorises(cw):
    assessment = _assessment(cw)
    with pytest.raises(ValidationError, match="the dates the child was seen, the child's voice"):
        services.assessment_authorise(
            acting_user=cw.manager, assessment=assessment, authorised_on=D(2026, 5, 20)
        )
    assessment = _fill(cw, assessment)
    services.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 8), alone=True
    )
    with pytest.raises(PermissionDenied):  # a worker does not authorise
        services.assessment_authorise(
            acting_user=cw.worker, assessment=assessment, authorised_on=D(2026, 5, 20)
        )
    with pytest.raises(ValidationError, match="before it started"):
        services.assessment_authorise(
            acting_user=cw.manager, assessment=assessment, authorised_on=D(2026, 4, 6)
        )
    services.assessment_authorise(
        acting_user=cw.manager, assessment=assessment, authorised_on=D(2026, 5, 20)
    )
    assessment.refresh_from_db()
    assert assessment.authorised_by == cw.manager
    assert _task(assessment, "assessment_due_on").done_on == D(2026, 5, 20)
    with pytest.raises(ValidationError, match="authorised and can no longer change"):
        _fill(cw, assessment)


def test_factor_code_rules(cw):
    assessment = _assessment(cw)
    with pytest.raises(ValidationError) as e:
        _fill(cw, assessment, factors=["21", "3B"])
    assert "cannot be chosen with other factors" in str(e.value)
    # 18A was replaced by 18B/18C from 2020/21: not valid on an assessment in 2026.
    with pytest.raises(ValidationError) as e:
        _fill(cw, assessment, factors=["18A"])
    assert "18A (Abuse or neglect: physical abuse (no longer used)) is not a valid factor on " \
        "7 April 2026" in str(e.value)  # fmt: skip
    with pytest.raises(ValidationError, match="99Z is not an assessment factor code"):
        _fill(cw, assessment, factors=["99Z"])
    assert Assessment.objects.get(pk=assessment.pk).factors == []  # nothing saved
    saved = _fill(cw, assessment, factors=["21"])
    assert saved.factors == ["21"]
    assert services.check_factors([" 3b", "3B", "16A"], D(2026, 4, 7)) == ["3B", "16A"]
    # On its own day the old code was valid: an assessment from 2019.
    assert services.check_factors(["18A"], D(2019, 6, 1)) == ["18A"]
    with pytest.raises(ValidationError):
        services.check_factors(["24A"], D(2019, 6, 1))  # not yet a code


def test_a_second_user_saving_over_a_changed_assessment_is_refused(cw):
    assessment = _assessment(cw)
    first_copy = Assessment.objects.get(pk=assessment.pk)
    second_copy = Assessment.objects.get(pk=assessment.pk)
    _fill(cw, first_copy, child_voice="First worker's words")
    with pytest.raises(ConflictError):
        services.assessment_update(
            acting_user=cw.manager,
            assessment=second_copy,
            expected_version=1,
            child_voice="Second worker's words",
            family_views="",
            professional_views="",
            analysis="",
            factors=[],
            outcome="",
        )
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.child_voice == "First worker's words"
    assert saved.version == 2


def test_assessment_dates_out_of_order_are_refused(cw):
    episode = cw.episode()
    with pytest.raises(ValidationError, match="on or after the referral"):
        services.assessment_start(acting_user=cw.worker, episode=episode, started_on=D(2026, 4, 1))
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.assessment_start(acting_user=cw.worker, episode=episode, started_on=D(2027, 2, 1))
    assessment = _assessment(cw, episode)
    with pytest.raises(ValidationError, match="already in progress"):
        _assessment(cw, episode)
    with pytest.raises(ValidationError, match="on or after the referral"):
        services.assessment_child_seen(
            acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 3, 1), alone=False
        )


# --- Strategy discussion, section 47, initial conference -------------------------------------


def test_deciding_a_section_47_sets_the_initial_conference_date(cw):
    episode = cw.episode()
    discussion = _strategy(cw, episode, actions=[
        {"description": "Child protection medical", "owner": "Dr Asha Rao (health)",
         "due_on": D(2026, 8, 22)}])  # fmt: skip
    enquiry = Section47Enquiry.objects.get(episode=episode)
    assert enquiry.strategy_discussion == discussion
    assert enquiry.started_on == D(2026, 8, 21)
    # Fri 21 Aug 2026: 24-28 Aug (5), Mon 31 Aug bank holiday, 1-4 Sep (9), 7-11 (14), 14.
    assert enquiry.icpc_due_on == D(2026, 9, 14)
    task = _task(enquiry, "icpc_due_on")
    assert (task.role, task.due_on) == ("reviewing_officer", D(2026, 9, 14))
    assert discussion.attendees.count() == 3
    assert discussion.actions.get().owner == "Dr Asha Rao (health)"


def test_a_later_strategy_discussion_restarts_the_conference_clock(cw):
    episode = cw.episode()
    _strategy(cw, episode)
    _strategy(cw, episode, held_at=at(2026, 8, 24), decision="s47_joint")
    enquiry = Section47Enquiry.objects.get(episode=episode)  # still one enquiry
    assert enquiry.started_on == D(2026, 8, 21)
    assert enquiry.last_strategy_on == D(2026, 8, 24)
    # Mon 24 Aug: 25-28 (4), 31 holiday, 1-4 Sep (8), 7-11 (13), 14, 15 -> Tue 15 Sep.
    assert enquiry.icpc_due_on == D(2026, 9, 15)
    assert _task(enquiry, "icpc_due_on").due_on == D(2026, 9, 15)


def test_re_dating_the_strategy_discussion_moves_the_enquiry_and_conference_date(cw):
    episode = cw.episode()
    discussion = _strategy(cw, episode)
    services.strategy_discussion_update(
        acting_user=cw.worker,
        discussion=discussion,
        expected_version=discussion.version,
        held_at=at(2026, 12, 18),
        decision="s47_single",
        cp_medical=True,
        summary="Re-dated: the discussion was in December",
        attendees=cw.attendees()[:2],
    )
    enquiry = Section47Enquiry.objects.get(episode=episode)
    assert enquiry.started_on == D(2026, 12, 18)
    # Fri 18 Dec 2026 over Christmas (25, 28 Dec, 1 Jan): 13 January 2027.
    assert enquiry.icpc_due_on == D(2027, 1, 13)
    assert _task(enquiry, "icpc_due_on").due_on == D(2027, 1, 13)


def test_a_conference_before_its_strategy_discussion_is_refused(cw):
    episode = cw.episode()
    discussion = _strategy(cw, episode)
    with pytest.raises(ValidationError) as e:
        _icpc(cw, episode, scheduled_on=D(2026, 8, 20))
    assert "cannot be before the strategy discussion (21 August 2026)" in str(e.value)
    _icpc(cw, episode, scheduled_on=D(2026, 9, 9))
    # Moving the discussion after the conference already set is refused too.
    with pytest.raises(ValidationError, match="would be before the strategy discussion"):
        services.strategy_discussion_update(
            acting_user=cw.worker,
            discussion=discussion,
            expected_version=discussion.version,
            held_at=at(2026, 9, 10),
            decision="s47_joint",
            cp_medical=False,
            summary="",
            attendees=cw.attendees(),
        )
    discussion.refresh_from_db()
    assert discussion.held_on == D(2026, 8, 21)


def test_moving_a_conference_moves_its_report_deadlines(cw):
    episode = cw.episode()
    _strategy(cw, episode)
    conference = _icpc(cw, episode, scheduled_on=D(2026, 9, 9))
    report = conference.reports.first()
    # Wed 9 Sep 2026: 3 working days before is Fri 4 Sep.
    assert report.report_due_on == D(2026, 9, 4)
    assert _task(report, "report_due_on").due_on == D(2026, 9, 4)
    services.conference_update(
        acting_user=cw.chair,
        conference=conference,
        expected_version=conference.version,
        scheduled_on=D(2026, 9, 1),
        chair=cw.chair,
        invitees=cw.attendees(),
        reports=[{"id": report.pk, "author": "Sam Rivers", "agency": "social_care"}],
    )
    report.refresh_from_db()
    # Tue 1 Sep 2026: Mon 31 Aug is a bank holiday, so Fri 28 (1), Thu 27 (2), Wed 26 (3).
    assert report.report_due_on == D(2026, 8, 26)
    assert _task(report, "report_due_on").due_on == D(2026, 8, 26)
    assert conference.reports.count() == 1  # the health report was taken off the list
    assert Task.objects.filter(source_type="casework.conferencereport").count() == 1


def test_the_initial_conference_starts_the_plan_on_its_date(cw, f):
    services.child_protection_plan_record(
        acting_user=None, person=cw.child, start_date=D(2022, 1, 10), end_date=D(2022, 9, 1)
    )
    episode = cw.episode()
    _strategy(cw, episode)
    services.section47_complete(
        acting_user=cw.worker,
        enquiry=Section47Enquiry.objects.get(),
        completed_on=D(2026, 9, 2),
        concerns_substantiated=True,
        likely_significant_harm=True,
        icpc_required=True,
    )
    conference = _icpc(cw, episode)
    with pytest.raises(ValidationError, match="not a valid code"):
        services.conference_record(
            acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9),
            plan_decided=True, category="XYZ")  # fmt: skip
    services.conference_record(
        acting_user=cw.chair,
        conference=conference,
        held_on=D(2026, 9, 9),
        plan_decided=True,
        category="NEG",
        attendance={i.pk: "attended" for i in conference.invitees.all()},
        reports_received={r.pk: D(2026, 9, 4) for r in conference.reports.all()},
    )
    plan = ChildProtectionPlan.objects.get(episode=episode)
    assert (plan.start_date, plan.initial_category, plan.latest_category) == (
        D(2026, 9, 9), "NEG", "NEG")  # fmt: skip
    assert plan.previous_plans == 1
    # Wed 9 Sep 2026: first core group 10 working days later, Wed 23 Sep; first review
    # within 3 months, Wed 9 Dec; first visit (local default 10 working days) 23 Sep.
    assert plan.first_core_group_due_on == D(2026, 9, 23)
    assert plan.review_due_on == D(2026, 12, 9)
    assert plan.next_visit_due_on == D(2026, 9, 23)
    enquiry = Section47Enquiry.objects.get()
    assert enquiry.icpc_held_on == D(2026, 9, 9)
    assert _task(enquiry, "icpc_due_on").done_on == D(2026, 9, 9)
    assert all(r.received_on == D(2026, 9, 4) for r in conference.reports.all())
    assert set(conference.invitees.values_list("attendance", flat=True)) == {"attended"}

    services.core_group_record(acting_user=cw.worker, plan=plan, held_on=D(2026, 9, 22))
    plan.refresh_from_db()
    assert _task(plan, "first_core_group_due_on").done_on == D(2026, 9, 22)

    review = services.conference_schedule(
        acting_user=cw.worker, episode=episode, kind="review", plan=plan,
        scheduled_on=D(2026, 12, 8), chair=cw.chair, invitees=cw.attendees(),
        reports=[{"author": "Sam Rivers", "agency": "social_care"}])  # fmt: skip
    # Tue 8 Dec 2026: review report 5 working days before, Tue 1 Dec.
    assert review.reports.get().report_due_on == D(2026, 12, 1)
    services.conference_record(
        acting_user=cw.chair, conference=review, held_on=D(2026, 12, 8), plan_decided=True,
        category="MUL")  # fmt: skip
    plan.refresh_from_db()
    assert plan.latest_category == "MUL"
    assert plan.initial_category == "NEG"
    assert plan.review_due_on == D(2027, 6, 8)  # then at most 6 months
    assert _task(plan, "review_due_on").due_on == D(2027, 6, 8)


def test_a_plan_that_ends_at_review_closes_its_tasks(cw):
    episode = cw.episode()
    _strategy(cw, episode)
    conference = _icpc(cw, episode)
    services.conference_record(
        acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9), plan_decided=True,
        category="EMO")  # fmt: skip
    plan = ChildProtectionPlan.objects.get()
    review = services.conference_schedule(
        acting_user=cw.chair, episode=episode, kind="review", plan=plan,
        scheduled_on=D(2026, 12, 1), chair=None, invitees=[], reports=[])  # fmt: skip
    services.conference_record(
        acting_user=cw.chair, conference=review, held_on=D(2026, 12, 1), plan_decided=False
    )
    plan.refresh_from_db()
    assert plan.end_date == D(2026, 12, 1)
    assert not Task.objects.filter(person=cw.child, done_on__isnull=True).exists()


def test_a_child_in_need_plan_and_a_child_protection_plan_never_overlap(cw):
    episode = cw.episode()
    cin = services.cin_plan_start(acting_user=cw.worker, episode=episode, start_date=D(2026, 6, 1))
    _strategy(cw, episode)
    conference = _icpc(cw, episode)
    with pytest.raises(ValidationError) as e:
        services.conference_record(
            acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9),
            plan_decided=True, category="PHY")  # fmt: skip
    assert "cannot run alongside a child protection plan" in str(e.value)
    conference.refresh_from_db()
    assert conference.held_on is None  # nothing was written
    assert not ChildProtectionPlan.objects.exists()
    services.cin_plan_end(acting_user=cw.worker, plan=cin, end_date=D(2026, 9, 9))
    services.conference_record(
        acting_user=cw.chair, conference=conference, held_on=D(2026, 9, 9), plan_decided=True,
        category="PHY")  # fmt: skip
    with pytest.raises(ValidationError, match="cannot overlap a child protection plan"):
        services.cin_plan_start(acting_user=cw.worker, episode=episode, start_date=D(2026, 10, 1))


def test_child_in_need_reviews(cw):
    episode = cw.episode()
    plan = services.cin_plan_start(
        acting_user=cw.worker, episode=episode, start_date=D(2026, 7, 20)
    )
    # Mon 20 Jul + 6 weeks (local default) is the August bank holiday: Fri 28 Aug.
    assert plan.review_due_on == D(2026, 8, 28)
    services.cin_review_record(acting_user=cw.worker, plan=plan, held_on=D(2026, 11, 13))
    plan.refresh_from_db()
    assert plan.review_due_on == D(2026, 12, 24)  # Christmas Day -> Thu 24 Dec
    with pytest.raises(ValidationError, match="before its last review"):
        services.cin_plan_end(acting_user=cw.worker, plan=plan, end_date=D(2026, 11, 1))
    action = services.case_action_add(
        acting_user=cw.worker, parent=plan, description="Nursery place", owner="Early help",
        due_on=D(2026, 12, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="before it was agreed"):
        services.case_action_done(acting_user=cw.worker, action=action, done_on=D(2026, 7, 1))
    services.case_action_done(acting_user=cw.worker, action=action, done_on=D(2026, 11, 30))


# --- Recomputing when a local setting changes ----------------------------------------------


@pytest.fixture
def admin(f):
    return f.user("administrator", full_name="Ada Admin")


def test_a_closure_day_moves_open_due_dates(cw, admin):
    episode = cw.episode()
    _strategy(cw, episode, held_at=at(2026, 12, 18))
    enquiry = Section47Enquiry.objects.get()
    assert enquiry.icpc_due_on == D(2027, 1, 13)
    for day in (29, 30, 31):
        timescale_settings.closure_save(
            acting_user=admin, closure=LocalClosure(date=D(2026, 12, day), reason="Christmas")
        )
    enquiry.refresh_from_db()
    # With 29-31 December closed: 21-24 Dec (4), 4-8 Jan (9), 11-15 (14), Mon 18 Jan.
    assert enquiry.icpc_due_on == D(2027, 1, 18)
    assert _task(enquiry, "icpc_due_on").due_on == D(2027, 1, 18)


def test_a_local_timescale_applies_from_its_validity_date(cw, admin):
    episode = cw.episode()
    before = services.cin_plan_start(
        acting_user=cw.worker, episode=episode, start_date=D(2026, 9, 15)
    )
    assert before.review_due_on == D(2026, 10, 27)  # 6 weeks (Hearth's default)
    target = LocalTarget(
        rule_code="cin.review", amount=4, unit="weeks", repeat_amount=4, repeat_unit="weeks",
        valid_from=D(2026, 10, 1), reason="Child in need procedures 2026, 4.2")  # fmt: skip
    timescale_settings.local_target_save(acting_user=admin, target=target)
    before.refresh_from_db()
    assert before.review_due_on == D(2026, 10, 27)  # started before the change: unchanged
    services.cin_plan_end(acting_user=cw.worker, plan=before, end_date=D(2026, 10, 5))
    after = services.cin_plan_start(
        acting_user=cw.worker, episode=episode, start_date=D(2026, 10, 6)
    )
    assert after.review_due_on == D(2026, 11, 3)  # 4 weeks from Tue 6 Oct
    # Moving the change earlier recomputes the open plan started after it.
    target.valid_from = D(2026, 9, 1)
    timescale_settings.local_target_save(acting_user=admin, target=target)
    after.refresh_from_db()
    assert after.review_due_on == D(2026, 11, 3)


def test_the_recompute_command_repairs_stored_dates(cw, capsys):
    assessment = _assessment(cw)
    Assessment.objects.filter(pk=assessment.pk).update(assessment_due_on=D(2030, 1, 1))
    call_command("timescales_recompute")
    assert "casework: 1 changed" in capsys.readouterr().out
    assessment.refresh_from_db()
    assert assessment.assessment_due_on == D(2026, 6, 10)
    assert _task(assessment, "assessment_due_on").due_on == D(2026, 6, 10)


# --- Episodes and closure ------------------------------------------------------------------


def test_overlapping_episodes_are_refused(cw):
    episode = cw.episode()
    with pytest.raises(ValidationError, match="already has an open"):
        cw.episode(referral_date=D(2026, 5, 1))
    services.cin_episode_close(
        acting_user=None, episode=episode, closure_date=D(2026, 6, 1), closure_reason="RC8"
    )
    with pytest.raises(ValidationError, match="falls inside the episode from 2 April 2026 to"):
        cw.episode(referral_date=D(2026, 5, 15))
    with pytest.raises(ValidationError, match="falls inside"):
        cw.episode(referral_date=D(2025, 12, 1))  # before an existing episode
    cw.episode(referral_date=D(2026, 6, 1))
    # A code not valid on the referral date: CIN referral sources start on 1 April 2013.
    with pytest.raises(ValidationError, match="not a valid code on 1 March 2013"):
        services.cin_episode_open(
            acting_user=None, person=_child(cw), referral_date=D(2013, 3, 1),
            referral_source="1A")  # fmt: skip


def _child(cw):
    from hearth.testing import factories

    child = factories.person(given_name="Daniel", family_name="Okafor")
    factories.involve(child, cw.team, cw.worker)
    return child


def _close_request(cw, episode, **checks):
    items = dict.fromkeys(
        ["child_seen", "child_views_recorded", "plan_ended", "family_told", "agencies_told"], True
    )
    items.update(checks)
    return services.episode_closure_request(
        acting_user=cw.worker,
        episode=episode,
        closure_date=D(2026, 7, 1),
        closure_reason="RC7",
        checklist=items,
    )


def test_the_closure_checklist_needs_a_manager_and_every_item(cw):
    episode = cw.episode()
    _fill_and_authorise(cw, episode)
    closure = _close_request(cw, episode, family_told=False, agencies_told=False)
    with pytest.raises(PermissionDenied):
        services.episode_closure_sign_off(acting_user=cw.worker, closure=closure, approve=True)
    with pytest.raises(PermissionDenied):
        services.cin_episode_close(
            acting_user=cw.manager, episode=episode, closure_date=D(2026, 7, 1),
            closure_reason="RC7")  # fmt: skip
    with pytest.raises(ValidationError) as e:
        services.episode_closure_sign_off(acting_user=cw.manager, closure=closure, approve=True)
    assert "the family has been told; partner agencies have been told" in str(e.value)
    with pytest.raises(ValidationError, match="Say what needs to happen"):
        services.episode_closure_sign_off(acting_user=cw.manager, closure=closure, approve=False)
    services.episode_closure_sign_off(
        acting_user=cw.manager, closure=closure, approve=False, note="Tell the school first"
    )
    closure.refresh_from_db()
    assert closure.status == "Returned to the worker"
    closure = _close_request(cw, episode)
    services.episode_closure_sign_off(acting_user=cw.manager, closure=closure, approve=True)
    episode.refresh_from_db()
    assert (episode.closure_date, episode.closure_reason) == (D(2026, 7, 1), "RC7")
    assert not episode.possible_rereferral_pattern
    assert AuditEvent.objects.filter(
        event="casework.episodeclosure.sign_off", person_id=cw.child.pk
    ).exists()


def _fill_and_authorise(cw, episode):
    assessment = _fill(cw, _assessment(cw, episode), outcome="nfa", factors=["21"])
    services.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 8), alone=True
    )
    services.assessment_authorise(
        acting_user=cw.manager, assessment=assessment, authorised_on=D(2026, 5, 20)
    )
    return assessment


def test_closure_is_refused_before_the_referral_the_last_work_or_with_work_open(cw):
    episode = cw.episode()
    assessment = _assessment(cw, episode)
    with pytest.raises(ValidationError, match="on or after the referral"):
        services.episode_closure_request(
            acting_user=cw.worker, episode=episode, closure_date=D(2026, 3, 1),
            closure_reason="RC8", checklist={})  # fmt: skip
    closure = _close_request(cw, episode)
    with pytest.raises(ValidationError, match="an assessment has not been authorised"):
        services.episode_closure_sign_off(acting_user=cw.manager, closure=closure, approve=True)
    # Authorised after the date asked for: the closure would come before the work.
    assessment = _fill(cw, assessment)
    services.assessment_child_seen(
        acting_user=cw.worker, assessment=assessment, seen_on=D(2026, 4, 8), alone=False
    )
    services.assessment_authorise(
        acting_user=cw.manager, assessment=assessment, authorised_on=D(2026, 7, 3)
    )
    with pytest.raises(ValidationError, match="on or after the last work recorded"):
        services.episode_closure_sign_off(acting_user=cw.manager, closure=closure, approve=True)
    episode.refresh_from_db()
    assert episode.is_open


def test_a_closure_within_12_months_of_another_is_flagged(cw):
    first = cw.episode(referral_date=D(2025, 9, 1))
    services.cin_episode_close(
        acting_user=None, episode=first, closure_date=D(2025, 10, 1), closure_reason="RC8"
    )
    episode = cw.episode()
    _fill_and_authorise(cw, episode)
    closure = _close_request(cw, episode)
    services.episode_closure_sign_off(acting_user=cw.second_manager, closure=closure, approve=True)
    episode.refresh_from_db()
    assert episode.possible_rereferral_pattern
    assert episode.previous_closure_on == D(2025, 10, 1)


def test_a_manager_cannot_sign_off_their_own_closure_request(cw):
    episode = cw.episode()
    closure = services.episode_closure_request(
        acting_user=cw.manager, episode=episode, closure_date=D(2026, 4, 3),
        closure_reason="RC8", checklist={})  # fmt: skip
    with pytest.raises(PermissionDenied, match="Another manager"):
        services.episode_closure_sign_off(acting_user=cw.manager, closure=closure, approve=True)


def test_primary_need_is_a_code_on_the_list(cw):
    episode = cw.episode()
    services.cin_episode_update(acting_user=cw.worker, episode=episode, primary_need_code="N1")
    with pytest.raises(ValidationError, match="'N10' is not a valid code"):
        services.cin_episode_update(acting_user=cw.worker, episode=episode, primary_need_code="N10")
    assert CINEpisode.objects.get().primary_need_code == "N1"


# --- Who may do what -------------------------------------------------------------------------


def test_only_staff_who_may_change_the_childs_record_do_casework(cw):
    episode = cw.episode()
    for user in (cw.outsider, cw.partner, cw.chair):
        with pytest.raises(PermissionDenied):
            services.assessment_start(acting_user=user, episode=episode, started_on=D(2026, 4, 7))
    _strategy(cw, episode)
    with pytest.raises(PermissionDenied):
        _icpc_by(cw.outsider, cw, episode)
    conference = _icpc_by(cw.chair, cw, episode)  # the chair may run the conference
    assert conference.chair == cw.chair
    with pytest.raises(ValidationError, match="must be a reviewing officer"):
        services.conference_update(
            acting_user=cw.chair, conference=conference, expected_version=conference.version,
            scheduled_on=D(2026, 9, 9), chair=cw.worker, invitees=[], reports=[])  # fmt: skip
    events = AuditEvent.objects.filter(person_id=cw.child.pk).values_list("event", flat=True)
    assert {"casework.strategydiscussion.create", "casework.section47enquiry.create",
            "casework.conference.create", "casework.strategydiscussion.attendees",
            "casework.conference.invitees"} <= set(events)  # fmt: skip
    attendees = AuditEvent.objects.get(event="casework.strategydiscussion.attendees")
    assert [a["name"] for a in attendees.data["attendees"]] == [
        "Sam Rivers", "DC Lee Hart", "Dr Asha Rao"]  # fmt: skip
    assert Conference.objects.count() == 1


def _icpc_by(user, cw, episode):
    return services.conference_schedule(
        acting_user=user, episode=episode, kind="initial",
        section47=Section47Enquiry.objects.get(), scheduled_on=D(2026, 9, 9), chair=cw.chair,
        invitees=[], reports=[])  # fmt: skip


def test_strategy_discussion_input_is_checked(cw):
    episode = cw.episode()
    with pytest.raises(ValidationError, match="Enter who took part"):
        services.strategy_discussion_record(
            acting_user=cw.worker, episode=episode, held_at=at(2026, 8, 21),
            decision="nfa", attendees=[{"name": "", "agency": ""}])  # fmt: skip
    with pytest.raises(ValidationError, match="Row 1: enter the agency"):
        services.strategy_discussion_record(
            acting_user=cw.worker, episode=episode, held_at=at(2026, 8, 21),
            decision="nfa", attendees=[{"name": "DC Hart", "agency": ""}])  # fmt: skip
    with pytest.raises(ValidationError, match="cannot be in the future"):
        _strategy(cw, episode, held_at=at(2027, 2, 1))
    with pytest.raises(ValidationError, match="on or after the referral"):
        _strategy(cw, episode, held_at=at(2026, 3, 1))
    with pytest.raises(ValidationError, match="is due before 21 August 2026"):
        _strategy(cw, episode, actions=[
            {"description": "Visit", "owner": "SW", "due_on": D(2026, 8, 1)}])  # fmt: skip
    _strategy(cw, episode, decision="nfa")
    assert not Section47Enquiry.objects.exists()
    assert episode.referral_date == REFERRAL
