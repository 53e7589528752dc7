"""Every write in the workforce area: one function per action, in a transaction,
permission checked (`hearth.workforce.policy`), audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import Team, User
from hearth.accounts.services import notify
from hearth.audit.models import Action
from hearth.audit.services import audit_change, audit_record, snapshot
from hearth.people import services as people_services
from hearth.people.models import Involvement, Person
from hearth.workforce import policy, selectors
from hearth.workforce.models import (
    Allocation,
    AllocationKind,
    CaseDiscussion,
    DutyShift,
    Leave,
    Supervision,
    SupervisionAction,
    SupervisionKind,
    WorkerProfile,
)

PROFILE_FIELDS = [
    "fte",
    "interests",
    "career_goals",
    "languages",
    "max_caseload_weight",
    "supervision_every_days",
]
PERSONAL_FIELDS = ["workload", "wellbeing", "went_well", "was_hard", "training", "leave_booked"]


class AlreadyAllocatedError(ValidationError):
    """Someone else allocated the child first: nothing was changed."""


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


@transaction.atomic
def profile_update(*, acting_user: User, worker: User, **values: Any) -> WorkerProfile:
    """A manager (or the worker, for their interests, goals and languages) updates a profile."""
    own = acting_user.pk == worker.pk
    _require(own or policy.manages_worker(acting_user, worker))
    if own and not policy.manages_worker(acting_user, worker):
        # Workers say what they are interested in; hours and limits are the manager's.
        values = {
            k: v for k, v in values.items() if k in {"interests", "career_goals", "languages"}
        }
    profile, created = WorkerProfile.objects.select_for_update().get_or_create(user=worker)
    before = None if created else snapshot(profile, PROFILE_FIELDS)
    for name, value in values.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(name)
        setattr(profile, name, value)
    profile.updated_at = timezone.now()
    profile.full_clean()
    profile.save()
    audit_change(actor=acting_user, obj=profile, before=before, person_id=None)
    return profile


@transaction.atomic
def leave_add(
    *, acting_user: User, worker: User, kind: str, start: dt.date, end: dt.date, note: str = ""
) -> Leave:
    _require(policy.can_view_worker(acting_user, worker))
    if end < start:
        raise ValidationError({"end": ["The last day of leave must be on or after the first day"]})
    overlap = Leave.objects.filter(user=worker, start__lte=end, end__gte=start).exists()
    if overlap:
        raise ValidationError({"start": ["This overlaps leave already booked"]})
    leave = Leave(user=worker, kind=kind, start=start, end=end, note=note.strip())
    leave.full_clean()
    leave.save()
    audit_change(actor=acting_user, obj=leave, before=None, person_id=None)
    return leave


@transaction.atomic
def case_allocate(
    *,
    acting_user: User,
    involvement: Involvement,
    worker: User,
    reason: str = "",
    over_capacity_reason: str = "",
    expected_worker_id: int | None = None,
) -> Allocation:
    """Allocate (or reallocate) a child's work in a team to one of its workers.

    Refused: a worker outside the team or who does not hold cases; a worker whose own
    access would not cover the child (a restricted record they are not named on); a
    worker over capacity without a reason (the reason is recorded). When someone else
    allocated the child since the page was shown, nothing changes and the caller is told
    who did (`AlreadyAllocatedError`)."""
    team = involvement.team
    _require(policy.manages_team(acting_user, team))
    if not policy.can_hold_cases(worker) or worker.team_id != team.pk:
        raise ValidationError({"worker": ["Choose a social worker in this team"]})
    if worker.pk == expected_worker_id:
        raise ValidationError({"worker": ["Choose a different worker"]})
    if not policy.access_covers(worker, involvement.person_id):
        raise ValidationError(
            {
                "worker": [
                    f"{worker.full_name} cannot open this child's record (it is restricted to "
                    "named people), so the child cannot be allocated to them"
                ]
            }
        )
    _asye_protected(worker, involvement)
    load = selectors.caseloads([worker])[0]
    if load.over or _would_exceed(load, involvement):
        if not over_capacity_reason.strip():
            raise ValidationError(
                {
                    "over_capacity_reason": [
                        f"{worker.full_name} would be over capacity "
                        f"({load.weight:.1f} of {load.capacity:.1f}): say why you are "
                        "allocating to them"
                    ]
                }
            )
    else:
        over_capacity_reason = ""
    done = people_services.involvement_allocate(
        acting_user=acting_user,
        involvement_id=involvement.pk,
        worker=worker,
        expected_worker_id=expected_worker_id,
    )
    if done is None:
        current = Involvement.objects.filter(pk=involvement.pk).select_related("worker").first()
        who = current.worker.full_name if current and current.worker else "someone else"
        raise AlreadyAllocatedError(
            f"{involvement.person.display_name} has just been allocated to {who} by another "
            "manager. Nothing has been changed."
        )
    allocation = Allocation(
        involvement=involvement,
        person_id=involvement.person_id,
        team=team,
        worker=worker,
        previous_worker_id=expected_worker_id,
        kind=AllocationKind.REALLOCATE if expected_worker_id else AllocationKind.ALLOCATE,
        allocated_by=acting_user,
        reason=reason.strip(),
        over_capacity_reason=over_capacity_reason.strip(),
        weight_before=load.weight,
        capacity=load.capacity,
    )
    allocation.save()
    audit_change(actor=acting_user, obj=allocation, before=None, person_id=involvement.person_id)
    from django.urls import reverse

    notify(
        recipients=[worker],
        text=f"{involvement.person.display_name} has been allocated to you by "
        f"{acting_user.full_name}",
        link=reverse("casework:case", args=[involvement.person_id]),
    )
    return allocation


def _asye_protected(worker: User, involvement: Involvement) -> None:
    """A newly qualified worker does not lead child protection work in their first months
    (the authority sets how many: `WorkforceSettings.asye_no_cp_months`)."""
    from hearth.workforce.models import WorkforceSettings

    day = timezone.localdate()
    barred = selectors.asye_cp_barred_until(worker, WorkforceSettings.current())
    if barred is None or barred <= day or not selectors.is_asye(worker, day):
        return
    if selectors.child_protection_work(involvement.person_id):
        raise ValidationError(
            {
                "worker": [
                    f"{worker.full_name} is newly qualified: they cannot lead child protection "
                    f"work until {barred:%-d %B %Y}"
                ]
            }
        )


def _would_exceed(load: selectors.Caseload, involvement: Involvement) -> bool:
    """Whether one more child (at the lightest weight) takes the worker past capacity."""
    from hearth.workforce.models import WorkforceSettings

    conf = WorkforceSettings.current()
    least = min(conf.weight_assessment, conf.weight_cin, conf.weight_other)
    return load.weight + least > load.capacity


@transaction.atomic
def duty_set(*, acting_user: User, team: Team, day: dt.date, worker: User | None) -> None:
    _require(policy.manages_team(acting_user, team))
    if worker is not None and (worker.team_id != team.pk or not worker.is_active):
        raise ValidationError({"worker": ["Choose someone in this team"]})
    current = DutyShift.objects.select_for_update().filter(team=team, day=day).first()
    if worker is None:
        if current is not None:
            before = snapshot(current, ["worker_id"])
            current.delete()
            audit_change(actor=acting_user, obj=current, before=before, person_id=None)
        return
    if current is None:
        shift = DutyShift.objects.create(team=team, day=day, worker=worker)
        audit_change(actor=acting_user, obj=shift, before=None, person_id=None)
    elif current.worker_id != worker.pk:
        before = snapshot(current, ["worker_id"])
        current.worker = worker
        current.save(update_fields=["worker"])
        audit_change(actor=acting_user, obj=current, before=before, person_id=None)


@transaction.atomic
def supervision_record(
    *,
    acting_user: User,
    worker: User,
    held_on: dt.date,
    kind: str,
    personal: dict[str, str] | None = None,
    discussions: Sequence[dict[str, Any]] = (),
) -> Supervision:
    """A manager records a supervision session. Case supervision names each child
    discussed with the reflection, the decisions and any actions (owner, due date); the
    supervisor must be able to open each child's record."""
    _require(policy.manages_worker(acting_user, worker))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": ["The date cannot be in the future"]})
    if kind == SupervisionKind.CASE and not discussions:
        raise ValidationError({"person": ["Choose at least one child discussed"]})
    sup = Supervision(worker=worker, supervisor=acting_user, held_on=held_on, kind=kind)
    if kind == SupervisionKind.PERSONAL:
        for name, value in (personal or {}).items():
            if name in PERSONAL_FIELDS:
                setattr(sup, name, value.strip())
        if not any(getattr(sup, n) for n in PERSONAL_FIELDS):
            raise ValidationError({"workload": ["Record at least what was discussed"]})
    sup.full_clean()
    sup.save()
    # What was said in personal supervision stays out of the audit log (read by
    # auditors): the entry says who, whom and when, not the content.
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        event="workforce.supervision.create",
        obj=sup,
        data={"worker": worker.pk, "kind": kind, "held_on": held_on},
    )
    for item in discussions:
        person: Person = item["person"]
        if not policy.access_covers(acting_user, person.pk):
            raise ValidationError({"person": ["Choose a child whose record you can open"]})
        if not str(item.get("decisions", "")).strip():
            raise ValidationError({"decisions": ["Record the decisions"]})
        disc = CaseDiscussion.objects.create(
            supervision=sup,
            person=person,
            reflection=str(item.get("reflection", "")).strip(),
            decisions=str(item["decisions"]).strip(),
        )
        audit_change(actor=acting_user, obj=disc, before=None, person_id=person.pk)
        for action in item.get("actions", ()):
            act = SupervisionAction(
                discussion=disc,
                description=action["description"].strip(),
                owner=action["owner"],
                due_on=action["due_on"],
            )
            act.full_clean()
            act.save()
    return sup
