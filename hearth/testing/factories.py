"""Test data builders shared by every app's tests (synthetic people only)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hearth.accounts.models import Organisation, OrganisationKind, Role, Team, User
from hearth.people.models import Involvement, Person, PersonKind, Relationship, inverse_kind
from hearth.people.services import next_local_ids

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def team(name: str | None = None, service_area: str = "assessment") -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}", service_area=service_area)


def organisation(name: str | None = None, kind: str = OrganisationKind.POLICE) -> Organisation:
    return Organisation.objects.create(name=name or f"Organisation {next(_seq)}", kind=kind)


def user(role: str = Role.SOCIAL_WORKER, team: Team | None = None, **extra: Any) -> User:
    n = next(_seq)
    extra.setdefault("full_name", f"Test {role.replace('_', ' ')} {n}")
    if role == Role.PARTNER and "organisation" not in extra:
        extra["organisation"] = organisation()
    if role == Role.ADMINISTRATOR:
        extra.setdefault("is_staff", True)
    return User.objects.create_user(
        f"user{n}@example.test", PASSWORD, role=role, team=team, **extra
    )


def person(**values: Any) -> Person:
    values.setdefault("given_name", f"Child{next(_seq)}")
    values.setdefault("family_name", "Testfamily")
    values.setdefault("date_of_birth", dt.date(2016, 5, 4))
    values.setdefault("kind", PersonKind.CHILD)
    values.setdefault("sex", "F")
    p = Person(local_id=next_local_ids(1)[0], **values)
    p.save()
    return p


def relate(person_: Person, relative: Person, kind: str, pr: bool = False) -> None:
    Relationship.objects.create(
        person=person_, relative=relative, kind=kind, parental_responsibility=pr
    )
    Relationship.objects.create(person=relative, relative=person_, kind=inverse_kind(kind))


def involve(person_: Person, team_: Team, worker: User | None = None) -> Involvement:
    return Involvement.objects.create(
        person=person_,
        team=team_,
        worker=worker,
        reason="Child in need",
        started=dt.date(2026, 1, 5),
    )
