"""Every write for children in care: one function per action a person takes, each in a
transaction, permission-checked with `hearth.care.policy`, audited, and recomputing the
due dates it touches.

The SSDA903 episodes are derived, never typed: starting a period of care, changing the
legal status, moving the child, or both on one day, end the current `Episode` (REC X1,
with the reason for a placement change) and start the next with the right RNE:

    change                                   RNE
    started to be looked after               S
    legal status only                        L
    placement and carer                      P
    placement, same carer                    T
    legal status, placement and carer        B   (same day)
    legal status and placement, same carer   U   (same day)

A change dated before the current episode started would make episodes overlap and is
refused; so are a placement before care started, a code not valid on the day (code
lists in hearth/core/codelists/ssda903_*.toml) and a placement type that needs a
provider without one. `acting_user=None` is the system (the demo, an import).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hearth.audit.models import Action
from hearth.audit.services import audit_change, audit_record, snapshot
from hearth.care import policy
from hearth.care.models import (
    Adopter,
    AdopterApplication,
    Adoption,
    ApprovalStatus,
    CareLeaver,
    CareLeaverContact,
    Carer,
    CarerNotice,
    CareTask,
    EducationPlan,
    Episode,
    HealthAssessment,
    HealthKind,
    HealthYear,
    IROContact,
    LegalStatus,
    MissingEpisode,
    PeriodOfCare,
    Placement,
    PlacementDecision,
    PreviousPermanence,
    Review,
    StatutoryVisit,
    UASCStatus,
    VisitBasis,
)
from hearth.care.schedules import (
    Schedule,
    age_on,
    care_plan_schedule,
    health_schedule,
    pep_schedule,
    placement_plan_schedule,
    review_schedule,
    visit_schedule,
)
from hearth.core.codelists import codelist
from hearth.people.models import PersonKind
from hearth.timescales.calendar import add_months
from hearth.timescales.engine import Timescales, timescales

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.people.models import Person

# Placement types with no PLACE_PROVIDER (SSDA903 2025/26: temporary and "other").
NO_PROVIDER_PREFIXES = ("T", "Z")
# SSDA903 URN (csc-validator-be-903, lac2025_26 rules 218, 222 and 242): none for these
# types; "XXXXXXX" allowed only for fostering and adoption (A3-A6, U1-U6); every other
# type needs the setting's Ofsted URN.
NO_URN_TYPES = frozenset({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1",
                          "Z11", "Z12", "Z13", "Z14"})  # fmt: skip
URN_OPTIONAL_PREFIXES = ("A", "U")
# Rule 378: a child placed with parents (P1) is not accommodated under s20 (V2).
WITH_PARENTS = "P1"
S20 = "V2"
TEMPORARY_APPROVAL_WEEKS = 16
# Legal statuses that are care orders, for the reg 28 care-order visit.
CARE_ORDER = "C2"


# --- Checks ------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_edit(user: User | None, person_id: int) -> None:
    if user is not None:
        _require(policy.can_edit_care(user, person_id))


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def check_code(list_name: str, field: str, code: str, on: dt.date) -> None:
    """Refuse a code that is not in the list, or not valid on the day."""
    found = codelist(list_name).get(code)
    if found is None:
        raise ValidationError({field: [f"{code!r} is not a valid code"]})
    if not found.valid_on(on):
        raise ValidationError(
            {field: [f"{code} ({found.label}) is not a valid code on {_day(on)}"]}
        )


def _not_future(field: str, day: dt.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: ["The date cannot be in the future"]})


def _eighteenth(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # 29 February
        return born.replace(year=born.year + 18, day=28)


def needs_provider(placement_type: str) -> bool:
    return not placement_type.startswith(NO_PROVIDER_PREFIXES)


def _created(user: User | None, obj: Any) -> None:
    audit_change(actor=user, obj=obj, before=None, person_id=obj.person_id)


def _changed(user: User | None, obj: Any, before: dict[str, Any], event: str = "") -> None:
    audit_change(actor=user, obj=obj, before=before, person_id=obj.person_id, event=event or None)


# --- Placement facts ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementFacts:
    """What the worker says about a new placement; the rest comes from the carer."""

    placement_type: str
    carer: Carer | None = None
    provider_code: str = ""
    postcode: str = ""
    urn: str = ""
    intended_until_18: bool | None = None
    visit_basis: str = VisitBasis.STANDARD

    def resolved(self) -> PlacementFacts:
        """Fill the provider, postcode and URN from the carer where not given."""
        carer = self.carer
        if carer is None:
            return self
        return PlacementFacts(
            placement_type=self.placement_type,
            carer=carer,
            provider_code=self.provider_code or carer.provider_code,
            postcode=self.postcode or carer.postcode,
            urn=self.urn or carer.urn,
            intended_until_18=self.intended_until_18,
            visit_basis=self.visit_basis,
        )


def _check_placement(facts: PlacementFacts, on: dt.date) -> None:
    check_code("ssda903_placement_type", "placement_type", facts.placement_type, on)
    if needs_provider(facts.placement_type):
        if not facts.provider_code:
            label = codelist("ssda903_placement_type").label(facts.placement_type)
            raise ValidationError(
                {
                    "provider_code": [
                        f"A {facts.placement_type} placement ({label}) needs a placement "
                        "provider: choose the carer, or the provider (PR0 to PR5)"
                    ]
                }
            )
        check_code("ssda903_placement_provider", "provider_code", facts.provider_code, on)
    elif facts.provider_code:
        raise ValidationError(
            {"provider_code": [f"A {facts.placement_type} placement has no placement provider"]}
        )
    if (
        facts.placement_type not in NO_URN_TYPES
        and not facts.placement_type.startswith(URN_OPTIONAL_PREFIXES)
        and not facts.urn
    ):
        raise ValidationError(
            {"carer": [f"A {facts.placement_type} placement needs the setting's Ofsted URN: "
                       "choose the provider from the register"]}
        )  # fmt: skip
    carer = facts.carer
    if carer is not None and carer.approval_status in (
        ApprovalStatus.RESIGNED,
        ApprovalStatus.IN_ASSESSMENT,
    ):
        raise ValidationError({"carer": [f"{carer.name} is not approved to care for children"]})


def _new_placement(
    user: User | None, period: PeriodOfCare, facts: PlacementFacts, on: dt.date, same: bool
) -> Placement:
    placement = Placement(
        period=period,
        person_id=period.person_id,
        carer=facts.carer,
        placement_type=facts.placement_type,
        provider_code=facts.provider_code if needs_provider(facts.placement_type) else "",
        postcode=facts.postcode.upper().strip(),
        urn=facts.urn,
        start_date=on,
        same_carer=same,
        intended_until_18=facts.intended_until_18,
        visit_basis=facts.visit_basis,
        created_by=user,
    )
    placement.full_clean(exclude=["period", "person"])
    recompute_placement(placement)
    placement.save()
    if facts.carer is not None and not same:
        Carer.objects.filter(pk=facts.carer.pk, vacancies__gt=0).update(
            vacancies=F("vacancies") - 1
        )
    _created(user, placement)
    return placement


def _episode_values(period: PeriodOfCare, status: str, placement: Placement) -> dict[str, Any]:
    return {
        "legal_status": status,
        "category_of_need": period.category_of_need,
        "placement": placement,
        "placement_type": placement.placement_type,
        "placement_provider": placement.provider_code,
        "home_postcode": period.home_postcode,
        "placement_postcode": placement.postcode,
        "urn": episode_urn(placement.placement_type, placement.urn),
    }


def episode_urn(placement_type: str, urn: str) -> str:
    """The URN as the SSDA903 episode carries it (see NO_URN_TYPES)."""
    if placement_type in NO_URN_TYPES:
        return ""
    return urn or ("XXXXXXX" if placement_type.startswith(URN_OPTIONAL_PREFIXES) else "")


def _check_status_and_placement(status: str, placement_type: str, field: str) -> None:
    if status == S20 and placement_type == WITH_PARENTS:
        raise ValidationError(
            {
                field: [
                    "A child placed with parents (P1) cannot be accommodated under section 20 "
                    "(V2): placement with parents follows a care order"
                ]
            }
        )


# --- Starting and ending a period of care ----------------------------------------------


@transaction.atomic
def care_period_start(
    *,
    acting_user: User | None,
    person: Person,
    start_date: dt.date,
    legal_status: str,
    category_of_need: str,
    placement: PlacementFacts,
    home_postcode: str = "",
    previous_permanence: str = "",
    previous_permanence_la: str = "",
    previous_permanence_date: str = "",
    uasc: bool = False,
) -> PeriodOfCare:
    """The child starts to be looked after: the period, its first legal status, first
    placement and first episode (RNE S)."""
    _require_edit(acting_user, person.pk)
    _not_future("start_date", start_date)
    born = person.date_of_birth
    if born is not None and not born <= start_date < _eighteenth(born):
        raise ValidationError(
            {"start_date": ["A child is looked after from birth until their 18th birthday"]}
        )
    check_code("ssda903_legal_status", "legal_status", legal_status, start_date)
    check_code("primary_need", "category_of_need", category_of_need, start_date)
    if category_of_need in ("N9", "N0"):
        raise ValidationError({"category_of_need": ["Choose a category of need from N1 to N8"]})
    facts = placement.resolved()
    _check_placement(facts, start_date)
    _check_status_and_placement(legal_status, facts.placement_type, "legal_status")
    if previous_permanence:
        check_code(
            "ssda903_previous_permanence", "previous_permanence", previous_permanence, start_date
        )
    # One period at a time: lock the child's periods while checking.
    periods = PeriodOfCare.objects.select_for_update().filter(person=person)
    for other in periods:
        if other.end_date is None:
            raise ValidationError(
                {"start_date": [f"{person} is already in care (since {_day(other.start_date)})"]}
            )
        if start_date < other.end_date:
            raise ValidationError(
                {
                    "start_date": [
                        f"This overlaps the period of care from {_day(other.start_date)} to "
                        f"{_day(other.end_date)}"
                    ]
                }
            )
    period = PeriodOfCare(
        person=person,
        start_date=start_date,
        category_of_need=category_of_need,
        home_postcode=home_postcode.upper().strip(),
        created_by=acting_user,
    )
    period.full_clean(exclude=["person"])
    period.save()
    LegalStatus.objects.create(
        period=period,
        person=person,
        code=legal_status,
        start_date=start_date,
        recorded_by=acting_user,
    )
    first = _new_placement(acting_user, period, facts, start_date, same=False)
    Episode.objects.create(
        period=period,
        person=person,
        start_date=start_date,
        reason_new_episode="S",
        **_episode_values(period, legal_status, first),
    )
    if previous_permanence:
        PreviousPermanence.objects.create(
            period=period,
            person=person,
            code=previous_permanence,
            la_code=previous_permanence_la,
            date_text=previous_permanence_date,
        )
    if uasc:
        UASCStatus.objects.update_or_create(
            person=person, defaults={"started_on": start_date, "ceased_on": None}
        )
    recompute_period(period)
    period.save()
    _created(acting_user, period)
    _keep_casework_in_step(acting_user, person, period)
    return period


def _keep_casework_in_step(user: User | None, person: Person, period: PeriodOfCare) -> None:
    """The front door's "looked after" flag reads casework.LookedAfterPeriod; write it
    through the casework service (care_period_end ends it the same way)."""
    from hearth.casework.services import looked_after_period_record

    lap = looked_after_period_record(
        acting_user=None, person=person, start_date=period.start_date, end_date=period.end_date
    )
    PeriodOfCare.objects.filter(pk=period.pk).update(casework_period_id=lap.pk)
    period.casework_period_id = lap.pk


def _current(period: PeriodOfCare) -> tuple[Episode, LegalStatus, Placement]:
    episode = (
        Episode.objects.select_for_update()
        .select_related("placement")
        .filter(period=period, end_date__isnull=True)
        .get()
    )
    status = LegalStatus.objects.filter(period=period, end_date__isnull=True).get()
    return episode, status, episode.placement


def _check_change_date(period: PeriodOfCare, episode: Episode, on: dt.date, field: str) -> None:
    if not period.is_open:
        raise ValidationError("This period of care has ended: start a new one")
    if on < period.start_date:
        raise ValidationError(
            {field: [f"The child started to be looked after on {_day(period.start_date)}"]}
        )
    if on < episode.start_date:
        raise ValidationError(
            {
                field: [
                    f"A change on {_day(on)} would overlap the episode that started on "
                    f"{_day(episode.start_date)}: changes are recorded in date order"
                ]
            }
        )
    _not_future(field, on)


def _next_rne(current: Episode, *, status_changed: bool, placement: Placement | None) -> str:
    """The RNE of an episode starting the day of `current`'s start, after another change
    that same day (changes on one day make one episode)."""
    placed = placement is not None or current.reason_new_episode in "PTBU"
    legal = status_changed or current.reason_new_episode in "LBU"
    if current.reason_new_episode == "S":
        return "S"
    if placed and legal:
        same = placement.same_carer if placement is not None else current.placement.same_carer
        return "U" if same else "B"
    if legal:
        return "L"
    same = placement.same_carer if placement is not None else current.placement.same_carer
    return "T" if same else "P"


def _start_episode(
    period: PeriodOfCare,
    current: Episode,
    on: dt.date,
    *,
    status: str,
    placement: Placement,
    new_status: bool,
    new_placement: Placement | None,
    reason_place_change: str,
) -> Episode:
    values = _episode_values(period, status, placement)
    if current.start_date == on:
        current.reason_new_episode = _next_rne(
            current, status_changed=new_status, placement=new_placement
        )
        for key, value in values.items():
            setattr(current, key, value)
        current.save()
        if new_placement is not None and reason_place_change:
            # The episode this one replaced the same day ended for this reason.
            Episode.objects.filter(period=period, end_date=on, reason_ceased="X1").update(
                reason_place_change=reason_place_change
            )
        return current
    current.end_date = on
    current.reason_ceased = "X1"
    current.reason_place_change = reason_place_change if new_placement is not None else ""
    current.save(update_fields=["end_date", "reason_ceased", "reason_place_change"])
    if new_status and new_placement is not None:
        rne = "U" if new_placement.same_carer else "B"
    elif new_status:
        rne = "L"
    else:
        assert new_placement is not None
        rne = "T" if new_placement.same_carer else "P"
    return Episode.objects.create(
        period=period,
        person_id=period.person_id,
        start_date=on,
        reason_new_episode=rne,
        **values,
    )


@transaction.atomic
def legal_status_change(
    *, acting_user: User | None, period: PeriodOfCare, code: str, on: dt.date
) -> Episode:
    """A new legal status from `on` (a care order made, s20 ended by an order)."""
    _require_edit(acting_user, period.person_id)
    episode, status, placement = _current(period)
    _check_change_date(period, episode, on, "on")
    check_code("ssda903_legal_status", "code", code, on)
    _check_status_and_placement(code, placement.placement_type, "code")
    if code == status.code:
        raise ValidationError({"code": [f"The child's legal status is already {code}"]})
    if status.start_date == on:
        status.code = code
        status.save(update_fields=["code"])
    else:
        status.end_date = on
        status.save(update_fields=["end_date"])
        LegalStatus.objects.create(
            period=period, person_id=period.person_id, code=code, start_date=on,
            recorded_by=acting_user,
        )  # fmt: skip
    new = _start_episode(
        period, episode, on, status=code, placement=placement, new_status=True,
        new_placement=None, reason_place_change="",
    )  # fmt: skip
    if code == CARE_ORDER and placement.visit_basis == VisitBasis.WITH_PARENTS_CARE_ORDER:
        placement_recompute_and_save(placement)
    audit_change(
        actor=acting_user, obj=new, before=None, person_id=period.person_id,
        event="care.legal_status_changed",
    )  # fmt: skip
    return new


@transaction.atomic
def placement_change(
    *,
    acting_user: User | None,
    period: PeriodOfCare,
    on: dt.date,
    placement: PlacementFacts,
    reason: str,
    legal_status: str = "",
) -> Placement:
    """The child moves (or the placement changes type with the same carer) on `on`;
    with `legal_status`, the legal status changes the same day (RNE B or U)."""
    _require_edit(acting_user, period.person_id)
    episode, status, old = _current(period)
    _check_change_date(period, episode, on, "on")
    check_code("ssda903_reason_place_change", "reason", reason, on)
    facts = placement.resolved()
    _check_placement(facts, on)
    new_status = bool(legal_status) and legal_status != status.code
    if new_status:
        check_code("ssda903_legal_status", "legal_status", legal_status, on)
    _check_status_and_placement(legal_status or status.code, facts.placement_type, "placement_type")
    same = facts.carer is not None and old.carer_id == facts.carer.pk
    if same and facts.placement_type == old.placement_type:
        raise ValidationError(
            {"placement_type": ["The child already lives here under this placement type"]}
        )
    before = snapshot(old)
    old.end_date = on
    old.end_reason = reason
    old.save(update_fields=["end_date", "end_reason"])
    if old.carer_id and not same:
        carer = Carer.objects.select_for_update().get(pk=old.carer_id)
        if carer.vacancies < carer.places:
            carer.vacancies += 1
            carer.save(update_fields=["vacancies"])
    CareTask.objects.filter(placement=old, done_on__isnull=True).update(done_on=on)
    _changed(acting_user, old, before, "care.placement_ended")
    new = _new_placement(acting_user, period, facts, on, same=same)
    code = status.code
    if new_status:
        if status.start_date == on:
            status.code = legal_status
            status.save(update_fields=["code"])
        else:
            status.end_date = on
            status.save(update_fields=["end_date"])
            LegalStatus.objects.create(
                period=period, person_id=period.person_id, code=legal_status, start_date=on,
                recorded_by=acting_user,
            )  # fmt: skip
        code = legal_status
    _start_episode(
        period, episode, on, status=code, placement=new, new_status=new_status,
        new_placement=new, reason_place_change=reason,
    )  # fmt: skip
    return new


@transaction.atomic
def care_period_end(
    *, acting_user: User | None, period: PeriodOfCare, on: dt.date, reason: str
) -> PeriodOfCare:
    """The child ceases to be looked after on `on` for `reason` (SSDA903 REC)."""
    _require_edit(acting_user, period.person_id)
    episode, status, placement = _current(period)
    _check_change_date(period, episode, on, "on")
    if reason == "X1":
        raise ValidationError({"reason": ["X1 is for a new episode, not for leaving care"]})
    check_code("ssda903_reason_ceased", "reason", reason, on)
    before = snapshot(period)
    episode.end_date = on
    episode.reason_ceased = reason
    episode.save(update_fields=["end_date", "reason_ceased"])
    status.end_date = on
    status.save(update_fields=["end_date"])
    placement.end_date = on
    placement.save(update_fields=["end_date"])
    if placement.carer_id:
        carer = Carer.objects.select_for_update().get(pk=placement.carer_id)
        if carer.vacancies < carer.places:
            carer.vacancies += 1
            carer.save(update_fields=["vacancies"])
    CareTask.objects.filter(person_id=period.person_id, done_on__isnull=True).update(done_on=on)
    period.end_date = on
    period.reason_ceased = reason
    period.version += 1
    period.save(update_fields=["end_date", "reason_ceased", "version"])
    _changed(acting_user, period, before, "care.period_ended")
    if period.casework_period_id:
        from hearth.casework.services import looked_after_period_end

        looked_after_period_end(acting_user=None, period_id=period.casework_period_id, end_date=on)
    return period


# --- Due dates ---------------------------------------------------------------------------


def _store(obj: Any, field: str, schedule: Schedule) -> None:
    setattr(obj, field, schedule.due)


def recompute_placement(placement: Placement, ts: Timescales | None = None) -> None:
    """Set the placement plan and reg 28 visit due dates from the placement's facts."""
    ts = ts or timescales()
    period = placement.period
    plan = placement_plan_schedule(placement_start=placement.start_date, ts=ts)
    placement.placement_plan_due_on = None if placement.placement_plan_on else plan.due
    first_review = (
        Review.objects.filter(period_id=period.pk)
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .first()
        if period.pk
        else None
    )
    care_order_on = None
    if placement.visit_basis == VisitBasis.WITH_PARENTS_CARE_ORDER and period.pk:
        care_order_on = (
            LegalStatus.objects.filter(period_id=period.pk, code=CARE_ORDER)
            .order_by("start_date")
            .values_list("start_date", flat=True)
            .first()
        )
    visit = visit_schedule(
        placement_start=placement.start_date,
        basis=placement.visit_basis,
        intended_until_18=placement.intended_until_18,
        last_visit=placement.last_visit_on,
        first_review_on=first_review,
        care_order_on=care_order_on,
        ts=ts,
    )
    placement.visit_due_on = visit.due if placement.end_date is None else None
    placement.visit_problem = visit.explanation


