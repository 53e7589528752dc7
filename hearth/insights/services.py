"""Writes in the insights area: the national reference figures a performance officer
keeps up to date from the DfE statistics."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hearth.accounts.models import Role
from hearth.audit.services import audit_change, snapshot
from hearth.insights.indicators import ORDER
from hearth.insights.models import NationalReference

if TYPE_CHECKING:
    from hearth.accounts.models import User

FIELDS = ["value", "year", "source"]


def can_set_references(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.PERFORMANCE_OFFICER)


@transaction.atomic
def reference_set(
    *, acting_user: User, indicator: str, value: Decimal | None, year: str = "", source: str = ""
) -> NationalReference | None:
    """Set (or, with no value, remove) the England figure an indicator is compared with."""
    if not can_set_references(acting_user):
        raise PermissionDenied
    if indicator not in ORDER:
        raise ValueError(indicator)
    current = NationalReference.objects.select_for_update().filter(indicator=indicator).first()
    if value is None:
        if current is not None:
            before = snapshot(current, FIELDS)
            current.delete()
            audit_change(actor=acting_user, obj=current, before=before, person_id=None)
        return None
    previous = snapshot(current, FIELDS) if current else None
    ref = current or NationalReference(indicator=indicator)
    ref.value, ref.year, ref.source = value, year.strip(), source.strip()
    ref.full_clean()
    ref.save()
    audit_change(actor=acting_user, obj=ref, before=previous, person_id=None)
    return ref
