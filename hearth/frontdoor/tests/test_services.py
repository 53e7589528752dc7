"""The front door's services against the real database: drafts, submission and its
rules, the form token, flags raised and acknowledged, decisions and their
authorisation into CIN episodes, partner requests and partner referrals."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hearth.accounts.models import Notification
from hearth.audit.models import AuditEvent
from hearth.casework import services as casework
from hearth.casework.models import CINEpisode
from hearth.frontdoor import services
from hearth.frontdoor.models import (
    Contact,
    ContactStatus,
    FlagKind,
    InformationRequest,
    RequestChase,
    RequestStatus,
)
from hearth.frontdoor.tests.test_attachments import jpeg_with_location
from hearth.people.models import Involvement

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(y, m, d, h=10, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=LONDON)


# --- Drafts and submission -----------------------------------------------------------


def test_a_draft_is_kept_by_its_form_token_as_it_is_typed(fd):
    token = uuid.uuid4()
    first = services.contact_draft_save(
        acting_user=fd.worker,
        token=token,
        values={"referrer_name": "Ms Pr"},
        raw={"referrer_name": ["Ms Pr"], "received_date_0": ["3"]},
    )
    second = services.contact_draft_save(
        acting_user=fd.worker,
        token=token,
        values={"referrer_name": "Ms Pryce", "referrer_kind": "school"},
        raw={"referrer_name": ["Ms Pryce"]},
        categories=["neglect"],
    )
    assert first.pk == second.pk and Contact.objects.count() == 1
    second.refresh_from_db()
    assert second.status == ContactStatus.DRAFT
    assert second.referrer_name == "Ms Pryce" and second.referral_source == "2A"
    assert second.draft_data == {"referrer_name": ["Ms Pryce"]}
    assert list(second.categories.values_list("code", flat=True)) == ["neglect"]
    events = AuditEvent.objects.filter(event="frontdoor.contact.draft", object_id=str(second.pk))
    assert events.count() == 2
    assert events.last().changes["referrer_name"] == ["Ms Pr", "Ms Pryce"]


def test_only_the_author_may_carry_on_a_draft(fd, f):
    other = f.user("front_door", team=fd.team)
    token = uuid.uuid4()
    services.contact_draft_save(acting_user=fd.worker, token=token, values={})
    with pytest.raises(PermissionDenied):
        services.contact_draft_save(acting_user=other, token=token, values={"concern": "x"})
    with pytest.raises(PermissionDenied):
        services.contact_draft_save(
            acting_user=f.user("social_worker"), token=uuid.uuid4(), values={}
        )


def test_a_contact_cannot_be_submitted_without_a_receipt_time_and_a_source(fd):
    draft = services.contact_draft_save(
        acting_user=fd.worker,
        token=uuid.uuid4(),
        values={"concern": "Bruises"},
        categories=["physical_injury"],
    )
    with pytest.raises(ValidationError) as e:
        services.contact_submit(acting_user=fd.worker, contact=draft)
    errors = e.value.message_dict
    assert errors["received_at"] == ["Enter the date and time the contact was received"]
    assert errors["referrer_kind"] == ["Select who made the contact"]
    assert errors["people"] == ["Add the child or children the contact is about"]
    assert "consent" in errors and "method" in errors
    draft.refresh_from_db()
    assert draft.status == ContactStatus.DRAFT and draft.decision_due_at is None


def test_consent_not_sought_needs_a_reason_and_a_named_referrer_a_name(fd):
    with pytest.raises(ValidationError) as e:
        fd.contact(consent_reason="", referrer_name="")
    assert set(e.value.message_dict) == {"consent_reason", "referrer_name"}
    contact = fd.contact(referrer_kind="anonymous", referrer_name="", referrer_organisation="")
    assert contact.referral_source == "9"


def test_the_same_form_twice_records_one_contact(fd):
    token = uuid.uuid4()
    values = {
        "received_at": at(2026, 3, 10),
        "method": "email",
        "referrer_kind": "gp",
        "referrer_name": "Dr Rao",
        "concern": "Missed appointments",
        "consent": "given",
    }
    one = services.contact_record(
        acting_user=fd.worker,
        token=token,
        values=values,
        categories=["neglect"],
        people=[(fd.child, "child")],
    )
    two = services.contact_record(
        acting_user=fd.worker,
        token=token,
        values={**values, "concern": "changed"},
        categories=["neglect"],
        people=[(fd.child, "child")],
    )
    assert one.pk == two.pk and Contact.objects.count() == 1
    two.refresh_from_db()
    assert two.concern == "Missed appointments"
    # A late autosave from the submitted form changes nothing either.
    services.contact_draft_save(acting_user=fd.worker, token=token, values={"concern": "late"})
    two.refresh_from_db()
    assert two.concern == "Missed appointments" and two.status == ContactStatus.AWAITING_DECISION


def test_submission_is_audited_against_each_person_named(fd):
    contact = fd.contact(people=[(fd.child, "child"), (fd.mother, "adult")])
    people = set(
        AuditEvent.objects.filter(event="frontdoor.contact.submit").values_list(
            "person_id", flat=True
        )
    )
    assert people == {fd.child.pk, fd.mother.pk}
    assert contact.people.get(person=fd.mother).role == "adult"


def test_an_out_of_date_edit_is_refused(fd):
    contact = fd.contact()
    services.contact_update(
        acting_user=fd.worker,
        contact=contact,
        expected_version=contact.version,
        values={"concern": "First correction"},
    )
    from hearth.core.models import ConflictError

    stale = Contact.objects.get(pk=contact.pk)
    with pytest.raises(ConflictError):
        services.contact_update(
            acting_user=fd.worker, contact=stale, expected_version=1, values={"concern": "Second"}
        )


# --- Flags -----------------------------------------------------------------------------


def test_flags_are_raised_on_submission_with_their_reasons_and_managers_told(fd):
    episode = casework.cin_episode_open(
        acting_user=None, person=fd.child, referral_date=dt.date(2025, 5, 1), referral_source="2A"
    )
    casework.cin_episode_close(
        acting_user=None, episode=episode, closure_date=dt.date(2025, 12, 1), closure_reason="RC8"
    )
    casework.child_protection_plan_record(
        acting_user=None, person=fd.child, start_date=dt.date(2026, 1, 5)
    )
    contact = fd.contact(received_at=at(2026, 3, 10))
    flags = {f.kind: f for f in contact.flags.all()}
    assert set(flags) == {FlagKind.RE_REFERRAL, FlagKind.PROTECTED_CHILD}
    assert "referred 1 May 2025, closed 1 December 2025" in flags[FlagKind.RE_REFERRAL].reason
    assert "since 5 January 2026" in flags[FlagKind.PROTECTED_CHILD].reason
    assert all(not f.acknowledged for f in flags.values())
    told = Notification.objects.filter(recipient=fd.manager).values_list("text", flat=True)
    assert any(contact.reference in t and "flags to acknowledge" in t for t in told)


def _photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_location(), content_type="image/jpeg")


def test_arthur_pattern_is_flagged_across_two_contacts(fd, f):
    """Two relatives each send photographs of bruising, weeks apart: each report alone
    might be judged a fall; together they flag, naming both and their photographs."""
    grandmother = {
        "referrer_kind": "relative",
        "referrer_name": "Joan Hughes",
        "referrer_organisation": "",
        "concern": "Photographs of bruising to his back",
    }
    first = fd.contact(received_at=at(2026, 6, 1), **grandmother)
    for name in ("back.jpg", "arm.jpg"):
        services.attachment_add(acting_user=fd.worker, contact=first, upload=_photo(name))
    assert not first.flags.exists()  # one relative's report alone raises nothing
    second = fd.contact(
        received_at=at(2026, 6, 19),
        referrer_kind="relative",
        referrer_name="Peter Hughes",
        referrer_organisation="",
        concern="Bruises on his face in photographs",
    )
    (flag,) = second.flags.filter(kind=FlagKind.INJURY_DIFFERENT_REFERRERS)
    assert "1 June 2026 from Joan Hughes (Parent, relative or carer), with 2 photographs" in (
        flag.reason
    )
    assert "19 June 2026 from Peter Hughes (Parent, relative or carer)." in flag.reason
    # The uncle's photograph arrives by email after the call: the flag says so.
    services.attachment_add(acting_user=fd.worker, contact=second, upload=_photo("face.jpg"))
    flag.refresh_from_db()
    assert "19 June 2026 from Peter Hughes (Parent, relative or carer), with 1 photograph" in (
        flag.reason
    )
    assert AuditEvent.objects.filter(event="frontdoor.flag.update", person_id=fd.child.pk).exists()
    # The same relative reporting again is not a second voice.
    third = fd.contact(
        received_at=at(2026, 6, 20),
        referrer_kind="relative",
        referrer_name="joan  HUGHES",
        referrer_organisation="",
    )
    assert third.flags.filter(
        kind=FlagKind.INJURY_DIFFERENT_REFERRERS
    ).exists()  # Peter still counts
    assert third.flags.filter(kind=FlagKind.REPEATED_CONTACTS).exists()


def test_unlinking_the_child_withdraws_unacknowledged_flags_but_keeps_acknowledged_ones(fd, f):
    baby = f.person(given_name="Noah", family_name="Okafor", date_of_birth=dt.date(2026, 1, 20))
    casework.looked_after_period_record(
        acting_user=None, person=fd.child, start_date=dt.date(2026, 1, 1)
    )
    contact = fd.contact(received_at=at(2026, 3, 10), people=[(fd.child, "child"), (baby, "child")])
    assert set(contact.flags.values_list("kind", "person_id")) == {
        (FlagKind.PROTECTED_CHILD, fd.child.pk),
        (FlagKind.INJURY_NOT_MOBILE, baby.pk),
    }
    services.flag_acknowledge(
        acting_user=fd.manager,
        flag=contact.flags.get(person=fd.child),
        note="Allocated worker told",
    )
    for link in list(contact.people.all()):
        services.contact_person_unlink(acting_user=fd.worker, contact=contact, link=link)
    (kept,) = contact.flags.all()
    assert kept.person_id == fd.child.pk and kept.acknowledged
    assert AuditEvent.objects.filter(event="frontdoor.flag.withdraw", person_id=baby.pk).exists()


def test_only_a_front_door_manager_acknowledges_and_says_why(fd):
    contact = fd.contact(received_at=at(2026, 3, 10))
    casework.child_protection_plan_record(
        acting_user=None, person=fd.child, start_date=dt.date(2026, 1, 5)
    )
    services.contact_flags_refresh(acting_user=fd.worker, contact=contact)
    flag = contact.flags.get()
    with pytest.raises(PermissionDenied):
        services.flag_acknowledge(acting_user=fd.worker, flag=flag, note="seen")
    with pytest.raises(ValidationError):
        services.flag_acknowledge(acting_user=fd.manager, flag=flag, note="  ")
    done = services.flag_acknowledge(
        acting_user=fd.manager, flag=flag, note="Spoke to the CP worker"
    )
    assert (
        done.acknowledged_by == fd.manager and done.acknowledgement_note == "Spoke to the CP worker"
    )
    assert AuditEvent.objects.filter(
        event="frontdoor.flag.acknowledge", person_id=fd.child.pk
    ).exists()


# --- Deciding and authorising ----------------------------------------------------------


def test_authorisation_is_blocked_until_every_flag_is_acknowledged(fd):
    casework.child_protection_plan_record(
        acting_user=None, person=fd.child, start_date=dt.date(2026, 1, 5)
    )
    contact = fd.contact(received_at=at(2026, 3, 10))
    services.contact_decide(
        acting_user=fd.worker,
        contact=contact,
        decision="information_advice",
        reason="Known to the CP team; passed on",
    )
    with pytest.raises(ValidationError) as e:
        services.contact_authorise(acting_user=fd.manager, contact=contact)
    assert "Acknowledge every flag before authorising" in e.value.messages[0]
    assert "Child on a protection plan or looked after (Amelia Okafor)" in e.value.messages[0]
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_AUTHORISATION and contact.authorised_at is None
    services.flag_acknowledge(
        acting_user=fd.manager, flag=contact.flags.get(), note="CP worker informed"
    )
    services.contact_authorise(acting_user=fd.manager, contact=contact)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED


def test_a_referral_opens_a_cin_episode_and_the_assessment_teams_involvement(fd):
    contact = fd.contact(received_at=at(2026, 3, 10, 23, 30))  # late evening: still 10 March
    decided = services.contact_decide(
        acting_user=fd.worker,
        contact=contact,
        decision="referral",
        reason="Unexplained bruising",
        team=fd.assessment,
    )
    assert decided.status == ContactStatus.AWAITING_AUTHORISATION
    assert not CINEpisode.objects.exists()  # not final until authorised
    services.contact_authorise(acting_user=fd.manager, contact=contact, note="Agreed")
    episode = CINEpisode.objects.get(person=fd.child)
    assert episode.referral_date == dt.date(2026, 3, 10)
    assert episode.referral_source == "2A" and episode.is_open
    assert episode.strategy_needed_on is None  # a plain referral: no strategy discussion due
    assert contact.people.get(person=fd.child).cin_episode == episode
    involvement = Involvement.objects.get(person=fd.child, team=fd.assessment)
    assert involvement.ended is None and contact.reference in involvement.reason
    # No CIN episode for the adult named.
    assert not CINEpisode.objects.filter(person=fd.mother).exists()
    assert AuditEvent.objects.filter(
        event="casework.cinepisode.create", person_id=fd.child.pk
    ).exists()


def test_a_strategy_discussion_decision_makes_the_discussion_due_from_the_decision(fd):
    """Received and decided on Thursday 2 April 2026 (the day before Good Friday),
    authorised after Easter: the discussion is due 1 working day after the front door's
    decision (rule cp.strategy_discussion), Tuesday 7 April, and is the team manager's."""
    from hearth.casework.models import Task
    from hearth.casework.selectors import team_overdue

    contact = fd.contact(received_at=at(2026, 4, 2, 9, 30))
    with time_machine.travel(at(2026, 4, 2, 15), tick=False):
        services.contact_decide(
            acting_user=fd.worker,
            contact=contact,
            decision="strategy_discussion",
            reason="Serious injury, no explanation",
            team=fd.assessment,
        )
    with time_machine.travel(at(2026, 4, 7, 9), tick=False):
        services.contact_authorise(acting_user=fd.manager, contact=contact)
    episode = CINEpisode.objects.get(person=fd.child)
    assert (episode.referral_date, episode.strategy_needed_on) == (
        dt.date(2026, 4, 2), dt.date(2026, 4, 2)
    )  # fmt: skip
    assert episode.strategy_discussion_due_on == dt.date(2026, 4, 7)
    task = Task.objects.get(source_type="casework.cinepisode", source_id=episode.pk)
    assert (task.rule_code, task.role, task.due_on, task.done_on) == (
        "cp.strategy_discussion", "team_manager", dt.date(2026, 4, 7), None
    )  # fmt: skip
    # Not held by Wednesday: on the receiving team's overdue list.
    overdue = team_overdue(fd.assessment.pk, today=dt.date(2026, 4, 8))
    assert [(i.title, i.due_on) for i in overdue.items] == [
        ("Hold the strategy discussion", dt.date(2026, 4, 7))
    ]