def placement_recompute_and_save(placement: Placement) -> None:
    recompute_placement(placement)
    placement.save(update_fields=["placement_plan_due_on", "visit_due_on", "visit_problem"])


def recompute_period(period: PeriodOfCare, ts: Timescales | None = None) -> None:
    """Set the care plan, review, health and PEP due dates from the period's facts."""
    ts = ts or timescales()
    if period.end_date is not None:
        period.care_plan_due_on = period.review_due_on = None
        period.health_assessment_due_on = period.pep_due_on = None
        return
    first_placement = (
        Placement.objects.filter(period_id=period.pk)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
        or period.start_date
    )
    period.care_plan_due_on = (
        None
        if period.care_plan_on
        else care_plan_schedule(first_placement=first_placement, ts=ts).due
    )
    reviews = list(
        Review.objects.filter(period_id=period.pk)
        .order_by("held_on")
        .values_list("held_on", flat=True)
    )
    period.reviews_held = len(reviews)
    period.last_review_on = reviews[-1] if reviews else None
    period.review_due_on = review_schedule(
        care_started=period.start_date,
        reviews_held=len(reviews),
        first_review_on=reviews[0] if reviews else None,
        last_review_on=period.last_review_on,
        ts=ts,
    ).due
    last_health = (
        HealthAssessment.objects.filter(
            period_id=period.pk, kind__in=[HealthKind.INITIAL, HealthKind.REVIEW]
        )
        .order_by("-done_on")
        .values_list("done_on", flat=True)
        .first()
    )
    period.health_assessment_due_on = health_schedule(
        care_started=period.start_date,
        date_of_birth=period.person.date_of_birth,
        last_assessment=last_health,
        ts=ts,
    ).due
    last_pep = (
        EducationPlan.objects.filter(period_id=period.pk)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    period.pep_due_on = pep_schedule(care_started=period.start_date, last_pep=last_pep, ts=ts).due


DUE_FIELDS = [
    "care_plan_due_on", "review_due_on", "health_assessment_due_on", "pep_due_on",
    "reviews_held", "last_review_on",
]  # fmt: skip


def period_recompute_and_save(period: PeriodOfCare) -> None:
    recompute_period(period)
    period.save(update_fields=DUE_FIELDS)


# --- Reviews, visits, plans ------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    acting_user: User | None,
    period: PeriodOfCare,
    held_on: dt.date,
    participation: str,
    chair: User | None,
    child_views: str = "",
    decisions: str = "",
) -> Review:
    """A looked-after review held (reg 33); the next one is due from it."""
    if acting_user is not None:
        _require(policy.can_review(acting_user, period.person_id))
    _not_future("held_on", held_on)
    if held_on < period.start_date:
        raise ValidationError(
            {"held_on": [f"The child started to be looked after on {_day(period.start_date)}"]}
        )
    if period.end_date and held_on > period.end_date:
        raise ValidationError({"held_on": ["The review must be held while the child is in care"]})
    check_code("ssda903_review_participation", "participation", participation, held_on)
    dob = period.person.date_of_birth
    if dob is not None:
        under_4 = age_on(dob, held_on) < 4
        if participation == "PN0" and not under_4:
            raise ValidationError({"participation": ["PN0 is only for a child under 4"]})
        if under_4 and participation != "PN0":
            raise ValidationError({"participation": ["A child under 4 is recorded as PN0"]})
    if Review.objects.filter(period=period, held_on=held_on).exists():
        raise ValidationError({"held_on": ["A review is already recorded on this day"]})
    review = Review(
        period=period,
        person_id=period.person_id,
        held_on=held_on,
        participation=participation,
        chair=chair,
        child_views=child_views,
        decisions=decisions,
        recorded_by=acting_user,
    )
    review.save()
    period_recompute_and_save(period)
    review.next_due_on = period.review_due_on
    review.save(update_fields=["next_due_on"])
    for placement in Placement.objects.filter(period=period, end_date__isnull=True):
        placement_recompute_and_save(placement)
    _created(acting_user, review)
    return review


