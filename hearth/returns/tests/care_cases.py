"""Children in care for the SSDA903 tests, recorded through the care services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hearth.care import services as care
from hearth.care.models import Carer, CarerKind, HealthYear
from hearth.people.models import Involvement, Person
from hearth.returns.models import WorkerRegistration
from hearth.returns.tests.cin_cases import upn

D = dt.date


def _carer(ref: str, kind: str, provider: str, urn: str = "") -> Carer:
    return Carer.objects.create(
        reference=ref, name=f"Carer {ref}", kind=kind, provider_code=provider, urn=urn,
        postcode="HT4 9QZ", places=2, vacancies=1,
    )  # fmt: skip


def in_care_authority(f) -> dict[str, Person]:
    """A girl in care all year after a move and a care order; a boy who came into care and
    went home; each with a worker allocated."""
    team = f.team(service_area="children_in_care")
    worker = f.user(team=team)
    foster = _carer("FC1", CarerKind.FOSTER, "PR1")
    home = _carer("CH1", CarerKind.CHILDRENS_HOME, "PR4", urn="SC123456")

    girl = f.person(sex="F", date_of_birth=D(2012, 3, 4), ethnicity="WBRI", upn=upn(7001))
    period = care.care_period_start(
        acting_user=None, person=girl, start_date=D(2024, 11, 4), legal_status="V2",
        category_of_need="N1", home_postcode="HT4 2AB",
        placement=care.PlacementFacts(placement_type="U6", carer=foster),
        previous_permanence="Z1",
    )  # fmt: skip
    care.legal_status_change(acting_user=None, period=period, code="C2", on=D(2025, 7, 1))
    care.placement_change(
        acting_user=None, period=period, on=D(2025, 9, 1), reason="CARPL",
        placement=care.PlacementFacts(placement_type="K2", carer=home),
    )  # fmt: skip
    for held in (D(2025, 5, 2), D(2025, 11, 3)):
        care.review_record(
            acting_user=None, period=period, held_on=held, participation="PN1", chair=None
        )
    care.missing_record(
        acting_user=None, period=period, kind="M",
        started_at=timezone.make_aware(dt.datetime(2025, 10, 4, 21)),
        ended_at=timezone.make_aware(dt.datetime(2025, 10, 5, 9)),
    )  # fmt: skip
    Involvement.objects.create(
        person=girl, team=team, worker=worker, reason="Looked after", started=D(2024, 11, 4)
    )

    boy = f.person(sex="M", date_of_birth=D(2010, 8, 9), ethnicity="AIND", upn=upn(7002))
    stay = care.care_period_start(
        acting_user=None, person=boy, start_date=D(2025, 6, 2), legal_status="V2",
        category_of_need="N4", home_postcode="HT7 1CD",
        placement=care.PlacementFacts(placement_type="U3", carer=foster),
        previous_permanence="Z1",
    )  # fmt: skip
    care.review_record(
        acting_user=None, period=stay, held_on=D(2025, 6, 27), participation="PN1", chair=None
    )
    care.care_period_end(acting_user=None, period=stay, on=D(2025, 12, 12), reason="E4A")
    Involvement.objects.create(
        person=boy, team=team, worker=worker, reason="Looked after", started=D(2025, 6, 2),
        ended=D(2025, 12, 12),
    )  # fmt: skip
    return {"girl": girl, "boy": boy}


def complete_the_record(kids: dict[str, Person]) -> None:
    """What the girl's record lacks for the return: her worker's registration number and
    her OC2 health data for the year."""
    girl = kids["girl"]
    WorkerRegistration.objects.create(user=girl.involvements.get().worker, number="SW123456")
    HealthYear.objects.create(
        person=girl, year_ending=D(2026, 3, 31), sdq_score=14, convicted=False,
        immunisations=True, teeth_check=True, health_assessment=True,
        substance_misuse=False,
    )  # fmt: skip
