"""Benchmark: batch duplicate detection (front door issue).

- dedupe.seconds     the whole `hearth people dedupe` job (hearth.people.dedupe.dedupe_run):
                     read every record, train the Splink model (DuckDB) without labels,
                     score the blocked pairs, write the review queue
- dedupe.precision   of the pairs put in the review queue, the share that are planted
                     duplicates
- dedupe.recall      of the planted duplicates, the share put in the review queue

At 1,000,000 persons, on SQLite (the job reads the person table once; Splink works in
DuckDB whatever the database, so the figure barely depends on it).

The people come from hearth.testing.families (the family-shaped million of
bench_matching: families sharing names, addresses and birthdays, twins, step-families
with previous names), with 2% of the records second records of someone already on
record, made by `plant_duplicates` with the errors a front door makes (typos,
nicknames, middle names, old family names, dates swapped, mistyped, a year out or
missing, old or mistyped postcodes, most without the NHS number). Those planted pairs
are the truth the figures are measured against; the model never sees them. Built once
into var/bench/dedupe_1m.sqlite3 by the fast path docs/BENCH.md allows and reused
while the generator is unchanged.

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_dedupe.py [--persons N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

GROUPS = ("dedupe",)
GENERATOR_VERSION = 1  # bump when families.py or plant_duplicates make different people
SEED = 2026
PERSONS = 1_000_000
DUPLICATE_SHARE = 0.02


def _open(persons: int) -> tuple[set[tuple[int, int]], int]:
    """Set Django up on the benchmark database, filling it if needed. Returns the
    planted duplicate pairs (lower id first) and how many records there are."""
    label = "1m" if persons == 1_000_000 else str(persons)
    path = harness.BENCH_DIR / f"dedupe_{label}.sqlite3"
    stamp_file = path.with_suffix(".json")
    harness.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    harness.setup_django(f"sqlite:///{path}")
    from django.core.management import call_command
    from django.db import connection, transaction

    from hearth.people.models import Person
    from hearth.testing.families import FamilyGenerator, plant_duplicates, store_fast

    call_command("migrate", verbosity=0)
    wanted = {"generator": GENERATOR_VERSION, "seed": SEED, "persons": persons}
    stamp = json.loads(stamp_file.read_text()) if stamp_file.exists() else {}
    if {k: stamp.get(k) for k in wanted} == wanted and "truth" in stamp:
        # Built by this generator: the planted pairs were kept beside it.
        return {(a, b) for a, b in stamp["truth"]}, stamp["records"]
    started = time.perf_counter()
    duplicates = int(persons * DUPLICATE_SHARE)
    gen = FamilyGenerator(seed=SEED, postcodes_per_family=0.08)
    people = gen.population(persons - duplicates)
    planted = plant_duplicates(people, duplicates, seed=SEED + 1)
    everyone = people + planted
    print(f"   generated {len(everyone):,} records in {time.perf_counter() - started:.0f} s")
    if {k: stamp.get(k) for k in wanted} == wanted:
        first = Person.objects.order_by("pk").values_list("pk", flat=True).first() or 1
        for i, p in enumerate(everyone):
            p.pk = first + i
    else:
        stamp_file.unlink(missing_ok=True)
        with connection.cursor() as cursor:
            for table in ("people_duplicatecandidate", "people_personmatchkey",
                          "people_personname", "people_address", "people_person"):  # fmt: skip
                cursor.execute(f"DELETE FROM {table}")
        started = time.perf_counter()
        with transaction.atomic():
            store_fast(everyone)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"   stored {len(everyone):,} records in {time.perf_counter() - started:.0f} s")
    truth = set()
    for dup in planted:
        original = people[dup.duplicate_of or 0]
        a, b = original.pk or 0, dup.pk or 0
        truth.add((min(a, b), max(a, b)))
    stamp = {**wanted, "records": len(everyone), "truth": sorted(truth)}
    stamp_file.write_text(json.dumps(stamp))
    return truth, len(everyone)


def measure(persons: int) -> int:
    truth, n = _open(persons)
    from hearth.people.dedupe import THRESHOLD, dedupe_run
    from hearth.people.models import DuplicateCandidate

    DuplicateCandidate.objects.all().delete()  # each run measures a first run
    started = time.perf_counter()
    summary = dedupe_run(progress=lambda text: print(f"   {text}", flush=True))
    seconds = time.perf_counter() - started
    found = set(DuplicateCandidate.objects.values_list("person_a_id", "person_b_id"))
    right = len(found & truth)
    precision = right / len(found) if found else 0.0
    recall = right / len(truth) if truth else 0.0
    parts = ", ".join(f"{k} {v:.0f} s" for k, v in summary.seconds.items() if k != "total")
    harness.emit("dedupe.seconds", seconds, "s", "< 300", n,
                 f"dedupe_run(): {parts}; Splink {_splink_version()} with DuckDB, "
                 f"{summary.pairs:,} pairs at match probability >= {THRESHOLD}")  # fmt: skip
    harness.emit("dedupe.precision", precision, "ratio", ">= 0.95", n,
                 f"{right:,} of the {len(found):,} pairs in the review queue are planted "
                 f"duplicates; {summary.same_household:,} labelled same household")  # fmt: skip
    harness.emit("dedupe.recall", recall, "ratio", ">= 0.85", n,
                 f"{right:,} of {len(truth):,} planted duplicates ({DUPLICATE_SHARE:.0%} of the "
                 "records, 0-2 typing errors each, 1 in 4 with the NHS number) found")  # fmt: skip
    _misses(truth - found, found - truth)
    return 0


def _splink_version() -> str:
    import splink

    return str(splink.__version__)


def _misses(missed: set[tuple[int, int]], wrong: set[tuple[int, int]]) -> None:
    """A few pairs missed and a few found wrongly, to see what the model gets wrong."""
    from hearth.people.models import Person

    def show(pair: tuple[int, int]) -> str:
        people = Person.objects.filter(pk__in=pair).order_by("pk")
        return " | ".join(
            f"{p.given_name} {p.middle_names} {p.family_name} {p.date_of_birth} {p.nhs_number}"
            for p in people
        )

    for title, pairs in (("missed", missed), ("wrongly found", wrong)):
        print(f"   {len(pairs):,} {title}, for example:")
        for pair in sorted(pairs)[:5]:
            print(f"     {show(pair)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=PERSONS)
    args = parser.parse_args(argv)
    return measure(args.persons)


if __name__ == "__main__":
    sys.exit(main())
