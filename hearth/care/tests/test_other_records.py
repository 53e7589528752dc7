"""Missing episodes (return interview within 72 hours), adoption (dates in order,
RD1-RD4 on a reversed decision, AD1 adopter codes), UASC, care leavers and health."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.audit.models import AuditEvent
from hearth.care import services
from hearth.care.models import (
    Adoption,
    CareTask,
    HealthAssessment,
    HealthKind,
    MissingEpisode,
    UASCStatus,
)
from hearth.care.tests.conftest import D

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def test_missing_episode_return_interview_due_in_72_hours(care):
    period = care.start()
    row = services.missing_record(
        acting_user=care.worker, period=period, kind="M", started_at=at(D(2026, 6, 4), 19),
        ended_at=at(D(2026, 6, 5), 22, 30),
    )  # fmt: skip
    assert row.interview_due_at == at(D(2026, 6, 8), 22, 30)
    task = CareTask.objects.get(kind="return_interview")
    assert task.due_on == D(2026, 6, 8)


def test_missing_episode_bad_input(care):
    period = care.start()
    with pytest.raises(ValidationError, match="returned after they went missing"):
        services.missing_record(
            acting_user=care.worker, period=period, kind="A", started_at=at(D(2026, 6, 4), 19),
            ended_at=at(D(2026, 6, 4), 18),
        )  # fmt: skip
    services.missing_record(
        acting_user=care.worker, period=period, kind="M", started_at=at(D(2026, 7, 1), 19),
        ended_at=at(D(2026, 7, 2), 9),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="overlaps another missing"):
        services.missing_record(acting_user=care.worker, period=period, kind="A",
                                started_at=at(D(2026, 7, 1), 23))  # fmt: skip
    with pytest.raises(ValidationError, match="not a valid code"):
        services.missing_record(acting_user=care.worker, period=period, kind="X",
                                started_at=at(D(2026, 6, 4), 19))  # fmt: skip
    with pytest.raises(ValidationError, match="not yet in care"):
        services.missing_record(acting_user=care.worker, period=period, kind="M",
                                started_at=at(D(2026, 3, 1), 19))  # fmt: skip
    assert MissingEpisode.objects.count() == 1


def test_adoption_journey_and_reversal(care):
    period = care.start()
    row = services.adoption_record(
        acting_user=care.worker, period=period, should_be_placed_on=D(2026, 5, 1),
        values={"placement_order_on": D(2026, 7, 1), "matched_on": D(2026, 9, 1),
                "adopter_sex": "MF", "adopter_legal_status": "L11", "number_of_adopters": 2},
    )  # fmt: skip
    assert (row.matched_on, row.adopter_sex) == (D(2026, 9, 1), "MF")
    with pytest.raises(ValidationError, match="before matching"):
        services.adoption_record(acting_user=care.worker, period=period,
                                 should_be_placed_on=D(2026, 5, 1),
                                 values={"placed_on": D(2026, 8, 1)})  # fmt: skip
    with pytest.raises(ValidationError, match="RD1 to RD4"):
        services.adoption_record(acting_user=care.worker, period=period,
                                 should_be_placed_on=D(2026, 5, 1),
                                 values={"reversed_on": D(2026, 10, 1)})  # fmt: skip
    reversal = {"reversed_on": D(2026, 10, 1), "reversed_reason": "RD3"}
    services.adoption_record(acting_user=care.worker, period=period,
                             should_be_placed_on=D(2026, 5, 1), values=reversal)  # fmt: skip
    assert Adoption.objects.get().reversed_reason == "RD3"


def test_uasc_recorded_at_start_and_ceased(care):
    care.start(uasc=True)
    services.uasc_cease(acting_user=care.worker, person=care.child, on=D(2026, 9, 1))
    assert UASCStatus.objects.get().ceased_on == D(2026, 9, 1)


def test_health_moves_the_next_assessment(care):
    period = care.start()
    services.health_record(acting_user=care.worker, period=period, kind=HealthKind.INITIAL,
                           done_on=D(2026, 4, 20))  # fmt: skip
    period.refresh_from_db()
    assert period.health_assessment_due_on == D(2027, 4, 20)  # aged 7: every 12 months
    with pytest.raises(ValidationError, match="0 to 40"):
        services.health_record(acting_user=care.worker, period=period, kind=HealthKind.SDQ,
                               done_on=D(2026, 4, 20), sdq_score=55)  # fmt: skip


def test_care_leaver_and_permission(care):
    # The fixture child, born 14 March 2019, made 16 so that she can have left care.
    care.child.date_of_birth = D(2010, 3, 14)
    care.child.save()
    period = care.start(start_date=D(2025, 1, 6))
    with pytest.raises(ValidationError, match="left care after their 16th birthday"):
        services.care_leaver_record(acting_user=care.worker, person=care.child,
                                    eligibility="relevant", left_care_on=D(2026, 5, 1))  # fmt: skip
    services.care_period_end(acting_user=care.worker, period=period, on=D(2026, 5, 1),
                             reason="E5")  # fmt: skip
    with pytest.raises(ValidationError, match="Former relevant young people are 18"):
        services.care_leaver_record(acting_user=care.worker, person=care.child,
                                    eligibility="former_relevant")  # fmt: skip
    row = services.care_leaver_record(
        acting_user=care.worker, person=care.child, eligibility="relevant",
        personal_adviser=care.worker, pathway_plan_on=D(2026, 5, 1), left_care_on=D(2026, 5, 1),
    )  # fmt: skip
    assert row.pathway_review_due_on == D(2026, 11, 1)
    assert AuditEvent.objects.filter(event="care.careleaver.create").exists()
    with pytest.raises(PermissionDenied):
        services.care_leaver_record(acting_user=care.outsider, person=care.child,
                                    eligibility="relevant")  # fmt: skip


def test_connected_person_temporary_approval_runs_16_weeks():
    from hearth.care.models import Carer

    row = services.carer_save(acting_user=None, carer=Carer(
        reference="CP1", name="Grace Okafor", kind="connected", provider_code="PR1",
        approval_status="temporary", approved_on=D(2026, 6, 1), postcode="HT4 2AB",
    ))  # fmt: skip
    assert row.temporary_approval_until == D(2026, 9, 21)


def test_oc2_row_from_the_years_health_records(care):
    period = care.start(start_date=D(2025, 3, 1))
    for kind, day, score in (
        (HealthKind.REVIEW, D(2025, 9, 1), None), (HealthKind.DENTAL, D(2025, 10, 1), None),
        (HealthKind.SDQ, D(2025, 11, 1), 12), (HealthKind.SDQ, D(2026, 2, 1), 9),
        (HealthKind.DENTAL, D(2024, 10, 1), None),
    ):  # fmt: skip
        HealthAssessment.objects.create(period=period, person=care.child, kind=kind,
                                        done_on=day, sdq_score=score)  # fmt: skip
    row = services.health_year_record(
        acting_user=care.worker, person=care.child, year_ending=D(2026, 3, 31),
        substance_misuse=False,
    )  # fmt: skip
    assert (row.sdq_score, row.health_assessment, row.teeth_check, row.immunisations) == (
        9, True, True, False,
    )  # fmt: skip
    assert row.convicted is None and row.health_check is None  # aged 7
    with pytest.raises(ValidationError, match="blank when an intervention was received"):
        services.health_year_record(
            acting_user=care.worker, person=care.child, year_ending=D(2026, 3, 31),
            substance_misuse=True, intervention_received=True, intervention_offered=False,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="ends on 31 March"):
        services.health_year_record(acting_user=care.worker, person=care.child,
                                    year_ending=D(2026, 4, 30))  # fmt: skip


def test_adopters_journey_for_annex_a_list_11(care, f):
    from hearth.care.models import AdopterApplication

    one, two = (
        f.person(family_name="Reyes", kind="adult"),
        f.person(family_name="Reyes", kind="adult"),
    )
    app = services.adopter_application_save(
        acting_user=care.worker,
        application=AdopterApplication(reference="AF1", enquiry_on=D(2025, 1, 10),
                                       stage1_started_on=D(2025, 2, 1),
                                       stage1_ended_on=D(2025, 4, 1),
                                       stage2_started_on=D(2025, 4, 2)),
        adopters=[one, two],
    )  # fmt: skip
    assert app.adopters.count() == 2
    app.approved_on = D(2025, 3, 1)
    with pytest.raises(ValidationError, match="approval is before stage 2 starting"):
        services.adopter_application_save(acting_user=care.worker, application=app)
    app.approved_on, app.left_on = None, D(2025, 9, 1)
    with pytest.raises(ValidationError, match="Say why they left"):
        services.adopter_application_save(acting_user=care.worker, application=app)
    with pytest.raises(PermissionDenied):
        services.adopter_application_save(acting_user=care.partner, application=app)


def test_return_then_interview_closes_the_task(care):
    period = care.start()
    row = services.missing_record(acting_user=care.worker, period=period, kind="M",
                                  started_at=at(D(2026, 6, 4), 19))  # fmt: skip
    assert not CareTask.objects.exists()
    with pytest.raises(ValidationError, match="overlaps another missing"):
        services.missing_record(acting_user=care.worker, period=period, kind="M",
                                started_at=at(D(2026, 6, 20), 19))  # fmt: skip
    services.missing_return_record(acting_user=care.worker, episode=row,
                                   ended_at=at(D(2026, 6, 5), 22, 30))  # fmt: skip
    task = CareTask.objects.get()
    assert (task.due_on, task.done_on) == (D(2026, 6, 8), None)
    with pytest.raises(ValidationError, match="offered after the return"):
        services.return_interview_record(
            acting_user=care.worker, episode=row, offered_at=at(D(2026, 6, 5), 20), accepted=True
        )
    services.return_interview_record(acting_user=care.worker, episode=row,
                                     offered_at=at(D(2026, 6, 7), 10), accepted=False)  # fmt: skip
    task.refresh_from_db()
    assert task.done_on == D(2026, 6, 7)
    row.refresh_from_db()
    assert (row.interview_accepted, row.interview_offered_at) == (False, at(D(2026, 6, 7), 10))
