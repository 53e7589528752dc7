"""Two requests with the same idempotency key at the same moment make one referral:
the second waits on the first's claim of the key, then answers with its result."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from hearth.api.models import IdempotentRequest
from hearth.api.tests.conftest import referral_body
from hearth.frontdoor.models import Contact

# The requests run in threads with their own connections, so the data must be committed.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite's in-memory test database is shared between threads through its shared
    # cache, whose table locks fail a waiting writer at once ("database table is
    # locked") instead of queueing it as a file database with a busy timeout does.
    # The suite's PostgreSQL run (DATABASE_URL=postgres://...) runs these.
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="needs concurrent writers: run on PostgreSQL"
    ),
]


def _at_once(calls: list) -> list:
    """Run the calls in threads released together; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait()
            answers[i] = calls[i]()
        except Exception as e:  # reported by the assertion below
            answers[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


def test_the_same_key_at_the_same_moment_makes_one_referral(partners):
    key = str(uuid.uuid4())
    clients = [partners.api(partners.school_token) for _ in range(4)]
    answers = _at_once([lambda c=c: c.refer(key=key) for c in clients])
    assert all(not isinstance(a, Exception) for a in answers), answers
    assert [a.status_code for a in answers] == [201] * 4, [a.content for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.get("Idempotent-Replayed") == "true" for a in answers) == 3
    assert Contact.objects.count() == 1 and IdempotentRequest.objects.count() == 1


def test_the_same_key_with_two_bodies_at_once_makes_one_and_refuses_the_other(partners):
    key = str(uuid.uuid4())
    a, b = partners.api(partners.school_token), partners.api(partners.school_token)
    answers = _at_once([
        lambda: a.refer(key=key),
        lambda: b.refer(referral_body(concern="A different concern"), key=key),
    ])  # fmt: skip
    assert sorted(x.status_code for x in answers) == [201, 422], [x.content for x in answers]
    assert Contact.objects.count() == 1
