"""The synthetic authority's workforce: profiles, leave, supervision histories, duty
rotas and children waiting at each allocations meeting; the team pages open on it."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.accounts.models import Role, User
from hearth.demo.generator import generate
from hearth.people.models import Involvement
from hearth.workforce import selectors
from hearth.workforce.models import CaseDiscussion, DutyShift, Leave, Supervision, WorkerProfile

TODAY = dt.date(2027, 1, 20)
pytestmark = pytest.mark.django_db


def test_demo_workforce(login):
    generate(children=600, seed=5, today=TODAY)
    holders = User.objects.filter(role__in=["social_worker", "senior_practitioner"])
    profiles = WorkerProfile.objects.count()
    assert profiles >= 8
    assert WorkerProfile.objects.exclude(fte=1).exists() or profiles < 12
    assert Leave.objects.filter(start__lte=TODAY + dt.timedelta(days=90)).count() >= profiles
    assert Supervision.objects.filter(kind="personal").exists()
    assert CaseDiscussion.objects.exists()
    assert DutyShift.objects.filter(day=TODAY).exists()
    waiting = Involvement.objects.filter(worker__isnull=True, ended__isnull=True)
    assert waiting.exclude(team__service_area="front_door").count() >= 3
    assert holders.filter(employment_type="agency").exists()
    manager = User.objects.filter(role=Role.TEAM_MANAGER, team__service_area="assessment").first()
    assert manager is not None
    client = login(manager)
    for url in ("/team/", "/team/allocations/", "/team/brief/", "/team/supervision/"):
        assert client.get(url).status_code == 200, url
    assert selectors.work_items(manager.team)
