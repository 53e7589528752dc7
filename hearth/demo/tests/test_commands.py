"""`hearth demo` and `hearth demo-data`."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from hearth.accounts import policy
from hearth.accounts.models import Role, User
from hearth.demo.services import DEMO_PASSWORD
from hearth.frontdoor import policy as fd_policy
from hearth.frontdoor.models import Contact, InformationRequest
from hearth.people.models import Involvement, Person, PersonShare, RestrictedAccess

pytestmark = pytest.mark.django_db

EMAILS = [
    "social.worker@demo.hearth.test",
    "team.manager@demo.hearth.test",
    "front.door@demo.hearth.test",
    "front.door.manager@demo.hearth.test",
    "police.partner@demo.hearth.test",
    "performance.officer@demo.hearth.test",
    "administrator@demo.hearth.test",
]


def _demo(children: int = 300) -> str:
    out = StringIO()
    call_command("demo", children=children, stdout=out)
    return out.getvalue()


def test_demo_generates_an_authority_and_prints_the_logins():
    text = _demo()
    assert "Generated a synthetic local authority" in text
    for email in EMAILS:
        assert email in text
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert f"Password for every demo login: {DEMO_PASSWORD}" in text
    # The realism figures: the rate of children in care and what referrals led to.
    assert re.search(r"\d+\.\d children in care per 10,000 children", text)
    assert re.search(r"\d+% assessed, \d+% to a section 47 enquiry, \d+% to a plan", text)


def test_demo_logins_have_the_work_their_roles_suggest():
    _demo()
    worker = User.objects.get(email=EMAILS[0])
    manager = User.objects.get(email=EMAILS[1])
    assert worker.role == Role.SOCIAL_WORKER and manager.role == Role.TEAM_MANAGER
    assert manager.team_id == worker.team_id is not None
    allocated = Involvement.objects.filter(worker=worker, ended__isnull=True)
    assert allocated.count() >= 10
    assert policy.visible_people(worker).filter(pk__in=allocated.values("person_id")).exists()
    assert User.objects.get(email=EMAILS[2]).role == Role.FRONT_DOOR
    assert User.objects.get(email=EMAILS[5]).role == Role.PERFORMANCE_OFFICER
    admin = User.objects.get(email=EMAILS[6])
    assert admin.is_staff and admin.role == Role.ADMINISTRATOR

    police = User.objects.get(email=EMAILS[4])
    assert police.role == Role.PARTNER and police.organisation.kind == "police"
    shared = PersonShare.objects.filter(organisation=police.organisation)
    assert 2 <= shared.count() <= 3
    assert set(policy.visible_people(police).values_list("pk", flat=True)) == set(
        shared.values_list("person_id", flat=True)
    )

    # The front door's manager authorises the front-door worker's decisions; the
    # police partner answers the front door's requests to the police.
    front_door, fd_manager = User.objects.get(email=EMAILS[2]), User.objects.get(email=EMAILS[3])
    assert fd_manager.role == Role.TEAM_MANAGER and fd_manager.team_id == front_door.team_id
    assert fd_policy.is_front_door_manager(fd_manager)
    assert Contact.objects.filter(authorised_by=fd_manager).exists()
    assert InformationRequest.objects.filter(organisation=police.organisation).exists()

    sealed = Person.objects.get(restricted=True)
    assert RestrictedAccess.objects.filter(person=sealed, user=worker).exists()
    assert policy.person_access(worker, sealed.pk) is policy.Access.FULL
    assert policy.person_access(manager, sealed.pk) is policy.Access.NEEDS_REASON


def test_demo_is_idempotent():
    first = _demo()
    counts = (Person.objects.count(), User.objects.count(), PersonShare.objects.count())
    second = _demo()
    assert "already on record" in second
    assert (Person.objects.count(), User.objects.count(), PersonShare.objects.count()) == counts
    assert Person.objects.filter(restricted=True).count() == 1
    # The same logins, listed the same way.
    assert first.split("Demo logins")[1] == second.split("Demo logins")[1]


def test_demo_on_a_database_with_people_but_no_staff_still_makes_logins(f):
    f.person()
    text = _demo()
    assert "already on record" in text
    for email in EMAILS:
        assert User.objects.filter(email=email).exists()


def test_demo_data_prints_the_summary_and_the_time():
    out = StringIO()
    call_command("demo_data", children=150, seed=3, stdout=out)
    text = out.getvalue()
    assert re.search(r"children: 15\d\b", text)  # whole families: 150 or a few more
    assert "persons:" in text and "relationships:" in text
    assert "seconds" in text
    assert "children in care per 10,000 children" in text and "child population:" in text
    assert Person.objects.filter(kind="child").count() >= 150
