"""SSDA903 episodes written from the changes a worker records, checked against rows
written out by hand as they would appear in the Episodes CSV."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.care import services
from hearth.care.models import Carer, Episode, PeriodOfCare, Placement
from hearth.care.services import PlacementFacts
from hearth.care.tests.conftest import D
from hearth.casework.models import LookedAfterPeriod

pytestmark = pytest.mark.django_db

COLUMNS = "DECOM RNE LS CIN PLACE PLACE_PROVIDER DEC REC REASON_PLACE_CHANGE HOME_POST PL_POST URN"


def rows(period: PeriodOfCare) -> list[str]:
    """The period's episodes as CSV lines (blank cells as '-', to read easily)."""
    return [
        " ".join(e.as_ssda903()[c] or "-" for c in COLUMNS.split())
        for e in Episode.objects.filter(period=period).order_by("start_date", "pk")
    ]


def test_start_writes_the_first_episode(care):
    period = care.start()
    assert rows(period) == ["02/04/2026 S V2 N1 U6 PR1 - - - N17 6AA N15 4AA SC123456"]
    assert LookedAfterPeriod.objects.get(pk=period.casework_period_id).start_date == D(2026, 4, 2)


def test_each_kind_of_change(care):
    period = care.start()
    services.legal_status_change(
        acting_user=care.worker, period=period, code="C1", on=D(2026, 4, 20)
    )
    services.placement_change(
        acting_user=care.worker, period=period, on=D(2026, 6, 1), reason="CREQO",
        placement=PlacementFacts(placement_type="U6", carer=care.foster2),
    )  # fmt: skip
    services.placement_change(
        acting_user=care.worker, period=period, on=D(2026, 9, 1), reason="CARPL",
        placement=PlacementFacts(placement_type="U4", carer=care.foster2, intended_until_18=True),
    )  # fmt: skip
    services.placement_change(
        acting_user=care.worker, period=period, on=D(2026, 10, 1), reason="CHILD",
        legal_status="C2", placement=PlacementFacts(placement_type="K2", carer=care.home),
    )  # fmt: skip
    services.care_period_end(
        acting_user=care.worker, period=period, on=D(2026, 12, 10), reason="E4A"
    )
    assert rows(period) == [
        "02/04/2026 S V2 N1 U6 PR1 20/04/2026 X1 - N17 6AA N15 4AA SC123456",
        "20/04/2026 L C1 N1 U6 PR1 01/06/2026 X1 CREQO N17 6AA N15 4AA SC123456",
        "01/06/2026 P C1 N1 U6 PR1 01/09/2026 X1 CARPL N17 6AA E17 3AB SC654321",
        "01/09/2026 T C1 N1 U4 PR1 01/10/2026 X1 CHILD N17 6AA E17 3AB SC654321",
        "01/10/2026 B C2 N1 K2 PR4 10/12/2026 E4A - N17 6AA EN1 1AA SC777777",
    ]
    period.refresh_from_db()
    assert (period.end_date, period.reason_ceased) == (D(2026, 12, 10), "E4A")


def test_legal_status_and_placement_same_carer_is_u(care):
    period = care.start()
    services.placement_change(
        acting_user=care.worker, period=period, on=D(2026, 5, 4), reason="PLACE",
        legal_status="C2", placement=PlacementFacts(placement_type="U4", carer=care.foster),
    )  # fmt: skip
    assert rows(period)[-1] == "04/05/2026 U C2 N1 U4 PR1 - - - N17 6AA N15 4AA SC123456"


def test_two_changes_on_one_day_make_one_episode(care):
    period = care.start()
    services.legal_status_change(
        acting_user=care.worker, period=period, code="C1", on=D(2026, 5, 4)
    )
    services.placement_change(
        acting_user=care.worker, period=period, on=D(2026, 5, 4), reason="CARPL",
        placement=PlacementFacts(placement_type="U6", carer=care.foster2),
    )  # fmt: skip
    assert rows(period) == [
        "02/04/2026 S V2 N1 U6 PR1 04/05/2026 X1 CARPL N17 6AA N15 4AA SC123456",
        "04/05/2026 B C1 N1 U6 PR1 - - - N17 6AA E17 3AB SC654321",
    ]


def test_temporary_placement_has_no_provider(care):
    period = care.start()
    services.placement_change(
        acting_user=care.worker, period=period, on=D(2026, 7, 1), reason="OTHER",
        placement=PlacementFacts(placement_type="T1", postcode="N19 5NF"),
    )  # fmt: skip
    assert rows(period)[-1] == "01/07/2026 P V2 N1 T1 - - - - N17 6AA N19 5NF -"


def test_carer_vacancies_follow_the_child(care):
    assert care.foster.vacancies == 1
    Carer.objects.filter(pk=care.foster2.pk).update(vacancies=2)
    period = care.start()
    care.foster.refresh_from_db()
    assert care.foster.vacancies == 0
    services.placement_change(
        acting_user=care.worker, period=period, on=D(2026, 6, 1), reason="CREQO",
        placement=PlacementFacts(placement_type="U6", carer=care.foster2),
    )  # fmt: skip
    care.foster.refresh_from_db()
    care.foster2.refresh_from_db()
    assert (care.foster.vacancies, care.foster2.vacancies) == (1, 1)
    # A long-term match with the same carers takes no second place.
    services.placement_change(
        acting_user=care.worker, period=period, on=D(2026, 9, 1), reason="CARPL",
        placement=PlacementFacts(placement_type="U4", carer=care.foster2),
    )  # fmt: skip
    care.foster2.refresh_from_db()
    assert care.foster2.vacancies == 1


