"""The team pages: who may open them, what they show, bounded queries, and the
allocation form's refusals keeping what was typed."""

from __future__ import annotations

import pytest

from hearth.people.models import Involvement
from hearth.workforce.models import Allocation

pytestmark = pytest.mark.django_db

PAGES = ["/team/", "/team/allocations/", "/team/brief/", "/team/duty/", "/team/supervision/",
         "/team/allocations/history/"]  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_team_pages_open_for_the_teams_managers(sc, login, url):
    sc.children(sc.sam, 2)
    sc.child()
    for user in (sc.manager, sc.service_manager):
        assert login(user).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_team_pages_are_not_found_for_anyone_else(sc, login, url):
    for user in (sc.sam, sc.performance, sc.partner):
        status = login(user).get(url).status_code
        # A worker asking for the team page is taken to their own profile.
        assert status == (302 if url == "/team/" and user == sc.sam else 404), (user, url)
    # Another team's manager sees their own team, never this one.
    response = login(sc.other_manager).get(f"{url}?team={sc.team.pk}")
    assert response.status_code == 404


def test_team_page_shows_capacity_in_words(sc, login):
    for c in sc.children(sc.priya, 7):
        sc.cp_plan(c)
    page = login(sc.manager).get("/team/").content.decode()
    assert "10.5 of 9.0 (117%)" in page
    assert "Over capacity" in page
    assert "ASYE" in page and "Protected limit while newly qualified" in page
    assert "Agency" in page


@pytest.mark.parametrize("url", ["/team/", "/team/allocations/", "/team/brief/"])
def test_pages_take_a_bounded_number_of_queries(sc, login, url, django_assert_max_num_queries):
    client = login(sc.manager)
    for w in (sc.sam, sc.priya, sc.jo, sc.agent):
        sc.children(w, 3)
    for _ in range(3):
        sc.child()
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for w in (sc.sam, sc.priya, sc.jo, sc.agent):
        sc.children(w, 5)
    for _ in range(8):
        sc.child()
    with django_assert_max_num_queries(len(small) + 2):
        client.get(url)


def test_allocating_in_one_action(sc, login):
    child = sc.child()
    inv = Involvement.objects.get(person=child)
    response = login(sc.manager).post(
        "/team/allocations/",
        {"involvement": inv.pk, "team": sc.team.pk, f"i{inv.pk}-worker": sc.sam.pk,
         f"i{inv.pk}-reason": "Near school"},
    )  # fmt: skip
    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.worker == sc.sam
    assert Allocation.objects.get().reason == "Near school"


def test_over_capacity_without_a_reason_is_refused_keeping_what_was_typed(sc, login):
    for c in sc.children(sc.priya, 6):
        sc.cp_plan(c)
    child = sc.child()
    inv = Involvement.objects.get(person=child)
    response = login(sc.manager).post(
        "/team/allocations/",
        {"involvement": inv.pk, f"i{inv.pk}-worker": sc.priya.pk,
         f"i{inv.pk}-reason": "Speaks Polish with the family"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Priya Shah would be over capacity" in page
    assert "Speaks Polish with the family" in page
    inv.refresh_from_db()
    assert inv.worker is None


def test_the_second_manager_is_told_plainly(sc, login):
    child = sc.child()
    inv = Involvement.objects.get(person=child)
    Involvement.objects.filter(pk=inv.pk).update(worker=sc.agent)  # the first manager's
    response = login(sc.service_manager).post(
        "/team/allocations/", {"involvement": inv.pk, f"i{inv.pk}-worker": sc.sam.pk}, follow=True
    )
    assert "has already been allocated to Lee Agent" in response.content.decode()
    inv.refresh_from_db()
    assert inv.worker == sc.agent


def test_worker_profile_for_the_worker_and_their_managers_only(sc, login):
    assert login(sc.sam).get(f"/team/workers/{sc.sam.pk}/").status_code == 200
    assert login(sc.manager).get(f"/team/workers/{sc.sam.pk}/").status_code == 200
    assert login(sc.priya).get(f"/team/workers/{sc.sam.pk}/").status_code == 404
    assert login(sc.other_manager).get(f"/team/workers/{sc.sam.pk}/").status_code == 404


def test_manager_edits_a_profile_and_books_leave(sc, login):
    client = login(sc.manager)
    response = client.post(
        f"/team/workers/{sc.sam.pk}/",
        {"profile-fte": "0.8", "profile-interests": ["court_work"],
         "profile-languages": "Welsh, Urdu", "profile-career_goals": "Court work"},
    )  # fmt: skip
    assert response.status_code == 302
    sc.sam.worker_profile.refresh_from_db()
    assert sc.sam.worker_profile.languages == ["Welsh", "Urdu"]
    response = client.post(
        f"/team/workers/{sc.sam.pk}/leave/",
        {"leave-kind": "annual", "leave-start_0": "10", "leave-start_1": "2",
         "leave-start_2": "2027", "leave-end_0": "1", "leave-end_1": "2", "leave-end_2": "2027"},
    )  # fmt: skip
    assert "The last day of leave must be on or after the first day" in response.content.decode()


def test_a_worker_on_duty_is_shown_the_way_to_the_duty_list(sc, login):
    from hearth.workforce.models import DutyShift

    from .conftest import TODAY

    DutyShift.objects.create(team=sc.team, day=TODAY, worker=sc.sam)
    client = login(sc.sam)
    response = client.get("/team/", follow=True)
    assert "You are on duty today" in response.content.decode()
    assert (
        "You are on duty today" not in login(sc.priya).get("/team/", follow=True).content.decode()
    )


def test_a_worker_sets_their_own_interests_but_not_their_hours(sc, login):
    client = login(sc.sam)
    page = client.get(f"/team/workers/{sc.sam.pk}/").content.decode()
    assert 'name="profile-fte"' not in page
    response = client.post(
        f"/team/workers/{sc.sam.pk}/",
        {"profile-fte": "0.2", "profile-interests": ["adolescents"], "profile-languages": "Urdu"},
    )
    assert response.status_code == 302
    sc.sam.worker_profile.refresh_from_db()
    assert sc.sam.worker_profile.interests == ["adolescents"]
    assert str(sc.sam.worker_profile.fte) == "1.00"


def test_administrators_set_the_weights_and_limits(sc, f, login):
    from hearth.workforce.models import WorkforceSettings

    admin = login(f.user("administrator", full_name="Ada Admin"))
    assert admin.get("/admin/workforce/workforcesettings/add/").status_code == 200
    WorkforceSettings.objects.create(pk=1)
    assert admin.get("/admin/workforce/workforcesettings/add/").status_code == 403  # one row
    assert admin.get("/admin/workforce/workforcesettings/1/change/").status_code == 200
    assert login(sc.manager).get("/admin/workforce/workforcesettings/1/change/").status_code == 302