@transaction.atomic
def iro_contact_record(
    *, acting_user: User | None, period: PeriodOfCare, contact_on: dt.date, notes: str = ""
) -> IROContact:
    if acting_user is not None:
        _require(policy.can_review(acting_user, period.person_id))
    _not_future("contact_on", contact_on)
    contact = IROContact.objects.create(
        period=period, person_id=period.person_id, contact_on=contact_on, officer=acting_user,
        notes=notes,
    )  # fmt: skip
    _created(acting_user, contact)
    return contact


@transaction.atomic
def visit_record(
    *,
    acting_user: User | None,
    placement: Placement,
    visited_on: dt.date,
    seen: bool = True,
    seen_alone: bool = False,
    child_views: str = "",
    notes: str = "",
) -> StatutoryVisit:
    """A statutory visit; the next is due from it by the placement's reg 28 pattern."""
    _require_edit(acting_user, placement.person_id)
    _not_future("visited_on", visited_on)
    if visited_on < placement.start_date or (
        placement.end_date and visited_on > placement.end_date
    ):
        raise ValidationError({"visited_on": ["The visit must be during the placement"]})
    if seen_alone and not seen:
        raise ValidationError({"seen_alone": ["A child seen alone was seen"]})
    visit = StatutoryVisit.objects.create(
        placement=placement, person_id=placement.person_id, visited_on=visited_on, seen=seen,
        seen_alone=seen_alone, child_views=child_views, notes=notes, visited_by=acting_user,
    )  # fmt: skip
    if seen and (placement.last_visit_on is None or visited_on > placement.last_visit_on):
        placement.last_visit_on = visited_on
        placement.save(update_fields=["last_visit_on"])
        placement_recompute_and_save(placement)
    _created(acting_user, visit)
    return visit


