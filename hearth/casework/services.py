"""Writes to casework records: one function per action, in a transaction, permission
checked, audited against the child's record."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from hearth.accounts import policy
from hearth.audit.services import audit_change, snapshot
from hearth.casework.models import ChildProtectionPlan, CINEpisode, LookedAfterPeriod
from hearth.core.codelists import codelist

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.people.models import Person


def _require_staff(user: User | None, person: Person) -> None:
    """Staff who may change records. Whether this user may act on this child is the
    caller's check: the front door authorises a referral about a child named in a
    contact the manager can see (hearth.frontdoor.policy), and the casework pages will
    ask policy.person_access. None is the system (an import, the demo generator)."""
    if user is None:
        return
    if not user.is_active or user.role not in policy.EDITING_ROLES:
        raise PermissionDenied


def _check_code(list_name: str, field: str, code: str, on: dt.date) -> None:
    if not codelist(list_name).is_valid(code, on):
        raise ValidationError({field: [f"{code!r} is not a valid code on {on:%d/%m/%Y}"]})


@transaction.atomic
def cin_episode_open(
    *,
    acting_user: User | None,
    person: Person,
    referral_date: dt.date,
    referral_source: str,
    primary_need_code: str = "N0",
) -> CINEpisode:
    """Open a child in need episode from a referral.

    Refused if the child already has an open episode: the CIN census allows only one,
    and a new concern about an open case belongs to the team that holds it.
    """
    _require_staff(acting_user, person)
    _check_code("referral_source", "referral_source", referral_source, referral_date)
    _check_code("primary_need", "primary_need_code", primary_need_code, referral_date)
    if CINEpisode.objects.filter(person=person, closure_date__isnull=True).exists():
        raise ValidationError(
            f"{person.display_name} already has an open child in need episode: pass the "
            "concern to the team that holds it"
        )
    episode = CINEpisode(
        person=person,
        referral_date=referral_date,
        referral_source=referral_source,
        primary_need_code=primary_need_code,
        created_by=acting_user,
    )
    episode.full_clean()
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError:  # another request opened one at the same moment
        raise ValidationError(
            f"{person.display_name} already has an open child in need episode"
        ) from None
    audit_change(actor=acting_user, obj=episode, before=None, person_id=person.pk)
    return episode


@transaction.atomic
def cin_episode_close(
    *,
    acting_user: User | None,
    episode: CINEpisode,
    closure_date: dt.date,
    closure_reason: str,
) -> CINEpisode:
    _require_staff(acting_user, episode.person)
    if not episode.is_open:
        raise ValidationError("This child in need episode is already closed")
    _check_code("closure_reason", "closure_reason", closure_reason, closure_date)
    if closure_date < episode.referral_date:
        raise ValidationError({"closure_date": ["The closure date must be after the referral"]})
    before = snapshot(episode, ["closure_date", "closure_reason"])
    episode.closure_date = closure_date
    episode.closure_reason = closure_reason
    episode.save(update_fields=["closure_date", "closure_reason"])
    audit_change(actor=acting_user, obj=episode, before=before, person_id=episode.person_id)
    return episode


@transaction.atomic
def child_protection_plan_record(
    *,
    acting_user: User | None,
    person: Person,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> ChildProtectionPlan:
    """Record a child protection plan (minimal until the casework issue builds plans)."""
    _require_staff(acting_user, person)
    plan = ChildProtectionPlan(person=person, start_date=start_date, end_date=end_date)
    plan.full_clean()
    plan.save()
    audit_change(actor=acting_user, obj=plan, before=None, person_id=person.pk)
    return plan


@transaction.atomic
def looked_after_period_record(
    *,
    acting_user: User | None,
    person: Person,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> LookedAfterPeriod:
    """Record a period of being looked after (minimal until the care issue)."""
    _require_staff(acting_user, person)
    period = LookedAfterPeriod(person=person, start_date=start_date, end_date=end_date)
    period.full_clean()
    period.save()
    audit_change(actor=acting_user, obj=period, before=None, person_id=person.pk)
    return period
