"""Care test fixtures: a children in care team (worker, manager), a reviewing officer,
a worker from another team, a partner agency user, a child born 14 March 2019, two
foster carers and a children's home. The clock is fixed at 20 January 2027, after every
date the tests use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from hearth.accounts.models import Team, User
from hearth.care import services
from hearth.care.models import Carer, CarerKind, PeriodOfCare
from hearth.people.models import Person
from hearth.timescales.calendar import invalidate_calendar
from hearth.timescales.engine import invalidate_local_values

D = dt.date
NOW = dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_local_settings():
    invalidate_calendar()
    invalidate_local_values()
    yield
    invalidate_calendar()
    invalidate_local_values()


def carer(name: str, **values: Any) -> Carer:
    values.setdefault("kind", CarerKind.FOSTER)
    values.setdefault("provider_code", "PR1")
    values.setdefault("postcode", "N15 4AA")
    values.setdefault("places", 2)
    values.setdefault("vacancies", 1)
    return services.carer_save(
        acting_user=None, carer=Carer(reference=name[:20].upper(), name=name, **values)
    )


@dataclass
class Care:
    team: Team
    worker: User
    manager: User
    iro: User
    outsider: User
    partner: User
    child: Person
    foster: Carer
    foster2: Carer
    home: Carer

    def start(self, **values: Any) -> PeriodOfCare:
        values.setdefault("start_date", D(2026, 4, 2))
        values.setdefault("legal_status", "V2")
        values.setdefault("category_of_need", "N1")
        values.setdefault("home_postcode", "N17 6AA")
        values.setdefault(
            "placement", services.PlacementFacts(placement_type="U6", carer=self.foster)
        )
        return services.care_period_start(acting_user=self.worker, person=self.child, **values)


@pytest.fixture
def care(f) -> Care:
    team = f.team("Children in Care Team")
    child = f.person(given_name="Amelia", family_name="Okafor", date_of_birth=D(2019, 3, 14))
    worker = f.user("social_worker", team=team, full_name="Sam Rivers")
    f.involve(child, team, worker)
    other_team = f.team("Assessment Team South")
    return Care(
        team=team,
        worker=worker,
        manager=f.user("team_manager", team=team, full_name="Tom Reid"),
        iro=f.user("reviewing_officer", full_name="Ruth Adeyemi"),
        outsider=f.user("social_worker", team=other_team, full_name="Ola Brandt"),
        partner=f.user("partner", full_name="PC Jo Hale"),
        child=child,
        foster=carer("Harbour household", postcode="N15 4AA", urn="SC123456"),
        foster2=carer("Linden household", postcode="E17 3AB", urn="SC654321"),
        home=carer(
            "Oak Lodge",
            kind=CarerKind.CHILDRENS_HOME,
            provider_code="PR4",
            postcode="EN1 1AA",
            urn="SC777777",
            places=4,
            vacancies=2,
        ),
    )
