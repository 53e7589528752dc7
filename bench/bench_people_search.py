"""Benchmark: finding a person by surname and date of birth (foundation issue).

- people.search_surname_dob.p95_ms   on SQLite and on PostgreSQL, at 1,000,000 persons

The search is hearth.people.selectors.search_people(user, parse_search("<surname>
<dd/mm/yyyy>")) as a front-door worker (read scope: all), evaluated as the results page
does: the first page of 25 and the count. Surnames and dates are those of people on
record (four in five children, one in five adults), in random order.

The 1,000,000-person database is built once by the demo generator (families added
until there are a million persons) and reused while the generator is unchanged:
var/bench/persons_1m.sqlite3, and the PostgreSQL database hearth_bench on 127.0.0.1
(created if missing; skipped with a note if PostgreSQL does not answer).

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_people_search.py
            [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

SCALE = "persons_1m"
WARM_UP = 100
SAMPLES = 1000
PAGE = 25


def _queries(count: int) -> list[tuple[str, int]]:
    """Search texts for people on record, with the id each should find."""
    from hearth.people.models import Person

    rng = random.Random(harness.SEED)
    people = Person.objects.exclude(date_of_birth=None)
    low = people.order_by("pk").values_list("pk", flat=True)[0]
    high = people.order_by("-pk").values_list("pk", flat=True)[0]
    texts: list[tuple[str, int]] = []
    while len(texts) < count:
        kind = "child" if rng.random() < 0.8 else "adult"
        ids = [rng.randint(low, high) for _ in range(50)]
        for pk, family, born in people.filter(pk__in=ids, kind=kind).values_list(
            "pk", "family_name", "date_of_birth"
        )[:5]:
            texts.append((f"{family} {born:%d/%m/%Y}", pk))
    rng.shuffle(texts)
    return texts[:count]


def measure(database: str) -> int:
    if database == "postgres" and not harness.postgres_answers():
        print("    people.search_surname_dob.p95_ms on postgres: skipped, PostgreSQL does not "
              "answer on 127.0.0.1:5432")  # fmt: skip
        return 0
    harness.open_scale_database(SCALE, database)
    from hearth.accounts.models import Role, User
    from hearth.people.models import Person
    from hearth.people.selectors import parse_search, search_people

    user = User.objects.filter(role=Role.FRONT_DOOR, is_active=True).order_by("pk").first()
    assert user is not None, "the generated authority has front-door workers"
    persons = Person.objects.count()
    queries = _queries(WARM_UP + SAMPLES)
    found = 0

    def search(query: tuple[str, int]) -> None:
        nonlocal found
        qs = search_people(user, parse_search(query[0]))
        page = list(qs[:PAGE])
        total = qs.count()
        found += any(p.pk == query[1] for p in page) and total >= len(page)

    times = harness.time_samples(search, queries, WARM_UP)
    p95 = harness.percentile(times, 95)
    harness.emit(
        "people.search_surname_dob.p95_ms",
        p95,
        "ms",
        "< 50",
        persons,
        f"{harness.summary_note(times, WARM_UP)}; first page of {PAGE} and the count, as a "
        f"front-door worker; the person searched for was on the first page in "
        f"{found:,} of {len(queries):,} searches",
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"])
    args = parser.parse_args(argv)
    if args.database:
        return measure(args.database)
    # One process per database: Django is set up on one database per process.
    status = 0
    for database in ("sqlite", "postgres"):
        done = subprocess.run([sys.executable, __file__, "--database", database], check=False)
        status = status or done.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
