"""Care pages: who may see and change them, failed forms keep what was typed, and the
summary page reads a fixed number of queries however long the history."""

from __future__ import annotations

import re

import pytest

from hearth.care import services
from hearth.care.models import Carer, CareTask, Episode, PeriodOfCare, PlacementDecision, Review
from hearth.care.services import PlacementFacts
from hearth.care.tests.conftest import D, carer

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def _date(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_start_a_period_of_care(care, login):
    client = login(care.worker)
    assert "Start a period of care" in _text(client.get(f"/care/children/{care.child.pk}/"))
    data = {
        **_date("start_date", D(2026, 4, 2)), "legal_status": "C1", "category_of_need": "N1",
        "home_postcode": "HT4 1AB", "carer": care.foster.reference, "placement_type": "U6",
        "visit_basis": "standard", "intended_until_18": "", "previous_permanence": "Z1",
    }  # fmt: skip
    response = client.post(f"/care/children/{care.child.pk}/start/", data)
    assert response.status_code == 302
    episode = Episode.objects.get()
    assert (episode.reason_new_episode, episode.legal_status, episode.placement_type) == (
        "S", "C1", "U6",
    )  # fmt: skip
    page = _text(client.get(f"/care/children/{care.child.pk}/"))
    assert "Harbour household" in page
    assert "5 May 2026" in page  # first review, 20 working days


def test_failed_start_keeps_what_was_typed(care, login):
    client = login(care.worker)
    data = {
        **_date("start_date", D(2026, 4, 2)), "legal_status": "C1", "category_of_need": "N1",
        "home_postcode": "HT4 1AB", "carer": "", "placement_type": "U6", "postcode": "HT9 9ZZ",
        "visit_basis": "standard", "previous_permanence": "Z1",
    }  # fmt: skip
    page = _text(client.post(f"/care/children/{care.child.pk}/start/", data))
    assert "There is a problem" in page
    assert "needs a placement provider" in page
    assert 'value="HT9 9ZZ"' in page and 'value="HT4 1AB"' in page
    assert not PeriodOfCare.objects.exists()


def test_notice_then_move(care, login):
    period = care.start()
    placement = period.placements.get()
    client = login(care.worker)
    response = client.post(
        f"/care/placements/{placement.pk}/notice/",
        {**_date("given_on", D(2026, 6, 1)), "reason": "CREQB", "notice_days": "28"},
    )
    assert response.status_code == 302
    task = CareTask.objects.get()
    assert (task.kind, task.due_on) == ("placement_move", D(2026, 6, 29))
    form = _text(client.get(f"/care/periods/{period.pk}/move/"))
    assert "the notice ends on 29 June 2026" in form
    response = client.post(
        f"/care/periods/{period.pk}/move/",
        {**_date("on", D(2026, 6, 20)), "reason": "CREQB", "carer": care.foster2.reference,
         "placement_type": "U6", "visit_basis": "standard", "legal_status": ""},
    )  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == D(2026, 6, 20)
    assert [e.reason_new_episode for e in Episode.objects.order_by("start_date")] == ["S", "P"]
    assert Episode.objects.get(reason_new_episode="S").reason_place_change == "CREQB"


def test_record_a_review(care, login):
    period = care.start()
    client = login(care.iro)
    response = client.post(
        f"/care/periods/{period.pk}/reviews/new/",
        {**_date("held_on", D(2026, 4, 30)), "participation": "PN1",
         "child_views": "I want to stay.", "decisions": "Stay with carers."},
    )  # fmt: skip
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.chair, review.next_due_on) == (care.iro, D(2026, 7, 30))


def test_other_team_partner_cannot_see_or_change(care, login):
    period = care.start()
    for user in (care.outsider, care.partner):
        client = login(user)
        assert client.get(f"/care/children/{care.child.pk}/").status_code == 404
        assert client.get(f"/care/periods/{period.pk}/move/").status_code == 404
        assert client.post(f"/care/periods/{period.pk}/reviews/new/", {}).status_code == 404
        assert client.get(f"/care/periods/{period.pk}/search/").status_code == 404


