"""The synthetic local authority: deterministic, valid, family-shaped, with caseloads."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest
from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, ProtectedError, Q, QuerySet

from hearth.accounts.models import EmploymentType, Role, Team, User
from hearth.audit.models import AuditEvent
from hearth.core.codelists import codelist
from hearth.demo.generator import Context, generate, step_families, step_staff, upn_for
from hearth.demo.models import SyntheticTruth
from hearth.frontdoor.models import Contact
from hearth.people.identifiers import validate_nhs_number, validate_postcode, validate_upn
from hearth.people.models import (
    Address,
    Household,
    Involvement,
    Person,
    PersonDisability,
    PersonMatchKey,
    PersonName,
    Relationship,
    inverse_kind,
    normalise_name,
)
from hearth.returns.exports import cin_export
from hearth.returns.models import WorkerRegistration
from hearth.testing import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)
# The apps whose rows hang off the generated people (histories, plans, supervision).
HISTORY_APPS = {"frontdoor", "casework", "care", "workforce", "documents", "returns"}
CHILD_AREAS = ["assessment", "child_protection", "children_in_care", "leaving_care"]


def _duplicate_ids() -> QuerySet:
    """The second records: truth rows whose identity is another person's id."""
    return SyntheticTruth.objects.exclude(identity=F("person_id")).values("person_id")


def _people() -> list[tuple[str, str, str, dt.date | None, str, str]]:
    return list(
        Person.objects.order_by("pk").values_list(
            "given_name", "middle_names", "family_name", "date_of_birth", "sex", "kind"
        )
    )


def _forget_people() -> None:
    """Delete the generated people and every record of them; the staff stay."""
    pending = [m for m in apps.get_models() if m._meta.app_label in HISTORY_APPS]
    while pending:  # protected foreign keys decide the order: retry what could not go yet
        left = []
        for model in pending:
            try:
                model._base_manager.all().delete()
            except ProtectedError:
                left.append(model)
        assert len(left) < len(pending), f"cannot delete {left}"
        pending = left
    Person.objects.all().delete()


def _contacts() -> list[tuple[str, str, str]]:
    return list(Contact.objects.order_by("pk").values_list("referrer_kind", "concern", "decision"))


def test_the_same_seed_gives_the_same_people_and_another_seed_does_not():
    generate(children=200, seed=11, today=TODAY)
    first, contacts = _people(), _contacts()
    assert contacts
    _forget_people()
    generate(children=200, seed=11, today=TODAY)
    assert _people() == first and _contacts() == contacts
    _forget_people()
    generate(children=200, seed=12, today=TODAY)
    assert _people() != first


def test_counts_match_the_summary_and_one_audit_entry_records_the_run():
    summary = generate(children=300, seed=3, today=TODAY)
    real = Person.objects.exclude(pk__in=_duplicate_ids())
    assert summary.children >= 300
    assert real.filter(kind="child").count() == summary.children
    assert Person.objects.count() == summary.persons
    assert Relationship.objects.count() == summary.relationships
    assert Address.objects.count() == summary.addresses
    assert Household.objects.count() == summary.households
    assert PersonName.objects.count() == summary.other_names
    assert summary.persons / summary.children > 2.3  # parents and relatives too
    events = AuditEvent.objects.filter(event="demo.generate")
    assert events.count() == 1
    assert events.get().data["children"] == summary.children


