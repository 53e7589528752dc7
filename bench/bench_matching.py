"""Benchmark: the "people it may be" search (front door issue).

- search.lookup.p95_ms         in-process candidate lookup and scoring (find_candidates)
- search.top1 / search.top5    right person first / in the first five, 1,000 searches
                               with the usual errors
- search.absent_not_strong     searches for children of families not on the record
- search.sibling_not_strong    searches for a brother, sister or twin the record lacks
- search.api.p95_ms            GET /api/v1/people/search as a front door worker
- search.keys_rebuild.seconds  match_keys_rebuild() for everyone, when keys are rebuilt

Each on SQLite and, when it answers on 127.0.0.1:5432, PostgreSQL, at 1,000,000 persons.

Why not the demo generator's persons_1m database: measuring quality needs the truth
behind each search (who was searched for, which errors were made) and brothers and
sisters held back from the record, so this benchmark builds its own family-shaped
million (hearth.testing.families: families sharing names, addresses and birthdays,
twins, step-families with previous names, babies expected, frequencies of names as
in England and Wales) by the fast path docs/BENCH.md allows: rows written straight
into the tables (COPY on PostgreSQL), then match_keys_rebuild(). It is built once into
var/bench/matching_1m.sqlite3 (or the PostgreSQL database hearth_bench_matching) and
reused while the generator and the keys are unchanged.

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_matching.py
            [--database sqlite|postgres] [--persons N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

GROUPS = ("search",)
GENERATOR_VERSION = 6  # bump when hearth.testing.families makes different people
SEED = 2026
PERSONS = 1_000_000
QUERIES = 1000
WARM_UP = 100
API_SAMPLES = 500


def _open(database: str, persons: int) -> tuple[list[Any], float | None]:
    """Set Django up on the benchmark database, filling it if needed. Returns the
    synthetic people (regenerated each run: the same seed makes the same people, in
    the same order, so the same ids) and how long rebuilding the keys took, if it was
    done this run."""
    label = "1m" if persons == 1_000_000 else str(persons)
    if database == "sqlite":
        path = harness.BENCH_DIR / f"matching_{label}.sqlite3"
        url, stamp_file = f"sqlite:///{path}", path.with_suffix(".json")
    else:
        name = f"hearth_bench_matching_{label}"
        harness._postgres_create(name, fresh=False)
        url, stamp_file = harness.postgres_url(name), harness.BENCH_DIR / f"postgres-{name}.json"
    harness.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    harness.setup_django(url)
    from django.core.management import call_command
    from django.db import connection, transaction

    from hearth.people.matching import KEYS_VERSION, match_keys_rebuild
    from hearth.people.models import Person
    from hearth.testing.families import FamilyGenerator, store_fast

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    gen = FamilyGenerator(seed=SEED, postcodes_per_family=0.08)
    people = gen.population(persons, hide_sibling=0.004, hide_twin=0.15)
    print(f"   generated {len(people):,} people in {time.perf_counter() - started:.0f} s")
    wanted = {"generator": GENERATOR_VERSION, "seed": SEED, "persons": persons}
    stamp = json.loads(stamp_file.read_text()) if stamp_file.exists() else {}
    if {k: stamp.get(k) for k in wanted} == wanted:
        first = Person.objects.order_by("pk").values_list("pk", flat=True).first() or 1
        ids = iter(range(first, first + len(people)))
        for p in people:
            if not p.hidden:
                p.pk = next(ids)
    else:
        stamp_file.unlink(missing_ok=True)
        with connection.cursor() as cursor:
            for table in ("people_personmatchkey", "people_personname", "people_address",
                          "people_person"):  # fmt: skip
                cursor.execute(f"DELETE FROM {table}")
        started = time.perf_counter()
        with transaction.atomic():
            store_fast(people)
        print(f"   stored {persons:,} people in {time.perf_counter() - started:.0f} s")
        stamp = wanted
    rebuild = None
    if stamp.get("keys") != KEYS_VERSION:
        started = time.perf_counter()
        keys = match_keys_rebuild()
        rebuild = time.perf_counter() - started
        print(f"   {keys:,} match keys in {rebuild:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        stamp = {**wanted, "keys": KEYS_VERSION, "match_keys": keys}
        stamp_file.write_text(json.dumps(stamp, indent=1))
    if connection.vendor == "postgresql" and not stamp.get("vacuumed"):
        _vacuum_postgres()
        stamp["vacuumed"] = True
        stamp_file.write_text(json.dumps(stamp, indent=1))
    if connection.vendor == "sqlite":
        _warm_sqlite()
    return people, rebuild


def _vacuum_postgres() -> None:
    """VACUUM (ANALYZE) the tables the search reads, once after they were written, as an
    operator does after a bulk load and autovacuum does within minutes of one: until
    the visibility map is set, PostgreSQL reads the table behind every index entry
    instead of answering the key lookup from the index alone."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("people_personmatchkey", "people_person", "people_personname",
                      "people_address"):  # fmt: skip
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    print(f"   vacuumed the search's tables in {time.perf_counter() - started:.0f} s")