@transaction.atomic
def placement_facts_update(
    *,
    acting_user: User | None,
    placement: Placement,
    intended_until_18: bool | None,
    visit_basis: str,
    placement_plan_on: dt.date | None = None,
) -> Placement:
    """The facts the visit schedule depends on, and the placement plan date."""
    _require_edit(acting_user, placement.person_id)
    if visit_basis not in VisitBasis.values:
        raise ValidationError({"visit_basis": ["Choose a visiting pattern"]})
    before = snapshot(placement)
    placement.intended_until_18 = intended_until_18
    placement.visit_basis = visit_basis
    if placement_plan_on is not None:
        placement.placement_plan_on = placement_plan_on
    recompute_placement(placement)
    placement.save()
    _changed(acting_user, placement, before)
    return placement


@transaction.atomic
def care_plan_record(
    *, acting_user: User | None, period: PeriodOfCare, made_on: dt.date, permanence_plan: str
) -> PeriodOfCare:
    _require_edit(acting_user, period.person_id)
    _not_future("made_on", made_on)
    before = snapshot(period)
    period.care_plan_on = made_on
    period.permanence_plan = permanence_plan
    period.full_clean(exclude=["person"])
    recompute_period(period)
    period.save()
    _changed(acting_user, period, before)
    return period


@transaction.atomic
def health_record(
    *,
    acting_user: User | None,
    period: PeriodOfCare,
    kind: str,
    done_on: dt.date,
    sdq_score: int | None = None,
    notes: str = "",
) -> HealthAssessment:
    _require_edit(acting_user, period.person_id)
    _not_future("done_on", done_on)
    if kind not in HealthKind.values:
        raise ValidationError({"kind": ["Choose what was done"]})
    if kind == HealthKind.SDQ:
        if sdq_score is None or not 0 <= sdq_score <= 40:
            raise ValidationError({"sdq_score": ["An SDQ score is from 0 to 40"]})
        dob = period.person.date_of_birth
        if dob and not 4 <= age_on(dob, done_on) <= 16:
            raise ValidationError({"sdq_score": ["The SDQ is for children aged 4 to 16"]})
    row = HealthAssessment.objects.create(
        period=period, person_id=period.person_id, kind=kind, done_on=done_on,
        sdq_score=sdq_score, notes=notes, recorded_by=acting_user,
    )  # fmt: skip
    period_recompute_and_save(period)
    _created(acting_user, row)
    return row


