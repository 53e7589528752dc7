"""The access policy, role by role and record by record, and the pages that ask it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from hearth.accounts import policy
from hearth.accounts.models import Notification, Role, RoleAccess, User
from hearth.accounts.policy import Access
from hearth.audit.models import Action, AuditEvent
from hearth.people.models import Person, PersonShare, RestrictedAccess

pytestmark = pytest.mark.django_db

FULL, SHARED, REASON, NONE = Access.FULL, Access.SHARED, Access.NEEDS_REASON, Access.NONE

KINDS = [
    "own_team_child",
    "own_team_parent",
    "other_team_child",
    "other_service_child",
    "restricted",
    "restricted_named",
    "shared_with_my_org",
    "shared_with_other_org",
    "share_expired",
    "share_revoked",
]

_TEAM = {
    "own_team_child": FULL,
    "own_team_parent": FULL,
    "other_team_child": NONE,
    "other_service_child": NONE,
    "restricted": REASON,
    "restricted_named": FULL,
    "shared_with_my_org": NONE,
    "shared_with_other_org": NONE,
    "share_expired": NONE,
    "share_revoked": NONE,
}
_SERVICE = {**_TEAM, "other_team_child": FULL}
_ALL = {
    **dict.fromkeys(KINDS, FULL),
    "restricted": REASON,
}
_NOTHING = dict.fromkeys(KINDS, NONE)

EXPECTED: dict[str, dict[str, Access]] = {
    Role.SOCIAL_WORKER: _TEAM,
    Role.SENIOR_PRACTITIONER: _TEAM,
    Role.TEAM_MANAGER: _TEAM,
    Role.SERVICE_MANAGER: _SERVICE,
    Role.FRONT_DOOR: _ALL,
    Role.REVIEWING_OFFICER: _ALL,
    Role.PERFORMANCE_OFFICER: _ALL,
    Role.PARTNER: {**_NOTHING, "shared_with_my_org": SHARED},
    Role.ADMINISTRATOR: _NOTHING,
}
EDITING = {
    Role.SOCIAL_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.FRONT_DOOR,
}
MANAGERS = {Role.TEAM_MANAGER, Role.SERVICE_MANAGER}


def test_every_role_is_in_the_matrix():
    assert set(EXPECTED) == set(Role)


@dataclass
class World:
    user: User
    people: dict[str, Person]
    team_manager: User
    other_team_manager: User


def build_world(f, role: str) -> World:
    """A user of `role` in team A (assessment), and one person of every kind."""
    team_a = f.team("Team A", "assessment")
    team_b = f.team("Team B", "assessment")
    team_c = f.team("Team C", "child_protection")
    my_org, other_org = f.organisation("My org"), f.organisation("Other org")
    user = f.user(role, organisation=my_org) if role == Role.PARTNER else f.user(role, team=team_a)
    team_manager = user if role == Role.TEAM_MANAGER else f.user(Role.TEAM_MANAGER, team=team_a)
    other_team_manager = f.user(Role.TEAM_MANAGER, team=team_b)
    sharer = f.user(Role.SOCIAL_WORKER, team=team_c)

    def child(kind: str, team, **extra) -> Person:
        p = f.person(given_name=kind.replace("_", ""), family_name="Matrix", **extra)
        f.involve(p, team)
        return p

    now = timezone.now()
    people = {
        "own_team_child": child("own_team_child", team_a),
        "other_team_child": child("other_team_child", team_b),
        "other_service_child": child("other_service_child", team_c),
        "restricted": child("restricted", team_a, restricted=True),
        "restricted_named": child("restricted_named", team_a, restricted=True),
    }
    parent = f.person(given_name="ownteamparent", family_name="Matrix", kind="adult")
    f.relate(people["own_team_child"], parent, "parent", pr=True)
    people["own_team_parent"] = parent
    RestrictedAccess.objects.create(person=people["restricted_named"], user=user)
    for kind, org, extra in (
        ("shared_with_my_org", my_org, {"expires_at": now + dt.timedelta(days=30)}),
        ("shared_with_other_org", other_org, {}),
        ("share_expired", my_org, {"expires_at": now - dt.timedelta(minutes=1)}),
        ("share_revoked", my_org, {"revoked_at": now - dt.timedelta(days=1)}),
    ):
        p = child(kind, team_c)
        PersonShare.objects.create(
            person=p, organisation=org, shared_by=sharer, reason="Checks", **extra
        )
        people[kind] = p
    return World(user, people, team_manager, other_team_manager)


MATRIX = [(role, kind) for role in EXPECTED for kind in KINDS]


@pytest.mark.parametrize(("role", "kind"), MATRIX)
def test_access_matrix(f, client, role, kind):
    world = build_world(f, role)
    person = world.people[kind]
    user = world.user
    expected = EXPECTED[role][kind]

    # The policy.
    assert policy.person_access(user, person.pk) is expected
    visible = set(policy.visible_people(user).values_list("pk", flat=True))
    assert (person.pk in visible) is (expected in (FULL, SHARED))

    # The pages.
    client.force_login(user)
    break_glass_url = f"/people/{person.pk}/restricted/"

    def refused(response):
        if expected is NONE:
            return response.status_code == 404
        if expected is REASON:
            return response.status_code == 302 and response["Location"] == break_glass_url
        return response.status_code == 403

    r = client.get(f"/people/{person.pk}/")
    if expected in (FULL, SHARED):
        assert r.status_code == 200
        assert person.given_name.encode() in r.content
    else:
        assert refused(r), r
        assert person.given_name.encode() not in r.content

    r = client.get(f"/people/{person.pk}/edit/")
    if role in EDITING and expected is FULL:
        assert r.status_code == 200
    else:
        assert refused(r), r

    r = client.get(f"/people/{person.pk}/record-access/")
    if role in MANAGERS and expected is FULL:
        assert r.status_code == 200
    else:
        assert refused(r), r


@pytest.mark.parametrize("role", sorted(EDITING - {Role.FRONT_DOOR}))
def test_edit_post_out_of_scope_changes_nothing(f, client, role):
    world = build_world(f, role)
    person = world.people["other_service_child"]
    client.force_login(world.user)
    r = client.post(
        f"/people/{person.pk}/edit/",
        {"version": person.version, "kind": "child", "family_name": "Changed", "sex": "M"},
    )
    assert r.status_code == 404
    person.refresh_from_db()
    assert person.family_name == "Matrix"


def test_shared_record_shows_identifying_details_only(f, client):
    world = build_world(f, Role.PARTNER)
    person = world.people["shared_with_my_org"]
    client.force_login(world.user)
    r = client.get(f"/people/{person.pk}/")
    assert r.status_code == 200
    assert b"Family network" not in r.content
    assert b"Involvement" not in r.content
    assert b"Team C" not in r.content


def test_restricted_record_shared_with_a_partner_stays_closed(f, client):
    """Restriction wins over sharing: a partner is never shown a sealed record."""
    world = build_world(f, Role.PARTNER)
    person = world.people["shared_with_my_org"]
    Person.objects.filter(pk=person.pk).update(restricted=True)
    assert policy.person_access(world.user, person.pk) is NONE
    assert not policy.visible_people(world.user).filter(pk=person.pk).exists()
    client.force_login(world.user)
    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_administrator_widening_read_scope_widens_access(f, client):
    world = build_world(f, Role.SOCIAL_WORKER)
    worker = world.user
    far = world.people["other_service_child"]
    assert policy.person_access(worker, far.pk) is NONE

    admin = f.user(Role.ADMINISTRATOR, is_superuser=True)
    setting = RoleAccess.objects.get(role=Role.SOCIAL_WORKER)
    client.force_login(admin)
    r = client.post(
        f"/admin/accounts/roleaccess/{setting.pk}/change/",
        {"role": Role.SOCIAL_WORKER, "read_scope": "all"},
    )
    assert r.status_code == 302, r.content[:2000]
    setting.refresh_from_db()
    assert setting.read_scope == "all"

    assert policy.person_access(worker, far.pk) is FULL
    client.force_login(worker)
    assert client.get(f"/people/{far.pk}/").status_code == 200
    # Restriction still applies whatever the scope.
    assert policy.person_access(worker, world.people["restricted"].pk) is REASON

    setting.read_scope = "none"
    setting.save()
    assert policy.person_access(worker, world.people["own_team_child"].pk) is NONE


def test_service_scope_covers_the_service_area_only(f):
    world = build_world(f, Role.SOCIAL_WORKER)
    RoleAccess.objects.filter(role=Role.SOCIAL_WORKER).update(read_scope="service")
    user = world.user
    assert policy.person_access(user, world.people["other_team_child"].pk) is FULL
    assert policy.person_access(user, world.people["other_service_child"].pk) is NONE


def test_ended_involvement_no_longer_gives_access(f):
    world = build_world(f, Role.SOCIAL_WORKER)
    child = world.people["own_team_child"]
    child.involvements.update(ended=dt.date(2026, 2, 1))
    assert policy.person_access(world.user, child.pk) is NONE
    assert policy.person_access(world.user, world.people["own_team_parent"].pk) is NONE


def test_inactive_user_sees_nothing(f):
    world = build_world(f, Role.FRONT_DOOR)
    world.user.is_active = False
    world.user.save()
    assert policy.person_access(world.user, world.people["own_team_child"].pk) is NONE
    assert not policy.visible_people(world.user).exists()


# Search -------------------------------------------------------------------------------


def test_partner_never_sees_search(f, client):
    world = build_world(f, Role.PARTNER)
    client.force_login(world.user)
    assert client.get("/people/").status_code == 404
    assert client.get("/people/?q=Matrix").status_code == 404


def test_search_excludes_out_of_scope_and_hides_restricted_names(f, client):
    world = build_world(f, Role.SOCIAL_WORKER)
    client.force_login(world.user)
    r = client.get("/people/?q=Matrix")
    assert r.status_code == 200
    html = r.content.decode()
    assert "ownteamchild Matrix" in html
    assert "ownteamparent Matrix" in html
    for kind in ("other_team_child", "other_service_child", "shared_with_my_org"):
        assert kind.replace("_", "") not in html
    restricted = world.people["restricted"]
    assert "Restricted record" in html
    assert f'href="/people/{restricted.pk}/"' in html
    assert "restricted Matrix" not in html  # the restricted child's name
    assert AuditEvent.objects.filter(action=Action.SEARCH, actor_id=world.user.pk).exists()


# Breaking the glass -------------------------------------------------------------------


def test_break_glass_flow(f, client):
    world = build_world(f, Role.SOCIAL_WORKER)
    person = world.people["restricted"]
    client.force_login(world.user)
    url = f"/people/{person.pk}/restricted/"

    r = client.get(f"/people/{person.pk}/")
    assert r.status_code == 302 and r["Location"] == url
    r = client.get(url)
    assert r.status_code == 200
    assert b"restricted Matrix" not in r.content

    r = client.post(url, {"reason": "  urgent "})
    assert r.status_code == 200
    assert b"govuk-error-summary" in r.content
    assert b"at least 10 characters" in r.content
    assert policy.person_access(world.user, person.pk) is REASON
    assert not AuditEvent.objects.filter(action=Action.BREAK_GLASS).exists()

    reason = "Police called out of hours about the child's safety"
    r = client.post(url, {"reason": reason})
    assert r.status_code == 302 and r["Location"] == f"/people/{person.pk}/"
    r = client.get(f"/people/{person.pk}/")
    assert r.status_code == 200 and b"restricted Matrix" in r.content

    entry = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert entry.person_id == person.pk
    assert entry.actor_id == world.user.pk
    assert entry.data["reason"] == reason
    note = Notification.objects.get(recipient=world.team_manager)
    assert person.local_id in note.text and reason in note.text
    assert not Notification.objects.filter(recipient=world.other_team_manager).exists()

    # The opening lasts a working day, then the reason is asked again.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=policy.BREAK_GLASS_HOURS + 1)):
        assert policy.person_access(world.user, person.pk) is REASON


def test_break_glass_page_is_not_found_out_of_scope_and_skipped_with_full_access(f, client):
    world = build_world(f, Role.SOCIAL_WORKER)
    client.force_login(world.user)
    far = world.people["other_service_child"]
    assert client.get(f"/people/{far.pk}/restricted/").status_code == 404
    assert client.post(f"/people/{far.pk}/restricted/", {"reason": "x" * 40}).status_code == 404
    named = world.people["restricted_named"]
    r = client.get(f"/people/{named.pk}/restricted/")
    assert r.status_code == 302 and r["Location"] == f"/people/{named.pk}/"


def test_named_user_sees_restricted_record_details_in_search(f, login):
    from hearth.people.models import RestrictedAccess

    team = f.team(service_area="child_protection")
    worker = f.user("social_worker", team=team)
    child = f.person(given_name="Zainab", family_name="Quennell", restricted=True)
    f.involve(child, team, worker)
    RestrictedAccess.objects.create(person=child, user=worker)
    content = login(worker).get("/people/?q=quennell").content.decode()
    assert "Zainab Quennell" in content
    assert "Restricted record" not in content


def test_administrator_without_superuser_can_change_role_access(f, login):
    admin_user = f.user("administrator", is_staff=True)
    assert not admin_user.is_superuser
    c = login(admin_user)
    assert c.get("/admin/accounts/roleaccess/").status_code == 200
    assert c.get("/admin/people/").status_code == 404  # case records are not in the admin
