"""Front-door test fixtures: a front door with a worker and two managers, partner
agencies with their users, and a child known to the authority."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from hearth.accounts.models import Organisation, OrganisationKind, Team, User
from hearth.frontdoor import services
from hearth.people.matching import match_keys_rebuild
from hearth.people.models import Person


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments go to a throwaway folder, never the real var/files."""
    settings.MEDIA_ROOT = tmp_path / "files"


@dataclass
class FrontDoor:
    team: Team
    assessment: Team
    worker: User
    manager: User
    second_manager: User
    police: Organisation
    health: Organisation
    police_user: User
    health_user: User
    child: Person
    mother: Person

    def contact(self, **overrides: Any):
        """A submitted contact about the child (school, injury, received 10 March 2026)."""
        values = {
            "received_at": dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC),
            "method": "phone",
            "referrer_kind": "school",
            "referrer_name": "Ms Ada Pryce",
            "referrer_organisation": "Alder Primary School",
            "concern": "Bruise on the cheek; says she fell.",
            "consent": "not_sought",
            "consent_reason": "Asking would put the child at risk",
        }
        categories = overrides.pop("categories", ["physical_injury"])
        people = overrides.pop("people", [(self.child, "child")])
        user = overrides.pop("user", self.worker)
        values.update(overrides)
        return services.contact_record(
            acting_user=user,
            token=uuid.uuid4(),
            values=values,
            categories=categories,
            people=people,
        )


@pytest.fixture
def fd(f) -> FrontDoor:
    team = f.team("Front Door (MASH)", service_area="front_door")
    assessment = f.team("Assessment Team North", service_area="assessment")
    police = f.organisation("Lambshire Police", kind=OrganisationKind.POLICE)
    health = f.organisation("Lambshire Community Health", kind=OrganisationKind.HEALTH)
    child = f.person(given_name="Amelia", family_name="Okafor", date_of_birth=dt.date(2019, 3, 14))
    mother = f.person(
        given_name="Grace", family_name="Okafor", kind="adult", date_of_birth=dt.date(1989, 8, 2)
    )
    f.relate(child, mother, "parent", pr=True)
    match_keys_rebuild()  # the factories write people directly; the search needs their keys
    return FrontDoor(
        team=team,
        assessment=assessment,
        worker=f.user("front_door", team=team, full_name="Priya Shah"),
        manager=f.user("team_manager", team=team, full_name="Tom Reid"),
        second_manager=f.user("service_manager", team=team, full_name="Hana Ito"),
        police=police,
        health=health,
        police_user=f.user("partner", organisation=police, full_name="PC Jo Hale"),
        health_user=f.user("partner", organisation=health, full_name="Nurse Sam Lee"),
        child=child,
        mother=mother,
    )