@transaction.atomic
def pep_record(
    *,
    acting_user: User | None,
    period: PeriodOfCare,
    held_on: dt.date,
    school: str = "",
    upn: str = "",
    notes: str = "",
) -> EducationPlan:
    _require_edit(acting_user, period.person_id)
    _not_future("held_on", held_on)
    row = EducationPlan.objects.create(
        period=period, person_id=period.person_id, held_on=held_on, school=school, upn=upn,
        notes=notes, recorded_by=acting_user,
    )  # fmt: skip
    period_recompute_and_save(period)
    _created(acting_user, row)
    return row


# --- Carers, notice and placement decisions ---------------------------------------------


@transaction.atomic
def carer_notice_record(
    *,
    acting_user: User | None,
    placement: Placement,
    given_on: dt.date,
    reason: str,
    notice_days: int = 28,
    details: str = "",
) -> CarerNotice:
    """The carer gives notice on the placement: a placement-move task is due the day
    the notice runs out."""
    _require_edit(acting_user, placement.person_id)
    _not_future("given_on", given_on)
    if not placement.is_open:
        raise ValidationError("This placement has ended")
    if given_on < placement.start_date:
        raise ValidationError({"given_on": ["Notice cannot be given before the placement began"]})
    if reason not in ("CREQB", "CREQO", "CLOSE"):
        raise ValidationError({"reason": ["Choose why the carer gave notice"]})
    if not 0 <= notice_days <= 365:
        raise ValidationError({"notice_days": ["The notice period is from 0 to 365 days"]})
    ends_on = given_on + dt.timedelta(days=notice_days)
    notice = CarerNotice.objects.create(
        placement=placement, person_id=placement.person_id, given_on=given_on, reason=reason,
        notice_days=notice_days, ends_on=ends_on, details=details, recorded_by=acting_user,
    )  # fmt: skip
    CareTask.objects.create(
        person_id=placement.person_id,
        kind=CareTask.Kind.PLACEMENT_MOVE,
        title="Find a new placement: the carer has given notice",
        due_on=ends_on,
        placement=placement,
        assigned_to=acting_user,
    )
    _created(acting_user, notice)
    return notice


@transaction.atomic
def carer_save(
    *, acting_user: User | None, carer: Carer, expected_version: int | None = None
) -> Carer:
    """Add a carer or provider to the register, or update one."""
    if acting_user is not None:
        _require(policy.can_edit_register(acting_user))
    check_code(
        "ssda903_placement_provider", "provider_code", carer.provider_code, timezone.localdate()
    )
    carer.postcode = carer.postcode.upper().strip()
    if carer.approval_status == ApprovalStatus.TEMPORARY and carer.temporary_approval_until is None:
        # A connected person's temporary approval lasts up to 16 weeks (SI 2010/959
        # reg 25, extendable once by up to 8 weeks) [recall: statutory.md section 5].
        start = carer.approved_on or timezone.localdate()
        carer.approved_on = start
        carer.temporary_approval_until = start + dt.timedelta(weeks=TEMPORARY_APPROVAL_WEEKS)
    carer.full_clean(exclude=["related_person"])
    if carer.pk is None:
        carer.save()
        audit_change(actor=acting_user, obj=carer, before=None, person_id=None)
    else:
        before = snapshot(Carer.objects.get(pk=carer.pk))
        fields = [
            f.attname for f in carer._meta.concrete_fields if f.attname not in ("id", "version")
        ]
        carer.save_versioned(expected_version=expected_version or carer.version, fields=fields)
        audit_change(actor=acting_user, obj=carer, before=before, person_id=None)
    return carer


@transaction.atomic
def placement_decision_record(
    *,
    acting_user: User | None,
    period: PeriodOfCare,
    reasons: str,
    carer: Carer | None = None,
    kin_person: Person | None = None,
    ranking: list[dict[str, Any]] | None = None,
) -> PlacementDecision:
    """The fostering team's decision after a placement search, and why."""
    _require_edit(acting_user, period.person_id)
    if not reasons.strip():
        raise ValidationError({"reasons": ["Say why this placement was chosen"]})
    if carer is None and kin_person is None:
        raise ValidationError({"carer": ["Choose a carer, provider or family member"]})
    decision = PlacementDecision.objects.create(
        period=period, person_id=period.person_id, carer=carer, kin_person=kin_person,
        reasons=reasons.strip(), ranking=ranking or [], decided_by=acting_user,
    )  # fmt: skip
    _created(acting_user, decision)
    return decision


# --- Missing episodes -----------------------------------------------------------------


