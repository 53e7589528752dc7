"""The person edit form's errors (GOV.UK error summary, typed values kept) and the
person page's query count."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.people.models import (
    Address,
    Household,
    HouseholdMember,
    PersonName,
    RestrictedAccess,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(f, login):
    team = f.team()
    worker = f.user("social_worker", team=team)
    child = f.person(given_name="Amelia", family_name="Okafor", sex="F")
    f.involve(child, team, worker)
    return login(worker), child


def _post(client, child, **changes):
    data = {
        "version": str(child.version),
        "kind": "child",
        "given_name": "Amelia",
        "family_name": "Okafor",
        "sex": "F",
        "date_of_birth_0": "4",
        "date_of_birth_1": "5",
        "date_of_birth_2": "2016",
    }
    data.update(changes)
    return client.post(f"/people/{child.pk}/edit/", data)


def _summary(page: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the GOV.UK error summary."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.DOTALL)
    assert match, "the page has a GOV.UK error summary"
    return [
        (href, html_lib.unescape(text))
        for href, text in re.findall(r'<a href="([^"]*)">([^<]*)</a>', match.group())
    ]


def _refused(response, field_id: str, reason: str) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert (f"#{field_id}", reason) in _summary(page)
    # The link lands on a real control, and the message sits by the field too.
    assert f'id="{field_id}"' in page
    assert f'<span class="govuk-visually-hidden">Error:</span> {html_lib.escape(reason)}' in page
    return page


def test_invalid_nhs_number_is_refused_with_the_reason_and_kept(editor):
    client, child = editor
    r = _post(client, child, nhs_number="943 476 5918", preferred_name="Millie")
    page = _refused(
        r,
        "id_nhs_number",
        "Enter a valid NHS number: the last digit does not match the check digit",
    )
    assert 'value="943 476 5918"' in page
    assert 'value="Millie"' in page
    child.refresh_from_db()
    assert child.nhs_number == "" and child.preferred_name == ""


def test_nhs_number_of_the_wrong_length_is_refused(editor):
    client, child = editor
    r = _post(client, child, nhs_number="12345")
    _refused(r, "id_nhs_number", "Enter an NHS number of 10 digits, like 943 476 5919")


def test_invalid_upn_is_refused_with_the_reason_and_kept(editor):
    client, child = editor
    r = _post(client, child, upn="A801200005001")
    page = _refused(
        r, "id_upn", "Enter a valid UPN: the first letter does not match the check letter"
    )
    assert 'value="A801200005001"' in page


def test_valid_identifiers_are_saved_normalised(editor):
    client, child = editor
    r = _post(client, child, nhs_number="943-476-5919", upn="b801200005001")
    assert r.status_code == 302
    child.refresh_from_db()
    assert (child.nhs_number, child.upn) == ("9434765919", "B801200005001")


def test_unborn_child_needs_an_expected_date_of_birth(editor):
    client, child = editor
    r = _post(
        client, child, kind="unborn", date_of_birth_0="", date_of_birth_1="", date_of_birth_2=""
    )
    page = _refused(
        r, "id_expected_date_of_birth_0", "Enter the expected date of birth of an unborn child"
    )
    assert 'id="id_kind_1" name="kind" type="radio" value="unborn" checked' in page
    child.refresh_from_db()
    assert child.kind == "child"


def test_no_disability_cannot_be_chosen_with_another(editor):
    client, child = editor
    r = _post(client, child, disabilities=["NONE", "MOB"])
    page = _refused(
        r,
        "id_disabilities_0",
        "Select ‘No disability’ on its own, or only the disabilities that apply",
    )
    assert re.search(r'value="NONE" checked', page) and re.search(r'value="MOB" checked', page)
    assert not child.disabilities.exists()


@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        (("4", "5", ""), "The date of birth must include a year"),
        (("", "5", ""), "The date of birth must include a day and year"),
        (("31", "2", "2016"), "The date of birth must be a real date"),
        (("4", "13", "2016"), "The date of birth must be a real date"),
        (("x", "5", "2016"), "The date of birth must be a real date"),
        (("4", "5", "16"), "The date of birth must be a real date"),
    ],
)
def test_date_input_errors(editor, parts, reason):
    client, child = editor
    day, month, year = parts
    r = _post(client, child, date_of_birth_0=day, date_of_birth_1=month, date_of_birth_2=year)
    page = _refused(r, "id_date_of_birth_0", reason)
    # Each box keeps what was typed in it.
    for i, typed in enumerate(parts):
        assert f'id="id_date_of_birth_{i}" name="date_of_birth_{i}" type="text"' in page
        assert re.search(rf'name="date_of_birth_{i}" [^>]*value="{re.escape(typed)}"', page)
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2016, 5, 4)


def test_date_of_birth_in_the_future_is_refused(editor):
    client, child = editor
    next_year = str(dt.date.today().year + 1)
    r = _post(client, child, date_of_birth_2=next_year)
    _refused(r, "id_date_of_birth_0", "The date of birth must be today or in the past")


def test_invalid_postcode_on_an_address_is_refused(editor):
    client, child = editor
    r = client.post(
        f"/people/{child.pk}/addresses/add/",
        {"line1": "1 High St", "town": "Lambury", "postcode": "SE1 7Q"},
    )
    page = _refused(r, "id_postcode", "Enter a real postcode, like SE1 7QD")
    assert 'value="SE1 7Q"' in page and 'value="1 High St"' in page
    assert not child.addresses.exists()


# Query count -----------------------------------------------------------------------------


def _family(f, team, size: int):
    """A child and `size - 1` relatives, each with an address, another name and a
    household, all in the team's caseload."""
    child = f.person(given_name="Subject", family_name=f"Family{size}")
    f.involve(child, team)
    household = Household.objects.create(name=f"Family{size} household")
    HouseholdMember.objects.create(household=household, person=child)
    kinds = ["parent", "parent", "sibling", "grandparent", "aunt_uncle", "half_sibling", "cousin"]
    for i in range(size - 1):
        relative = f.person(given_name=f"Relative{i}", family_name=f"Family{size}", sex="MF"[i % 2])
        f.relate(child, relative, kinds[i % len(kinds)] if i < len(kinds) else "other")
        HouseholdMember.objects.create(household=household, person=relative)
        Address.objects.create(
            person=relative, line1=f"{i} Road", town="Lambury", postcode="SE15 4QT"
        )
    Address.objects.create(person=child, line1="1 Road", town="Lambury", postcode="SE15 4QT")
    PersonName.objects.create(person=child, kind="alias", given_name="Sub", family_name="Alias")
    return child


