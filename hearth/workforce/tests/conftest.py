"""Workforce fixtures: a fixed team. The clock is Wednesday 20 January 2027, noon.

Assessment Team North: manager Tom Reid; service manager Hana Ito (service area
assessment); workers Sam Rivers (full time), Priya Shah (0.5 FTE, interested in
adolescents), Jo Bell (newly qualified on 1 December 2026, ASYE until 30 November
2027), Lee Agent (agency). Another team's manager (Ola Brandt) and worker, a
performance officer and a partner user stand outside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from hearth.accounts.models import Team, User
from hearth.casework.models import ChildProtectionPlan, CINEpisode, CINPlan, LookedAfterPeriod
from hearth.people.models import Involvement, Person
from hearth.workforce.models import WorkerProfile

D = dt.date
NOW = dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC)
TODAY = D(2027, 1, 20)
PLAN_START = D(2026, 6, 1)
REFERRAL = D(2026, 5, 1)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Scenario:
    f: Any
    team: Team
    manager: User
    service_manager: User
    sam: User
    priya: User
    jo: User
    agent: User
    other_manager: User
    other_worker: User
    performance: User
    partner: User

    def child(self, worker: User | None = None, *, age: int = 8, **values: Any) -> Person:
        values.setdefault("date_of_birth", D(TODAY.year - age, 3, 1))
        default = "Referral from contact C000001: referral" if worker is None else "Child in need"
        reason = values.pop("reason", default)
        person = self.f.person(**values)
        Involvement.objects.create(
            person=person,
            team=self.team,
            worker=worker,
            reason=reason,
            started=D(2027, 1, 4),
        )
        return person

    def children(self, worker: User, n: int) -> list[Person]:
        return [self.child(worker) for _ in range(n)]

    def cp_plan(
        self, person: Person, start: dt.date | None = None, **values: Any
    ) -> ChildProtectionPlan:
        return ChildProtectionPlan.objects.create(
            person=person,
            start_date=start or PLAN_START,
            initial_category="NEG",
            latest_category="NEG",
            **values,
        )

    def episode(self, person: Person, referral: dt.date | None = None, **values: Any) -> CINEpisode:
        return CINEpisode.objects.create(
            person=person, referral_date=referral or REFERRAL, referral_source="2A", **values
        )

    def cin_plan(self, person: Person, start: dt.date | None = None) -> CINPlan:
        return CINPlan.objects.create(
            person=person, episode=self.episode(person), start_date=start or PLAN_START
        )

    def looked_after(self, person: Person) -> LookedAfterPeriod:
        return LookedAfterPeriod.objects.create(person=person, start_date=D(2026, 1, 1))


@pytest.fixture
def sc(f, db) -> Scenario:
    team = f.team("Assessment Team North")
    other = f.team("Assessment Team South")
    sam = f.user("social_worker", team=team, full_name="Sam Rivers", qualified_on=D(2015, 7, 1))
    priya = f.user("social_worker", team=team, full_name="Priya Shah", qualified_on=D(2012, 7, 1))
    WorkerProfile.objects.create(user=priya, fte=Decimal("0.5"), interests=["adolescents"])
    jo = f.user(
        "social_worker",
        team=team,
        full_name="Jo Bell",
        qualified_on=D(2026, 12, 1),
        asye_until=D(2027, 11, 30),
    )
    agent = f.user(
        "social_worker",
        team=team,
        full_name="Lee Agent",
        employment_type="agency",
        qualified_on=D(2010, 7, 1),
    )
    return Scenario(
        f=f,
        team=team,
        manager=f.user("team_manager", team=team, full_name="Tom Reid"),
        service_manager=f.user("service_manager", team=team, full_name="Hana Ito"),
        sam=sam,
        priya=priya,
        jo=jo,
        agent=agent,
        other_manager=f.user("team_manager", team=other, full_name="Ola Brandt"),
        other_worker=f.user("social_worker", team=other, full_name="Ann Other"),
        performance=f.user("performance_officer", full_name="Pat Figures"),
        partner=f.user("partner", full_name="PC Jo Hale"),
    )
