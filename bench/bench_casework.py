"""Benchmark: a social worker's "My work", a team's overdue list, and recomputing every
due date (casework issue).

- casework.my_work.p95_ms              goal < 100 at 100,000 children
- casework.team_overdue.p95_ms         goal < 100 at 100,000 children
- casework.recompute_due_dates.seconds goal < 300 at 100,000 children

On the 100,000-child scale database (var/bench/children_100k.sqlite3, built once by the
demo generator with its case histories, and reused while the generator is unchanged).

- My work: the page (`/casework/my-work/`) through Django's test client, signed in as
  each of ten workers carrying 25 children. The demo's workers carry 10 to 22, so each
  is given 25 open children of the child protection and assessment teams (with their
  tasks, plan actions and contacts), removed again at the end.
- Team overdue: the page (`/casework/team/overdue/`) as the managers of the demo's
  child protection and assessment teams (a team of 8: six social workers, a senior
  practitioner and the manager).
- Recompute: `hearth timescales_recompute` (every registered app's open rows), timed
  once, in a transaction rolled back afterwards so the database is unchanged.

The bench workers are committed for the page timings and deleted at the end.

Each page's query count is printed beside its time.

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_casework.py
            [--database-url sqlite:////tmp/small.sqlite3]  (an existing database, for a
            quick try; the figures are only reported at 100,000 children)
"""

from __future__ import annotations

import io
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

SCALE = "children_100k"
WARM_UP = 20
SAMPLES = 300
WORKERS = 10
CASELOAD = 25


class _RollbackError(Exception):
    pass


def _workers() -> list[Any]:
    """Ten social workers of a bench team, each allocated 25 open children of the child
    protection and assessment teams (a second open involvement, rolled back later)."""
    import datetime as dt

    from hearth.accounts.models import Role, ServiceArea, Team, User
    from hearth.people.models import Involvement, Person

    team = Team.objects.create(name="Bench casework team", service_area=ServiceArea.ASSESSMENT)
    children = list(
        Person.objects.filter(
            involvements__ended__isnull=True,
            involvements__team__service_area__in=[
                ServiceArea.CHILD_PROTECTION,
                ServiceArea.ASSESSMENT,
            ],
            restricted=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[: WORKERS * CASELOAD]
    )
    workers = []
    for i in range(WORKERS):
        user = User.objects.create_user(
            f"bench-casework-{i}@example.test",
            None,
            role=Role.SOCIAL_WORKER,
            team=team,
            full_name=f"Bench worker {i}",
        )
        mine = children[i * CASELOAD : (i + 1) * CASELOAD]
        Involvement.objects.bulk_create(
            Involvement(
                person_id=pk, team=team, worker=user, reason="Bench", started=dt.date(2026, 1, 5)
            )
            for pk in mine
        )
        workers.append(user)
    return workers


def _managers() -> list[Any]:
    from hearth.accounts.models import Role, ServiceArea, User

    return list(
        User.objects.filter(
            role=Role.TEAM_MANAGER,
            is_active=True,
            team__service_area__in=[ServiceArea.CHILD_PROTECTION, ServiceArea.ASSESSMENT],
        ).order_by("pk")[:20]
    )


def _page_times(users: list[Any], path: str, samples: int) -> tuple[list[float], int, int]:
    """Milliseconds per page over `samples` requests rotating through `users`, the
    largest query count seen, and the most rows listed."""
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
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        if i >= WARM_UP:
            times.append(elapsed)
            queries = max(queries, len(captured.captured_queries))
    return times, queries, len(clients)


def _counts() -> str:
    from hearth.casework.models import CaseNote, ChildProtectionPlan, Task

    return (
        f"{Task.objects.count():,} tasks, {CaseNote.objects.count():,} case notes, "
        f"{ChildProtectionPlan.objects.count():,} CP plans"
    )


def _forget_workers(workers: list[Any]) -> None:
    from hearth.people.models import Involvement

    if not workers:
        return
    team = workers[0].team
    Involvement.objects.filter(team=team).delete()
    for user in workers:
        user.delete()
    team.delete()


def measure(samples: int, report: bool) -> int:
    from django.core.management import call_command
    from django.db import transaction

    from hearth.people.models import Person

    children = Person.objects.filter(kind="child").count()
    data = _counts()
    commit = harness.commit()
    failed = 0
    # The bench workers are written (briefly) and removed at the end, so that other
    # benchmarks reading the shared database are never held up by a long transaction.
    with transaction.atomic():
        workers = _workers()
    try:
        times, queries, users = _page_times(workers, "/casework/my-work/", samples)
        note = (
            f"{harness.summary_note(times, WARM_UP)}; {queries} queries a page; "
            f"{users} workers with {CASELOAD} children each; {data}; commit {commit}"
        )
        p95 = harness.percentile(times, 95)
        failed += not harness.figure(
            report, "casework.my_work.p95_ms", p95, "ms", "< 100", children, note
        )
        managers = _managers()
        times, queries, users = _page_times(managers, "/casework/team/overdue/", samples)
        note = (
            f"{harness.summary_note(times, WARM_UP)}; {queries} queries a page; the "
            f"overdue lists of {users} teams of 8; {data}; commit {commit}"
        )
        p95 = harness.percentile(times, 95)
        failed += not harness.figure(
            report, "casework.team_overdue.p95_ms", p95, "ms", "< 100", children, note
        )
    finally:
        with transaction.atomic():
            _forget_workers(workers)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            out = io.StringIO()
            call_command("timescales_recompute", stdout=out)
            seconds = time.perf_counter() - started
            changed = " ".join(out.getvalue().split())
            raise _RollbackError(seconds, changed)
    except _RollbackError as done:
        seconds, changed = done.args
    note = (
        f"hearth timescales_recompute over every open row ({changed}; rolled back); "
        f"{data}; commit {commit}"
    )
    failed += not harness.figure(
        report, "casework.recompute_due_dates.seconds", seconds, "s", "< 300", children, note
    )
    return failed


def main() -> int:
    return harness.scale_main(__doc__ or "", measure, SAMPLES, SCALE)


if __name__ == "__main__":
    sys.exit(main())
