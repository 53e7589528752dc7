"""Casework test fixtures: an assessment team (worker, two managers), a conference
chair, a worker from another team, a partner agency user, and a child referred on
Thursday 2 April 2026 (the day before Good Friday). The clock is fixed at 20 January
2027, after every date the tests use, so that "not in the future" never depends on
when the tests run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hearth.accounts.models import Team, User
from hearth.casework import services
from hearth.casework.models import CINEpisode
from hearth.people.models import Person
from hearth.timescales.calendar import invalidate_calendar
from hearth.timescales.engine import invalidate_local_values

D = dt.date
LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC)
REFERRAL = D(2026, 4, 2)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_local_settings():
    # Closure days and local targets are cached per process; start each test clean.
    invalidate_calendar()
    invalidate_local_values()
    yield
    invalidate_calendar()
    invalidate_local_values()


@dataclass
class Casework:
    team: Team
    worker: User
    manager: User
    second_manager: User
    chair: User
    outsider: User
    partner: User
    child: Person

    def episode(self, **values: Any) -> CINEpisode:
        values.setdefault("referral_date", REFERRAL)
        values.setdefault("referral_source", "2A")
        return services.cin_episode_open(acting_user=None, person=self.child, **values)

    def attendees(self) -> list[dict[str, str]]:
        return [
            {"name": "Sam Rivers", "agency": "social_care", "role": "Social worker",
             "information_shared": "Bruising seen at school on Monday."},
            {"name": "DC Lee Hart", "agency": "police", "role": "Child abuse investigation",
             "information_shared": "Two call-outs to the address this year."},
            {"name": "Dr Asha Rao", "agency": "health", "role": "Named doctor",
             "information_shared": "Missed health appointments."},
        ]  # fmt: skip


@pytest.fixture
def cw(f) -> Casework:
    team = f.team("Assessment Team North")
    child = f.person(given_name="Amelia", family_name="Okafor", date_of_birth=D(2019, 3, 14))
    worker = f.user("social_worker", team=team, full_name="Sam Rivers")
    f.involve(child, team, worker)
    other_team = f.team("Assessment Team South")
    return Casework(
        team=team,
        worker=worker,
        manager=f.user("team_manager", team=team, full_name="Tom Reid"),
        second_manager=f.user("service_manager", team=team, full_name="Hana Ito"),
        chair=f.user("reviewing_officer", full_name="Ruth Adeyemi"),
        outsider=f.user("social_worker", team=other_team, full_name="Ola Brandt"),
        partner=f.user("partner", full_name="PC Jo Hale"),
        child=child,
    )