# SQLite's page cache for this process: this machine caps its OS file cache below the
# size of a million-person database, so without it the timings measure the disk.
SQLITE_CACHE_KIB = 2_000_000


def _cache_note() -> str:
    from django.db import connection

    if connection.vendor != "sqlite":
        return ""
    return (
        f"; SQLite page cache {SQLITE_CACHE_KIB // 1000} MB (PRAGMA cache_size), database "
        "read into it before timing (this machine's OS file cache is smaller than the file)"
    )


def _warm_sqlite() -> None:
    """Give SQLite a page cache big enough for the database and read the tables and
    indexes the search uses into it once, as a server that has been running a while
    would have them."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        for sql in (
            "SELECT SUM(LENGTH(key)) FROM people_personmatchkey INDEXED BY matchkey_key_person",
            "SELECT SUM(LENGTH(given_name) + LENGTH(middle_names)) FROM people_person",
            "SELECT SUM(LENGTH(line1)) FROM people_address",
            "SELECT COUNT(*) FROM people_address INDEXED BY address_postcode WHERE postcode > ''",
            "SELECT SUM(LENGTH(family_name)) FROM people_personname",
        ):
            cursor.execute(sql)
            cursor.fetchall()
    print(f"   read the database into SQLite's page cache in {time.perf_counter() - started:.0f} s")


def _searches(people: list[Any]) -> dict[str, list[Any]]:
    from hearth.testing.families import FamilyGenerator

    rng = random.Random(SEED)
    gen = FamilyGenerator(seed=SEED + 1)
    present = [p for p in people if not p.hidden]
    # Front door searches are mostly for children (and babies due), some for parents.
    children = [p for p in present if p.kind != "adult"]
    adults = [p for p in present if p.kind == "adult"]
    targets = [rng.choice(children) if rng.random() < 0.8 else rng.choice(adults)
               for _ in range(QUERIES + WARM_UP)]  # fmt: skip
    hidden = [p for p in people if p.hidden]
    rng.shuffle(hidden)
    strangers = [p for p in FamilyGenerator(seed=SEED + 2).population(QUERIES * 3)
                 if p.kind == "child"][:QUERIES]  # fmt: skip
    return {
        "present": [gen.corrupt(p) for p in targets],
        "sibling": [gen.exact(p, "sibling") for p in hidden[:QUERIES]],
        "absent": [gen.corrupt(p) for p in strangers],
    }


def _lookup(searches: dict[str, list[Any]], n: int) -> None:
    from hearth.people.matching import Label, find_candidates

    present = searches["present"]
    results: list[list[int]] = []

    def search(s: Any) -> None:
        results.append([c.person_id for c in find_candidates(s.query, limit=10)])

    times = harness.time_samples(search, present, WARM_UP)
    results = results[WARM_UP:]
    count = len(times)
    first = sum(bool(ids) and ids[0] == s.target.pk
                for s, ids in zip(present[WARM_UP:], results, strict=True))  # fmt: skip
    top5 = sum(s.target.pk in ids[:5] for s, ids in zip(present[WARM_UP:], results, strict=True))
    errors = sum(len(s.errors) for s in present[WARM_UP:])
    harness.emit("search.lookup.p95_ms", harness.percentile(times, 95), "ms", "< 5", n,
                 f"{harness.summary_note(times, WARM_UP)}; find_candidates(limit=10): blocking "
                 "keys looked up in the database, candidates scored with rapidfuzz"
                 f"{_cache_note()}")  # fmt: skip
    harness.emit("search.top1", first / count, "ratio", ">= 0.97", n,
                 f"{count:,} searches (4 in 5 for children), {errors:,} errors among them: "
                 "typos, nicknames, middle names, previous family names, dates of birth "
                 "swapped, mistyped, a year out or missing, old or mistyped postcodes")  # fmt: skip
    harness.emit("search.top5", top5 / count, "ratio", ">= 0.99", n,
                 f"the same {count:,} searches")  # fmt: skip
    for case, fid in (("absent", "search.absent_not_strong"),
                      ("sibling", "search.sibling_not_strong")):  # fmt: skip
        rows = searches[case]
        clean = sum(
            not any(c.label is Label.STRONG for c in find_candidates(s.query)) for s in rows
        )
        twins = sum(s.target.twin_of is not None for s in rows)
        note = (
            f"{len(rows):,} children of families not on the record, searched with 0-2 errors"
            if case == "absent"
            else f"{len(rows):,} brothers, sisters and twins ({twins:,} twins) held back from "
            "the record, searched exactly (name, date of birth, postcode)"
        )
        harness.emit(fid, clean / len(rows), "ratio", ">= 0.99", n, note)


def _api(searches: dict[str, list[Any]], n: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hearth.accounts.models import Role, User

    email = "bench-front-door@example.test"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, None, role=Role.FRONT_DOOR, full_name="Bench front door"
    )
    client = Client()
    client.force_login(user)

    def params(s: Any) -> dict[str, str]:
        q = s.query
        out = {"given_name": q.given_name, "family_name": q.family_name,
               "postcode": q.postcode, "nhs_number": q.nhs_number,
               "date_of_birth": q.date_of_birth.isoformat() if q.date_of_birth else ""}  # fmt: skip
        return {k: v for k, v in out.items() if v}

    queries: list[int] = []

    def request(s: Any) -> None:
        with CaptureQueriesContext(connection) as captured:
            r = client.get("/api/v1/people/search", params(s))
        assert r.status_code == 200, r.content
        queries.append(len(captured))

    present = searches["present"][: WARM_UP + API_SAMPLES]
    times = harness.time_samples(request, present, WARM_UP)
    harness.emit("search.api.p95_ms", harness.percentile(times, 95), "ms", "< 50", n,
                 f"{harness.summary_note(times, WARM_UP)}; Django test client signed in as a "
                 f"front door worker (session auth); {statistics.median(queries):.0f} queries "
                 f"per request including the audit entry{_cache_note()}")  # fmt: skip


def measure(database: str, persons: int) -> int:
    if database == "postgres" and not harness.postgres_answers():
        print("    search.* on postgres: skipped, PostgreSQL does not answer on 127.0.0.1:5432")
        return 0
    people, rebuild = _open(database, persons)
    if rebuild is not None:
        note = "match_keys_rebuild() for everyone; lookup index built at the end"
        harness.emit("search.keys_rebuild.seconds", rebuild, "s", "< 300", persons, note)
    searches = _searches(people)
    del people
    _lookup(searches, persons)
    _api(searches, persons)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"])
    parser.add_argument("--persons", type=int, default=PERSONS)
    args = parser.parse_args(argv)
    if args.database:
        return measure(args.database, args.persons)
    # One process per database: Django is set up on one database per process.
    status = 0
    for database in ("sqlite", "postgres"):
        command = [sys.executable, __file__, "--database", database, "--persons", str(args.persons)]
        status = status or subprocess.run(command, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
