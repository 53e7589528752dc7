"""Benchmark: the team manager's pages and the service-wide indicators (team manager's
day issue).

- team.team_page.p95_ms     goal < 150 at 100,000 children
- team.allocations.p95_ms   goal < 150 at 100,000 children
- team.brief.p95_ms         goal < 150 at 100,000 children
- team.indicators.seconds   goal < 1 at 100,000 children

On the 100,000-child scale database (var/bench/children_100k.sqlite3, built once by the
demo generator with its workforce, and reused while the generator is unchanged).

- The three pages (`/team/`, `/team/allocations/`, `/team/brief/`) through Django's test
  client, signed in as the managers of the demo's child protection and assessment teams
  (teams of 8: six social workers, a senior practitioner and the manager; each with
  children waiting for allocation). Each page's query count is printed beside its time.
- Indicators: the service-wide dashboard (`/insights/`, all teams, the last 12 months)
  as a performance officer with the figure cache emptied before each request, so every
  figure is computed in SQL; the slowest of five requests is reported.

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_team.py
            [--database-url sqlite:////tmp/small.sqlite3]  (an existing database, for a
            quick try; the figures are only reported at 100,000 children)
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

SCALE = "children_100k"
WARM_UP = 20
SAMPLES = 300
INDICATOR_RUNS = 5
PAGES = (
    ("team.team_page.p95_ms", "/team/"),
    ("team.allocations.p95_ms", "/team/allocations/"),
    ("team.brief.p95_ms", "/team/brief/"),
)


def _managers() -> list[Any]:
    from hearth.accounts.models import Role, ServiceArea, User

    return list(
        User.objects.filter(
            role=Role.TEAM_MANAGER,
            is_active=True,
            team__service_area__in=[ServiceArea.CHILD_PROTECTION, ServiceArea.ASSESSMENT],
        ).order_by("pk")[:20]
    )


def _page_times(users: list[Any], path: str, samples: int) -> tuple[list[float], int]:
    """Milliseconds per page over `samples` requests rotating through `users`, and the
    largest query count seen."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    times: list[float] = []
    queries = 0
    for i in range(WARM_UP + samples):
        client = clients[i % len(clients)]
        # The connection keeps the last 9,000 queries only: empty it, or a long run's
        # later pages would seem to make none.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        if i >= WARM_UP:
            times.append(elapsed)
            queries = max(queries, len(captured.captured_queries))
    return times, queries


def _indicator_seconds() -> tuple[list[float], int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hearth.accounts.models import Role, User

    officer = User.objects.filter(role=Role.PERFORMANCE_OFFICER, is_active=True).first()
    assert officer is not None, "the demo has a performance officer"
    client = Client()
    client.force_login(officer)
    times, queries = [], 0
    for _ in range(INDICATOR_RUNS):
        cache.clear()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/insights/?period=12m")
            times.append(time.perf_counter() - started)
        assert response.status_code == 200
        queries = max(queries, len(captured.captured_queries))
    return times, queries


def _counts() -> str:
    from hearth.people.models import Involvement
    from hearth.workforce.models import Supervision

    waiting = Involvement.objects.filter(ended__isnull=True, worker__isnull=True).count()
    return (
        f"{waiting:,} open involvements unallocated; {Supervision.objects.count():,} supervisions"
    )


def measure(samples: int, report: bool) -> int:
    from hearth.people.models import Person

    children = Person.objects.filter(kind="child").count()
    data = _counts()
    commit = harness.commit()
    managers = _managers()
    failed = 0
    for figure, path in PAGES:
        times, queries = _page_times(managers, path, samples)
        p95 = harness.percentile(times, 95)
        note = (
            f"{harness.summary_note(times, WARM_UP)}; {queries} queries a page; the pages "
            f"of {len(managers)} teams of 8; {data}; commit {commit}"
        )
        failed += not harness.figure(report, figure, p95, "ms", "< 150", children, note)
    times, queries = _indicator_seconds()
    worst = max(times)
    note = (
        f"slowest of {len(times)} uncached requests of the service-wide dashboard (12 months, "
        f"all teams); fastest {min(times):.2f} s; {queries} queries; commit {commit}"
    )
    failed += not harness.figure(
        report, "team.indicators.seconds", worst, "s", "< 1", children, note
    )
    return failed


def main() -> int:
    return harness.scale_main(__doc__ or "", measure, SAMPLES, SCALE)


if __name__ == "__main__":
    sys.exit(main())
