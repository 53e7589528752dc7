import datetime as dt
import random

import pytest

from hearth.people import services
from hearth.people.matching import (
    Label,
    MatchQuery,
    are_nicknames,
    find_candidates,
    match_keys_rebuild,
    soundex,
)
from hearth.people.models import Address, NameKind, PersonMatchKey, PersonName
from hearth.testing.families import FamilyGenerator, store

pytestmark = pytest.mark.django_db

D = dt.date


def _home(person, postcode="SE15 4QT", moved_in=None, moved_out=None):
    Address.objects.create(
        person=person, line1="1 High St", town="Lambury", postcode=postcode,
        moved_in=moved_in, moved_out=moved_out,
    )  # fmt: skip


def _top(query, **kwargs):
    results = find_candidates(MatchQuery(**query), **kwargs)
    assert results, "no candidates"
    return results[0]


def _by_id(query, pk):
    return next(c for c in find_candidates(MatchQuery(**query), limit=50) if c.person_id == pk)


# --- Pieces ---


def test_soundex():
    assert soundex("smith") == soundex("smyth") == "S530"
    assert soundex("robert") == soundex("rupert") == "R163"
    assert soundex("ashcraft") == "A261"
    assert soundex("tymczak") == "T522"
    assert soundex("pfister") == "P236"
    assert soundex("") == ""


def test_nicknames():
    assert are_nicknames("bill", "william") and are_nicknames("william", "bill")
    assert are_nicknames("peggy", "margaret") and are_nicknames("liam", "william")
    # Two nicknames of one name are sisters' names, not one another's nickname.
    assert not are_nicknames("mia", "millie")
    # Brother and sister.
    assert not are_nicknames("george", "georgia")
    assert not are_nicknames("harry", "harriet")
    assert not are_nicknames("oliver", "olivia")


# --- Keys ---


def test_rebuild_writes_keys_for_names_dates_addresses_and_nhs(f):
    p = f.person(given_name="William", family_name="Smith", date_of_birth=D(2015, 3, 4),
                 nhs_number="9434765919")  # fmt: skip
    _home(p, "SE15 4QT", moved_out=D(2020, 1, 1))
    _home(p, "N1 9GU")
    PersonName.objects.create(person=p, kind=NameKind.PREVIOUS, given_name="William",
                              family_name="Jones")  # fmt: skip
    assert match_keys_rebuild([p.pk]) > 0
    keys = set(PersonMatchKey.objects.filter(person=p).values_list("key", flat=True))
    assert {"n:9434765919", "d:20150304", "s:S530:2015:w", "s:J520:2015:w", "g:W450:2015:s",
            "g:W450:2015:j", "ns:W450:S530", "md:S530:0304", "gd:W450:0304", "pc:SE15 4QT",
            "pc:N1 9GU"} <= keys  # fmt: skip
    # Rebuilding replaces the keys rather than adding to them.
    count = len(keys)
    match_keys_rebuild([p.pk])
    assert PersonMatchKey.objects.filter(person=p).count() == count
    match_keys_rebuild()
    assert PersonMatchKey.objects.filter(person=p).count() == count


def test_services_keep_keys_current(f):
    team = f.team()
    worker = f.user("front_door", team=team)
    child = services.person_create(acting_user=worker, given_name="Amelia",
                                   family_name="Okafor", date_of_birth=D(2016, 5, 4))  # fmt: skip
    query = {"given_name": "Amelia", "family_name": "Okafor", "date_of_birth": D(2016, 5, 4)}
    assert _top(query).person_id == child.pk
    services.address_add(acting_user=worker, person=child, line1="1 High St", town="Lambury",
                         postcode="se15 4qt")  # fmt: skip
    assert _top({"postcode": "SE15 4QT"}).person_id == child.pk
    address = child.addresses.get()
    services.address_update(acting_user=worker, address=address,
                            expected_version=address.version, postcode="N1 9GU")  # fmt: skip
    assert _top({"postcode": "N1 9GU"}).person_id == child.pk
    assert not find_candidates(MatchQuery(postcode="SE15 4QT"))
    child.refresh_from_db()
    services.person_update(acting_user=worker, person=child, expected_version=child.version,
                           date_of_birth=D(2016, 6, 4))  # fmt: skip
    assert _top({"given_name": "Amelia", "date_of_birth": D(2016, 6, 4)}).person_id == child.pk