@transaction.atomic
def missing_record(
    *,
    acting_user: User | None,
    period: PeriodOfCare,
    kind: str,
    started_at: dt.datetime,
    ended_at: dt.datetime | None = None,
    interview_offered_at: dt.datetime | None = None,
    interview_accepted: bool | None = None,
    notes: str = "",
) -> MissingEpisode:
    """A missing or away episode; on return, a return home interview is due within 72
    hours (a task until it is offered)."""
    _require_edit(acting_user, period.person_id)
    check_code("ssda903_missing", "kind", kind, timezone.localdate(started_at))
    if started_at > timezone.now():
        raise ValidationError({"started_at": ["The start cannot be in the future"]})
    if timezone.localdate(started_at) < period.start_date:
        raise ValidationError({"started_at": ["The child was not yet in care"]})
    if ended_at is not None and ended_at < started_at:
        raise ValidationError({"ended_at": ["The child returned after they went missing"]})
    # One episode at a time (SSDA903 rule 574): none open, none overlapping.
    others = MissingEpisode.objects.select_for_update().filter(person_id=period.person_id)
    for other in others:
        other_end = other.ended_at
        if other_end is None or (
            other.started_at <= (ended_at or started_at) and started_at <= other_end
        ):
            raise ValidationError(
                {"started_at": [
                    "This overlaps another missing or away episode"
                    + ("" if other_end else " that has no end yet: record the return first")
                ]}
            )  # fmt: skip
    row = MissingEpisode(
        period=period, person_id=period.person_id, kind=kind, started_at=started_at,
        ended_at=ended_at, interview_offered_at=interview_offered_at,
        interview_accepted=interview_accepted, notes=notes, recorded_by=acting_user,
    )  # fmt: skip
    if ended_at is not None:
        due = timescales().due_date("care.missing.return_interview", ended_at)
        row.interview_due_at = due.at
    row.save()
    if row.interview_due_at and interview_offered_at is None:
        CareTask.objects.create(
            person_id=period.person_id,
            kind=CareTask.Kind.RETURN_INTERVIEW,
            title="Offer a return home interview",
            due_on=timezone.localdate(row.interview_due_at),
            due_at=row.interview_due_at,
            assigned_to=acting_user,
        )
    _created(acting_user, row)
    return row


# --- Adoption, UASC, care leavers ------------------------------------------------------


ADOPTION_STEPS = (
    ("should_be_placed_on", "the decision that the child should be placed"),
    ("placement_order_on", "the placement order"),
    ("matched_on", "matching"),
    ("placed_on", "placement for adoption"),
    ("adoption_order_on", "the adoption order"),
)
# SSDA903 SEX_ADOPTR from the adopters' recorded sexes (one adopter: M1 or F1; two:
# MM, FF or MF), so a worker who has linked the family need not choose it.
ADOPTER_SEX = {("M",): "M1", ("F",): "F1", ("M", "M"): "MM", ("F", "F"): "FF",
               ("F", "M"): "MF"}  # fmt: skip


def _in_order(row: Any, steps: tuple[tuple[str, str], ...]) -> None:
    """Refuse a journey whose dates are in the future or out of order, naming both."""
    previous: tuple[dt.date, str] | None = None
    for field, label in steps:
        day = getattr(row, field)
        if day is None:
            continue
        _not_future(field, day)
        if previous and day < previous[0]:
            raise ValidationError({field: [f"The date of {label} is before {previous[1]}"]})
        previous = (day, label)


def _check_family(row: Adoption, family: AdopterApplication) -> None:
    """A child is matched with a family that was approved by then and had not left."""
    if family.approved_on is None:
        raise ValidationError(
            {"family": [f"Adopters {family.reference} are not approved yet: record approval first"]}
        )
    matched = row.matched_on or row.placed_on
    if matched is not None and matched < family.approved_on:
        raise ValidationError(
            {"family": [f"Adopters {family.reference} were approved on "
                        f"{_day(family.approved_on)}, after the match"]}
        )  # fmt: skip
    if family.left_on is not None and (matched is None or family.left_on <= matched):
        raise ValidationError(
            {"family": [f"Adopters {family.reference} left the adoption process on "
                        f"{_day(family.left_on)}"]}
        )  # fmt: skip


def _follow_child(
    acting_user: User | None, row: Adoption, family: AdopterApplication, *, dates: bool = True
) -> None:
    """The family's own journey (Annex A list 11) takes the child's match, placement and
    order dates where it has none yet (`dates`), and counts the children placed there."""
    before = snapshot(family)
    changed = False
    for field in ("matched_on", "placed_on", "adoption_order_on") if dates else ():
        day = getattr(row, field)
        if day is not None and getattr(family, field) is None:
            setattr(family, field, day)
            changed = True
    placed = family.child_adoptions.filter(placed_on__isnull=False, reversed_on__isnull=True)
    count = placed.count() or None
    if family.children_placed != count:
        family.children_placed = count
        changed = True
    if changed:
        _in_order(family, ADOPTER_STEPS)
        family.save()
        audit_change(actor=acting_user, obj=family, before=before, person_id=None)


@transaction.atomic
def adoption_record(
    *,
    acting_user: User | None,
    period: PeriodOfCare,
    should_be_placed_on: dt.date,
    values: dict[str, Any] | None = None,
) -> Adoption:
    """The adoption record for a period; `values` sets the later dates and codes, and
    `family` (an AdopterApplication) links the adopters the child is matched with."""
    _require_edit(acting_user, period.person_id)
    values = values or {}
    row = Adoption.objects.filter(period=period, reversed_on__isnull=True).first() or Adoption(
        period=period, person_id=period.person_id
    )
    before = snapshot(row) if row.pk else None
    was_with = row.family if row.pk else None
    row.should_be_placed_on = should_be_placed_on
    for key, value in values.items():
        setattr(row, key, value)
    _in_order(row, ADOPTION_STEPS)
    if row.reversed_on:
        if not row.reversed_reason:
            raise ValidationError({"reversed_reason": ["Say why (RD1 to RD4)"]})
        check_code(
            "ssda903_reason_placed_ceased", "reversed_reason", row.reversed_reason, row.reversed_on
        )
    family = row.family
    if family is not None:
        _check_family(row, family)
        row.adopters = family.household or row.adopters
        sexes = tuple(sorted(family.adopters.values_list("person__sex", flat=True)))
        if not row.adopter_sex and sexes in ADOPTER_SEX:
            row.adopter_sex = ADOPTER_SEX[sexes]
        if row.number_of_adopters is None and sexes:
            row.number_of_adopters = len(sexes)
    for field, list_name in (
        ("adopter_sex", "ssda903_adopter_sex"),
        ("adopter_legal_status", "ssda903_adopter_legal_status"),
    ):
        if getattr(row, field):
            check_code(list_name, field, getattr(row, field), should_be_placed_on)
    row.save()
    audit_change(actor=acting_user, obj=row, before=before, person_id=period.person_id)
    if family is not None:
        _follow_child(acting_user, row, family)
    if was_with is not None and was_with != family:
        _follow_child(acting_user, row, was_with, dates=False)  # the child no longer counts
    return row


