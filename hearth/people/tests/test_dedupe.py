"""Batch duplicate detection: Splink finds records that may be one person and queues
them for review; nothing is merged automatically."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hearth.audit.models import AuditEvent
from hearth.people import dedupe
from hearth.people import merge as merging
from hearth.people.models import (
    Address,
    DuplicateCandidate,
    DuplicateStatus,
    Person,
)
from hearth.testing.families import FamilyGenerator, plant_duplicates, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    """About 2,500 family-shaped records, 50 of them planted second records."""
    gen = FamilyGenerator(seed=7, postcodes_per_family=0.3)
    people = gen.population(2500)
    planted = plant_duplicates(people, 50, seed=8)
    store(people + planted, rebuild_keys=False)
    truth = set()
    for dup in planted:
        original = people[dup.duplicate_of or 0]
        truth.add(tuple(sorted((original.pk or 0, dup.pk or 0))))
    return people, planted, truth


def _pairs() -> set[tuple[int, int]]:
    return set(DuplicateCandidate.objects.values_list("person_a_id", "person_b_id"))


def test_finds_planted_duplicates_and_merges_nothing(town):
    _people, _planted, truth = town
    summary = dedupe.dedupe_run()
    found = _pairs()
    assert summary.pairs == len(found) > 0
    assert len(found & truth) >= 0.8 * len(truth)
    assert len(found & truth) >= 0.8 * len(found)
    # Nothing is merged: every pair waits for a person.
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    assert set(DuplicateCandidate.objects.values_list("status", flat=True)) == {"open"}
    # Each pair says what drove its score, strongest first.
    candidate = DuplicateCandidate.objects.order_by("-match_probability").first()
    assert candidate is not None and candidate.match_probability >= dedupe.THRESHOLD
    fields = {r["field"] for r in candidate.reasons}
    assert {"given_name", "family_name"} <= fields
    weights = [abs(r["weight"]) for r in candidate.reasons]
    assert weights == sorted(weights, reverse=True)
    assert AuditEvent.objects.filter(event="people.dedupe.run").count() == 1


def test_pairs_in_one_household_are_labelled(f):
    """Twins the model cannot tell apart still only go to a person, labelled."""
    home = {"line1": "4 Orchard Way", "town": "Lambury", "postcode": "LS6 2QT"}
    a = f.person(given_name="Sam", family_name="Okafor", date_of_birth=dt.date(2018, 2, 3))
    b = f.person(given_name="Sam", family_name="Okafor", date_of_birth=dt.date(2018, 2, 3))
    for p in (a, b):
        Address.objects.create(person=p, **home)
    gen = FamilyGenerator(seed=3)
    store(gen.population(800), rebuild_keys=False)
    dedupe.dedupe_run()
    pair = DuplicateCandidate.objects.get(person_a=a, person_b=b)
    assert pair.same_household
    assert pair.status == DuplicateStatus.OPEN


def test_a_second_run_keeps_decisions_and_leaves_out_merged_records(town, f):
    dedupe.dedupe_run()
    first = DuplicateCandidate.objects.order_by("-match_probability")
    decided, to_merge = first[0], first[1]
    team = f.team("Front Door", service_area="front_door")
    worker = f.user("front_door", team=team)
    merging.duplicate_dismiss(acting_user=worker, candidate=decided, reason="Not the same child")
    keep = to_merge.person_a_id
    merging.duplicate_merge(acting_user=worker, candidate=to_merge, survivor_id=keep)
    before = _pairs()

    dedupe.dedupe_run()

    decided.refresh_from_db()
    assert decided.status == DuplicateStatus.NOT_DUPLICATE
    to_merge.refresh_from_db()
    assert to_merge.status == DuplicateStatus.MERGED
    merged_id = to_merge.person_b_id
    # The merged record is scored no more: no new pair names it.
    new = _pairs() - before
    assert all(merged_id not in pair for pair in new)
    assert DuplicateCandidate.objects.filter(pk=decided.pk).exists()


def test_command_runs_and_refuses_a_bad_threshold(town):
    out = StringIO()
    call_command("people", "dedupe", stdout=out)
    assert "likely duplicate pairs" in out.getvalue()
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("people", "dedupe", "--threshold", "1.5")


def test_an_empty_table_finds_nothing():
    assert dedupe.dedupe_run().pairs == 0