def _page_queries(client, child) -> int:
    with CaptureQueriesContext(connection) as queries:
        r = client.get(f"/people/{child.pk}/")
    assert r.status_code == 200
    assert b"Relative0" in r.content
    return len(queries)


def test_person_page_queries_do_not_grow_with_the_family(f, login):
    team = f.team()
    worker = f.user("social_worker", team=team)
    client = login(worker)
    small = _family(f, team, 3)
    large = _family(f, team, 10)
    client.get(f"/people/{small.pk}/")  # warm caches (code lists, content types)
    small_count = _page_queries(client, small)
    large_count = _page_queries(client, large)
    assert large_count == small_count
    # Session, user, two-factor check, access policy, the person and its prefetches,
    # the audit entry (with savepoints), the session save: about 23 today.
    assert small_count <= 30


# Restricted relatives ----------------------------------------------------------------


def test_restricted_relative_is_shown_only_as_restricted(f, login):
    """A child's page must not reveal the name of a restricted relative (say, an adopted
    sibling) to someone who may not open that relative's record."""
    team = f.team()
    worker = f.user("social_worker", team=team)
    child = f.person(given_name="Amelia", family_name="Okafor")
    f.involve(child, team, worker)
    sibling = f.person(given_name="Zephyrine", family_name="Sealedname", restricted=True, sex="F")
    f.relate(child, sibling, "sibling")
    household = Household.objects.create(name="Okafor household")
    HouseholdMember.objects.create(household=household, person=child)
    HouseholdMember.objects.create(household=household, person=sibling)
    client = login(worker)

    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Zephyrine" not in page and "Sealedname" not in page
    assert "Sister" not in page  # not even the sex
    assert "Restricted record" in page
    assert f'href="/people/{sibling.pk}/"' in page  # leads to the break-glass page
    assert "Amelia Okafor" in page

    RestrictedAccess.objects.create(person=sibling, user=worker)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Zephyrine Sealedname" in page and "Sister" in page