def test_the_referrers_letter_says_only_that_it_was_heard_when_and_the_outcome(fd, f, settings):
    settings.HEARTH_AUTHORITY_NAME = "Lambshire County Council"
    contact = fd.contact(received_at=at(2026, 3, 10))
    services.contact_decide(
        acting_user=fd.worker,
        contact=contact,
        decision="strategy_discussion",
        reason="Serious injury",
        team=fd.assessment,
    )
    services.contact_authorise(acting_user=fd.manager, contact=contact)
    contact.refresh_from_db()
    letter = contact.outcome_letter
    assert letter.startswith("Dear Ms Ada Pryce,")
    assert "Lambshire County Council children's services on 10 March 2026" in letter
    assert "a children's social care team is taking the concern forward" in letter
    for secret in ("Amelia", "Okafor", "Bruise", "strategy", fd.assessment.name):
        assert secret not in letter
    other_child = f.person(given_name="Zara", family_name="Bell")
    anonymous = fd.contact(
        referrer_kind="anonymous",
        referrer_name="",
        referrer_organisation="",
        people=[(other_child, "child")],
    )
    services.contact_decide(
        acting_user=fd.worker, contact=anonymous, decision="no_further_action", reason="r"
    )
    services.contact_authorise(acting_user=fd.manager, contact=anonymous)
    anonymous.refresh_from_db()
    assert anonymous.outcome_letter == ""