@transaction.atomic
def uasc_cease(*, acting_user: User | None, person: Person, on: dt.date) -> UASCStatus:
    _require_edit(acting_user, person.pk)
    row = UASCStatus.objects.get(person=person)
    if on < row.started_on:
        raise ValidationError({"on": ["UASC status cannot end before it started"]})
    row.ceased_on = on
    row.save(update_fields=["ceased_on"])
    return row


@transaction.atomic
def care_leaver_record(
    *,
    acting_user: User | None,
    person: Person,
    eligibility: str,
    personal_adviser: User | None = None,
    pathway_plan_on: dt.date | None = None,
    left_care_on: dt.date | None = None,
) -> CareLeaver:
    """A young person's leaving care record. The category follows the Children (Leaving
    Care) Act 2000 as Annex A list 9 uses it: eligible (16 or 17 and in care), relevant
    (16 or 17 and left care after their 16th birthday), former relevant (18 or more);
    qualifying needs 16 or more. The 13 weeks in care from 14 are the worker's to judge."""
    _require_edit(acting_user, person.pk)
    _check_eligibility(person, eligibility, left_care_on)
    existing = CareLeaver.objects.filter(person=person).first()
    before = snapshot(existing) if existing else None
    row = existing or CareLeaver(person=person)
    row.eligibility = eligibility
    row.personal_adviser = personal_adviser
    row.pathway_plan_on = pathway_plan_on
    row.left_care_on = left_care_on
    if pathway_plan_on:
        # A pathway plan is reviewed at least every 6 months (SI 2010/959 reg 43 via
        # the Care Leavers (England) Regulations 2010 reg 7) [recall].
        row.pathway_review_due_on = add_months(pathway_plan_on, 6)
    row.full_clean(exclude=["person", "personal_adviser"])
    row.save()
    audit_change(actor=acting_user, obj=row, before=before, person_id=person.pk)
    return row


def _check_eligibility(person: Person, eligibility: str, left_care_on: dt.date | None) -> None:
    today = timezone.localdate()
    born = person.date_of_birth
    if born is None:
        raise ValidationError({"eligibility": ["Record their date of birth first"]})
    age = age_on(born, today)
    sixteenth = add_months(born, 16 * 12)
    in_care = PeriodOfCare.objects.filter(person=person, end_date__isnull=True).exists()
    problem = ""
    if eligibility == "eligible" and not (16 <= age < 18 and in_care):
        problem = "Eligible young people are 16 or 17 and still in care"
    elif eligibility == "relevant":
        if not 16 <= age < 18:
            problem = "Relevant young people are 16 or 17"
        elif left_care_on is None or left_care_on < sixteenth or in_care:
            problem = "Relevant young people left care after their 16th birthday: give the date"
    elif eligibility == "former_relevant" and age < 18:
        problem = "Former relevant young people are 18 or over"
    elif eligibility == "qualifying" and age < 16:
        problem = "Qualifying young people are 16 or over"
    if problem:
        raise ValidationError({"eligibility": [problem]})


# OC3 ACCOM: the letter and 1 (suitable) or 2 (not); no fixed abode (S) and custody (X)
# are never suitable (csc-validator-be-903 rule 133 lists S2 and X2 only).
NEVER_SUITABLE = frozenset({"S", "X"})


def oc3_accommodation(letter: str, suitable: bool) -> str:
    return f"{letter}{2 if letter in NEVER_SUITABLE or not suitable else 1}"


@transaction.atomic
def care_leaver_contact_record(
    *,
    acting_user: User | None,
    person: Person,
    birthday: int,
    contact_on: dt.date,
    in_touch: str,
    activity: str = "",
    accommodation: str = "",
    suitable: bool | None = None,
) -> CareLeaverContact:
    """Contact around the young person's birthday (OC3). Activity and accommodation are
    asked only when in touch (IN_TOUCH YES, or REFU/NREQ may carry them blank)."""
    _require_edit(acting_user, person.pk)
    if birthday not in (17, 18, 19, 20, 21):
        raise ValidationError({"birthday": ["Contact is recorded for birthdays 17 to 21"]})
    check_code("ssda903_oc3_in_touch", "in_touch", in_touch, contact_on)
    if in_touch == "YES" and (not activity or not accommodation or suitable is None):
        raise ValidationError(
            "In touch: record their activity, accommodation and whether it is suitable"
        )
    if in_touch != "YES":
        # Not in touch: activity and accommodation are coded "0" (rule 153).
        activity, accom = "0", "0"
    else:
        check_code("ssda903_oc3_activity", "activity", activity, contact_on)
        check_code("ssda903_oc3_accommodation", "accommodation", accommodation, contact_on)
        accom = oc3_accommodation(accommodation, bool(suitable))
    row, _ = CareLeaverContact.objects.update_or_create(
        person=person,
        birthday=birthday,
        defaults={
            "contact_on": contact_on,
            "in_touch": in_touch,
            "activity": activity,
            "accommodation": accom,
            "recorded_by": acting_user,
        },
    )
    return row


# --- OC2 (health and offending, children looked after 12 months at 31 March) -----------


@transaction.atomic
def health_year_record(
    *,
    acting_user: User | None,
    person: Person,
    year_ending: dt.date,
    convicted: bool | None = None,
    substance_misuse: bool | None = None,
    intervention_received: bool | None = None,
    intervention_offered: bool | None = None,
    sdq_reason: str = "",
) -> HealthYear:
    """The child's SSDA903 OC2 row for the year to `year_ending` (31 March). The health
    items come from what was recorded in the year (a health assessment, a dental check,
    immunisations up to date, the latest SDQ score); the worker gives the rest. Nobody
    types a date Hearth already holds."""
    _require_edit(acting_user, person.pk)
    if (year_ending.month, year_ending.day) != (3, 31):
        raise ValidationError({"year_ending": ["The OC2 year ends on 31 March"]})
    start = dt.date(year_ending.year - 1, 4, 1)
    done = {
        kind: [(d, score) for d, score in rows]
        for kind, rows in _health_in(person.pk, start, year_ending).items()
    }
    age = age_on(person.date_of_birth, year_ending) if person.date_of_birth else None
    sdq = done.get(HealthKind.SDQ, [])
    score = sdq[-1][1] if sdq else None
    if score is None and sdq_reason:
        check_code("ssda903_sdq_reason", "sdq_reason", sdq_reason, year_ending)
    if intervention_received and intervention_offered is not None:
        raise ValidationError(
            {"intervention_offered": ["Leave this blank when an intervention was received"]}
        )
    if substance_misuse is False and (intervention_received or intervention_offered):
        raise ValidationError({"substance_misuse": ["An intervention implies a problem"]})
    row, _ = HealthYear.objects.update_or_create(
        person=person,
        year_ending=year_ending,
        defaults={
            "sdq_score": score,
            "sdq_reason": "" if score is not None else sdq_reason,
            "convicted": convicted if age is None or age >= 10 else None,
            "health_check": bool(done.get(HealthKind.REVIEW) or done.get(HealthKind.INITIAL))
            if age is not None and age < 5
            else None,
            "immunisations": bool(done.get(HealthKind.IMMUNISATIONS)),
            "teeth_check": bool(done.get(HealthKind.DENTAL)),
            "health_assessment": bool(done.get(HealthKind.REVIEW) or done.get(HealthKind.INITIAL)),
            "substance_misuse": substance_misuse,
            "intervention_received": intervention_received,
            "intervention_offered": intervention_offered,
        },
    )
    audit_change(actor=acting_user, obj=row, before=None, person_id=person.pk)
    return row