def test_reviewing_officer_may_review_but_not_move(care, login):
    period = care.start()
    client = login(care.iro)
    assert client.get(f"/care/children/{care.child.pk}/").status_code == 200
    assert client.get(f"/care/periods/{period.pk}/reviews/new/").status_code == 200
    assert client.get(f"/care/periods/{period.pk}/move/").status_code == 403


def test_summary_queries_bounded(care, login, django_assert_max_num_queries):
    period = care.start()
    placement = period.placements.get()
    for month in range(4, 12):
        services.visit_record(acting_user=None, placement=placement, visited_on=D(2026, month, 3))
    services.legal_status_change(acting_user=None, period=period, code="C1", on=D(2026, 5, 1))
    services.legal_status_change(acting_user=None, period=period, code="C2", on=D(2026, 9, 1))
    client = login(care.worker)
    client.get(f"/care/children/{care.child.pk}/")
    with django_assert_max_num_queries(30) as ctx:
        _text(client.get(f"/care/children/{care.child.pk}/"))
    few = len(ctx.captured_queries)
    for month in range(1, 12):
        services.review_record(acting_user=None, period=period, held_on=D(2026, month, 20)
                               if month > 4 else D(2026, 4, 20 + month), participation="PN1",
                               chair=None)  # fmt: skip
    with django_assert_max_num_queries(few):
        _text(client.get(f"/care/children/{care.child.pk}/"))


def test_placement_search_ranks_with_reasons_and_records_the_decision(care, login, f):
    near = carer("Near household", postcode="HT4 2AB", skills=["teenagers"], age_from=5, age_to=12)
    carer("Far household", postcode="HY4 1AA", skills=["teenagers"], age_from=5, age_to=12)
    carer("Too young household", postcode="HT4 2AB", age_from=0, age_to=4)
    aunt = f.person(given_name="Grace", family_name="Okafor", date_of_birth=D(1985, 1, 1))
    from hearth.people.models import Relationship

    Relationship.objects.create(person=care.child, relative=aunt, kind="aunt_uncle")
    period = care.start(home_postcode="HT4 1AB")
    client = login(care.worker)
    form = _text(client.get(f"/care/periods/{period.pk}/search/"))
    assert 'value="HT4 1AB"' in form  # the family's postcode from the record
    url = (
        f"/care/periods/{period.pk}/search/?siblings=1&needs=teenagers&near=HT4+1AB&school=HT4+3AB"
    )
    page = _text(client.get(url))
    assert "from the school (HT4)" in page and "from the family (HT4)" in page
    assert page.index("Near household") < page.index("Far household")
    assert "Approved for ages 5 to 12" in page
    assert "Skills: teenagers" in page
    assert "Outside the approval range (0 to 4)" in page
    assert "Grace Okafor (Aunt)" in page
    bad = _text(client.post(url, {"reasons": "Close to school."}))
    assert "Choose a carer, provider or family member" in bad
    assert "Close to school." in bad
    response = client.post(url, {"choice": near.reference, "reasons": "Close to school."})
    assert response.status_code == 302
    decision = PlacementDecision.objects.get()
    assert decision.carer == near
    assert decision.ranking[0]["carer"] == near.reference


def test_carers_register(care, login):
    client = login(care.worker)
    page = _text(client.get("/care/carers/?vacant=1"))
    assert "Harbour household" in page
    response = client.post(
        "/care/carers/new/",
        {"reference": "FC9001", "name": "Willow household", "kind": "foster",
         "provider_code": "PR1", "approval_status": "approved", "age_from": "0", "age_to": "10",
         "places": "2", "vacancies": "3", "postcode": "HT2 1AA", "skills_text": "babies"},
    )  # fmt: skip
    page = _text(response)
    assert "There cannot be more vacancies than places" in page
    assert not PeriodOfCare.objects.exists()
    good = {"reference": "FC9001", "name": "Willow household", "kind": "foster",
            "provider_code": "PR1", "approval_status": "approved", "age_from": "0",
            "age_to": "10", "places": "2", "vacancies": "1", "postcode": "ht2 1aa",
            "skills_text": "Babies, siblings"}  # fmt: skip
    assert client.post("/care/carers/new/", good).status_code == 302
    willow = Carer.objects.get(reference="FC9001")
    assert (willow.postcode, willow.skills) == ("HT2 1AA", ["babies", "siblings"])
    assert login(care.partner).get("/care/carers/").status_code == 403
    _ = PlacementFacts