def test_decisions_need_a_reason_and_a_referral_a_team(fd):
    contact = fd.contact()
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            acting_user=fd.worker, contact=contact, decision="referral", reason=" "
        )
    assert set(e.value.message_dict) == {"reason", "team"}


def test_a_second_pair_of_eyes_authorises(fd):
    contact = fd.contact()
    services.contact_decide(
        acting_user=fd.manager, contact=contact, decision="early_help", reason="r"
    )
    with pytest.raises(PermissionDenied):
        services.contact_authorise(acting_user=fd.manager, contact=contact)  # own decision
    with pytest.raises(PermissionDenied):
        services.contact_authorise(acting_user=fd.worker, contact=contact)  # not a manager
    services.contact_authorise(acting_user=fd.second_manager, contact=contact)


def test_a_manager_sends_a_decision_back(fd):
    contact = fd.contact()
    services.contact_decide(
        acting_user=fd.worker, contact=contact, decision="no_further_action", reason="r"
    )
    with pytest.raises(ValidationError):
        services.contact_return(acting_user=fd.manager, contact=contact, note="")
    services.contact_return(acting_user=fd.manager, contact=contact, note="Ask health first")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_DECISION
    assert Notification.objects.filter(
        recipient=fd.worker, text__contains="Ask health first"
    ).exists()