# --- Reasons ---


def test_exact_match_is_strong_with_reasons(f):
    p = f.person(given_name="Amelia", family_name="Okafor", date_of_birth=D(2016, 5, 4))
    _home(p)
    match_keys_rebuild()
    c = _top({"given_name": "amelia", "family_name": "OKAFOR", "date_of_birth": D(2016, 5, 4),
              "postcode": "se154qt"})  # fmt: skip
    assert c.person_id == p.pk and c.label is Label.STRONG and c.score >= 95
    assert c.reasons == (
        "Same date of birth", "Same family name", "Same given name", "Same postcode (SE15 4QT)"
    )  # fmt: skip


def test_nickname(f):
    p = f.person(given_name="William", family_name="Smith", date_of_birth=D(2015, 3, 14))
    match_keys_rebuild()
    c = _top({"given_name": "Bill", "family_name": "Smith", "date_of_birth": D(2015, 3, 14)})
    assert c.person_id == p.pk and c.label is Label.STRONG
    assert "Given name is a nickname (Bill = William)" in c.reasons


def test_day_and_month_swapped(f):
    p = f.person(given_name="Maisie", family_name="Clarke", date_of_birth=D(2017, 3, 4))
    match_keys_rebuild()
    c = _top({"given_name": "Maisie", "family_name": "Clarke", "date_of_birth": D(2017, 4, 3)})
    assert c.person_id == p.pk and c.label is Label.STRONG
    assert "Day and month swapped (4 March 2017)" in c.reasons


def test_typo_in_family_name(f):
    p = f.person(given_name="Jack", family_name="Smith", date_of_birth=D(2014, 7, 1))
    f.person(given_name="Jack", family_name="Jones", date_of_birth=D(2014, 7, 1))
    match_keys_rebuild()
    c = _top({"given_name": "Jack", "family_name": "Smyth", "date_of_birth": D(2014, 7, 1)})
    assert c.person_id == p.pk and c.label is Label.STRONG
    assert "Family name close (Smyth ~ Smith)" in c.reasons


def test_typo_in_given_name(f):
    p = f.person(given_name="Charlotte", family_name="Brown", date_of_birth=D(2012, 2, 14))
    match_keys_rebuild()
    c = _top({"given_name": "Charltote", "family_name": "Brown"})
    assert c.person_id == p.pk
    assert "Given name close (Charltote ~ Charlotte)" in c.reasons
    assert c.label is not Label.STRONG  # no date of birth to go on


def test_changed_family_name_found_by_previous_name(f):
    p = f.person(given_name="Ruby", family_name="Ashcombe", date_of_birth=D(2015, 9, 22))
    PersonName.objects.create(person=p, kind=NameKind.PREVIOUS, given_name="Ruby",
                              family_name="Walker")  # fmt: skip
    f.person(given_name="Ruby", family_name="Walsh", date_of_birth=D(2015, 9, 22))
    match_keys_rebuild()
    c = _top({"given_name": "Ruby", "family_name": "Walker", "date_of_birth": D(2015, 9, 22)})
    assert c.person_id == p.pk and c.label is Label.STRONG
    assert "Previous family name matches (Walker)" in c.reasons


def test_missing_date_of_birth(f):
    p = f.person(given_name="Sienna", family_name="Wright", date_of_birth=D(2013, 11, 26))
    _home(p)
    match_keys_rebuild()
    c = _top({"given_name": "Sienna", "family_name": "Wright", "postcode": "SE15 4QT"})
    assert c.person_id == p.pk
    # Without a date of birth a father and son of one name cannot be told apart.
    assert c.label is Label.POSSIBLE