def _health_in(
    person_id: int, start: dt.date, end: dt.date
) -> dict[str, list[tuple[dt.date, int | None]]]:
    found: dict[str, list[tuple[dt.date, int | None]]] = {}
    rows = HealthAssessment.objects.filter(
        person_id=person_id, done_on__gte=start, done_on__lte=end
    ).order_by("done_on")
    for kind, day, score in rows.values_list("kind", "done_on", "sdq_score"):
        found.setdefault(kind, []).append((day, score))
    return found


# --- Adopters (Annex A list 11) ------------------------------------------------------------

ADOPTER_STEPS = (
    ("enquiry_on", "the enquiry"),
    ("stage1_started_on", "stage 1 starting"),
    ("stage1_ended_on", "stage 1 ending"),
    ("stage2_started_on", "stage 2 starting"),
    ("stage2_ended_on", "stage 2 ending"),
    ("applied_on", "the application"),
    ("approved_on", "approval"),
    ("matched_on", "matching"),
    ("placed_on", "placement"),
    ("adoption_order_on", "the adoption order"),
)


@transaction.atomic
def adopter_application_save(
    *,
    acting_user: User | None,
    application: AdopterApplication,
    adopters: list[Person] | None = None,
) -> AdopterApplication:
    """Add or update a household's adoption journey: the steps in order, a reason when
    they leave the process, and the individual adopters (Annex A list 11)."""
    if acting_user is not None:
        _require(policy.can_edit_register(acting_user))
    _in_order(application, ADOPTER_STEPS)
    if application.left_on and not application.left_reason:
        raise ValidationError({"left_reason": ["Say why they left the adoption process"]})
    if application.left_reason and not application.left_on:
        raise ValidationError({"left_on": ["Enter the date they left the adoption process"]})
    if application.left_on:
        _not_future("left_on", application.left_on)
        after = [label for field, label in ADOPTER_STEPS
                 if (day := getattr(application, field)) and day > application.left_on]  # fmt: skip
        if after:
            raise ValidationError(
                {"left_on": [f"They left the adoption process before {after[0]}"]}
            )
    if adopters is not None:
        if not 1 <= len({p.pk for p in adopters}) == len(adopters) <= 2:
            raise ValidationError({"adopters": ["A family has one or two different adopters"]})
        for person in adopters:
            if person.kind != PersonKind.ADULT:
                raise ValidationError(
                    {"adopters": [f"{person.display_name} is not recorded as an adult"]}
                )
    elif application.approved_on and not (application.pk and application.adopters.exists()):
        raise ValidationError({"adopters": ["Add the adopters before recording approval"]})
    before = snapshot(AdopterApplication.objects.get(pk=application.pk)) if application.pk else None
    application.full_clean(exclude=["household"])
    application.save()
    audit_change(actor=acting_user, obj=application, before=before, person_id=None)
    if adopters is not None:
        for gone in Adopter.objects.filter(application=application).exclude(person__in=adopters):
            audit_record(
                actor=acting_user, action=Action.DELETE, event="care.adopter.delete", obj=gone,
                person_id=gone.person_id,
            )  # fmt: skip
            gone.delete()
        for person in adopters:
            row, made = Adopter.objects.get_or_create(application=application, person=person)
            if made:
                audit_change(actor=acting_user, obj=row, before=None, person_id=person.pk)
    return application


@transaction.atomic
def missing_return_record(
    *,
    acting_user: User | None,
    episode: MissingEpisode,
    ended_at: dt.datetime,
) -> MissingEpisode:
    """The child came back: a return home interview is due within 72 hours."""
    _require_edit(acting_user, episode.person_id)
    if episode.ended_at is not None:
        raise ValidationError({"ended_at": ["The return is already recorded"]})
    if ended_at < episode.started_at or ended_at > timezone.now():
        raise ValidationError(
            {"ended_at": ["The return is after they went missing and not in the future"]}
        )
    before = snapshot(episode)
    episode.ended_at = ended_at
    episode.interview_due_at = timescales().due_date("care.missing.return_interview", ended_at).at
    episode.save(update_fields=["ended_at", "interview_due_at"])
    assert episode.interview_due_at is not None
    CareTask.objects.create(
        person_id=episode.person_id,
        kind=CareTask.Kind.RETURN_INTERVIEW,
        title="Offer a return home interview",
        due_on=timezone.localdate(episode.interview_due_at),
        due_at=episode.interview_due_at,
        assigned_to=acting_user,
    )
    _changed(acting_user, episode, before)
    return episode


@transaction.atomic
def return_interview_record(
    *,
    acting_user: User | None,
    episode: MissingEpisode,
    offered_at: dt.datetime,
    accepted: bool,
) -> MissingEpisode:
    """The return home interview was offered (and accepted or not): the task is done."""
    _require_edit(acting_user, episode.person_id)
    if episode.ended_at is None or offered_at < episode.ended_at:
        raise ValidationError({"offered_at": ["An interview is offered after the return"]})
    if offered_at > timezone.now():
        raise ValidationError({"offered_at": ["The offer cannot be in the future"]})
    before = snapshot(episode)
    episode.interview_offered_at = offered_at
    episode.interview_accepted = accepted
    episode.save(update_fields=["interview_offered_at", "interview_accepted"])
    CareTask.objects.filter(
        person_id=episode.person_id,
        kind=CareTask.Kind.RETURN_INTERVIEW,
        done_on__isnull=True,
        due_at=episode.interview_due_at,
    ).update(done_on=timezone.localdate(offered_at))
    _changed(acting_user, episode, before)
    return episode