def test_a_child_with_an_open_episode_is_not_referred_twice(fd):
    contact = fd.contact(received_at=at(2026, 3, 10))
    services.contact_decide(
        acting_user=fd.worker, contact=contact, decision="referral", reason="r", team=fd.assessment
    )
    # Another contact's referral opened an episode while this one waited.
    casework.cin_episode_open(
        acting_user=None, person=fd.child, referral_date=dt.date(2026, 3, 10), referral_source="6"
    )
    with pytest.raises(ValidationError, match="already has an open child in need episode"):
        services.contact_authorise(acting_user=fd.manager, contact=contact)
    services.contact_return(acting_user=fd.manager, contact=contact, note="Already open")
    # Deciding again says so at once, naming the referral already open.
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            acting_user=fd.worker,
            contact=contact,
            decision="strategy_discussion",
            reason="r",
            team=fd.assessment,
        )
    assert e.value.message_dict["decision"] == [
        "Amelia Okafor already has an open child in need episode (referred 10 March 2026): "
        "pass the concern to the team that holds it rather than refer again"
    ]
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_DECISION
    assert (
        CINEpisode.objects.count() == 1
        and not Involvement.objects.filter(team=fd.assessment).exists()
    )


# --- Partners ------------------------------------------------------------------------------


def test_requests_need_a_rating_and_a_double_click_sends_once(fd):
    contact = fd.contact()
    token = uuid.uuid4()
    kwargs = {
        "acting_user": fd.worker,
        "contact": contact,
        "organisations": [fd.police, fd.health],
        "question": "What do you know?",
        "form_token": token,
    }
    with pytest.raises(ValidationError, match="RAG rating first"):
        services.information_requests_send(**kwargs)
    services.contact_rate(acting_user=fd.worker, contact=contact, rag="amber")
    assert len(services.information_requests_send(**kwargs)) == 2
    assert services.information_requests_send(**kwargs) == []
    assert InformationRequest.objects.count() == 2
    assert Notification.objects.filter(
        recipient=fd.police_user, text__contains="asks for information"
    ).exists()


