"""Benchmark: children in care (children in care issue).

- care.placement_search.p95_ms   goal < 200 over 5,000 carers and providers
- care.summary_page.p95_ms       goal < 100 at 100,000 children

On the 100,000-child scale database (var/bench/children_100k.sqlite3, built once by the
demo generator and reused while the generator is unchanged). Its children in care come
with about 5,000 or more carers and providers; if it holds fewer, the search figure
says so in its note.

- Placement search: `hearth.care.search.placement_search` (the SQL read of every
  available carer and provider, and the scoring and ranking with reasons) for children
  in care in turn, each with their age, one to three children to place together, two
  needs, their family's postcode and, for half of them, a school's postcode.
- Summary page: `/care/children/<id>/` through Django's test client, signed in as the
  allocated social worker of each child in turn (children of the children in care team,
  whose workers carry about 18 children). The page's query count is printed with its
  time.

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_care.py
            [--database-url sqlite:////tmp/small.sqlite3]  (an existing database, for a
            quick try; the figures are only reported at 100,000 children)
"""

from __future__ import annotations

import os
import random
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

SCALE = "children_100k"
WARM_UP = 20
SAMPLES = 300
NEEDS = ["teenagers", "disability", "siblings", "babies", "autism", "therapeutic"]


def _children(limit: int) -> list[tuple[Any, Any]]:
    """(period of care, allocated worker) for open periods with an allocated worker."""
    from hearth.care.models import PeriodOfCare
    from hearth.people.models import Involvement

    periods = list(
        PeriodOfCare.objects.filter(end_date__isnull=True)
        .select_related("person")
        .order_by("pk")[: limit * 3]
    )
    workers = dict(
        Involvement.objects.filter(
            person_id__in=[p.person_id for p in periods],
            ended__isnull=True,
            worker__isnull=False,
        ).values_list("person_id", "worker")
    )
    from hearth.accounts.models import User

    users = User.objects.in_bulk(set(workers.values()))
    found = [(p, users[workers[p.person_id]]) for p in periods if p.person_id in workers]
    return found[:limit]


def _search_times(samples: int) -> tuple[list[float], int]:
    from django.utils import timezone

    from hearth.care.models import Carer, PeriodOfCare
    from hearth.care.search import Request, placement_search

    rng = random.Random(1)
    carers = Carer.objects.count()
    periods = list(
        PeriodOfCare.objects.filter(end_date__isnull=True)
        .select_related("person")
        .order_by("pk")[:500]
    )
    today = timezone.localdate()
    requests = [
        Request(
            age=p.person.age,
            siblings=rng.choice([1, 1, 1, 2, 3]),
            needs=tuple(rng.sample(NEEDS, 2)),
            near=p.home_postcode,
            school=f"HT{rng.randint(1, 21)} 1AB" if rng.random() < 0.5 else "",
        )
        for p in periods
    ]
    times: list[float] = []
    for i in range(WARM_UP + samples):
        started = time.perf_counter()
        found = placement_search(requests[i % len(requests)], today)
        elapsed = (time.perf_counter() - started) * 1000
        assert found, "the search found nobody"
        if i >= WARM_UP:
            times.append(elapsed)
    return times, carers


def _summary_times(samples: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    children = _children(100)
    assert children, "the database has children in care with an allocated worker"
    clients: dict[int, Client] = {}
    times: list[float] = []
    queries = 0
    for i in range(WARM_UP + samples):
        period, worker = children[i % len(children)]
        client = clients.get(worker.pk)
        if client is None:
            client = clients[worker.pk] = Client()
            client.force_login(worker)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(f"/care/children/{period.person_id}/")
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if i >= WARM_UP:
            times.append(elapsed)
            queries = max(queries, len(captured.captured_queries))
    return times, queries, len(children)


def measure(samples: int, report: bool) -> int:
    from hearth.care.models import PeriodOfCare
    from hearth.people.models import Person

    children = Person.objects.filter(kind="child").count()
    in_care = PeriodOfCare.objects.filter(end_date__isnull=True).count()
    commit = harness.commit()
    failed = 0
    times, carers = _search_times(samples)
    p95 = harness.percentile(times, 95)
    note = (
        f"{harness.summary_note(times, WARM_UP)}; {carers:,} carers and providers on the "
        f"register (the search reads those with a vacancy); 500 children's requests in turn; "
        f"commit {commit}"
    )
    failed += not harness.figure(
        report, "care.placement_search.p95_ms", p95, "ms", "< 200", carers, note
    )
    times, queries, pages = _summary_times(samples)
    p95 = harness.percentile(times, 95)
    note = (
        f"{harness.summary_note(times, WARM_UP)}; {queries} queries a page; {pages} children's "
        f"pages in turn, each by their own worker; {in_care:,} children in care; commit {commit}"
    )
    failed += not harness.figure(
        report, "care.summary_page.p95_ms", p95, "ms", "< 100", children, note
    )
    return failed


def main() -> int:
    return harness.scale_main(__doc__ or "", measure, SAMPLES, SCALE)


if __name__ == "__main__":
    sys.exit(main())