def test_unborn_child_by_expected_date(f):
    unborn = f.person(kind="unborn", given_name="", family_name="Williams",
                      date_of_birth=None, expected_date_of_birth=D(2026, 12, 20))  # fmt: skip
    _home(unborn, "BN15 5ZD")
    match_keys_rebuild()
    c = _top({"family_name": "Williams", "date_of_birth": D(2026, 12, 20), "postcode": "BN15 5ZD"})
    assert c.person_id == unborn.pk and c.label is Label.STRONG
    assert "Same as the expected date of birth" in c.reasons
    assert c.name == "Unborn child of the Williams family"
    # Once born, a few weeks either side of the expected date, and named.
    c = _top({"given_name": "Esme", "family_name": "Williams", "date_of_birth": D(2026, 11, 29)})
    assert c.person_id == unborn.pk and c.label is Label.POSSIBLE
    assert "Born near the expected date (20 December 2026)" in c.reasons


def test_postcode_from_address_history(f):
    p = f.person(given_name="Theo", family_name="Patel", date_of_birth=D(2011, 6, 30))
    _home(p, "SE15 4QT", moved_in=D(2019, 4, 1), moved_out=D(2022, 8, 1))
    _home(p, "LS6 2AB", moved_in=D(2022, 8, 1))
    match_keys_rebuild()
    c = _top({"given_name": "Theo", "postcode": "SE15 4QT"})
    assert c.person_id == p.pk
    assert "Same postcode (SE15 4QT, lived there 2019–2022)" in c.reasons


def test_one_digit_typo_and_year(f):
    p = f.person(given_name="Harry", family_name="Miller", date_of_birth=D(2013, 10, 19))
    _home(p)
    match_keys_rebuild()
    q = {"given_name": "Harry", "family_name": "Miller", "date_of_birth": D(2013, 10, 18)}
    c = _top(q)
    assert (
        c.person_id == p.pk and "Date of birth one digit different (19 October 2013)" in c.reasons
    )
    assert c.label is Label.POSSIBLE  # a near date alone is not enough to be sure
    assert _top({**q, "postcode": "SE15 4QT"}).label is Label.STRONG
    c = _top({**q, "date_of_birth": D(2014, 10, 19)})
    assert (
        c.person_id == p.pk and "Date of birth one digit different (19 October 2013)" in c.reasons
    )
    c = _top({**q, "date_of_birth": D(2009, 10, 19), "postcode": "SE15 4QT"})
    assert c.person_id == p.pk and c.label is not Label.STRONG
    assert "Different date of birth (19 October 2013)" in c.reasons
    q = {"given_name": "Ivy", "family_name": "Moss", "date_of_birth": D(2020, 6, 10)}
    ivy = f.person(given_name="Ivy", family_name="Moss", date_of_birth=D(2019, 6, 10))
    match_keys_rebuild([ivy.pk])
    c = _top(q)
    assert c.person_id == ivy.pk and "Same birthday, year one out (2019)" in c.reasons


def test_preferred_and_middle_names(f):
    p = f.person(given_name="Florence", middle_names="Lily Rose", family_name="Smith",
                 date_of_birth=D(2021, 10, 26))  # fmt: skip
    match_keys_rebuild()
    c = _top({"given_name": "Lily", "family_name": "Smith", "date_of_birth": D(2021, 10, 26)})
    assert c.person_id == p.pk and "Given name is their middle name (Lily)" in c.reasons


# --- Siblings, twins, NHS number ---


def test_twins_are_never_strong(f):
    amelia = f.person(given_name="Amelia", family_name="Okafor", date_of_birth=D(2016, 5, 4))
    oliver = f.person(given_name="Oliver", family_name="Okafor", date_of_birth=D(2016, 5, 4),
                      sex="M")  # fmt: skip
    for p in (amelia, oliver):
        _home(p)
    match_keys_rebuild()
    query = {"given_name": "Olivia", "family_name": "Okafor", "date_of_birth": D(2016, 5, 4),
             "postcode": "SE15 4QT"}  # fmt: skip
    # Olivia is not on the record: neither twin may be strong, though both share all else.
    results = find_candidates(MatchQuery(**query))
    assert {c.person_id for c in results} == {amelia.pk, oliver.pk}
    assert all(c.label is not Label.STRONG for c in results)
    twin = next(c for c in results if c.person_id == oliver.pk)
    assert "Given name differs (Olivia / Oliver)" in twin.reasons
    assert "May be a brother, sister or twin: the given name is different" in twin.reasons
    # Searching for one twin ranks them first, strong, and the other below, not strong.
    results = find_candidates(MatchQuery(**{**query, "given_name": "Amelia"}))
    assert [c.person_id for c in results] == [amelia.pk, oliver.pk]
    assert [c.label for c in results] == [Label.STRONG, Label.POSSIBLE]


