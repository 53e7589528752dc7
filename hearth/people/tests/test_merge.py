"""Merging two records of one person keeps every history and can be undone."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection

from hearth.audit.models import AuditEvent
from hearth.casework.models import CINEpisode
from hearth.frontdoor.models import Contact, ContactFlag, ContactPerson
from hearth.people import merge as merging
from hearth.people.matching import MatchQuery, find_candidates, match_keys_rebuild
from hearth.people.models import (
    Address,
    DuplicateCandidate,
    DuplicateStatus,
    Household,
    HouseholdMember,
    Person,
    PersonDisability,
    PersonMatchKey,
    PersonMerge,
    PersonName,
    Relationship,
)

pytestmark = pytest.mark.django_db


def _contact(user, person) -> ContactPerson:
    contact = Contact.objects.create(created_by=user, concern="Bruise on the arm")
    return ContactPerson.objects.create(contact=contact, person=person, role="child", added_by=user)


@pytest.fixture
def pair(f):
    """One child recorded twice: the known record (with a closed CIN episode, a mother,
    an address) and a duplicate made at a later contact (nickname, own contact, own
    open CIN episode, the same mother, a new address, a household)."""
    team = f.team("Front Door", service_area="front_door")
    worker = f.user("front_door", team=team)
    known = f.person(given_name="William", family_name="Hart", date_of_birth=dt.date(2017, 3, 4))
    dup = f.person(given_name="Bill", family_name="Hart", date_of_birth=dt.date(2017, 3, 4))
    mother = f.person(given_name="Joanne", family_name="Hart", kind="adult",
                      date_of_birth=dt.date(1988, 1, 9))  # fmt: skip
    sister = f.person(given_name="Poppy", family_name="Hart", date_of_birth=dt.date(2019, 6, 1))
    f.relate(known, mother, "parent", pr=True)
    f.relate(dup, mother, "parent", pr=True)  # the same fact on both records
    f.relate(dup, sister, "sibling")
    f.relate(dup, known, "sibling")  # recorded by mistake: a relationship between the two
    Address.objects.create(person=known, line1="3 Mill Lane", town="Lambury", postcode="SE15 4QT",
                           moved_in=dt.date(2017, 3, 4), moved_out=dt.date(2024, 1, 1))  # fmt: skip
    Address.objects.create(person=dup, line1="9 Canal Street", town="Lambury", postcode="SE15 6AB",
                           moved_in=dt.date(2024, 1, 1))  # fmt: skip
    PersonDisability.objects.create(person=known, code="HAND")
    PersonDisability.objects.create(person=dup, code="HAND")
    PersonDisability.objects.create(person=dup, code="VIS")
    home = Household.objects.create(name="Hart household")
    HouseholdMember.objects.create(household=home, person=dup)
    HouseholdMember.objects.create(household=home, person=mother)
    old_episode = CINEpisode.objects.create(
        person=known, referral_date=dt.date(2023, 2, 1), referral_source="1A",
        closure_date=dt.date(2023, 8, 1), closure_reason="RC8",
    )  # fmt: skip
    new_episode = CINEpisode.objects.create(
        person=dup, referral_date=dt.date(2026, 3, 10), referral_source="1A"
    )
    link = _contact(worker, dup)
    flag = ContactFlag.objects.create(contact=link.contact, person=dup, kind="re_referral",
                                      reason="Referred before")  # fmt: skip
    f.involve(dup, team)
    match_keys_rebuild()
    candidate = DuplicateCandidate.objects.create(
        person_a=known, person_b=dup, match_probability=0.999, match_weight=12.0
    )
    return {"worker": worker, "known": known, "dup": dup, "mother": mother, "sister": sister,
            "old": old_episode, "new": new_episode, "link": link, "flag": flag,
            "candidate": candidate, "team": team, "home": home}  # fmt: skip


def _pointing_at(person: Person) -> dict[str, set[int]]:
    """Every row anywhere that points at the person, by table and column."""
    out: dict[str, set[int]] = {}
    for link in merging.person_links():
        ids = set(
            link.model._base_manager.filter(**{link.field.attname: person.pk}).values_list(
                "pk", flat=True
            )
        )
        if ids:
            out[f"{link.label}.{link.field.name}"] = ids
    return out


def test_merge_moves_every_history_and_undo_puts_it_all_back(pair):
    known, dup, worker = pair["known"], pair["dup"], pair["worker"]
    before_known, before_dup = _pointing_at(known), _pointing_at(dup)
    assert "frontdoor.contactperson.person" in before_dup
    assert "frontdoor.contactflag.person" in before_dup  # a hidden (related_name="+") link
    assert "casework.cinepisode.person" in before_dup

    merge = merging.duplicate_merge(
        acting_user=worker, candidate=pair["candidate"], survivor_id=known.pk
    )

    dup.refresh_from_db()
    assert dup.merged_into_id == known.pk and dup.merged_at is not None
    # Contacts, flags, CIN episodes, involvement, the new address, the household, the
    # sister: all on the survivor now.
    assert pair["link"].__class__.objects.get(pk=pair["link"].pk).person_id == known.pk
    assert ContactFlag.objects.get(pk=pair["flag"].pk).person_id == known.pk
    assert set(known.cin_episodes.values_list("pk", flat=True)) == {pair["old"].pk, pair["new"].pk}
    assert known.involvements.filter(team=pair["team"]).exists()
    assert set(known.addresses.values_list("postcode", flat=True)) == {"SE15 4QT", "SE15 6AB"}
    assert HouseholdMember.objects.filter(household=pair["home"], person=known).exists()
    assert Relationship.objects.filter(person=known, relative=pair["sister"]).exists()
    assert Relationship.objects.filter(person=pair["sister"], relative=known).exists()
    # Facts the survivor already had, and the relationship between the two, stay behind.
    assert Relationship.objects.filter(person=dup, relative=pair["mother"]).exists()
    assert not Relationship.objects.filter(person=known, relative=known).exists()
    assert Relationship.objects.filter(person=known, relative=pair["mother"]).count() == 1
    assert set(known.disabilities.values_list("code", flat=True)) == {"HAND", "VIS"}
    reasons = {k["reason"] for k in merge.kept}
    assert reasons == {"the survivor already has the same", "links the two records to each other"}
    # The merged record's other name is now one of the survivor's, for the search.
    assert PersonName.objects.filter(person=known, given_name="Bill").exists()
    # Exactly what moved is recorded.
    moved = {(e["model"], e["field"]): set(e["ids"]) for e in merge.moved}
    assert moved[("frontdoor.contactperson", "person")] == {pair["link"].pk}
    assert moved[("casework.cinepisode", "person")] == {pair["new"].pk}
    pair["candidate"].refresh_from_db()
    assert pair["candidate"].status == DuplicateStatus.MERGED
    assert pair["candidate"].reviewed_by == worker
    events = AuditEvent.objects.filter(event="people.person.merge")
    assert set(events.values_list("person_id", flat=True)) == {known.pk, dup.pk}
    # The merged record is found by the matching search no more; the survivor by its
    # new alias.
    found = find_candidates(MatchQuery(given_name="Bill", family_name="Hart",
                                       date_of_birth=dt.date(2017, 3, 4)))  # fmt: skip
    assert [c.person_id for c in found][:1] == [known.pk]
    assert dup.pk not in {c.person_id for c in found}

    merging.person_merge_undo(acting_user=worker, merge=merge)

    assert _pointing_at(known) == before_known
    assert _pointing_at(dup) == before_dup
    dup.refresh_from_db()
    assert dup.merged_into_id is None
    assert not PersonName.objects.filter(person=known, given_name="Bill").exists()
    pair["candidate"].refresh_from_db()
    assert pair["candidate"].status == DuplicateStatus.UNDONE
    merge.refresh_from_db()
    assert merge.undone_by == worker and merge.undone_at is not None
    assert AuditEvent.objects.filter(event="people.person.merge_undo").count() == 2
    with pytest.raises(merging.MergeRefusedError, match="already been undone"):
        merging.person_merge_undo(acting_user=worker, merge=merge)


def test_two_open_cin_episodes_refuse_the_merge_and_change_nothing(pair):
    known, dup = pair["known"], pair["dup"]
    pair["old"].closure_date = None
    pair["old"].closure_reason = ""
    pair["old"].save()
    before_known, before_dup = _pointing_at(known), _pointing_at(dup)
    with pytest.raises(merging.MergeRefusedError, match="open child in need episode"):
        merging.duplicate_merge(
            acting_user=pair["worker"], candidate=pair["candidate"], survivor_id=known.pk
        )
    assert _pointing_at(known) == before_known and _pointing_at(dup) == before_dup
    dup.refresh_from_db()
    assert dup.merged_into_id is None
    assert not PersonMerge.objects.exists()


def test_a_merged_record_cannot_be_merged_again_or_be_a_survivor(pair, f):
    known, dup, worker = pair["known"], pair["dup"], pair["worker"]
    merging.person_merge(acting_user=worker, survivor=known, merged=dup)
    other = f.person(given_name="Will", family_name="Hart", date_of_birth=dt.date(2017, 3, 4))
    f.involve(other, pair["team"])
    with pytest.raises(merging.MergeRefusedError, match="already been merged"):
        merging.person_merge(acting_user=worker, survivor=other, merged=dup)
    with pytest.raises(merging.MergeRefusedError, match="already been merged"):
        merging.person_merge(acting_user=worker, survivor=dup, merged=other)
    with pytest.raises(merging.MergeRefusedError, match="already been decided"):
        merging.duplicate_merge(
            acting_user=worker, candidate=pair["candidate"], survivor_id=known.pk
        )


def test_undo_waits_for_a_later_merge_of_the_survivor_to_be_undone(pair, f):
    known, dup, worker = pair["known"], pair["dup"], pair["worker"]
    first = merging.person_merge(acting_user=worker, survivor=known, merged=dup)
    third = f.person(given_name="Billy", family_name="Hart", date_of_birth=dt.date(2017, 3, 4))
    second = merging.person_merge(acting_user=worker, survivor=third, merged=known)
    with pytest.raises(merging.MergeRefusedError, match="undo that merge first"):
        merging.person_merge_undo(acting_user=worker, merge=first)
    merging.person_merge_undo(acting_user=worker, merge=second)
    merging.person_merge_undo(acting_user=worker, merge=first)
    assert ContactPerson.objects.get(pk=pair["link"].pk).person_id == dup.pk


def test_restricted_record_is_not_merged_into_an_open_one(pair):
    Person.objects.filter(pk=pair["dup"].pk).update(restricted=True)
    from hearth.people.models import RestrictedAccess

    RestrictedAccess.objects.create(person=pair["dup"], user=pair["worker"])
    with pytest.raises(merging.MergeRefusedError, match="restricted"):
        merging.person_merge(acting_user=pair["worker"], survivor=pair["known"], merged=pair["dup"])


@pytest.mark.parametrize(
    "role", ["social_worker", "performance_officer", "partner", "administrator"]
)
def test_only_reviewers_may_merge_or_dismiss(pair, f, role):
    user = f.user(role, team=pair["team"] if role != "partner" else None)
    with pytest.raises(PermissionDenied):
        merging.person_merge(acting_user=user, survivor=pair["known"], merged=pair["dup"])
    with pytest.raises(PermissionDenied):
        merging.duplicate_dismiss(
            acting_user=user, candidate=pair["candidate"], reason="Twins, not one child"
        )
    assert not PersonMerge.objects.exists()


def test_team_manager_needs_both_records_in_scope(pair, f):
    team = f.team("Assessment North")
    manager = f.user("team_manager", team=team)
    f.involve(pair["known"], team)  # only one of the two is theirs (and not its relative)
    Relationship.objects.filter(person__in=[pair["known"], pair["dup"]],
                                relative__in=[pair["known"], pair["dup"]]).delete()  # fmt: skip
    with pytest.raises(PermissionDenied):
        merging.person_merge(acting_user=manager, survivor=pair["known"], merged=pair["dup"])
    f.involve(pair["dup"], team)
    merging.person_merge(acting_user=manager, survivor=pair["known"], merged=pair["dup"])


def test_restricted_record_needs_the_user_named_on_it(pair):
    Person.objects.filter(pk=pair["known"].pk).update(restricted=True)
    with pytest.raises(PermissionDenied):
        merging.person_merge(acting_user=pair["worker"], survivor=pair["known"], merged=pair["dup"])


def test_not_the_same_person_needs_a_reason_and_is_audited(pair):
    candidate, worker = pair["candidate"], pair["worker"]
    with pytest.raises(ValidationError) as e:
        merging.duplicate_dismiss(acting_user=worker, candidate=candidate, reason=" twin ")
    assert "reason" in e.value.message_dict
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.OPEN
    merging.duplicate_dismiss(
        acting_user=worker, candidate=candidate, reason="Twins: William and his brother"
    )
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.NOT_DUPLICATE
    assert candidate.review_reason == "Twins: William and his brother"
    assert AuditEvent.objects.filter(event="people.duplicate.not_duplicate").count() == 2
    with pytest.raises(merging.MergeRefusedError, match="already been decided"):
        merging.duplicate_dismiss(acting_user=worker, candidate=candidate, reason="Twins again ok")


@pytest.mark.django_db(transaction=True)
def test_concurrent_merges_of_one_pair_merge_once(f):
    team = f.team("Front Door", service_area="front_door")
    first, second = f.user("front_door", team=team), f.user("front_door", team=team)
    a = f.person(given_name="Amelia", family_name="Okafor", date_of_birth=dt.date(2019, 3, 14))
    b = f.person(given_name="Amelia", family_name="Okafore", date_of_birth=dt.date(2019, 3, 14))
    _contact(first, b)
    candidate = DuplicateCandidate.objects.create(
        person_a=a, person_b=b, match_probability=0.99, match_weight=9.0
    )
    results: list[str] = []
    barrier = threading.Barrier(2)

    def attempt(user, survivor_id: int) -> None:
        try:
            barrier.wait()
            merging.duplicate_merge(acting_user=user, candidate=candidate, survivor_id=survivor_id)
            results.append("merged")
        except merging.MergeRefusedError as e:
            results.append(f"refused: {e.messages[0]}")
        except OperationalError as e:
            # SQLite's in-memory test database shares one cache between connections,
            # whose table locks refuse a second writer at once instead of queueing it
            # (a database file waits, then sees the merge done). Refused either way.
            sqlite_lock = connection.vendor == "sqlite" and "locked" in str(e)
            results.append("refused: locked" if sqlite_lock else f"error: {e}")
        finally:
            connection.close()

    # One keeps A, the other keeps B, at the same moment: exactly one merge happens.
    threads = [threading.Thread(target=attempt, args=(first, a.pk)),
               threading.Thread(target=attempt, args=(second, b.pk))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results.count("merged") == 1, results
    assert all(r == "merged" or r.startswith("refused") for r in results), results
    assert PersonMerge.objects.count() == 1
    merged = Person.objects.filter(merged_into__isnull=False)
    assert merged.count() == 1
    survivor = Person.objects.get(pk__in=[a.pk, b.pk], merged_into__isnull=True)
    assert ContactPerson.objects.get().person_id == survivor.pk


def test_merged_record_is_hidden_from_search_and_its_page_redirects(pair, login, f):
    known, dup, worker = pair["known"], pair["dup"], pair["worker"]
    merging.person_merge(acting_user=worker, survivor=known, merged=dup)
    client = login(worker)
    page = client.get("/people/", {"q": "Hart"}).content.decode()
    assert f"/people/{known.pk}/" in page
    assert f"/people/{dup.pk}/" not in page
    r = client.get(f"/people/{dup.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/people/{known.pk}/"
    # Someone who may not see the survivor learns nothing from the old address.
    outsider = f.user("social_worker", team=f.team())
    assert login(outsider).get(f"/people/{dup.pk}/").status_code == 404
    # The mother's page shows her son once, as the survivor.
    mother_page = login(worker).get(f"/people/{pair['mother'].pk}/").content.decode()
    assert f"/people/{dup.pk}/" not in mother_page
    assert f"/people/{known.pk}/" in mother_page


def test_a_merged_record_takes_no_new_details(pair, login):
    from hearth.people import services

    known, dup, worker = pair["known"], pair["dup"], pair["worker"]
    merging.person_merge(acting_user=worker, survivor=known, merged=dup)
    dup.refresh_from_db()
    with pytest.raises(ValidationError, match="merged into another record"):
        services.person_update(acting_user=worker, person=dup, expected_version=dup.version,
                               given_name="Billy")  # fmt: skip
    with pytest.raises(ValidationError, match="merged into another record"):
        services.address_add(acting_user=worker, person=dup, line1="1 Canal Street",
                             town="Lambury", postcode="SE15 6AB")  # fmt: skip
    with pytest.raises(ValidationError, match="merged into another record"):
        services.relationship_add(acting_user=worker, person=pair["mother"], relative=dup,
                                  kind="child")  # fmt: skip
    client = login(worker)
    for url in (f"/people/{dup.pk}/edit/", f"/people/{dup.pk}/addresses/add/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"] == f"/people/{known.pk}/"


def test_a_merged_record_stays_out_of_the_matching_search_after_a_full_rebuild(pair):
    known, dup, worker = pair["known"], pair["dup"], pair["worker"]
    merging.person_merge(acting_user=worker, survivor=known, merged=dup)
    match_keys_rebuild()  # the nightly rebuild, and the bulk loaders, rebuild everyone
    assert not PersonMatchKey.objects.filter(person=dup).exists()
    by_keys = find_candidates(MatchQuery(given_name="Bill", family_name="Hart"))
    by_family_name_alone = find_candidates(MatchQuery(family_name="Hart"), min_score=0)
    assert known.pk in {c.person_id for c in by_family_name_alone}
    for found in (by_keys, by_family_name_alone):
        assert dup.pk not in {c.person_id for c in found}
