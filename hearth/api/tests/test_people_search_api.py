import datetime as dt

import pytest

from hearth.audit.models import AuditEvent
from hearth.people.matching import match_keys_rebuild
from hearth.people.models import Address

pytestmark = pytest.mark.django_db

URL = "/api/v1/people/search"


@pytest.fixture
def family(f):
    """Twins at one address, and a stranger elsewhere."""
    amelia = f.person(
        given_name="Amelia", family_name="Okafor", date_of_birth=dt.date(2016, 5, 4), sex="F"
    )
    oliver = f.person(
        given_name="Oliver", family_name="Okafor", date_of_birth=dt.date(2016, 5, 4), sex="M"
    )
    other = f.person(given_name="Grace", family_name="Smith", date_of_birth=dt.date(2012, 1, 9))
    for p in (amelia, oliver):
        Address.objects.create(person=p, line1="1 High St", town="Lambury", postcode="SE15 4QT")
    match_keys_rebuild()
    return amelia, oliver, other


def test_search_returns_ranked_candidates_with_reasons(f, login, family):
    amelia, oliver, _ = family
    c = login(f.user("front_door"))
    r = c.get(URL, {"given_name": "Amelia", "family_name": "Okafor",
                    "date_of_birth": "2016-05-04", "postcode": "se15 4qt"})  # fmt: skip
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["id"] for x in results[:2]] == [amelia.pk, oliver.pk]
    top = results[0]
    assert set(top) == {"id", "local_id", "name", "date_of_birth", "expected_date_of_birth",
                        "score", "label", "reasons", "restricted"}  # fmt: skip
    assert top["name"] == "Amelia Okafor" and top["date_of_birth"] == "2016-05-04"
    assert top["label"] == "strong" and 85 <= top["score"] <= 100 and not top["restricted"]
    assert "Same date of birth" in top["reasons"]
    assert "Same postcode (SE15 4QT)" in top["reasons"]
    twin = results[1]
    assert twin["label"] != "strong"
    assert any("twin" in reason for reason in twin["reasons"])


def test_any_field_may_be_missing(f, login, family):
    amelia, _, _ = family
    c = login(f.user("front_door"))
    r = c.get(URL, {"given_name": "Millie", "family_name": "Okafor"})
    assert r.status_code == 200
    assert r.json()["results"][0]["id"] == amelia.pk


def test_bad_date_is_a_400_problem(f, login):
    c = login(f.user("front_door"))
    r = c.get(URL, {"family_name": "Okafor", "date_of_birth": "04/05/2016"})
    assert r.status_code == 400
    assert r["Content-Type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 400 and body["type"] and body["title"] and body["detail"]
    assert list(body["errors"]) == ["date_of_birth"]
    assert body["errors"]["date_of_birth"]


def test_bad_nhs_number_and_empty_query_are_400(f, login):
    c = login(f.user("front_door"))
    r = c.get(URL, {"nhs_number": "1234567890"})
    assert r.status_code == 400 and "check digit" in r.json()["errors"]["nhs_number"][0]
    r = c.get(URL, {"limit": "5"})
    assert r.status_code == 400 and "query" in r.json()["errors"]


def test_partner_is_refused_with_a_problem(f, login, family):
    c = login(f.user("partner"))
    r = c.get(URL, {"family_name": "Okafor"})
    assert r.status_code == 403
    assert r["Content-Type"].startswith("application/problem+json")
    assert r.json()["status"] == 403 and r.json()["title"] == "Forbidden"


def test_signed_out_is_refused(client, family):
    r = client.get(URL, {"family_name": "Okafor"})
    assert r.status_code == 403
    assert r.json()["status"] == 403


def test_restricted_candidate_shows_no_details(f, login, family):
    amelia, _, _ = family
    amelia.restricted = True
    amelia.save()
    c = login(f.user("front_door"))
    r = c.get(URL, {"given_name": "Amelia", "family_name": "Okafor",
                    "date_of_birth": "2016-05-04"})  # fmt: skip
    hit = next(x for x in r.json()["results"] if x["id"] == amelia.pk)
    assert hit["restricted"] is True
    assert hit["name"] is None and hit["date_of_birth"] is None and hit["reasons"] == []
    assert hit["label"] == "strong"  # so the worker knows to ask for access
    assert "2016" not in str(hit) and "Okafor" not in str(hit)


def test_people_out_of_scope_are_left_out(f, login, family):
    amelia, oliver, _ = family
    team = f.team()
    worker = f.user("social_worker", team=team)
    f.involve(oliver, team, worker)
    c = login(worker)
    r = c.get(URL, {"given_name": "Amelia", "family_name": "Okafor",
                    "date_of_birth": "2016-05-04"})  # fmt: skip
    ids = [x["id"] for x in r.json()["results"]]
    assert oliver.pk in ids and amelia.pk not in ids


def test_each_search_is_audited(f, login, family):
    amelia, _, _ = family
    user = f.user("front_door")
    c = login(user)
    c.get(URL, {"given_name": "Amelia", "family_name": "Okafor"})
    event = AuditEvent.objects.filter(event="people.match").get()
    assert event.action == "search" and event.actor_id == user.pk
    assert event.data["query"] == {"given_name": "Amelia", "family_name": "Okafor"}
    assert amelia.pk in event.data["results"]


def test_openapi_document_describes_the_search(f, login):
    c = login(f.user("front_door"))
    r = c.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    doc = r.json()
    operation = doc["paths"]["/api/v1/people/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"given_name", "family_name", "date_of_birth", "postcode", "nhs_number"} <= names
    assert {"200", "400", "403"} <= set(operation["responses"])
