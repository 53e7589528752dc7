"""Every write to the authority's timescale settings: administrators only, audited, and
followed (in the same transaction) by recomputing the stored due dates it moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hearth.accounts.models import Role
from hearth.audit.models import Action
from hearth.audit.services import audit_change, audit_record, snapshot
from hearth.timescales import registry
from hearth.timescales.calendar import invalidate_calendar
from hearth.timescales.engine import invalidate_local_values
from hearth.timescales.models import LocalClosure, LocalTarget

if TYPE_CHECKING:
    from hearth.accounts.models import User


def _require_administrator(user: User) -> None:
    if not (user.is_active and user.role == Role.ADMINISTRATOR):
        raise PermissionDenied("Only an administrator may change timescale settings")


def _invalidate() -> None:
    # Before recomputing (so it sees the change) and again after commit or rollback, so
    # no process-wide copy keeps a row that was rolled back.
    invalidate_calendar()
    invalidate_local_values()


def _earliest(*days: dt.date | None) -> dt.date | None:
    present = [d for d in days if d is not None]
    return min(present) if present else None


Setting = LocalClosure | LocalTarget


def _save(
    acting_user: User, obj: Setting, scope: Callable[[Setting | None], registry.RecomputeScope]
) -> None:
    _require_administrator(acting_user)
    obj.full_clean()
    try:
        with transaction.atomic():
            old = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
            before = snapshot(old) if old else None
            obj.save()
            audit_change(actor=acting_user, obj=obj, before=before, person_id=None)
            _invalidate()
            registry.recompute(scope(old))
    finally:
        _invalidate()


def _delete(acting_user: User, obj: Setting, scope: registry.RecomputeScope) -> None:
    _require_administrator(acting_user)
    try:
        with transaction.atomic():
            audit_record(
                actor=acting_user,
                action=Action.DELETE,
                event=f"{obj._meta.label_lower}.delete",
                obj=obj,
                data=snapshot(obj),
            )
            obj.delete()
            _invalidate()
            registry.recompute(scope)
    finally:
        _invalidate()


def closure_save(*, acting_user: User, closure: LocalClosure) -> LocalClosure:
    """Add a local closure day, or change one; recompute the due dates it moves.

    Every app is asked: a closure day moves any working-day deadline.
    """

    def scope(old: Setting | None) -> registry.RecomputeScope:
        old_day = old.date if isinstance(old, LocalClosure) else None
        return registry.RecomputeScope(since=_earliest(closure.date, old_day))

    _save(acting_user, closure, scope)
    return closure


def closure_delete(*, acting_user: User, closure: LocalClosure) -> None:
    """Remove a local closure day; recompute the due dates it moved."""
    _delete(acting_user, closure, registry.RecomputeScope(since=closure.date))


def local_target_save(*, acting_user: User, target: LocalTarget) -> LocalTarget:
    """Set or change the authority's value for a rule; recompute the due dates it moves."""

    def scope(old: Setting | None) -> registry.RecomputeScope:
        codes = {target.rule_code}
        since = target.valid_from
        if isinstance(old, LocalTarget):
            codes.add(old.rule_code)
            since = min(since, old.valid_from)
        return registry.RecomputeScope(rule_codes=frozenset(codes), since=since)

    _save(acting_user, target, scope)
    return target


def local_target_delete(*, acting_user: User, target: LocalTarget) -> None:
    """Remove a local value: the rule's default (or no local target) applies again."""
    scope = registry.RecomputeScope(
        rule_codes=frozenset({target.rule_code}), since=target.valid_from
    )
    _delete(acting_user, target, scope)