def test_other_record_pages(care, login):
    period = care.start(start_date=D(2025, 4, 2))
    placement = period.placements.get()
    services.visit_record(acting_user=None, placement=placement, visited_on=D(2026, 4, 20))
    client = login(care.worker)
    page = _text(client.get(f"/care/children/{care.child.pk}/"))
    assert "Not worked out" in page and "meant to last until the child is 18" in page
    response = client.post(
        f"/care/placements/{placement.pk}/facts/",
        {"intended_until_18": "yes", "visit_basis": "standard"},
    )
    assert response.status_code == 302
    assert "20 July 2026" in _text(client.get(f"/care/children/{care.child.pk}/"))
    at = f"/care/periods/{period.pk}"
    day = _date("done_on", D(2026, 5, 1))
    missing = {"kind": "M", **_date("started_on", D(2026, 6, 4)), "started_time": "21:00",
               **_date("ended_on", D(2026, 6, 5)), "ended_time": "09:30"}  # fmt: skip
    for url, data in (
        (f"{at}/health/new/", {"kind": "review", **day}),
        (f"{at}/pep/new/", {**_date("held_on", D(2026, 5, 1)), "school": "Ash"}),
        (f"{at}/care-plan/", {**_date("made_on", D(2025, 4, 10)),
                              "permanence_plan": "long_term_fostering"}),
        (f"{at}/missing/new/", missing),
        (f"{at}/iro-contacts/new/", {**_date("contact_on", D(2026, 5, 2))}),
        (f"{at}/adoption/", {**_date("should_be_placed_on", D(2025, 10, 1)),
                             **_date("placement_order_on", D(2025, 12, 1)), "adopter_sex": "MF",
                             "adopter_legal_status": "L11"}),
        (f"/care/children/{care.child.pk}/contacts/new/",
         {"birthday": "18", "in_touch": "NO", **_date("contact_on", D(2026, 3, 1))}),
    ):  # fmt: skip
        assert client.get(url).status_code == 200, url
        response = client.post(url, data)
        assert response.status_code == 302, (url, _text(response)[-2000:])
    period.refresh_from_db()
    assert period.permanence_plan == "long_term_fostering"
    assert CareTask.objects.filter(kind="return_interview").exists()
    bad = _text(client.post(f"{at}/health/new/", {"kind": "sdq", **day, "sdq_score": "55",
                                                   "notes": "Kept"}))  # fmt: skip
    assert "There is a problem" in bad and "Kept" in bad


def test_children_in_care_list(care, login, f, django_assert_max_num_queries):
    care.start()
    for i in range(5):
        other = f.person(given_name=f"Kid{i}", family_name="Moss", date_of_birth=D(2015, 1, 1))
        f.involve(other, care.team, care.worker)
        services.care_period_start(
            acting_user=None, person=other, start_date=D(2026, 5, 1 + i), legal_status="V2",
            category_of_need="N1", placement=PlacementFacts(placement_type="K2", carer=care.home),
        )  # fmt: skip
    client = login(care.worker)
    client.get("/care/")
    with django_assert_max_num_queries(20):
        page = _text(client.get("/care/"))
    assert page.index("Amelia Okafor") < page.index("Kid0 Moss")  # soonest review first
    assert "Kid4 Moss" in page
    assert "Amelia Okafor" not in _text(login(care.outsider).get("/care/"))


