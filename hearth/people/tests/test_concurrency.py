"""Two people editing one record do not overwrite each other silently."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hearth.audit.models import Action, AuditEvent
from hearth.core.models import ConflictError
from hearth.people import services
from hearth.people.models import Address, Person

pytestmark = pytest.mark.django_db

CONFLICT = "This record was changed by someone else after you opened it"


@pytest.fixture
def setting(f):
    team = f.team()
    first = f.user("social_worker", team=team, full_name="First Worker")
    second = f.user("senior_practitioner", team=team, full_name="Second Worker")
    child = f.person(given_name="Amelia", family_name="Okafor", sex="F")
    f.involve(child, team, first)
    address = Address.objects.create(
        person=child, line1="1 High Street", town="Lambury", postcode="SE15 4QT"
    )
    return first, second, child, address


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _version_on_form(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "the form carries the version it was opened at"
    return match.group(1)


def _person_post(version: str, **changes: str) -> dict[str, str]:
    data = {
        "version": version,
        "kind": "child",
        "given_name": "Amelia",
        "family_name": "Okafor",
        "sex": "F",
    }
    data.update(changes)
    return data


def test_second_person_edit_is_refused_and_keeps_what_was_typed(setting):
    first, second, child, _ = setting
    a, b = _client(first), _client(second)
    url = f"/people/{child.pk}/edit/"
    version_a = _version_on_form(a.get(url).content.decode())
    version_b = _version_on_form(b.get(url).content.decode())
    assert version_a == version_b == str(child.version)

    r = a.post(url, _person_post(version_a, family_name="Okafor-Smith"))
    assert r.status_code == 302

    r = b.post(
        url, _person_post(version_b, family_name="Okafour", preferred_name="Millie", phone="0207")
    )
    assert r.status_code == 200
    html = r.content.decode()
    summary = html[html.index("govuk-error-summary") :]
    assert CONFLICT in summary[: summary.index("</div>")]
    # What the second person typed is still in the form for them to copy or redo.
    assert 'value="Okafour"' in html
    assert 'value="Millie"' in html
    assert 'value="0207"' in html
    # The page around the form shows the record as saved, not the refused values.
    assert "Amelia Okafor-Smith" in html
    assert "Millie Okafour" not in html

    child.refresh_from_db()
    assert child.family_name == "Okafor-Smith"
    assert child.preferred_name == ""
    assert child.version == int(version_a) + 1
    updates = AuditEvent.objects.filter(action=Action.UPDATE, person_id=child.pk)
    assert updates.count() == 1
    assert updates.get().actor_id == first.pk

    # Reloading gives the new version, and then the change saves.
    version_b = _version_on_form(b.get(url).content.decode())
    assert version_b == str(child.version)
    r = b.post(url, _person_post(version_b, family_name="Okafor-Smith", preferred_name="Millie"))
    assert r.status_code == 302
    child.refresh_from_db()
    assert child.preferred_name == "Millie"


def test_person_edit_without_a_version_is_refused(setting):
    first, _, child, _ = setting
    data = _person_post("", family_name="Changed")
    r = _client(first).post(f"/people/{child.pk}/edit/", data)
    assert r.status_code == 200
    assert CONFLICT in r.content.decode()
    child.refresh_from_db()
    assert child.family_name == "Okafor"


def _address_post(version: str, **changes: str) -> dict[str, str]:
    data = {"version": version, "line1": "1 High Street", "town": "Lambury", "postcode": "SE15 4QT"}
    data.update(changes)
    return data


def test_second_address_edit_is_refused_and_keeps_what_was_typed(setting):
    first, second, child, address = setting
    a, b = _client(first), _client(second)
    url = f"/people/{child.pk}/addresses/{address.pk}/edit/"
    version_a = _version_on_form(a.get(url).content.decode())
    version_b = _version_on_form(b.get(url).content.decode())
    assert version_a == version_b

    assert a.post(url, _address_post(version_a, line1="2 New Road")).status_code == 302
    r = b.post(url, _address_post(version_b, line1="3 Other Street", town="Elsewhere"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "govuk-error-summary" in html and CONFLICT in html
    assert 'value="3 Other Street"' in html
    assert 'value="Elsewhere"' in html

    address.refresh_from_db()
    assert (address.line1, address.town) == ("2 New Road", "Lambury")
    assert address.version == int(version_a) + 1


def test_address_edit_without_a_version_is_refused(setting):
    first, _, child, address = setting
    url = f"/people/{child.pk}/addresses/{address.pk}/edit/"
    r = _client(first).post(url, _address_post("", line1="9 Lost Lane"))
    assert r.status_code == 200
    assert CONFLICT in r.content.decode()
    address.refresh_from_db()
    assert address.line1 == "1 High Street"


def test_person_update_service_refuses_a_stale_version(setting):
    first, second, child, _ = setting
    stale = child.version
    services.person_update(
        acting_user=first,
        person=Person.objects.get(pk=child.pk),
        expected_version=stale,
        family_name="Okafor-Smith",
        disabilities=["NONE"],
    )
    with pytest.raises(ConflictError):
        services.person_update(
            acting_user=second,
            person=Person.objects.get(pk=child.pk),
            expected_version=stale,
            family_name="Overwritten",
            disabilities=["MOB"],
        )
    child.refresh_from_db()
    assert child.family_name == "Okafor-Smith"
    assert list(child.disabilities.values_list("code", flat=True)) == ["NONE"]
    assert AuditEvent.objects.filter(action=Action.UPDATE, actor_id=second.pk).count() == 0


def test_address_update_service_refuses_a_stale_version(setting):
    first, second, _, address = setting
    stale = address.version
    services.address_update(
        acting_user=first,
        address=Address.objects.get(pk=address.pk),
        expected_version=stale,
        line1="2 New Road",
    )
    with pytest.raises(ConflictError):
        services.address_update(
            acting_user=second,
            address=Address.objects.get(pk=address.pk),
            expected_version=stale,
            line1="3 Other Street",
        )
    address.refresh_from_db()
    assert address.line1 == "2 New Road"
    assert not AuditEvent.objects.filter(actor_id=second.pk).exists()
