"""Changing closure days and local targets: administrators only, audited, cached copies
forgotten at once, and the registered apps asked to recompute their due dates."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from hearth.accounts.models import Role
from hearth.audit.models import AuditEvent
from hearth.timescales import registry, services
from hearth.timescales.calendar import working_calendar
from hearth.timescales.engine import due_date
from hearth.timescales.models import LocalClosure, LocalTarget

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(f):
    return f.user(Role.ADMINISTRATOR)


@pytest.fixture
def calls():
    """Two registered apps that record what they were asked to recompute."""
    seen: dict[str, list[registry.RecomputeScope]] = {"conferences": [], "visits": []}

    def recorder(name):
        def recompute(scope):
            seen[name].append(scope)
            return 1

        return recompute

    registry.register(
        "conferences", rules=["cp.icpc", "cp.review"], recompute=recorder("conferences")
    )
    registry.register("visits", rules=["cp.visit"], recompute=recorder("visits"))
    yield seen
    registry.unregister("conferences")
    registry.unregister("visits")


def test_closure_day_moves_due_dates_at_once(admin, calls, settings):
    settings.HEARTH_TIMESCALES_CACHE_SECONDS = 60  # as in production: cached per process
    # Fri 18 Dec 2026 + 10 working days: Wed 6 Jan 2027 before the closure.
    assert due_date("cp.visit", D(2026, 12, 18)).date == D(2027, 1, 6)
    for day in (29, 30, 31):
        services.closure_save(
            acting_user=admin, closure=LocalClosure(date=D(2026, 12, day), reason="Christmas")
        )
    # ... and Mon 11 Jan 2027 after it (21-24 Dec, 4-8 Jan, 11 Jan).
    assert due_date("cp.visit", D(2026, 12, 18)).date == D(2027, 1, 11)
    assert working_calendar().closed_because(D(2026, 12, 30)) == "Christmas"
    # Every app is asked (a closure moves any working-day deadline), from that day.
    assert [s.since for s in calls["conferences"]] == [D(2026, 12, d) for d in (29, 30, 31)]
    assert all(s.rule_codes is None for s in calls["visits"])
    events = AuditEvent.objects.filter(event="timescales.localclosure.create")
    assert events.count() == 3
    assert events.first().actor_id == admin.pk


def test_cached_calendar_needs_no_query(admin, settings, django_assert_num_queries):
    settings.HEARTH_TIMESCALES_CACHE_SECONDS = 60
    working_calendar()
    with django_assert_num_queries(0):
        working_calendar()
    LocalClosure.objects.create(date=D(2026, 12, 29), reason="Created elsewhere")
    # The signal forgot this process's copy: the next read sees the new day.
    assert working_calendar().is_closure(D(2026, 12, 29))


def test_moving_and_removing_a_closure(admin, calls):
    closure = services.closure_save(
        acting_user=admin, closure=LocalClosure(date=D(2026, 12, 30), reason="Christmas")
    )
    closure.date = D(2026, 12, 29)
    services.closure_save(acting_user=admin, closure=closure)
    change = AuditEvent.objects.get(event="timescales.localclosure.update")
    assert change.changes == {"date": ["2026-12-30", "2026-12-29"]}
    assert calls["visits"][-1].since == D(2026, 12, 29)
    services.closure_delete(acting_user=admin, closure=closure)
    assert not LocalClosure.objects.exists()
    assert AuditEvent.objects.filter(event="timescales.localclosure.delete").exists()
    assert not working_calendar().is_closure(D(2026, 12, 29))


@pytest.mark.parametrize(
    ("day", "message"),
    [(D(2026, 12, 26), "already not a working day"), (D(2026, 12, 28), "already a bank holiday")],
)
def test_closure_on_a_day_already_closed(admin, day, message):
    with pytest.raises(ValidationError, match=message):
        services.closure_save(acting_user=admin, closure=LocalClosure(date=day, reason="x"))


def test_only_administrators(f):
    manager = f.user(Role.TEAM_MANAGER)
    with pytest.raises(PermissionDenied):
        services.closure_save(
            acting_user=manager, closure=LocalClosure(date=D(2026, 12, 29), reason="x")
        )
    with pytest.raises(PermissionDenied):
        services.local_target_save(
            acting_user=manager,
            target=LocalTarget(
                rule_code="cp.visit",
                amount=5,
                unit="working_days",
                valid_from=D(2026, 1, 1),
                reason="x",
            ),
        )
    assert not LocalClosure.objects.exists()
    assert not LocalTarget.objects.exists()


def test_local_target_recomputes_only_the_apps_using_the_rule(admin, calls):
    target = services.local_target_save(
        acting_user=admin,
        target=LocalTarget(
            rule_code="cp.visit",
            amount=5,
            unit="working_days",
            valid_from=D(2026, 4, 1),
            reason="Local procedures 2026",
        ),
    )
    assert calls["conferences"] == []
    assert calls["visits"] == [
        registry.RecomputeScope(rule_codes=frozenset({"cp.visit"}), since=D(2026, 4, 1))
    ]
    # Wed 2 Dec 2026 + 5 working days: Wed 9 Dec.
    assert due_date("cp.visit", D(2026, 12, 2)).date == D(2026, 12, 9)
    services.local_target_delete(acting_user=admin, target=target)
    assert due_date("cp.visit", D(2026, 12, 2)).date == D(2026, 12, 16)
    assert len(calls["visits"]) == 2
    assert AuditEvent.objects.filter(event__startswith="timescales.localtarget.").count() == 2


def test_a_failed_recompute_leaves_nothing_behind(admin):
    def broken(scope):
        raise RuntimeError("casework failed")

    registry.register("broken", rules=["cp.icpc"], recompute=broken)
    try:
        with pytest.raises(RuntimeError):
            services.closure_save(
                acting_user=admin, closure=LocalClosure(date=D(2026, 12, 29), reason="x")
            )
    finally:
        registry.unregister("broken")
    assert not LocalClosure.objects.exists()
    assert not working_calendar().is_closure(D(2026, 12, 29))


def test_register_checks_rule_codes():
    with pytest.raises(ValueError, match="unknown timescale rules"):
        registry.register("typo", rules=["cp.icpcc"], recompute=lambda scope: 0)


def test_recompute_rows_saves_only_changed_rows():
    saved = []

    class Row(SimpleNamespace):
        def recompute_due_dates(self, ts):
            return ts.apply_due(self, "cp.icpc", self.strategy_on)

        def save(self, update_fields):
            saved.append((self.strategy_on, update_fields))

    rows = [
        Row(strategy_on=D(2026, 12, 18), icpc_due_on=D(2027, 1, 13), icpc_target_on=None),
        Row(strategy_on=D(2026, 12, 18), icpc_due_on=D(2027, 1, 12), icpc_target_on=None),
    ]
    queryset = SimpleNamespace(iterator=lambda chunk_size: iter(rows))
    assert registry.recompute_rows(queryset) == 1
    assert saved == [(D(2026, 12, 18), ["icpc_due_on"])]
    assert rows[1].icpc_due_on == D(2027, 1, 13)


def test_commands(capsys, calls):
    call_command("timescales_rules")
    out = capsys.readouterr().out
    assert "cp.icpc  Initial child protection conference  [statutory" in out
    assert "cp.visit  Child protection visit  [local" in out
    call_command("timescales_recompute")
    assert "conferences: 1 changed" in capsys.readouterr().out
    assert calls["conferences"] == [registry.RecomputeScope()]