def test_siblings_of_one_name_sound_are_not_strong(f):
    f.person(given_name="Harry", family_name="Evans", date_of_birth=D(2014, 2, 2), sex="M")
    f.person(given_name="George", family_name="Evans", date_of_birth=D(2014, 2, 2), sex="M")
    match_keys_rebuild()
    for given in ("Harriet", "Georgia"):
        results = find_candidates(MatchQuery(given_name=given, family_name="Evans",
                                             date_of_birth=D(2014, 2, 2)))  # fmt: skip
        assert results and all(c.label is not Label.STRONG for c in results)


def test_nhs_number_is_decisive(f):
    p = f.person(given_name="Zofia", family_name="Nowak", date_of_birth=D(2010, 1, 5),
                 nhs_number="9434765919")  # fmt: skip
    match_keys_rebuild()
    c = _top({"nhs_number": "943 476 5919"})
    assert c.person_id == p.pk and c.label is Label.STRONG and "Same NHS number" in c.reasons
    c = _top({"given_name": "Sofia", "family_name": "Novak", "nhs_number": "9434765919"})
    assert c.person_id == p.pk and c.label is Label.STRONG


def test_nhs_number_conflict_is_never_strong(f):
    p = f.person(given_name="Zofia", family_name="Nowak", date_of_birth=D(2010, 1, 5),
                 nhs_number="9434765919")  # fmt: skip
    match_keys_rebuild()
    c = _by_id({"given_name": "Zofia", "family_name": "Nowak", "date_of_birth": D(2010, 1, 5),
                "nhs_number": "4010232137"}, p.pk)  # fmt: skip
    assert c.label is not Label.STRONG and "Different NHS number" in c.reasons


def test_family_name_alone_and_empty_query(f):
    p = f.person(given_name="Esme", family_name="Walker", date_of_birth=None)
    match_keys_rebuild()
    assert _top({"family_name": "Walker"}).person_id == p.pk
    assert find_candidates(MatchQuery()) == []
    assert find_candidates(MatchQuery(given_name="E")) == []


# --- Accuracy on family-shaped data ---


def test_accuracy_on_corrupted_searches_of_family_shaped_people():
    """A few hundred people in families (twins, step-families, babies due, old
    addresses), searched for with the usual errors. Fair and hard: the generator's
    names and nicknames are its own, and siblings share everything but a clearly
    different given name."""
    gen = FamilyGenerator(seed=11)
    people = gen.families(140, hide_sibling=0.6)
    store(people)
    present = [p for p in people if not p.hidden]
    rng = random.Random(5)
    # Mostly children, as at the front door; some parents.
    targets = [p for p in present if p.kind != "adult" or rng.random() < 0.3]
    searches = [gen.corrupt(rng.choice(targets)) for _ in range(400)]
    first = top5 = 0
    misses = []
    for search in searches:
        ids = [c.person_id for c in find_candidates(search.query, limit=5)]
        first += bool(ids) and ids[0] == search.target.pk
        top5 += search.target.pk in ids
        if not ids or ids[0] != search.target.pk:
            misses.append((search.errors, search.query))
    assert first / len(searches) >= 0.95, misses
    assert top5 / len(searches) >= 0.97, misses

    # Brothers, sisters and twins the record does not have: never strong.
    hidden = [p for p in people if p.hidden]
    assert len(hidden) >= 40 and any(p.twin_of is not None for p in hidden)
    strong = [s.query for s in (gen.exact(p, "sibling") for p in hidden)
              if any(c.label is Label.STRONG for c in find_candidates(s.query))]  # fmt: skip
    assert 1 - len(strong) / len(hidden) >= 0.99, strong

    # People from other families altogether, searched with the usual errors.
    strangers = FamilyGenerator(seed=12).families(60)
    absent = [gen.corrupt(p) for p in strangers if p.kind != "unborn"]
    strong = [s.query for s in absent
              if any(c.label is Label.STRONG for c in find_candidates(s.query))]  # fmt: skip
    assert 1 - len(strong) / len(absent) >= 0.99, strong