def test_identifiers_are_valid_and_unique_where_they_should_be():
    generate(children=400, seed=5, today=TODAY)
    people = Person.objects.all()
    nhs = [n for n in people.values_list("nhs_number", flat=True) if n]
    upns = [u for u in people.values_list("upn", flat=True) if u]
    assert len(nhs) > 600 and len(upns) > 200
    for number in nhs:
        assert validate_nhs_number(number).startswith("999")  # the test range
    for upn in upns:
        validate_upn(upn)
    assert len(set(upns)) == len(upns)
    # Only a duplicate record may repeat its original's NHS number.
    repeated = [n for n, c in Counter(nhs).items() if c > 1]
    truth_people = Person.objects.filter(pk__in=SyntheticTruth.objects.values("person_id"))
    assert set(repeated) <= set(truth_people.values_list("nhs_number", flat=True))
    for postcode in Address.objects.values_list("postcode", flat=True).distinct():
        assert validate_postcode(postcode) == postcode
        assert postcode.startswith("HT")
    local_ids = list(people.values_list("local_id", flat=True))
    assert all(re.fullmatch(r"HRT\d{8}", i) for i in local_ids)
    assert len(set(local_ids)) == len(local_ids)
    for given, family, given_norm, family_norm in people.values_list(
        "given_name", "family_name", "given_name_norm", "family_name_norm"
    ):
        assert given_norm == normalise_name(given)
        assert family_norm == normalise_name(family) != ""


def test_relationships_are_stored_both_ways_and_parents_have_responsibility():
    generate(children=300, seed=8, today=TODAY)
    rows = set(Relationship.objects.values_list("person_id", "relative_id", "kind"))
    assert rows
    for person, relative, kind in rows:
        assert (relative, person, inverse_kind(kind)) in rows
    kinds = Counter(kind for _, _, kind in rows)
    for kind in ("parent", "sibling", "grandparent", "partner", "former_partner", "step_parent"):
        assert kinds[kind] > 0, kind
    children = Person.objects.filter(kind="child").exclude(pk__in=_duplicate_ids())
    with_mother = Relationship.objects.filter(
        person_id=OuterRef("pk"), kind="parent", relative__sex="F", parental_responsibility=True
    )
    assert not children.exclude(Exists(with_mother)).exists()


