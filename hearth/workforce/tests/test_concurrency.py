"""Two managers allocating the same child at the same moment, on real connections:
exactly one allocation, and the other manager is told. Run on PostgreSQL (where two
transactions really overlap: the second waits for the first's row lock, then finds
the child allocated); SQLite serialises writers, which the service tests cover."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from hearth.people.models import Involvement
from hearth.workforce import services
from hearth.workforce.models import Allocation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two real concurrent transactions"
    ),
]


def test_two_managers_at_once_make_one_allocation(sc):
    child = sc.child()
    inv_id = Involvement.objects.get(person=child).pk
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def allocate(name: str, manager, worker) -> None:
        try:
            inv = Involvement.objects.select_related("team", "person").get(pk=inv_id)
            barrier.wait()
            services.case_allocate(acting_user=manager, involvement=inv, worker=worker)
            outcomes[name] = "allocated"
        except services.AlreadyAllocatedError as e:
            outcomes[name] = e.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=allocate, args=("tom", sc.manager, sc.sam)),
        threading.Thread(target=allocate, args=("hana", sc.service_manager, sc.agent)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert list(outcomes.values()).count("allocated") == 1
    loser = next(v for v in outcomes.values() if v != "allocated")
    assert "has just been allocated to" in loser
    assert Allocation.objects.count() == 1