# --- Bad input: refused, nothing written -------------------------------------------------


def test_overlapping_episode_refused(care):
    period = care.start()
    services.legal_status_change(
        acting_user=care.worker, period=period, code="C1", on=D(2026, 6, 1)
    )
    with pytest.raises(ValidationError, match="would overlap the episode that started on 1 June"):
        services.placement_change(
            acting_user=care.worker, period=period, on=D(2026, 5, 1), reason="CARPL",
            placement=PlacementFacts(placement_type="U6", carer=care.foster2),
        )  # fmt: skip
    assert len(rows(period)) == 2


def test_overlapping_period_refused(care):
    period = care.start()
    services.care_period_end(acting_user=care.worker, period=period, on=D(2026, 6, 1), reason="E4A")
    with pytest.raises(ValidationError, match="overlaps the period of care"):
        care.start(start_date=D(2026, 5, 1))
    care.start(start_date=D(2026, 7, 1))
    with pytest.raises(ValidationError, match="already in care"):
        care.start(start_date=D(2026, 8, 1))
    assert PeriodOfCare.objects.filter(person=care.child).count() == 2


def test_start_outside_childhood_refused(care):
    with pytest.raises(ValidationError, match="until their 18th birthday"):
        care.start(start_date=D(2019, 3, 1))  # born 14 March 2019
    assert not PeriodOfCare.objects.exists()


def test_placement_before_care_started_refused(care):
    period = care.start()
    with pytest.raises(ValidationError, match="started to be looked after on 2 April 2026"):
        services.placement_change(
            acting_user=care.worker, period=period, on=D(2026, 3, 30), reason="CARPL",
            placement=PlacementFacts(placement_type="U6", carer=care.foster2),
        )  # fmt: skip
    assert Placement.objects.filter(period=period).count() == 1


def test_legal_status_not_valid_on_the_day_refused(care):
    # Freeing orders (D1) ended when the Adoption and Children Act 2002 came into force.
    with pytest.raises(ValidationError, match=r"D1 .* is not a valid code on 2 April 2026"):
        care.start(legal_status="D1")
    period = care.start()
    with pytest.raises(ValidationError, match="not a valid code"):
        services.legal_status_change(
            acting_user=care.worker, period=period, code="Q9", on=D(2026, 5, 1)
        )
    assert len(rows(period)) == 1


def test_placement_type_not_valid_on_the_day_refused(care):
    with pytest.raises(ValidationError, match=r"Z1 .* is not a valid code"):
        care.start(placement=PlacementFacts(placement_type="Z1", postcode="N1 1AA"))
    assert not PeriodOfCare.objects.exists()


def test_placement_type_needing_a_provider_refused_without_one(care):
    with pytest.raises(ValidationError, match="needs a placement provider"):
        care.start(placement=PlacementFacts(placement_type="U6", postcode="N1 1AA"))
    assert not PeriodOfCare.objects.exists()
    assert not Episode.objects.exists()


def test_placed_with_parents_under_section_20_refused(care):
    # SSDA903 rule 378: placement with parents (P1) is not under s20 (V2).
    with pytest.raises(ValidationError, match="cannot be accommodated under section 20"):
        care.start(placement=PlacementFacts(placement_type="P1", provider_code="PR0"))
    with_parents = PlacementFacts(placement_type="P1", provider_code="PR0")
    period = care.start(legal_status="C2", placement=with_parents)
    with pytest.raises(ValidationError, match="cannot be accommodated under section 20"):
        services.legal_status_change(acting_user=care.worker, period=period, code="V2",
                                     on=D(2026, 5, 1))  # fmt: skip
    assert rows(period) == ["02/04/2026 S C2 N1 P1 PR0 - - - N17 6AA - -"]


def test_childrens_home_needs_its_urn(care):
    home = services.carer_save(acting_user=None, carer=Carer(
        reference="CH1", name="Elm House", kind="childrens_home", provider_code="PR4",
        postcode="HT1 1AA", places=3, vacancies=3,
    ))  # fmt: skip
    with pytest.raises(ValidationError, match="needs the setting's Ofsted URN"):
        care.start(placement=PlacementFacts(placement_type="K2", carer=home))
    assert not PeriodOfCare.objects.exists()


def test_leaving_with_x1_refused(care):
    period = care.start()
    with pytest.raises(ValidationError, match="X1 is for a new episode"):
        services.care_period_end(
            acting_user=care.worker, period=period, on=D(2026, 6, 1), reason="X1"
        )


# --- Permission -------------------------------------------------------------------------


def test_other_team_and_partner_cannot_start_or_change(care):
    with pytest.raises(PermissionDenied):
        services.care_period_start(
            acting_user=care.outsider, person=care.child, start_date=D(2026, 4, 2),
            legal_status="V2", category_of_need="N1",
            placement=PlacementFacts(placement_type="U6", carer=care.foster),
        )  # fmt: skip
    period = care.start()
    for user in (care.outsider, care.partner):
        with pytest.raises(PermissionDenied):
            services.legal_status_change(
                acting_user=user, period=period, code="C1", on=D(2026, 5, 1)
            )


def test_leaving_care_ends_the_looked_after_period_the_front_door_reads(care):
    period = care.start()
    services.care_period_end(acting_user=care.worker, period=period, on=D(2026, 6, 1), reason="E4A")
    looked_after = LookedAfterPeriod.objects.get(pk=period.casework_period_id)
    assert looked_after.end_date == D(2026, 6, 1)
    assert not looked_after.current_on(D(2026, 6, 2))