def test_families_have_homes_moves_previous_names_twins_and_unborn_children():
    generate(children=500, seed=21, today=TODAY)
    children = Person.objects.filter(kind="child")
    current = Address.objects.filter(person_id=OuterRef("pk"), moved_out__isnull=True)
    homeless = children.exclude(Exists(current)).exclude(pk__in=_duplicate_ids())
    assert not homeless.exists()
    assert not Address.objects.filter(moved_out__lt=F("moved_in")).exists()
    moved = Address.objects.values("person_id").annotate(n=Count("pk")).filter(n__gte=3)
    assert moved.exists()
    assert PersonName.objects.filter(kind="birth").exists()
    assert PersonName.objects.filter(kind="previous", person__kind="child").exists()
    unborn = Person.objects.filter(kind="unborn")
    assert unborn.exists()
    assert not unborn.filter(expected_date_of_birth__lte=TODAY).exists()
    twins = (
        children.exclude(pk__in=_duplicate_ids())
        .values("family_name", "date_of_birth")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    assert twins.exists()
    assert Person.objects.filter(kind="adult", date_of_birth__gt=dt.date(2009, 6, 1)).count() == 0
    ages = [(TODAY - d).days / 365.25 for d in children.values_list("date_of_birth", flat=True)]
    assert min(ages) >= 0 and max(ages) < 18.1
    assert len(set(children.values_list("ethnicity", flat=True))) >= 8
    known = {code.code for code in codelist("ethnicity").codes}
    assert set(Person.objects.values_list("ethnicity", flat=True)) - {""} <= known
    languages = {code.code for code in codelist("language").codes}
    assert set(Person.objects.values_list("first_language", flat=True)) - {""} <= languages


def test_brothers_and_sisters_twins_too_have_different_given_names():
    generate(children=500, seed=13, today=TODAY)
    pairs = Relationship.objects.filter(kind__in=["sibling", "half_sibling"]).values_list(
        "person__given_name", "relative__given_name", "person__kind"
    )
    assert pairs
    for mine, theirs, kind in pairs:
        if kind != "unborn":
            assert mine[:4] != theirs[:4]


def test_caseloads_average_about_eighteen_children_per_social_worker():
    summary = generate(children=1000, seed=4, today=TODAY)
    open_ = Q(involvements__ended__isnull=True)
    workers = User.objects.filter(
        role=Role.SOCIAL_WORKER, team__service_area__in=CHILD_AREAS
    ).annotate(caseload=Count("involvements", filter=open_))
    loads = [w.caseload for w in workers]
    assert 15 <= sum(loads) / len(loads) <= 21
    assert max(loads) <= 22
    allocated = (
        Involvement.objects.filter(ended__isnull=True, person__kind="child")
        .values("person_id")
        .distinct()
        .count()
    )
    assert 0.2 <= allocated / summary.children <= 0.36
    assert Involvement.objects.filter(ended__isnull=False).exists()  # worked with before


def test_staff_and_teams_look_like_an_authority():
    generate(children=1500, seed=6, today=TODAY)
    areas = Counter(Team.objects.values_list("service_area", flat=True))
    assert areas["front_door"] >= 1 and areas["fostering"] >= 1 and areas["leaving_care"] >= 1
    assert areas["assessment"] >= 2 and areas["child_protection"] >= 2
    assert areas["children_in_care"] >= 2  # a team and the reviewing service
    assert Team.objects.count() >= 8
    managers = Counter(
        User.objects.filter(role=Role.TEAM_MANAGER).values_list("team_id", flat=True)
    )
    assert set(managers.values()) == {1} and len(managers) == Team.objects.count()
    roles = Counter(User.objects.values_list("role", flat=True))
    for role in (Role.SERVICE_MANAGER, Role.FRONT_DOOR, Role.REVIEWING_OFFICER,
                 Role.PERFORMANCE_OFFICER, Role.SENIOR_PRACTITIONER):  # fmt: skip
        assert roles[role] >= 1, role
    assert roles[Role.SERVICE_MANAGER] == 6
    social = User.objects.filter(role__in=[Role.SOCIAL_WORKER, Role.SENIOR_PRACTITIONER])
    agency = social.filter(employment_type=EmploymentType.AGENCY).count() / social.count()
    assert 0.05 <= agency <= 0.3
    newly = User.objects.filter(asye_until__gt=TODAY)
    assert newly.exists()
    for user in newly:
        assert TODAY - dt.timedelta(days=366) <= user.qualified_on <= TODAY
    assert not User.objects.filter(role=Role.SOCIAL_WORKER).exclude(password__startswith="!")[:1]
    # Every qualified social worker has a Social Work England number (SSDA903 SW_ID).
    registered = dict(WorkerRegistration.objects.values_list("user__role", "number"))
    qualified = User.objects.filter(qualified_on__isnull=False)
    numbers = list(WorkerRegistration.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == qualified.count()
    assert not qualified.filter(sw_registration__isnull=True).exists()
    assert all(re.fullmatch(r"SW9\d{7}", n) for n in numbers)
    for role in (Role.SOCIAL_WORKER, Role.SENIOR_PRACTITIONER, Role.TEAM_MANAGER,
                 Role.SERVICE_MANAGER, Role.REVIEWING_OFFICER):  # fmt: skip
        assert role in registered, role
    assert not WorkerRegistration.objects.filter(user__role=Role.FRONT_DOOR).exists()


def test_duplicates_are_recorded_with_the_truth():
    summary = generate(children=1500, seed=9, today=TODAY)
    assert summary.duplicates >= 5
    by_identity = defaultdict(list)
    for person_id, identity in SyntheticTruth.objects.values_list("person_id", "identity"):
        by_identity[identity].append(person_id)
    assert len(by_identity) == summary.duplicates
    for identity, members in by_identity.items():
        assert identity in members and len(members) == 2
        original, copy = Person.objects.filter(pk__in=members).order_by("pk")
        assert original.pk == identity
        differs = (
            original.given_name != copy.given_name
            or original.family_name != copy.family_name
            or original.date_of_birth != copy.date_of_birth
        )
        assert differs
        assert copy.date_of_birth is not None and original.date_of_birth is not None
        assert abs((copy.date_of_birth - original.date_of_birth).days) <= 366


# CIN census rules on what the people generator records: identifiers, characteristics,
# and an unborn child's referral within 40 weeks of the expected date of birth.
PEOPLE_RULES = {
    *("1510", "1520", "1540", "1550", "1570", "1580", "4220", "8500", "8520", "8540"),
    *("8606", "8750", "8772", "8790", "8794"),
}


def test_every_child_has_the_ethnicity_and_disability_the_cin_census_needs(tmp_path):
    """Rules 4220 (ethnicity, unborn children and duplicates too) and 8540 (at least one
    disability, NONE for none, never NONE with another: 8790): the generator records
    them, so the generated census is clean without Hearth defaulting anything."""
    summary = generate(children=1500, seed=9, today=TODAY)
    assert summary.unborn and summary.duplicates
    known = {code.code for code in codelist("ethnicity").codes}
    young = Person.objects.filter(kind__in=["child", "unborn"])
    assert set(young.values_list("ethnicity", flat=True)) <= known
    assert set(young.filter(kind="unborn").values_list("ethnicity", flat=True)) == {"NOBT"}
    copies = Person.objects.filter(pk__in=_duplicate_ids())
    assert set(copies.values_list("ethnicity", flat=True)) <= known

    codes: dict[int, set[str]] = defaultdict(set)
    for person_id, code in PersonDisability.objects.values_list("person_id", "code"):
        codes[person_id].add(code)
    children = Person.objects.filter(kind="child").exclude(pk__in=_duplicate_ids())
    disabled = 0
    for pk in children.values_list("pk", flat=True):
        assert codes[pk], pk
        assert codes[pk] == {"NONE"} or "NONE" not in codes[pk], codes[pk]
        disabled += codes[pk] != {"NONE"}
    assert 0.03 < disabled / children.count() < 0.10  # about 6% with a disability
    assert set().union(*codes.values()) <= {c.code for c in codelist("disability").codes}

    # A UPN, or the reason there is none (SSDA903 rule 442); UN1 only below school age.
    assert not children.filter(upn="", upn_unknown="").exists()
    under_5 = Q(date_of_birth__gt=TODAY.replace(year=TODAY.year - 5))
    assert children.filter(upn_unknown="UN1").exists()
    assert not children.filter(upn_unknown="UN1").exclude(under_5).exists()

    # The census finds nothing wrong with what the people generator records (the whole
    # census, casework included, is held to the validator in hearth/returns/tests).
    findings = cin_export(2026, tmp_path / "cin.xml")
    assert findings, "the census has children (and a few queries)"
    assert not [x for x in findings if x.code in PEOPLE_RULES]


def test_a_later_step_can_give_a_young_person_a_new_upn():
    given: list[str] = []

    def step_upn(ctx: Context) -> None:
        given.extend(upn_for(ctx, dt.date(2008, 3, 1)) for _ in range(2))

    generate(children=60, seed=6, today=TODAY, steps=[step_staff, step_families, step_upn])
    for upn in given:
        assert validate_upn(upn) == upn and upn[1:4] == "001"
    assert given[0] != given[1]
    assert not Person.objects.filter(upn__in=given).exists()


def test_people_get_blocking_keys_for_the_people_search():
    summary = generate(children=200, seed=2, today=TODAY)
    keyed = PersonMatchKey.objects.values("person_id").distinct().count()
    assert keyed == Person.objects.count()
    assert summary.match_keys == PersonMatchKey.objects.count()


def test_a_second_run_adds_to_the_first():
    generate(children=100, seed=1, today=TODAY)
    before = Person.objects.count()
    teams = Team.objects.count()
    summary = generate(children=100, seed=2, today=TODAY)
    assert Person.objects.count() == before + summary.persons
    assert Team.objects.count() == teams + summary.teams
    local_ids = list(Person.objects.values_list("local_id", flat=True))
    assert len(set(local_ids)) == len(local_ids)
    # The database's own id sequence (PostgreSQL's too) carries on after the generated rows.
    largest = Person.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert factories.person().pk > largest
