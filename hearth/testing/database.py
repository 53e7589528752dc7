"""Database fixtures for transactional tests (live server, concurrency)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

__all__ = ["_audit_log_flushable"]


@pytest.fixture(autouse=True)
def _audit_log_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let a transactional test's database flush get past the append-only audit log.

    After a transactional test Django empties every table; on SQLite with DELETE,
    which the audit log's triggers refuse. So, before the flush, empty the audit table
    with the triggers briefly dropped, then put them back. PostgreSQL's flush
    (TRUNCATE) does not fire them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down after this
    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("hearth.audit.migrations.0002_append_only_triggers")
    with transaction.atomic(), connection.cursor() as cursor:
        for name in re.findall(r"CREATE TRIGGER (\w+)", " ".join(migration.SQLITE)):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute("DELETE FROM audit_auditevent")
        for sql in migration.SQLITE:
            cursor.execute(sql)
