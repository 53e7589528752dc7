"""Adopter families (Ofsted Annex A list 11) and a child's adoption linked to them: the
journey's dates in order, leaving with a reason, one or two adult adopters, a child
matched only with approved adopters who had not left, the family's dates following the
child's, every write audited, and the register pages for fostering staff only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.audit.models import AuditEvent
from hearth.care import services
from hearth.care.models import AdopterApplication, Adoption
from hearth.care.tests.conftest import D

pytestmark = pytest.mark.django_db


def _family(care: Any, f: Any, **dates: Any) -> AdopterApplication:
    one = f.person(given_name="Lena", family_name="Reyes", kind="adult", sex="F",
                   date_of_birth=D(1985, 2, 2))  # fmt: skip
    two = f.person(given_name="Marco", family_name="Reyes", kind="adult", sex="M",
                   date_of_birth=D(1983, 7, 9))  # fmt: skip
    values = {"enquiry_on": D(2025, 1, 10), "stage1_started_on": D(2025, 2, 1),
              "stage1_ended_on": D(2025, 4, 1), "stage2_started_on": D(2025, 4, 2),
              "stage2_ended_on": D(2025, 8, 1), "applied_on": D(2025, 8, 2),
              "approved_on": D(2025, 9, 1), **dates}  # fmt: skip
    return services.adopter_application_save(
        acting_user=care.worker,
        application=AdopterApplication(reference="AF00001", **values),
        adopters=[one, two],
    )


def test_family_journey_in_order_and_leaving_needs_a_reason(care, f):
    family = _family(care, f, approved_on=None)
    assert [a.person.given_name for a in family.adopters.order_by("person__given_name")] == [
        "Lena", "Marco",
    ]  # fmt: skip
    family.approved_on = D(2025, 7, 1)
    with pytest.raises(ValidationError, match="approval is before the application"):
        services.adopter_application_save(acting_user=care.worker, application=family)
    family.approved_on, family.left_on = None, D(2025, 9, 1)
    with pytest.raises(ValidationError, match="Say why they left"):
        services.adopter_application_save(acting_user=care.worker, application=family)
    family.left_reason, family.left_on = "1", D(2025, 7, 1)
    with pytest.raises(ValidationError, match="left the adoption process before stage 2 ending"):
        services.adopter_application_save(acting_user=care.worker, application=family)
    family.left_on = D(2025, 8, 5)
    services.adopter_application_save(acting_user=care.worker, application=family)
    assert AdopterApplication.objects.get().get_left_reason_display() == "Adopter withdrew"
    with pytest.raises(PermissionDenied):
        services.adopter_application_save(acting_user=care.partner, application=family)


def test_adopters_are_one_or_two_adults(care, f):
    child = f.person(given_name="Tia", family_name="Reyes")
    adult = f.person(family_name="Vance", kind="adult", date_of_birth=D(1980, 1, 1))
    family = AdopterApplication(reference="AF00002", enquiry_on=D(2025, 1, 10))
    with pytest.raises(ValidationError, match="not recorded as an adult"):
        services.adopter_application_save(
            acting_user=care.worker, application=family, adopters=[child]
        )
    with pytest.raises(ValidationError, match="one or two different adopters"):
        services.adopter_application_save(
            acting_user=care.worker, application=family, adopters=[adult, adult]
        )
    family.approved_on = D(2025, 6, 1)
    with pytest.raises(ValidationError, match="Add the adopters"):
        services.adopter_application_save(acting_user=care.worker, application=family)
    assert not AdopterApplication.objects.exists()


def test_child_matched_with_an_approved_family_follows_into_its_journey(care, f):
    family = _family(care, f)
    period = care.start()
    with pytest.raises(ValidationError, match="approved on 1 September 2025, after the match"):
        services.adoption_record(
            acting_user=care.worker, period=period, should_be_placed_on=D(2025, 5, 1),
            values={"placement_order_on": D(2025, 6, 1), "matched_on": D(2025, 8, 20),
                    "family": family},
        )  # fmt: skip
    row = services.adoption_record(
        acting_user=care.worker, period=period, should_be_placed_on=D(2026, 5, 1),
        values={"placement_order_on": D(2026, 7, 1), "matched_on": D(2026, 9, 1),
                "placed_on": D(2026, 9, 20), "adopter_legal_status": "L11", "family": family},
    )  # fmt: skip
    # SSDA903 AD1: the number and sexes of the adopters come from their records.
    assert (row.number_of_adopters, row.adopter_sex, row.family_id) == (2, "MF", family.pk)
    family.refresh_from_db()
    assert (family.matched_on, family.placed_on, family.children_placed) == (
        D(2026, 9, 1), D(2026, 9, 20), 1,
    )  # fmt: skip
    # Matched instead with another approved family: the first no longer counts the child.
    other = services.adopter_application_save(
        acting_user=care.worker,
        application=AdopterApplication(reference="AF00004", enquiry_on=D(2025, 1, 10),
                                       approved_on=D(2025, 12, 1)),
        adopters=[f.person(family_name="Ames", kind="adult", sex="F", date_of_birth=D(1980, 1, 1))],
    )  # fmt: skip
    services.adoption_record(
        acting_user=care.worker, period=period, should_be_placed_on=D(2026, 5, 1),
        values={"family": other, "adopter_sex": "", "number_of_adopters": None},
    )  # fmt: skip
    family.refresh_from_db()
    other.refresh_from_db()
    assert (family.children_placed, other.children_placed) == (None, 1)
    assert Adoption.objects.get().adopter_sex == "F1"
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"care.adoption.create", "care.adopterapplication.update",
            "care.adopter.create"} <= events  # fmt: skip


def test_a_family_that_left_or_is_not_approved_cannot_be_matched(care, f):
    family = _family(care, f, left_on=D(2025, 10, 1), left_reason="2")
    period = care.start()
    with pytest.raises(ValidationError, match="left the adoption process on 1 October 2025"):
        services.adoption_record(
            acting_user=care.worker, period=period, should_be_placed_on=D(2026, 5, 1),
            values={"matched_on": D(2026, 9, 1), "family": family},
        )  # fmt: skip
    family.left_on, family.left_reason, family.approved_on = None, "", None
    family.save()
    with pytest.raises(ValidationError, match="not approved yet"):
        services.adoption_record(
            acting_user=care.worker, period=period, should_be_placed_on=D(2026, 5, 1),
            values={"family": family},
        )  # fmt: skip
    assert not Adoption.objects.exists()


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def _date(prefix: str, day: Any) -> dict[str, str]:
    return {f"{prefix}_{i}": str(v) for i, v in enumerate((day.day, day.month, day.year))}


def test_register_pages_record_a_family_and_link_a_child(care, f, login):
    one = f.person(given_name="Ines", family_name="Moraes", kind="adult", sex="F",
                   date_of_birth=D(1984, 4, 4))  # fmt: skip
    client = login(care.worker)
    assert "Adopter families" in _text(client.get("/care/carers/"))
    data = {"reference": "af00009", **_date("enquiry_on", D(2025, 2, 1)),
            **_date("approved_on", D(2025, 1, 1)), "first_adopter": one.local_id}  # fmt: skip
    page = _text(client.post("/care/adopters/new/", data))
    assert "The date of approval is before the enquiry" in page and one.local_id in page
    data.update(_date("approved_on", D(2025, 10, 1)))
    assert client.post("/care/adopters/new/", data).status_code == 302
    family = AdopterApplication.objects.get(reference="AF00009")
    listing = _text(client.get("/care/adopters/?stage=waiting"))
    assert "AF00009" in listing and "Ines Moraes" in listing and "Approved and waiting" in listing
    assert "AF00009" not in _text(client.get("/care/adopters/?stage=left"))
    period = care.start()
    response = client.post(
        f"/care/periods/{period.pk}/adoption/",
        {**_date("should_be_placed_on", D(2026, 5, 1)), **_date("matched_on", D(2026, 9, 1)),
         "family": "af00009"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Adoption.objects.get().family == family
    assert "Family AF00009" in _text(client.get(f"/care/children/{care.child.pk}/"))
    bad = _text(
        client.post(
            f"/care/periods/{period.pk}/adoption/",
            {**_date("should_be_placed_on", D(2026, 5, 1)), "family": "AF404"},
        )
    )
    assert "No adopter family has the identifier AF404" in bad


def test_register_pages_need_staff_who_may_edit(care, login):
    assert login(care.partner).get("/care/adopters/").status_code == 403
    assert login(care.iro).get("/care/adopters/new/").status_code == 403


def test_annex_a_list_11_rows_one_an_adopter(care, f, django_assert_max_num_queries):
    from hearth.care.selectors import annex_a_adopters

    family = _family(care, f)
    services.adopter_application_save(
        acting_user=care.worker,
        application=AdopterApplication(reference="AF00003", enquiry_on=D(2023, 1, 5),
                                       left_on=D(2023, 6, 1), left_reason="1"),
        adopters=[f.person(family_name="Old", kind="adult", date_of_birth=D(1970, 1, 1))],
    )  # fmt: skip
    with django_assert_max_num_queries(3):
        rows = annex_a_adopters(D(2026, 1, 20), D(2027, 1, 20))
    # The family that left in 2023 is outside the 12 months; both Reyes adopters are in.
    assert {r["application__reference"] for r in rows} == {family.reference}
    assert sorted(r["person__sex"] for r in rows) == ["F", "M"]
    assert rows[0]["application__approved_on"] == D(2025, 9, 1)
