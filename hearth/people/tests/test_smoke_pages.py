import pytest

pytestmark = pytest.mark.django_db


def test_person_pages_render_for_team_member(f, login):
    t = f.team()
    worker = f.user("social_worker", team=t)
    child = f.person(given_name="Amelia", family_name="Okafor")
    mum = f.person(given_name="Grace", family_name="Okafor", kind="adult", sex="F")
    f.relate(child, mum, "parent", pr=True)
    f.involve(child, t, worker)
    c = login(worker)
    assert c.get("/").status_code == 200
    r = c.get("/people/?q=okafor")
    assert r.status_code == 200 and b"Amelia Okafor" in r.content
    r = c.get(f"/people/{child.pk}/")
    assert r.status_code == 200 and b"Mother" in r.content
    assert c.get(f"/people/{child.pk}/edit/").status_code == 200
    assert c.get(f"/people/{child.pk}/addresses/add/").status_code == 200
    r = c.post(
        f"/people/{child.pk}/addresses/add/",
        {"line1": "1 High St", "town": "Lambury", "postcode": "nope"},
    )
    assert (
        r.status_code == 200 and b"Enter a real postcode" in r.content and b"1 High St" in r.content
    )
    r = c.post(
        f"/people/{child.pk}/addresses/add/",
        {"line1": "1 High St", "town": "Lambury", "postcode": "se15 4qt"},
    )
    assert r.status_code == 302


def test_add_family_member_from_child_record(f, login):
    t = f.team()
    worker = f.user("social_worker", team=t)
    child = f.person(given_name="Amelia", family_name="Okafor")
    f.involve(child, t, worker)
    c = login(worker)
    r = c.post(
        f"/people/new/?related_to={child.pk}",
        {
            "relationship": "grandparent",
            "kind": "adult",
            "given_name": "Ruth",
            "family_name": "Okafor",
            "sex": "F",
        },
    )
    assert r.status_code == 302
    assert c.get(r["Location"]).status_code == 200
    assert b"Grandmother" in c.get(f"/people/{child.pk}/").content


def test_worker_cannot_add_unconnected_person(f, login):
    worker = f.user("social_worker", team=f.team())
    c = login(worker)
    r = c.post(
        "/people/new/", {"kind": "adult", "given_name": "Sam", "family_name": "Ng", "sex": "M"}
    )
    assert r.status_code == 200
    assert b"You can only add people your team works with" in r.content
    from hearth.people.models import Person

    assert not Person.objects.filter(family_name="Ng").exists()


def test_person_page_shows_current_household(f, login):
    from hearth.people.models import Household, HouseholdMember

    t = f.team()
    worker = f.user("social_worker", team=t)
    child = f.person(given_name="Amelia", family_name="Okafor")
    lodger = f.person(given_name="Marek", family_name="Zielinski", kind="adult", sex="M")
    home = Household.objects.create(name="14 Larch Road")
    HouseholdMember.objects.create(household=home, person=child)
    HouseholdMember.objects.create(household=home, person=lodger)
    f.involve(child, t, worker)
    r = login(worker).get(f"/people/{child.pk}/")
    assert b"Household: 14 Larch Road" in r.content
    assert b"Marek Zielinski" in r.content