def test_a_partner_answers_only_its_own_request_once(fd):
    contact = fd.contact()
    services.contact_rate(acting_user=fd.worker, contact=contact, rag="red")
    (request,) = services.information_requests_send(
        acting_user=fd.worker,
        contact=contact,
        organisations=[fd.police],
        question="Q",
        form_token=uuid.uuid4(),
    )
    with pytest.raises(PermissionDenied):
        services.information_request_answer(
            acting_user=fd.health_user, request=request, response="x"
        )
    with pytest.raises(PermissionDenied):
        services.information_request_answer(acting_user=fd.worker, request=request, response="x")
    with pytest.raises(ValidationError):
        services.information_request_answer(
            acting_user=fd.police_user, request=request, response=" "
        )
    services.information_request_answer(
        acting_user=fd.police_user,
        request=request,
        response="Two domestic incidents at the address in 2025",
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.responded_by == fd.police_user
    with pytest.raises(PermissionDenied):  # no longer open
        services.information_request_answer(
            acting_user=fd.police_user, request=request, response="again"
        )
    assert Notification.objects.filter(
        recipient=fd.worker, text__contains="Lambshire Police answered"
    ).exists()


def test_chasing_is_recorded_and_the_partner_reminded(fd):
    contact = fd.contact()
    services.contact_rate(acting_user=fd.worker, contact=contact, rag="red")
    (request,) = services.information_requests_send(
        acting_user=fd.worker,
        contact=contact,
        organisations=[fd.health],
        question="Q",
        form_token=uuid.uuid4(),
    )
    services.information_request_chase(acting_user=fd.worker, request=request, note="Phoned too")
    assert RequestChase.objects.get(request=request).note == "Phoned too"
    request.refresh_from_db()
    assert request.last_chased_at is not None
    assert Notification.objects.filter(
        recipient=fd.health_user, text__startswith="Reminder"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.information_request_chase(acting_user=fd.police_user, request=request)


def test_a_partner_referral_arrives_on_the_worklist_once(fd):
    token = uuid.uuid4()
    kwargs = {
        "acting_user": fd.police_user,
        "token": token,
        "concern": "Child found alone at 2am",
        "categories": ["neglect"],
        "consent": "not_sought",
        "consent_reason": "Urgent",
        "people": [
            {
                "given_name": "Amelia",
                "family_name": "Okafor",
                "date_of_birth": dt.date(2019, 3, 14),
                "address": "14 Alder Road",
                "role": "child",
            }
        ],
    }
    contact = services.referral_submit_by_partner(**kwargs)
    assert services.referral_submit_by_partner(**kwargs).pk == contact.pk
    assert contact.status == ContactStatus.AWAITING_DECISION and contact.recorded_via == "partner"
    assert contact.referral_source == "6" and contact.partner_organisation == fd.police
    assert contact.reported_people[0]["date_of_birth"] == "2019-03-14"
    assert contact.decision_due_at is not None
    with pytest.raises(PermissionDenied):
        services.referral_submit_by_partner(
            **{**kwargs, "acting_user": fd.worker, "token": uuid.uuid4()}
        )
    # The front door links the child's record; then the flags run.
    services.contact_person_link(acting_user=fd.worker, contact=contact, person=fd.child)
    assert contact.people.get().role == "child"


def test_a_restricted_child_is_linked_only_when_open_to_the_worker(fd, f):
    sealed = f.person(given_name="Sealed", family_name="Child", restricted=True)
    contact = fd.contact()
    with pytest.raises(PermissionDenied):
        services.contact_person_link(acting_user=fd.worker, contact=contact, person=sealed)
    from hearth.people.models import RestrictedAccess

    RestrictedAccess.objects.create(person=sealed, user=fd.worker)
    services.contact_person_link(acting_user=fd.worker, contact=contact, person=sealed)
    with pytest.raises(PermissionDenied):  # a manager outside the record's named users
        services.contact_person_link(acting_user=fd.manager, contact=contact, person=sealed)


# --- Casework services -------------------------------------------------------------------


def test_cin_episodes_check_codes_and_overlaps(fd):
    with pytest.raises(ValidationError):
        casework.cin_episode_open(
            acting_user=None,
            person=fd.child,
            referral_date=dt.date(2026, 1, 1),
            referral_source="ZZ",
        )
    episode = casework.cin_episode_open(
        acting_user=fd.worker,
        person=fd.child,
        referral_date=dt.date(2026, 1, 1),
        referral_source="3B",
    )
    with pytest.raises(ValidationError):
        casework.cin_episode_close(
            acting_user=None,
            episode=episode,
            closure_date=dt.date(2026, 2, 1),
            closure_reason="RC99",
        )
    with pytest.raises(ValidationError):
        casework.cin_episode_close(
            acting_user=None,
            episode=episode,
            closure_date=dt.date(2025, 2, 1),
            closure_reason="RC8",
        )
    casework.cin_episode_close(
        acting_user=None, episode=episode, closure_date=dt.date(2026, 2, 1), closure_reason="RC8"
    )
    casework.cin_episode_open(
        acting_user=None, person=fd.child, referral_date=dt.date(2026, 3, 1), referral_source="3B"
    )
    with pytest.raises(PermissionDenied):
        casework.cin_episode_open(
            acting_user=fd.police_user,
            person=fd.mother,
            referral_date=dt.date(2026, 3, 1),
            referral_source="6",
        )