def test_due_items_for_other_apps(care, django_assert_max_num_queries):
    from hearth.care.selectors import due_items_for

    period = care.start()
    services.carer_notice_record(acting_user=care.worker, placement=period.placements.get(),
                                 given_on=D(2026, 6, 1), reason="CREQO")  # fmt: skip
    with django_assert_max_num_queries(3):
        items = due_items_for([care.child.pk])
    assert [(i.title, i.due_on) for i in items][:3] == [
        ("Statutory visit (reg 28)", D(2026, 4, 9)),
        ("Placement plan", D(2026, 4, 13)),
        ("Care plan", D(2026, 4, 20)),
    ]
    assert ("Find a new placement: the carer has given notice", D(2026, 6, 29)) in [
        (i.title, i.due_on) for i in items
    ]
    assert len(due_items_for([care.child.pk], until=D(2026, 4, 30))) == 4


def test_missing_return_page(care, login):
    import datetime as dt

    from hearth.care.models import MissingEpisode

    period = care.start()
    row = services.missing_record(
        acting_user=None, period=period, kind="M",
        started_at=dt.datetime(2026, 6, 4, 19, tzinfo=dt.UTC),
    )  # fmt: skip
    client = login(care.worker)
    assert "Record the return" in _text(client.get(f"/care/children/{care.child.pk}/"))
    url = f"/care/missing/{row.pk}/return/"
    offer = {**_date("offered_on", D(2026, 6, 6)), "offered_time": "10:00"}
    bad = _text(client.post(url, offer))
    assert "whether it was accepted" in bad
    bad = _text(client.post(url, {**offer, "accepted": "yes"}))
    assert "Enter the date and time they came back" in bad
    data = {
        **_date("ended_on", D(2026, 6, 5)),
        "ended_time": "22:30",
        **_date("offered_on", D(2026, 6, 6)),
        "offered_time": "10:00",
        "accepted": "yes",
    }
    assert client.post(url, data).status_code == 302
    row = MissingEpisode.objects.get()
    assert row.interview_accepted is True
    assert CareTask.objects.get().done_on == D(2026, 6, 6)
    assert login(care.outsider).get(url).status_code == 404


def test_children_in_care_teams_find_care_from_the_menu_and_the_case_page(care, f, login):
    cic = login(f.user("social_worker", team=f.team(service_area="children_in_care")))
    assert 'href="/care/"' in cic.get("/").content.decode()
    fostering = login(f.user("social_worker", team=f.team(service_area="fostering")))
    assert 'href="/care/carers/"' in fostering.get("/").content.decode()
    assessment = login(f.user("social_worker", team=f.team(service_area="assessment")))
    assert 'href="/care/"' not in assessment.get("/").content.decode()
    person = care.child
    case_page = login(care.worker).get(f"/casework/children/{person.pk}/").content.decode()
    assert f'href="/care/children/{person.pk}/"' in case_page


def test_leaving_care_page_checks_the_category_against_age_and_leaving(care, login):
    care.child.date_of_birth = D(2010, 3, 14)  # 16 on the fixed clock
    care.child.save()
    care.team.service_area = "children_in_care"  # its workers may be personal advisers
    care.team.save()
    period = care.start(start_date=D(2025, 1, 6))
    services.care_period_end(acting_user=care.worker, period=period, on=D(2026, 5, 1),
                             reason="E5")  # fmt: skip
    client = login(care.worker)
    assert "Record leaving care details" in _text(client.get(f"/care/children/{care.child.pk}/"))
    url = f"/care/children/{care.child.pk}/leaving-care/"
    page = _text(client.post(url, {"eligibility": "relevant", **_date("pathway_plan_on",
                                                                     D(2026, 6, 1))}))  # fmt: skip
    assert "left care after their 16th birthday" in page and 'value="2026"' in page
    response = client.post(url, {"eligibility": "relevant", "personal_adviser": care.worker.pk,
                                 **_date("left_care_on", D(2026, 5, 1)),
                                 **_date("pathway_plan_on", D(2026, 6, 1))})  # fmt: skip
    assert response.status_code == 302
    summary = _text(client.get(f"/care/children/{care.child.pk}/"))
    assert "Relevant" in summary and "next review by 1 December 2026" in summary
    assert login(care.outsider).get(url).status_code == 404
