"""Setting up a demonstration: the synthetic authority and the logins to look round it.

Demo logins are ordinary users with one shared, printed password: a social worker
with allocated children, their team manager, a front-door worker and the manager who
authorises the front door's decisions, a police partner user with a few children shared
(who answers the front door's requests to the police), a performance officer and an
administrator. They
are made from the generated staff where possible, so the social worker's caseload and
team are the generated ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from hearth.accounts.models import Organisation, OrganisationKind, Role, ServiceArea, Team, User
from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.demo import data
from hearth.demo.generator import STAFF_EMAIL_DOMAIN, Summary, Writer, generate
from hearth.frontdoor.models import Contact, ContactStatus
from hearth.people.models import Involvement, Person, PersonShare, RestrictedAccess
from hearth.people.services import person_share

DEMO_PASSWORD = "hearth-demo-password"
DEMO_DOMAIN = "demo.hearth.test"
POLICE_NAME = data.POLICE_NAME
CASEWORK_AREAS = (ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION)


@dataclass(frozen=True)
class DemoLogin:
    label: str
    user: User
    note: str = ""


def demo_setup(*, children: int, seed: int, out: Writer | None = None) -> Summary | None:
    """Generate the authority if there is nobody on record yet (else leave it alone)."""
    if Person.objects.exists():
        return None
    return generate(children=children, seed=seed, out=out)


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _claim(user: User, local: str) -> User:
    """Give a generated member of staff the demo email and password."""
    user.email = _email(local)
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["email", "password"])
    return user


def _existing(local: str) -> User | None:
    return User.objects.filter(email=_email(local)).first()


def _team(area: str) -> Team:
    team = Team.objects.filter(service_area=area).order_by("pk").first()
    return team or Team.objects.create(
        name=f"Demo {ServiceArea(area).label} Team", service_area=area
    )


def _new(local: str, full_name: str, role: str, **extra: object) -> User:
    return User.objects.create_user(
        _email(local), DEMO_PASSWORD, full_name=full_name, role=role, **extra
    )


def _social_worker() -> User:
    found = _existing("social.worker")
    if found:
        return found
    # A generated social worker with a caseload near the typical 18 children.
    candidates = (
        User.objects.filter(
            role=Role.SOCIAL_WORKER,
            team__service_area__in=CASEWORK_AREAS,
            email__endswith=f"@{STAFF_EMAIL_DOMAIN}",
        )
        .annotate(caseload=Count("involvements", filter=Q(involvements__ended__isnull=True)))
        .filter(caseload__gte=12)
        .order_by("-caseload", "pk")
    )
    chosen = candidates.filter(caseload__lte=20).first() or candidates.first()
    if chosen is not None:
        return _claim(chosen, "social.worker")
    return _new(
        "social.worker", "Sam Okafor", Role.SOCIAL_WORKER, team=_team(ServiceArea.ASSESSMENT)
    )


def _manager_of(member: User, local: str, full_name: str) -> User:
    """The manager of a demo login's team (the generated one where there is one)."""
    found = _existing(local)
    if found:
        return found
    manager = (
        User.objects.filter(role=Role.TEAM_MANAGER, team=member.team).order_by("pk").first()
        if member.team is not None
        else None
    )
    if manager is not None:
        return _claim(manager, local)
    return _new(local, full_name, Role.TEAM_MANAGER, team=member.team)


def _one_of(role: str, local: str, full_name: str, area: str | None) -> User:
    found = _existing(local)
    if found:
        return found
    generated = (
        User.objects.filter(role=role, email__endswith=f"@{STAFF_EMAIL_DOMAIN}")
        .order_by("pk")
        .first()
    )
    if generated is not None:
        return _claim(generated, local)
    return _new(local, full_name, role, team=_team(area) if area else None)


def _allocated(worker: User) -> list[Person]:
    ids = (
        Involvement.objects.filter(worker=worker, ended__isnull=True, person__kind="child")
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    return list(Person.objects.filter(pk__in=list(ids)).order_by("pk"))


def _restrict_one(worker: User, manager: User, children: list[Person]) -> Person | None:
    """Seal one of the worker's children, naming the worker (the manager is not named,
    so they see what breaking the glass looks like)."""
    existing = Person.objects.filter(restricted=True, named_users__user=worker).first()
    if existing is not None or not children:
        return existing
    child = children[-1]
    child.restricted = True
    child.save(update_fields=["restricted"])
    RestrictedAccess.objects.create(person=child, user=worker, granted_by=manager)
    audit_record(
        actor=manager,
        action=Action.UPDATE,
        event="people.person.restrict",
        obj=child,
        person_id=child.pk,
        changes={"restricted": [False, True]},
        data={"named": [worker.pk], "reason": "Demonstration of a sealed record"},
    )
    return child


def _police(worker: User, children: list[Person]) -> User:
    police, _ = Organisation.objects.get_or_create(
        name=POLICE_NAME, defaults={"kind": OrganisationKind.POLICE}
    )
    user = _existing("police.partner") or _new(
        "police.partner", "DC Jordan Reeve", Role.PARTNER, organisation=police
    )
    if not PersonShare.objects.filter(organisation=police).exists():
        for child in [c for c in children if not c.restricted][:3]:
            person_share(
                acting_user=worker,
                person=child,
                organisation=police,
                reason="Joint investigation under a section 47 enquiry (demonstration)",
            )
    return user


def _worklist() -> str:
    waiting = Contact.objects.filter(
        status__in=[ContactStatus.AWAITING_DECISION, ContactStatus.AWAITING_AUTHORISATION]
    )
    in_time = waiting.filter(decision_due_at__gte=timezone.now()).count()
    return f"reads every record; {waiting.count()} contacts undecided, {in_time} within the clock"


@transaction.atomic
def demo_logins_ensure() -> list[DemoLogin]:
    """Create the demo logins that are missing, and return all of them."""
    validate_password(DEMO_PASSWORD)
    worker = _social_worker()
    manager = _manager_of(worker, "team.manager", "Priya Shah")
    children = _allocated(worker)
    restricted = _restrict_one(worker, manager, children)
    police = _police(worker, children)
    front_door = _one_of(Role.FRONT_DOOR, "front.door", "Alex Byrne", ServiceArea.FRONT_DOOR)
    # The manager of the front-door worker's team, who authorises its decisions.
    front_door_manager = _manager_of(front_door, "front.door.manager", "Jo Marsh")
    performance = _one_of(Role.PERFORMANCE_OFFICER, "performance.officer", "Chris Lowe", None)
    admin = _existing("administrator") or _new(
        "administrator", "Hearth Administrator", Role.ADMINISTRATOR, is_staff=True
    )
    shared = PersonShare.objects.filter(organisation=police.organisation).count()
    team = worker.team.name if worker.team else "no team"
    sealed = f"; {restricted.local_id} is restricted to them" if restricted else ""
    return [
        DemoLogin("Social worker", worker, f"{team}, {len(children)} allocated children{sealed}"),
        DemoLogin("Team manager", manager, team),
        DemoLogin("Front door worker", front_door, _worklist()),
        DemoLogin(
            "Front door manager", front_door_manager, "acknowledges flags, authorises decisions"
        ),
        DemoLogin("Police partner", police, f"{shared} children shared with the police"),
        DemoLogin("Performance officer", performance, "returns and indicators"),
        DemoLogin("Administrator", admin, "the admin site at /admin/"),
    ]
