"""The duplicate review queue pages: who may see which pairs, the side-by-side
comparison, merging, undoing and "not the same person"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.audit.models import AuditEvent
from hearth.casework.models import CINEpisode
from hearth.people.merge import person_links
from hearth.people.models import (
    Address,
    DuplicateCandidate,
    DuplicateStatus,
    Person,
    PersonMerge,
    RestrictedAccess,
)

pytestmark = pytest.mark.django_db


def _pair(f, given="Amelia", other="Amelie", probability=0.99, **extra):
    a = f.person(given_name=given, family_name="Okafor", date_of_birth=dt.date(2019, 3, 14))
    b = f.person(given_name=other, family_name="Okafor", date_of_birth=dt.date(2019, 3, 14),
                 **extra)  # fmt: skip
    return DuplicateCandidate.objects.create(
        person_a=a, person_b=b, match_probability=probability, match_weight=10.0,
        reasons=[{"field": "date_of_birth", "level": "Same date of birth", "weight": 12.1},
                 {"field": "given_name", "level": "Given name close", "weight": 4.2}],
    )  # fmt: skip


@pytest.fixture
def front_door(f, login):
    team = f.team("Front Door", service_area="front_door")
    return login(f.user("front_door", team=team))


def test_queue_lists_open_pairs_most_likely_first(front_door, f):
    low = _pair(f, "Oliver", "Olivier", probability=0.96)
    high = _pair(f, probability=0.999)
    done = _pair(f, "Isla", "Isler")
    DuplicateCandidate.objects.filter(pk=done.pk).update(status=DuplicateStatus.NOT_DUPLICATE)
    page = front_door.get("/people/duplicates/").content.decode()
    assert page.index(f"/people/duplicates/{high.pk}/") < page.index(
        f"/people/duplicates/{low.pk}/"
    )
    assert f"/people/duplicates/{done.pk}/" not in page
    assert "100%" in page and "96%" in page
    decided = front_door.get("/people/duplicates/", {"status": "not_duplicate"}).content.decode()
    assert f"/people/duplicates/{done.pk}/" in decided


def test_queue_filters_same_household(front_door, f):
    together = _pair(f)
    DuplicateCandidate.objects.filter(pk=together.pk).update(same_household=True)
    apart = _pair(f, "Noah", "Noa")
    page = front_door.get("/people/duplicates/", {"household": "yes"}).content.decode()
    assert f"/people/duplicates/{together.pk}/" in page
    assert f"/people/duplicates/{apart.pk}/" not in page
    assert "Same household" in page


ROLES = [("social_worker", 403), ("partner", 404), ("performance_officer", 403),
         ("administrator", 403)]  # fmt: skip


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_only_reviewers_see_the_queue(f, login, role, status):
    pair = _pair(f)
    client = login(f.user(role))
    assert client.get("/people/duplicates/").status_code == status
    assert client.get(f"/people/duplicates/{pair.pk}/").status_code == status


def test_a_pair_shows_only_to_those_who_may_open_both_records(f, login):
    team = f.team("Assessment North")
    manager = f.user("team_manager", team=team)
    pair = _pair(f)
    f.involve(pair.person_a, team)  # one of the two is the team's
    client = login(manager)
    assert (
        f"/people/duplicates/{pair.pk}/" not in client.get("/people/duplicates/").content.decode()
    )
    assert client.get(f"/people/duplicates/{pair.pk}/").status_code == 404
    f.involve(pair.person_b, team)
    assert f"/people/duplicates/{pair.pk}/" in client.get("/people/duplicates/").content.decode()


def test_restricted_records_appear_only_to_those_named_on_them(f, login):
    team = f.team("Front Door", service_area="front_door")
    named, other = f.user("front_door", team=team), f.user("front_door", team=team)
    pair = _pair(f, restricted=True)
    RestrictedAccess.objects.create(person=pair.person_b, user=named)
    assert (
        f"/people/duplicates/{pair.pk}/" in login(named).get("/people/duplicates/").content.decode()
    )
    page = login(other).get("/people/duplicates/").content.decode()
    assert f"/people/duplicates/{pair.pk}/" not in page and "Amelie" not in page
    assert login(other).get(f"/people/duplicates/{pair.pk}/").status_code == 404


def test_queue_queries_do_not_grow_with_pairs(front_door, f):
    for _ in range(3):
        _pair(f)
    with CaptureQueriesContext(connection) as few:
        front_door.get("/people/duplicates/")
    for _ in range(20):
        _pair(f)
    with CaptureQueriesContext(connection) as many:
        assert front_door.get("/people/duplicates/").status_code == 200
    assert len(many) == len(few) <= 12


def test_compare_page_shows_both_records_marks_differences_and_is_logged(front_door, f):
    pair = _pair(f, nhs_number="9434765919")
    Address.objects.create(person=pair.person_a, line1="4 Mill Lane", town="Lambury",
                           postcode="SE15 4QT")  # fmt: skip
    Address.objects.create(person=pair.person_b, line1="4 Mill Lane", town="Lambury",
                           postcode="SE15 4QT")  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        r = front_door.get(f"/people/duplicates/{pair.pk}/")
    page = r.content.decode()
    assert r.status_code == 200
    assert "Amelia Okafor" in page and "Amelie Okafor" in page
    assert "943 476 5919" in page or "9434765919" in page
    # Name and NHS number differ; the address and date of birth do not.
    rows = {row.split("</th>")[0]: row for row in page.split('<th scope="row"')[1:]}
    assert "Different" in next(v for k, v in rows.items() if ">Name" in k).split("</th>")[0]
    assert "Different" in next(v for k, v in rows.items() if "NHS number" in k).split("</th>")[0]
    assert (
        "Different"
        not in next(v for k, v in rows.items() if "Current address" in k).split("</th>")[0]
    )
    assert "Same date of birth" in page
    # A fixed number: the two records, then one count per table that points at a person
    # (it grows as apps are added, never with the data).
    assert len(queries) <= 40 + len(person_links())
    logged = AuditEvent.objects.filter(event="people.person.view.duplicate_review")
    assert set(logged.values_list("person_id", flat=True)) == {pair.person_a_id, pair.person_b_id}


def test_merge_from_the_page_then_undo(front_door, f):
    pair = _pair(f)
    CINEpisode.objects.create(person=pair.person_b, referral_date=dt.date(2026, 3, 1),
                              referral_source="1A")  # fmt: skip
    r = front_door.post(f"/people/duplicates/{pair.pk}/",
                        {"action": "merge", "survivor": str(pair.person_a_id)})  # fmt: skip
    merge = PersonMerge.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/people/merges/{merge.pk}/"
    assert CINEpisode.objects.get().person_id == pair.person_a_id
    page = front_door.get(f"/people/merges/{merge.pk}/").content.decode()
    assert "Undo this merge" in page and "casework.cinepisode" in page
    # The pair is decided: the compare page says so and offers no second merge.
    decided = front_door.get(f"/people/duplicates/{pair.pk}/").content.decode()
    assert "Merged" in decided and 'value="merge"' not in decided
    r = front_door.post(f"/people/merges/{merge.pk}/")
    assert r.status_code == 302
    assert CINEpisode.objects.get().person_id == pair.person_b_id
    assert Person.objects.get(pk=pair.person_b_id).merged_into_id is None
    assert "Undone" in front_door.get(f"/people/merges/{merge.pk}/").content.decode()


def test_merge_without_a_choice_or_refused_says_why_and_changes_nothing(front_door, f):
    pair = _pair(f)
    r = front_door.post(f"/people/duplicates/{pair.pk}/", {"action": "merge"})
    assert r.status_code == 200 and "<title>Error: " in r.content.decode()
    assert "Choose the record to keep" in r.content.decode()
    for person in (pair.person_a, pair.person_b):
        CINEpisode.objects.create(person=person, referral_date=dt.date(2026, 3, 1),
                                  referral_source="1A")  # fmt: skip
    r = front_door.post(f"/people/duplicates/{pair.pk}/",
                        {"action": "merge", "survivor": str(pair.person_b_id)})  # fmt: skip
    assert r.status_code == 200
    assert "Both records have an open child in need episode" in r.content.decode()
    assert not PersonMerge.objects.exists()
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_not_the_same_person_needs_a_reason(front_door, f):
    pair = _pair(f)
    r = front_door.post(f"/people/duplicates/{pair.pk}/", {"action": "not_duplicate",
                                                            "reason": "twins"})  # fmt: skip
    page = r.content.decode()
    assert r.status_code == 200 and "<title>Error: " in page and 'value="merge"' in page
    assert "twins</textarea>" in page  # what was typed is kept
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN
    reason = "Twins: Amelia and Amelie"
    r = front_door.post(f"/people/duplicates/{pair.pk}/",
                        {"action": "not_duplicate", "reason": reason})  # fmt: skip
    assert r.status_code == 302
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.NOT_DUPLICATE
    assert pair.review_reason == "Twins: Amelia and Amelie"
