"""Writes to casework records: one function per action a person takes, in a
transaction, permission checked (`hearth.casework.policy`), audited against the child's
record, and the stored due dates recomputed whenever a fact they depend on changes.

Bad input is refused with the reason, naming the field: dates out of order (a
conference before its strategy discussion, a closure before the referral or before
work recorded in the episode), events in the future, codes not valid on the event's
date, overlapping episodes or plans. `acting_user=None` is the system (an import, the
demo generator): it skips the permission check but never the rules about the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from hearth.accounts import policy as accounts_policy
from hearth.accounts.models import Role
from hearth.audit.models import Action
from hearth.audit.services import audit_change, audit_record, snapshot
from hearth.casework import policy
from hearth.casework.due import save_with_due_dates
from hearth.casework.models import (
    S47_DECISIONS,
    VISIT_KINDS,
    Agency,
    Assessment,
    AssessmentOutcome,
    Attendance,
    CaseAction,
    CaseNote,
    ChildProtectionPlan,
    ChildSeen,
    CINEpisode,
    CINPlan,
    CINReview,
    Conference,
    ConferenceInvitee,
    ConferenceKind,
    ConferenceReport,
    CoreGroupMeeting,
    EpisodeClosure,
    LookedAfterPeriod,
    MyWorkSeen,
    NoAccessReason,
    Section47Enquiry,
    StrategyAttendee,
    StrategyDecision,
    StrategyDiscussion,
    Task,
)
from hearth.casework.selectors import ESCALATION_RULE, episode_latest_activity
from hearth.core.codelists import codelist
from hearth.timescales.calendar import add_months
from hearth.timescales.engine import timescales

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.people.models import Person

REREFERRAL_MONTHS = 12


# --- Checks shared by every write --------------------------------------------------------


def _require_staff(user: User | None, person: Person) -> None:
    """Staff who may change records. Whether this user may act on this child is the
    caller's check: the front door authorises a referral about a child named in a
    contact the manager can see (hearth.frontdoor.policy). None is the system."""
    if user is None:
        return
    if not user.is_active or user.role not in accounts_policy.EDITING_ROLES:
        raise PermissionDenied


def _require_edit(user: User | None, person_id: int) -> None:
    if user is not None and not policy.can_edit_case(user, person_id):
        raise PermissionDenied


def _require_manager(user: User | None, person_id: int) -> None:
    if user is not None and not policy.can_manage_case(user, person_id):
        raise PermissionDenied


def _require_conference(user: User | None, person_id: int) -> None:
    if user is not None and not policy.can_run_conference(user, person_id):
        raise PermissionDenied


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _check_code(list_name: str, field: str, code: str, on: dt.date) -> None:
    found = codelist(list_name).get(code)
    if found is None:
        raise ValidationError({field: [f"{code!r} is not a valid code"]})
    if not found.valid_on(on):
        raise ValidationError(
            {field: [f"{code} ({found.label}) is not a valid code on {_day(on)}"]}
        )


def _not_future(field: str, day: dt.date | None, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: [f"The {what} cannot be in the future"]})


def _not_before(field: str, day: dt.date | None, earliest: dt.date, reason: str) -> None:
    if day is not None and day < earliest:
        raise ValidationError({field: [f"{reason} ({_day(earliest)})"]})


def _in_episode(episode: CINEpisode, field: str, day: dt.date, what: str) -> None:
    """Work in an episode happens while it is open, on or after the referral, and not
    in the future (CIN rule 8565: no activity after closure)."""
    if not episode.is_open:
        raise ValidationError("This child in need episode is closed: open a new referral")
    _not_before(field, day, episode.referral_date, f"The {what} must be on or after the referral")
    _not_future(field, day, what)


def _audit_rows(user: User | None, obj: Any, name: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """The list of people or reports on a meeting, as it now stands."""
    audit_record(
        actor=user,
        action=Action.UPDATE,
        event=f"{obj._meta.label_lower}.{name}",
        obj=obj,
        person_id=obj.person_id,
        data={name: [dict(r) for r in rows]},
    )


def _created(user: User | None, obj: Any) -> None:
    audit_change(actor=user, obj=obj, before=None, person_id=obj.person_id)


def _changed(user: User | None, obj: Any, before: dict[str, Any], event: str = "") -> None:
    audit_change(actor=user, obj=obj, before=before, person_id=obj.person_id, event=event or None)


# --- Episodes -------------------------------------------------------------------------------


@transaction.atomic
def cin_episode_open(
    *,
    acting_user: User | None,
    person: Person,
    referral_date: dt.date,
    referral_source: str,
    primary_need_code: str = "N0",
    strategy_needed_on: dt.date | None = None,
) -> CINEpisode:
    """Open a child in need episode from a referral; with `strategy_needed_on`, the
    front door decided a strategy discussion is needed, which is then due (rule
    `cp.strategy_discussion`).

    Refused if the child already has an open episode (the CIN census allows only one,
    and a new concern about an open case belongs to the team that holds it), or if the
    referral falls inside an earlier episode (rule 8820: episodes never overlap).
    """
    _require_staff(acting_user, person)
    _check_code("referral_source", "referral_source", referral_source, referral_date)
    _check_code("primary_need", "primary_need_code", primary_need_code, referral_date)
    if CINEpisode.objects.filter(person=person, closure_date__isnull=True).exists():
        raise ValidationError(
            f"{person.display_name} already has an open child in need episode: pass the "
            "concern to the team that holds it"
        )
    clash = (
        CINEpisode.objects.filter(person=person)
        .filter(Q(closure_date__gt=referral_date) | Q(referral_date__gte=referral_date))
        .order_by("-closure_date")
        .first()
    )
    if clash is not None:
        assert clash.closure_date is not None  # the open case was refused above
        raise ValidationError(
            {
                "referral_date": [
                    f"The referral date falls inside the episode from "
                    f"{_day(clash.referral_date)} to {_day(clash.closure_date)}: child in "
                    "need episodes cannot overlap"
                ]
            }
        )
    if strategy_needed_on is not None:
        _not_future("strategy_needed_on", strategy_needed_on, "decision")
        _not_before(
            "strategy_needed_on",
            strategy_needed_on,
            referral_date,
            "A strategy discussion cannot be decided on before the referral",
        )
    episode = CINEpisode(
        person=person,
        referral_date=referral_date,
        referral_source=referral_source,
        primary_need_code=primary_need_code,
        strategy_needed_on=strategy_needed_on,
        created_by=acting_user,
    )
    episode.full_clean()
    try:
        with transaction.atomic():
            if strategy_needed_on is None:
                episode.save()
            else:
                save_with_due_dates(episode)
    except IntegrityError:  # another request opened one at the same moment
        raise ValidationError(
            f"{person.display_name} already has an open child in need episode"
        ) from None
    _created(acting_user, episode)
    return episode


STRATEGY_FIELDS = ["strategy_needed_on", "strategy_held_on"]


def _strategy_held_refresh(episode: CINEpisode) -> None:
    """Meet (or, after a re-dating, reopen) the strategy discussion's due date: the first
    discussion held on or after the decision that one was needed."""
    # The caller's copy may predate the decision (made through another copy).
    episode.refresh_from_db(fields=[*STRATEGY_FIELDS, "strategy_discussion_due_on"])
    if episode.strategy_needed_on is None:
        return
    held = [
        _held_on(at)
        for at in StrategyDiscussion.objects.filter(episode=episode).values_list(
            "held_at", flat=True
        )
    ]
    first = min((d for d in held if d >= episode.strategy_needed_on), default=None)
    if first != episode.strategy_held_on:
        episode.strategy_held_on = first
        save_with_due_dates(episode, fields=STRATEGY_FIELDS)


def _strategy_needed(user: User | None, episode: CINEpisode, day: dt.date) -> None:
    """A strategy discussion has been decided on: it is due from `day`, unless one
    decided earlier is still waiting to be held."""
    if episode.strategy_needed_on is not None and episode.strategy_held_on is None:
        return
    before = snapshot(episode, STRATEGY_FIELDS)
    episode.strategy_needed_on, episode.strategy_held_on = day, None
    save_with_due_dates(episode, fields=STRATEGY_FIELDS)
    _strategy_held_refresh(episode)
    _changed(user, episode, before, "casework.episode.strategy_needed")


@transaction.atomic
def cin_episode_update(
    *, acting_user: User | None, episode: CINEpisode, primary_need_code: str
) -> CINEpisode:
    """Record the episode's primary need (N0-N9, valid on the referral date)."""
    _require_edit(acting_user, episode.person_id)
    _check_code("primary_need", "primary_need_code", primary_need_code, episode.referral_date)
    before = snapshot(episode, ["primary_need_code"])
    episode.primary_need_code = primary_need_code
    episode.save(update_fields=["primary_need_code"])
    _changed(acting_user, episode, before)
    return episode


def recent_closure(episode: CINEpisode, closure_date: dt.date) -> dt.date | None:
    """An earlier episode's closure within the 12 months before `closure_date`: closing
    again so soon is flagged as a possible pattern of re-referral."""
    earlier = (
        CINEpisode.objects.filter(person_id=episode.person_id, closure_date__isnull=False)
        .exclude(pk=episode.pk)
        .aggregate(last=Max("closure_date"))["last"]
    )
    year_before = add_months(closure_date, -REREFERRAL_MONTHS)
    return earlier if earlier and earlier >= year_before else None


def _close(episode: CINEpisode, closure_date: dt.date, closure_reason: str) -> None:
    if not episode.is_open:
        raise ValidationError("This child in need episode is already closed")
    _check_code("closure_reason", "closure_reason", closure_reason, closure_date)
    _not_before(
        "closure_date",
        closure_date,
        episode.referral_date,
        "The closure date must be on or after the referral",
    )
    latest = episode_latest_activity(episode)
    if latest is not None:
        _not_before(
            "closure_date",
            closure_date,
            latest,
            "The closure date must be on or after the last work recorded in the episode",
        )
    episode.previous_closure_on = recent_closure(episode, closure_date)
    episode.closure_date = closure_date
    episode.closure_reason = closure_reason
    episode.save(update_fields=["closure_date", "closure_reason", "previous_closure_on"])
    Task.objects.filter(person_id=episode.person_id, done_on__isnull=True).update(
        done_on=closure_date, updated_at=timezone.now()
    )


@transaction.atomic
def cin_episode_close(
    *,
    acting_user: User | None,
    episode: CINEpisode,
    closure_date: dt.date,
    closure_reason: str,
) -> CINEpisode:
    """Close an episode without the checklist: the system only (an import of a closed
    history, the demo generator). People close an episode through the closure
    checklist a manager signs off (`episode_closure_request`, `episode_closure_sign_off`).
    """
    if acting_user is not None:
        raise PermissionDenied("A manager signs off the closure checklist to close an episode")
    before = snapshot(episode, ["closure_date", "closure_reason", "previous_closure_on"])
    _close(episode, closure_date, closure_reason)
    _changed(acting_user, episode, before)
    return episode


@transaction.atomic
def episode_closure_request(
    *,
    acting_user: User | None,
    episode: CINEpisode,
    closure_date: dt.date,
    closure_reason: str,
    checklist: Mapping[str, bool],
    note: str = "",
) -> EpisodeClosure:
    """Ask a manager to close the episode, with the closure checklist as it stands."""
    _require_edit(acting_user, episode.person_id)
    if not episode.is_open:
        raise ValidationError("This child in need episode is already closed")
    _check_code("closure_reason", "closure_reason", closure_reason, closure_date)
    _not_before(
        "closure_date",
        closure_date,
        episode.referral_date,
        "The closure date must be on or after the referral",
    )
    _not_future("closure_date", closure_date, "closure date")
    closure = EpisodeClosure.objects.filter(episode=episode).first()
    before = snapshot(closure) if closure else None
    if closure is None:
        closure = EpisodeClosure(episode=episode)
    closure.closure_date = closure_date
    closure.closure_reason = closure_reason
    for name, _ in EpisodeClosure.CHECKLIST:
        setattr(closure, name, bool(checklist.get(name)))
    closure.note = note.strip()
    closure.requested_by = acting_user
    closure.requested_at = timezone.now()
    closure.returned_note, closure.returned_by = "", None
    closure.full_clean()
    closure.save()
    audit_change(actor=acting_user, obj=closure, before=before, person_id=episode.person_id)
    return closure


def _outstanding_work(episode: CINEpisode) -> list[str]:
    """What must be finished before an episode can close."""
    found = []
    if episode.assessments.filter(authorised_on__isnull=True).exists():
        found.append("an assessment has not been authorised")
    if episode.section47_enquiries.filter(completed_on__isnull=True).exists():
        found.append("a section 47 enquiry has no outcome")
    if episode.conferences.filter(held_on__isnull=True).exists():
        found.append("a conference is scheduled")
    if episode.cp_plans.filter(end_date__isnull=True).exists():
        found.append("the child protection plan has not ended")
    if episode.cin_plans.filter(end_date__isnull=True).exists():
        found.append("the child in need plan has not ended")
    return found


@transaction.atomic
def episode_closure_sign_off(
    *, acting_user: User | None, closure: EpisodeClosure, approve: bool, note: str = ""
) -> EpisodeClosure:
    """A manager other than the worker who asked signs the closure off (closing the
    episode) or returns it with a note. Signing off needs every checklist item ticked
    and no work left open in the episode."""
    closure = (
        EpisodeClosure.objects.select_for_update().select_related("episode").get(pk=closure.pk)
    )
    episode = closure.episode
    _require_manager(acting_user, episode.person_id)
    if acting_user is not None and closure.requested_by_id == acting_user.pk:
        raise PermissionDenied("Another manager must sign off a closure you asked for")
    if closure.signed_off_at:
        raise ValidationError("This closure has already been signed off")
    if closure.returned_note:
        raise ValidationError("This closure was returned: the worker must ask again")
    before = snapshot(closure)
    if not approve:
        if not note.strip():
            raise ValidationError({"note": ["Say what needs to happen before the case closes"]})
        closure.returned_note, closure.returned_by = note.strip(), acting_user
        closure.save(update_fields=["returned_note", "returned_by"])
        audit_change(
            actor=acting_user,
            obj=closure,
            before=before,
            person_id=episode.person_id,
            event="casework.episodeclosure.return",
        )
        return closure
    missing = closure.missing()
    if missing:
        raise ValidationError(
            {"approve": [f"The checklist is not complete: {'; '.join(missing).lower()}"]}
        )
    outstanding = _outstanding_work(episode)
    if outstanding:
        raise ValidationError(
            {"approve": [f"The episode cannot close yet: {'; '.join(outstanding)}"]}
        )
    episode_before = snapshot(episode, ["closure_date", "closure_reason", "previous_closure_on"])
    _close(episode, closure.closure_date, closure.closure_reason)
    closure.signed_off_by, closure.signed_off_at = acting_user, timezone.now()
    closure.save(update_fields=["signed_off_by", "signed_off_at"])
    audit_change(
        actor=acting_user,
        obj=closure,
        before=before,
        person_id=episode.person_id,
        event="casework.episodeclosure.sign_off",
    )
    _changed(acting_user, episode, episode_before, "casework.cinepisode.close")
    return closure


# --- Assessment -------------------------------------------------------------------------------


def check_factors(factors: Sequence[str], on: dt.date) -> list[str]:
    """The assessment factors in CIN census form, or the reasons they are refused:
    codes must be on the list and valid on the day; "21" (no factors) stands alone
    (validator rule 8869)."""
    found = codelist("assessment_factor")
    codes = list(dict.fromkeys(f.strip().upper() for f in factors if f and f.strip()))
    errors = []
    for code in codes:
        entry = found.get(code)
        if entry is None:
            errors.append(f"{code} is not an assessment factor code")
        elif not entry.valid_on(on):
            errors.append(f"{code} ({entry.label}) is not a valid factor on {_day(on)}")
    if "21" in codes and len(codes) > 1:
        errors.append("“21 No factors identified” cannot be chosen with other factors")
    if errors:
        raise ValidationError({"factors": errors})
    return codes


def _factor_day(assessment: Assessment) -> dt.date:
    return assessment.authorised_on or assessment.started_on


@transaction.atomic
def assessment_start(
    *, acting_user: User | None, episode: CINEpisode, started_on: dt.date
) -> Assessment:
    """Start a child and family assessment; it is due 45 working days from the
    referral (rule assessment.completion)."""
    _require_edit(acting_user, episode.person_id)
    _in_episode(episode, "started_on", started_on, "assessment start date")
    if episode.assessments.filter(authorised_on__isnull=True).exists():
        raise ValidationError("An assessment is already in progress in this episode")
    assessment = Assessment(
        episode=episode,
        person_id=episode.person_id,
        started_on=started_on,
        created_by=acting_user,
        updated_by=acting_user,
    )
    assessment.full_clean()
    save_with_due_dates(assessment)
    _created(acting_user, assessment)
    return assessment


@transaction.atomic
def assessment_update(
    *,
    acting_user: User | None,
    assessment: Assessment,
    expected_version: int,
    child_voice: str,
    family_views: str,
    professional_views: str,
    analysis: str,
    factors: Sequence[str],
    outcome: str,
    started_on: dt.date | None = None,
) -> Assessment:
    """Save the assessment's text, factors and outcome. Refused, writing nothing, if
    someone else saved it since `expected_version` (ConflictError) or once authorised.
    """
    _require_edit(acting_user, assessment.person_id)
    if assessment.is_authorised:
        raise ValidationError("The assessment has been authorised and can no longer change")
    fields = [*Assessment.TEXT_FIELDS, "factors", "outcome", "updated_at", "updated_by"]
    before = snapshot(assessment, [*fields[:-2], "started_on"])
    if started_on is not None and started_on != assessment.started_on:
        _in_episode(assessment.episode, "started_on", started_on, "assessment start date")
        assessment.started_on = started_on
        fields.append("started_on")
    if outcome and outcome not in AssessmentOutcome.values:
        raise ValidationError({"outcome": ["Choose an outcome from the list"]})
    assessment.factors = check_factors(factors, _factor_day(assessment))
    assessment.child_voice = child_voice.strip()
    assessment.family_views = family_views.strip()
    assessment.professional_views = professional_views.strip()
    assessment.analysis = analysis.strip()
    assessment.outcome = outcome
    assessment.updated_at, assessment.updated_by = timezone.now(), acting_user
    assessment.save_versioned(expected_version=expected_version, fields=fields)
    _changed(acting_user, assessment, before)
    return assessment


@transaction.atomic
def assessment_child_seen(
    *, acting_user: User | None, assessment: Assessment, seen_on: dt.date, alone: bool
) -> ChildSeen:
    _require_edit(acting_user, assessment.person_id)
    if assessment.is_authorised:
        raise ValidationError("The assessment has been authorised and can no longer change")
    _in_episode(assessment.episode, "seen_on", seen_on, "date the child was seen")
    seen = ChildSeen.objects.create(
        assessment=assessment, seen_on=seen_on, alone=alone, recorded_by=acting_user
    )
    audit_change(actor=acting_user, obj=seen, before=None, person_id=assessment.person_id)
    return seen


def assessment_missing(assessment: Assessment) -> list[str]:
    """What an assessment still needs before a manager can authorise it."""
    missing = []
    if not assessment.seen.exists():
        missing.append("the dates the child was seen")
    if not assessment.child_voice.strip():
        missing.append("the child's voice")
    if not assessment.analysis.strip():
        missing.append("the analysis")
    if not assessment.factors:
        missing.append("the assessment factors")
    if not assessment.outcome:
        missing.append("the outcome")
    return missing


@transaction.atomic
def assessment_authorise(
    *, acting_user: User | None, assessment: Assessment, authorised_on: dt.date
) -> Assessment:
    """A manager authorises the assessment (CIN AssessmentAuthorisationDate), which
    meets its due date."""
    assessment = (
        Assessment.objects.select_for_update().select_related("episode").get(pk=assessment.pk)
    )
    _require_manager(acting_user, assessment.person_id)
    if assessment.is_authorised:
        raise ValidationError("The assessment has already been authorised")
    missing = assessment_missing(assessment)
    if missing:
        raise ValidationError(f"The assessment cannot be authorised without {', '.join(missing)}")
    _in_episode(assessment.episode, "authorised_on", authorised_on, "authorisation date")
    _not_before(
        "authorised_on",
        authorised_on,
        assessment.started_on,
        "The assessment cannot be authorised before it started",
    )
    check_factors(assessment.factors, authorised_on)
    before = snapshot(assessment, ["authorised_on", "authorised_by"])
    assessment.authorised_on, assessment.authorised_by = authorised_on, acting_user
    assessment.version += 1
    save_with_due_dates(assessment, fields=["authorised_on", "authorised_by", "version"])
    _changed(acting_user, assessment, before, "casework.assessment.authorise")
    if assessment.outcome == AssessmentOutcome.STRATEGY:
        _strategy_needed(acting_user, assessment.episode, authorised_on)
    return assessment


# --- Strategy discussions and section 47 enquiries ---------------------------------------------


def _held_on(held_at: dt.datetime) -> dt.date:
    if timezone.is_naive(held_at):
        raise ValueError("held_at must be timezone-aware")
    return timezone.localtime(held_at).date()


def _clean_rows(
    rows: Sequence[Mapping[str, Any]], required: Sequence[str], field: str
) -> list[dict[str, Any]]:
    """Rows someone typed, without the blank ones; a half-filled row is refused."""
    kept = []
    for i, row in enumerate(rows, start=1):
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        if not any(values.get(k) for k in required):
            continue
        missing = [k.replace("_", " ") for k in required if not values.get(k)]
        if missing:
            raise ValidationError({field: [f"Row {i}: enter the {' and '.join(missing)}"]})
        kept.append(values)
    return kept


def _check_agency(rows: Sequence[Mapping[str, Any]], field: str) -> None:
    for row in rows:
        if row["agency"] not in Agency.values:
            raise ValidationError({field: [f"{row['agency']!r} is not an agency on the list"]})


def _s47_refresh(enquiry: Section47Enquiry) -> None:
    """Set the enquiry's start (its own discussion) and the last strategy discussion held
    during it (before its initial conference), then recompute the conference due date.
    The dates must stay before any initial conference scheduled or held for it."""
    discussions = StrategyDiscussion.objects.filter(episode_id=enquiry.episode_id)
    own = StrategyDiscussion.objects.get(pk=enquiry.strategy_discussion_id)
    enquiry.started_on = own.held_on
    held = [d.held_on for d in discussions if d.held_on >= enquiry.started_on]
    if enquiry.icpc_held_on:
        held = [d for d in held if d <= enquiry.icpc_held_on]
    enquiry.last_strategy_on = max(held, default=enquiry.started_on)
    if enquiry.completed_on and enquiry.completed_on < enquiry.started_on:
        raise ValidationError(
            {"held_at": ["The section 47 enquiry it started would end before it began"]}
        )
    for conference in enquiry.conferences.filter(kind=ConferenceKind.INITIAL):
        day = conference.held_on or conference.scheduled_on
        if day < enquiry.last_strategy_on:
            raise ValidationError(
                {
                    "held_at": [
                        f"The initial conference ({_day(day)}) would be before the strategy "
                        f"discussion on {_day(enquiry.last_strategy_on)}"
                    ]
                }
            )
    save_with_due_dates(enquiry, fields=["started_on", "last_strategy_on"])


def _active_s47(episode: CINEpisode) -> Section47Enquiry | None:
    """The enquiry still heading for its initial conference, if any."""
    return (
        episode.section47_enquiries.filter(icpc_held_on__isnull=True)
        .exclude(icpc_required=False)
        .first()
    )


def _add_actions(
    user: User | None, parent: Any, person_id: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    for row in rows:
        action = CaseAction(
            person_id=person_id,
            description=row["description"],
            owner=row["owner"],
            due_on=row["due_on"],
            created_by=user,
        )
        setattr(action, _ACTION_PARENT[type(parent)], parent)
        action.full_clean()
        action.save()
        audit_change(actor=user, obj=action, before=None, person_id=person_id)


def _check_action_dates(rows: Sequence[Mapping[str, Any]], earliest: dt.date) -> None:
    for row in rows:
        if row["due_on"] < earliest:
            raise ValidationError(
                {"actions": [f"“{row['description']}” is due before {_day(earliest)}"]}
            )


def _strategy_input(
    episode: CINEpisode,
    held_at: dt.datetime,
    decision: str,
    attendees: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]],
) -> tuple[dt.date, list[dict[str, Any]], list[dict[str, Any]]]:
    """The discussion's date, attendees and actions, checked."""
    held_on = _held_on(held_at)
    _in_episode(episode, "held_at", held_on, "strategy discussion")
    if held_at > timezone.now():
        raise ValidationError({"held_at": ["The strategy discussion cannot be in the future"]})
    if decision not in StrategyDecision.values:
        raise ValidationError({"decision": ["Choose what the discussion decided"]})
    people = _clean_rows(attendees, ["name", "agency"], "attendees")
    if not people:
        raise ValidationError({"attendees": ["Enter who took part, and from which agency"]})
    _check_agency(people, "attendees")
    todo = _clean_rows(actions, ["description", "owner", "due_on"], "actions")
    _check_action_dates(todo, held_on)
    return held_on, people, todo


def _write_attendees(
    user: User | None, discussion: StrategyDiscussion, people: Sequence[Mapping[str, Any]]
) -> None:
    discussion.attendees.all().delete()
    StrategyAttendee.objects.bulk_create(
        StrategyAttendee(
            discussion=discussion,
            name=p["name"],
            agency=p["agency"],
            role=p.get("role", ""),
            information_shared=p.get("information_shared", ""),
        )
        for p in people
    )
    _audit_rows(user, discussion, "attendees", people)


def _s47_start(user: User | None, discussion: StrategyDiscussion) -> None:
    """Start the section 47 enquiry a discussion decided on (S47ActualStartDate is the
    discussion's date) and set its initial conference due date."""
    enquiry = Section47Enquiry(
        episode=discussion.episode,
        person_id=discussion.person_id,
        strategy_discussion=discussion,
        started_on=discussion.held_on,
        last_strategy_on=discussion.held_on,
        created_by=user,
    )
    save_with_due_dates(enquiry)
    _created(user, enquiry)


@transaction.atomic
def strategy_discussion_record(
    *,
    acting_user: User | None,
    episode: CINEpisode,
    held_at: dt.datetime,
    decision: str,
    cp_medical: bool = False,
    summary: str = "",
    attendees: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]] = (),
) -> StrategyDiscussion:
    """Record a strategy discussion. Deciding on a section 47 enquiry starts one (its
    start date is the discussion's date) and sets the initial conference due date; a
    further discussion during an enquiry restarts the conference clock from itself."""
    _require_edit(acting_user, episode.person_id)
    _, people, todo = _strategy_input(episode, held_at, decision, attendees, actions)
    discussion = StrategyDiscussion(
        episode=episode,
        person_id=episode.person_id,
        held_at=held_at,
        decision=decision,
        cp_medical=cp_medical,
        summary=summary.strip(),
        created_by=acting_user,
    )
    discussion.full_clean()
    discussion.save()
    _write_attendees(acting_user, discussion, people)
    _created(acting_user, discussion)
    _add_actions(acting_user, discussion, episode.person_id, todo)
    _strategy_held_refresh(episode)
    active = _active_s47(episode)
    if active is not None:
        _s47_refresh(active)  # a further discussion during the enquiry
    elif decision in S47_DECISIONS:
        _s47_start(acting_user, discussion)
    return discussion


@transaction.atomic
def strategy_discussion_update(
    *,
    acting_user: User | None,
    discussion: StrategyDiscussion,
    expected_version: int,
    held_at: dt.datetime,
    decision: str,
    cp_medical: bool,
    summary: str,
    attendees: Sequence[Mapping[str, Any]],
    actions: Sequence[Mapping[str, Any]] = (),
) -> StrategyDiscussion:
    """Correct a strategy discussion. Re-dating it moves the section 47 start and the
    initial conference due date; a date after a conference already set is refused."""
    _require_edit(acting_user, discussion.person_id)
    episode = discussion.episode
    _, people, todo = _strategy_input(episode, held_at, decision, attendees, actions)
    enquiry = Section47Enquiry.objects.filter(strategy_discussion=discussion).first()
    if enquiry is not None and decision not in S47_DECISIONS:
        raise ValidationError(
            {"decision": ["This discussion started a section 47 enquiry, which is recorded"]}
        )
    fields = ["held_at", "decision", "cp_medical", "summary"]
    before = snapshot(discussion, fields)
    discussion.held_at, discussion.decision = held_at, decision
    discussion.cp_medical, discussion.summary = cp_medical, summary.strip()
    discussion.save_versioned(expected_version=expected_version, fields=fields)
    _write_attendees(acting_user, discussion, people)
    _changed(acting_user, discussion, before)
    _add_actions(acting_user, discussion, discussion.person_id, todo)
    for s47 in episode.section47_enquiries.all():
        _s47_refresh(s47)
    _strategy_held_refresh(episode)
    if enquiry is None and decision in S47_DECISIONS and _active_s47(episode) is None:
        _s47_start(acting_user, discussion)
    return discussion


@transaction.atomic
def section47_complete(
    *,
    acting_user: User | None,
    enquiry: Section47Enquiry,
    completed_on: dt.date,
    concerns_substantiated: bool,
    likely_significant_harm: bool,
    icpc_required: bool,
) -> Section47Enquiry:
    """Record the enquiry's outcome. When no initial conference is needed (CIN
    ICPCnotRequired) its due date and task are withdrawn."""
    _require_edit(acting_user, enquiry.person_id)
    _in_episode(enquiry.episode, "completed_on", completed_on, "date the enquiry ended")
    _not_before(
        "completed_on",
        completed_on,
        enquiry.started_on,
        "The enquiry cannot end before the strategy discussion that started it",
    )
    if not icpc_required and enquiry.conferences.exists():
        raise ValidationError(
            {"icpc_required": ["An initial conference has already been set for this enquiry"]}
        )
    fields = ["completed_on", "concerns_substantiated", "likely_significant_harm", "icpc_required"]
    before = snapshot(enquiry, fields)
    enquiry.completed_on = completed_on
    enquiry.concerns_substantiated = concerns_substantiated
    enquiry.likely_significant_harm = likely_significant_harm
    enquiry.icpc_required = icpc_required
    enquiry.full_clean()
    save_with_due_dates(enquiry, fields=fields)
    _changed(acting_user, enquiry, before)
    return enquiry


# --- Conferences ---------------------------------------------------------------------------


def _check_chair(chair: User | None) -> None:
    if chair is not None and (not chair.is_active or chair.role != Role.REVIEWING_OFFICER):
        raise ValidationError({"chair": ["The chair must be a reviewing officer"]})


def _conference_earliest(conference: Conference) -> tuple[dt.date, str]:
    """The date a conference may not be before, and why."""
    if conference.is_initial:
        assert conference.section47 is not None
        return (
            conference.section47.last_strategy_on,
            "The initial conference cannot be before the strategy discussion",
        )
    assert conference.plan is not None
    last = conference.plan.last_review_on or conference.plan.start_date
    return last, "The review conference must be after the plan started or was last reviewed"


def _write_invitees(
    user: User | None, conference: Conference, rows: Sequence[Mapping[str, Any]]
) -> None:
    invitees = _clean_rows(rows, ["name", "agency"], "invitees")
    _check_agency(invitees, "invitees")
    conference.invitees.all().delete()
    ConferenceInvitee.objects.bulk_create(
        ConferenceInvitee(
            conference=conference,
            name=r["name"],
            agency=r["agency"],
            attendance=r.get("attendance") or Attendance.INVITED,
        )
        for r in invitees
    )
    _audit_rows(user, conference, "invitees", invitees)


def _write_reports(
    user: User | None, conference: Conference, rows: Sequence[Mapping[str, Any]]
) -> None:
    reports = _clean_rows(rows, ["author", "agency"], "reports")
    _check_agency(reports, "reports")
    kept = {r["id"] for r in reports if r.get("id")}
    dropped = list(conference.reports.exclude(pk__in=kept).values_list("pk", flat=True))
    Task.objects.filter(source_type="casework.conferencereport", source_id__in=dropped).delete()
    conference.reports.filter(pk__in=dropped).delete()
    existing = {r.pk: r for r in conference.reports.all()}
    ts = timescales()
    for row in reports:
        report = existing.get(row.get("id") or 0) or ConferenceReport(
            conference=conference, person_id=conference.person_id
        )
        report.conference = conference  # the moved date, for the due date
        report.author, report.agency = row["author"], row["agency"]
        save_with_due_dates(report, ts)
    _audit_rows(user, conference, "reports", reports)


@transaction.atomic
def conference_schedule(
    *,
    acting_user: User | None,
    episode: CINEpisode,
    kind: str,
    scheduled_on: dt.date,
    chair: User | None,
    invitees: Sequence[Mapping[str, Any]],
    reports: Sequence[Mapping[str, Any]],
    section47: Section47Enquiry | None = None,
    plan: ChildProtectionPlan | None = None,
) -> Conference:
    """Set a date for an initial conference (after a section 47 enquiry) or a review
    conference (of an open plan), with its chair, invitees and the reports it needs:
    each report is due to the chair before the conference (cp.report.*)."""
    _require_conference(acting_user, episode.person_id)
    if not episode.is_open:
        raise ValidationError("This child in need episode is closed")
    _check_chair(chair)
    conference = Conference(
        episode=episode,
        person_id=episode.person_id,
        kind=kind,
        scheduled_on=scheduled_on,
        chair=chair,
        created_by=acting_user,
    )
    if kind == ConferenceKind.INITIAL:
        if section47 is None or section47.episode_id != episode.pk:
            raise ValidationError("An initial conference follows a section 47 enquiry")
        if section47.icpc_required is False:
            raise ValidationError("The section 47 enquiry found no initial conference was needed")
        if section47.conferences.filter(kind=ConferenceKind.INITIAL).exists():
            raise ValidationError("This enquiry's initial conference is already set")
        conference.section47 = section47
    elif kind == ConferenceKind.REVIEW:
        if plan is None or plan.person_id != episode.person_id or not plan.is_open:
            raise ValidationError("A review conference reviews an open child protection plan")
        if plan.conferences.filter(kind=ConferenceKind.REVIEW, held_on__isnull=True).exists():
            raise ValidationError("A review conference is already set for this plan")
        conference.plan = plan
    else:
        raise ValidationError({"kind": ["Choose the kind of conference"]})
    earliest, reason = _conference_earliest(conference)
    _not_before("scheduled_on", scheduled_on, earliest, reason)
    conference.full_clean()
    conference.save()
    _write_invitees(acting_user, conference, invitees)
    _write_reports(acting_user, conference, reports)
    _created(acting_user, conference)
    return conference


@transaction.atomic
def conference_update(
    *,
    acting_user: User | None,
    conference: Conference,
    expected_version: int,
    scheduled_on: dt.date,
    chair: User | None,
    invitees: Sequence[Mapping[str, Any]],
    reports: Sequence[Mapping[str, Any]],
) -> Conference:
    """Move a conference, change its chair, invitees or reports; the report deadlines
    move with it."""
    _require_conference(acting_user, conference.person_id)
    if conference.held_on:
        raise ValidationError("The conference has been held: record its outcome instead")
    _check_chair(chair)
    earliest, reason = _conference_earliest(conference)
    _not_before("scheduled_on", scheduled_on, earliest, reason)
    fields = ["scheduled_on", "chair"]
    before = snapshot(conference, ["scheduled_on", "chair_id"])
    conference.scheduled_on, conference.chair = scheduled_on, chair
    conference.save_versioned(expected_version=expected_version, fields=fields)
    _write_invitees(acting_user, conference, invitees)
    _write_reports(acting_user, conference, reports)
    _changed(acting_user, conference, before)
    return conference


@transaction.atomic
def conference_report_received(
    *,
    acting_user: User | None,
    conference: Conference,
    received_on: dt.date,
    author: str = "",
) -> list[ConferenceReport]:
    """The social work report reached the chair on `received_on` (the documents app
    calls this when the approved report is shared): the conference's children's social
    care report is marked received, so its "send the report to the chair" task closes,
    in time or late (rules cp.report.icpc and cp.report.review). Where the conference
    asked for no social care report, one is added as received, so the record shows it
    arrived. A report already received keeps its date. Once the conference is held its
    reports were settled there; and a report that arrives after the conference's date
    did not reach it (`conference_record` refuses a report dated after the conference):
    either way nothing changes. Returns the reports changed."""
    conference = Conference.objects.select_for_update(of=("self",)).get(pk=conference.pk)
    _require_edit(acting_user, conference.person_id)
    _not_future("received_on", received_on, "date the report was received")
    if conference.held_on is not None or received_on > conference.scheduled_on:
        return []
    social_care = list(conference.reports.filter(agency=Agency.SOCIAL_CARE))
    ts = timescales()
    if not social_care:
        added = ConferenceReport(
            conference=conference,
            person_id=conference.person_id,
            author=author.strip() or "Allocated social worker",
            agency=Agency.SOCIAL_CARE,
            received_on=received_on,
        )
        save_with_due_dates(added, ts)
        _created(acting_user, added)
        return [added]
    changed = []
    for report in social_care:
        if report.received_on is not None:
            continue
        before = snapshot(report, ["received_on"])
        report.received_on = received_on
        report.conference = conference
        save_with_due_dates(report, ts, fields=["received_on"])
        _changed(acting_user, report, before, "casework.conference_report.received")
        changed.append(report)
    return changed


def _cin_plan_clash(person_id: int, start: dt.date) -> CINPlan | None:
    """A child in need plan still running on or after `start` (rules 4001/4016/4017)."""
    return (
        CINPlan.objects.filter(person_id=person_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        .first()
    )


def _cp_plan_clash(person_id: int, start: dt.date) -> ChildProtectionPlan | None:
    return (
        ChildProtectionPlan.objects.filter(person_id=person_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        .first()
    )


@transaction.atomic
def conference_record(
    *,
    acting_user: User | None,
    conference: Conference,
    held_on: dt.date,
    plan_decided: bool,
    category: str = "",
    decision_note: str = "",
    attendance: Mapping[int, str] | None = None,
    reports_received: Mapping[int, dt.date | None] | None = None,
) -> Conference:
    """Record what a conference decided. An initial conference that decides on a plan
    starts it on the conference date (with the count of previous plans); a review
    continues the plan (latest category, next review in at most 6 months) or ends it.
    """
    conference = (
        Conference.objects.select_for_update(of=("self",))
        .select_related("section47", "plan", "episode")
        .get(pk=conference.pk)
    )
    _require_conference(acting_user, conference.person_id)
    if conference.held_on:
        raise ValidationError("The conference outcome is already recorded")
    _in_episode(conference.episode, "held_on", held_on, "conference date")
    earliest, reason = _conference_earliest(conference)
    _not_before("held_on", held_on, earliest, reason)
    if plan_decided:
        if not category:
            raise ValidationError({"category": ["Choose the category of abuse"]})
        _check_code("category_of_abuse", "category", category, held_on)
    else:
        category = ""
    fields = ["held_on", "plan_decided", "category", "decision_note", "plan"]
    before = snapshot(conference, fields)
    conference.held_on, conference.plan_decided = held_on, plan_decided
    conference.category, conference.decision_note = category, decision_note.strip()
    if conference.is_initial:
        _initial_outcome(acting_user, conference, held_on, plan_decided, category)
    else:
        _review_outcome(acting_user, conference, held_on, plan_decided, category)
    conference.version += 1
    conference.save(update_fields=[*fields, "version"])
    for invitee in conference.invitees.all():
        status = (attendance or {}).get(invitee.pk)
        if status and status in Attendance.values and status != invitee.attendance:
            invitee.attendance = status
            invitee.save(update_fields=["attendance"])
    ts = timescales()
    for report in conference.reports.all():
        received = (reports_received or {}).get(report.pk, report.received_on)
        if received and received > held_on:
            raise ValidationError(
                {"reports": [f"The report from {report.author} is dated after the conference"]}
            )
        report.received_on = received
        report.conference = conference
        save_with_due_dates(report, ts, fields=["received_on"])
    _changed(acting_user, conference, before, "casework.conference.record")
    return conference


def _initial_outcome(
    user: User | None, conference: Conference, held_on: dt.date, decided: bool, category: str
) -> None:
    enquiry = conference.section47
    assert enquiry is not None
    enquiry.icpc_held_on = held_on
    save_with_due_dates(enquiry, fields=["icpc_held_on"])
    if not decided:
        return
    if clash := _cp_plan_clash(conference.person_id, held_on):
        raise ValidationError(f"{clash} is still open: a child has one plan at a time")
    if cin_clash := _cin_plan_clash(conference.person_id, held_on):
        raise ValidationError(
            {
                "plan_decided": [
                    f"End the {str(cin_clash).lower()} on or before {_day(held_on)} first: a "
                    "child in need plan cannot run alongside a child protection plan"
                ]
            }
        )
    previous = ChildProtectionPlan.objects.filter(
        person_id=conference.person_id, start_date__lt=held_on
    ).count()
    plan = ChildProtectionPlan(
        person_id=conference.person_id,
        episode=conference.episode,
        start_date=held_on,
        initial_category=category,
        latest_category=category,
        previous_plans=previous,
    )
    plan.full_clean()
    save_with_due_dates(plan)
    conference.plan = plan
    audit_change(actor=user, obj=plan, before=None, person_id=plan.person_id)


def _review_outcome(
    user: User | None, conference: Conference, held_on: dt.date, decided: bool, category: str
) -> None:
    plan = conference.plan
    assert plan is not None
    fields = ["last_review_on", "latest_category", "end_date"]
    before = snapshot(plan, fields)
    plan.last_review_on = held_on
    if decided:
        plan.latest_category = category
    else:
        plan.end_date = held_on
    plan.full_clean()
    save_with_due_dates(plan, fields=fields)
    audit_change(actor=user, obj=plan, before=before, person_id=plan.person_id)


# --- Plans ----------------------------------------------------------------------------------


_ACTION_PARENT: dict[type, str] = {
    StrategyDiscussion: "strategy_discussion",
    ChildProtectionPlan: "cp_plan",
    CINPlan: "cin_plan",
}


def _plan_open_on(plan: ChildProtectionPlan | CINPlan, field: str, day: dt.date, what: str) -> None:
    if not plan.is_open:
        raise ValidationError(f"The {str(plan).lower()} has ended")
    _not_before(field, day, plan.start_date, f"The {what} must be on or after the plan started")
    _not_future(field, day, what)


def _meeting_record(
    user: User | None,
    plan: ChildProtectionPlan | CINPlan,
    model: type[CoreGroupMeeting] | type[CINReview],
    held_on: dt.date,
    notes: str,
    what: str,
) -> Any:
    _require_edit(user, plan.person_id)
    _plan_open_on(plan, "held_on", held_on, what)
    meeting = model(held_on=held_on, notes=notes.strip(), recorded_by=user)
    meeting.plan = plan
    meeting.save()
    audit_change(actor=user, obj=meeting, before=None, person_id=plan.person_id)
    return meeting


@transaction.atomic
def core_group_record(
    *, acting_user: User | None, plan: ChildProtectionPlan, held_on: dt.date, notes: str = ""
) -> CoreGroupMeeting:
    """Record a core group meeting; the first one meets its due date."""
    meeting = _meeting_record(
        acting_user, plan, CoreGroupMeeting, held_on, notes, "core group date"
    )
    first = plan.core_groups.order_by("held_on").values_list("held_on", flat=True).first()
    if first != plan.first_core_group_on:
        plan.first_core_group_on = first
        save_with_due_dates(plan, fields=["first_core_group_on"])
    return meeting


@transaction.atomic
def case_action_add(
    *,
    acting_user: User | None,
    parent: StrategyDiscussion | ChildProtectionPlan | CINPlan,
    description: str,
    owner: str,
    due_on: dt.date,
) -> CaseAction:
    """Add an action with its owner and due date to a discussion or plan."""
    _require_edit(acting_user, parent.person_id)
    start = parent.held_on if isinstance(parent, StrategyDiscussion) else parent.start_date
    rows = _clean_rows(
        [{"description": description, "owner": owner, "due_on": due_on}],
        ["description", "owner", "due_on"],
        "description",
    )
    if not rows:
        raise ValidationError({"description": ["Enter the action"]})
    if due_on < start:
        raise ValidationError({"due_on": [f"The action cannot be due before {_day(start)}"]})
    _add_actions(acting_user, parent, parent.person_id, rows)
    return CaseAction.objects.filter(person_id=parent.person_id).latest("pk")


@transaction.atomic
def case_action_done(
    *, acting_user: User | None, action: CaseAction, done_on: dt.date
) -> CaseAction:
    _require_edit(acting_user, action.person_id)
    _not_future("done_on", done_on, "date it was done")
    parent = action.strategy_discussion or action.cp_plan or action.cin_plan
    assert parent is not None
    earliest = parent.held_on if isinstance(parent, StrategyDiscussion) else parent.start_date
    _not_before("done_on", done_on, earliest, "The action cannot be done before it was agreed")
    before = snapshot(action, ["done_on"])
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    _changed(acting_user, action, before)
    return action


@transaction.atomic
def cin_plan_start(
    *, acting_user: User | None, episode: CINEpisode, start_date: dt.date
) -> CINPlan:
    """Start a child in need plan; refused while a child protection plan runs."""
    _require_edit(acting_user, episode.person_id)
    _in_episode(episode, "start_date", start_date, "plan start date")
    if CINPlan.objects.filter(person_id=episode.person_id, end_date__isnull=True).exists():
        raise ValidationError("A child in need plan is already open")
    if clash := _cp_plan_clash(episode.person_id, start_date):
        raise ValidationError(
            {
                "start_date": [
                    f"The {str(clash)[0].lower()}{str(clash)[1:]} runs on this date: a child "
                    "in need plan cannot overlap a child protection plan"
                ]
            }
        )
    plan = CINPlan(
        person_id=episode.person_id, episode=episode, start_date=start_date, created_by=acting_user
    )
    plan.full_clean()
    save_with_due_dates(plan)
    _created(acting_user, plan)
    return plan


@transaction.atomic
def cin_review_record(
    *, acting_user: User | None, plan: CINPlan, held_on: dt.date, notes: str = ""
) -> CINReview:
    """Record a child in need review; the next is due from it (cin.review)."""
    review = _meeting_record(acting_user, plan, CINReview, held_on, notes, "review date")
    plan.last_review_on = max(held_on, plan.last_review_on or held_on)
    save_with_due_dates(plan, fields=["last_review_on"])
    return review


@transaction.atomic
def cin_plan_end(*, acting_user: User | None, plan: CINPlan, end_date: dt.date) -> CINPlan:
    _require_edit(acting_user, plan.person_id)
    _plan_open_on(plan, "end_date", end_date, "end date")
    if plan.last_review_on:
        _not_before(
            "end_date", end_date, plan.last_review_on, "The plan cannot end before its last review"
        )
    before = snapshot(plan, ["end_date"])
    plan.end_date = end_date
    save_with_due_dates(plan, fields=["end_date"])
    _changed(acting_user, plan, before)
    return plan


@transaction.atomic
def child_protection_plan_record(
    *,
    acting_user: User | None,
    person: Person,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> ChildProtectionPlan:
    """Record a child protection plan from elsewhere (a history import, a transfer in);
    plans decided here start from a conference (`conference_record`)."""
    _require_staff(acting_user, person)
    plan = ChildProtectionPlan(
        person=person,
        start_date=start_date,
        end_date=end_date,
        previous_plans=ChildProtectionPlan.objects.filter(
            person=person, start_date__lt=start_date
        ).count(),
    )
    plan.full_clean()
    save_with_due_dates(plan)
    _created(acting_user, plan)
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
    _created(acting_user, period)
    return period


@transaction.atomic
def looked_after_period_end(
    *, acting_user: User | None, period_id: int, end_date: dt.date
) -> LookedAfterPeriod:
    """The child ceased to be looked after on `end_date` (the care record's period of
    care ended): the front door's "looked after" flag stops showing from the day after."""
    period = (
        LookedAfterPeriod.objects.select_for_update().select_related("person").get(pk=period_id)
    )
    _require_staff(acting_user, period.person)
    before = snapshot(period, ["end_date"])
    period.end_date = end_date
    period.full_clean()
    period.save(update_fields=["end_date"])
    _changed(acting_user, period, before)
    return period


# --- Case notes and visits ---------------------------------------------------------------------

# Three visits in a row without access on a child protection or child in need case go to
# the team manager (issue 4, "Visits and case notes"). Hearth's default, local practice:
# no national rule sets the count or when the manager must act (Working Together 2023
# sets no visit frequency); the task is due the next working day.
NO_ACCESS_RUN = 3
ESCALATION_FIELD = "no_access_escalation"


def _worker_team_manager(person_id: int, author: User | None) -> User | None:
    """The team manager of the child's allocated worker (else of the author's team)."""
    from hearth.accounts.models import User as UserModel
    from hearth.people.models import Involvement

    involvement = (
        Involvement.objects.filter(person_id=person_id, ended__isnull=True, worker__isnull=False)
        .select_related("worker")
        .order_by("-started")
        .first()
    )
    worker = involvement.worker if involvement else author
    if worker is None or worker.team_id is None:
        return None
    return (
        UserModel.objects.filter(team_id=worker.team_id, role=Role.TEAM_MANAGER, is_active=True)
        .order_by("full_name", "pk")
        .first()
    )


def _on_plan(person_id: int, day: dt.date) -> bool:
    """A child protection or child in need case: a plan running on the day."""
    running = Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    return (
        ChildProtectionPlan.objects.filter(running, person_id=person_id).exists()
        or CINPlan.objects.filter(running, person_id=person_id).exists()
    )


def no_access_run(person_id: int) -> list[CaseNote]:
    """The visits without access since the last visit at which the child was seen,
    newest first."""
    visits = CaseNote.objects.filter(person_id=person_id, kind__in=VISIT_KINDS)
    last_seen = visits.filter(child_seen=True).aggregate(a=Max("occurred_at"))["a"]
    run = visits.filter(no_access=True)
    if last_seen is not None:
        run = run.filter(occurred_at__gt=last_seen)
    return list(run.order_by("-occurred_at", "-pk"))


def _escalate_no_access(user: User | None, note: CaseNote) -> Task | None:
    """Three no-access visits in a row on a plan: one task for the team manager per run."""
    run = no_access_run(note.person_id)
    if len(run) < NO_ACCESS_RUN or not _on_plan(note.person_id, note.occurred_on):
        return None
    label = CaseNote._meta.label_lower
    ids = [n.pk for n in run]
    if Task.objects.filter(
        source_type=label, source_id__in=ids, source_field=ESCALATION_FIELD
    ).exists():
        return None
    latest = run[0]
    reasons = ", ".join(
        dict.fromkeys(NoAccessReason(n.no_access_reason).label.lower() for n in reversed(run))
    )
    ts = timescales()
    task = Task.objects.create(
        person_id=note.person_id,
        rule_code=ESCALATION_RULE,
        title=f"{len(run)} visits in a row without access ({reasons}): decide what happens next",
        role=Role.TEAM_MANAGER,
        assigned_to=_worker_team_manager(note.person_id, user),
        due_on=ts.calendar.add_working_days(latest.occurred_on, 1),
        source_type=label,
        source_id=latest.pk,
        source_field=ESCALATION_FIELD,
    )
    audit_change(actor=user, obj=task, before=None, person_id=note.person_id)
    return task


def _cp_visit_made(note: CaseNote) -> None:
    """A visit that meets the child protection visit rule moves the next one's due date."""
    ts = timescales()
    rule = ts.rule("cp.visit", note.occurred_on)
    counts = note.child_seen and (note.seen_alone or "child_seen_alone" not in rule.conditions)
    if not note.is_visit or not counts:
        return
    plans = ChildProtectionPlan.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=note.occurred_on),
        person_id=note.person_id,
        start_date__lte=note.occurred_on,
    )
    for plan in plans.select_for_update():
        if plan.last_visit_on is None or plan.last_visit_on < note.occurred_on:
            plan.last_visit_on = note.occurred_on
            save_with_due_dates(plan, ts, fields=["last_visit_on"])


@transaction.atomic
def case_note_record(
    *,
    acting_user: User | None,
    person: Person,
    kind: str,
    occurred_at: dt.datetime,
    present: Sequence[str] = (),
    child_seen: bool = False,
    seen_alone: bool = False,
    child_words: str = "",
    text: str = "",
    significant: bool = False,
    no_access: bool = False,
    no_access_reason: str = "",
) -> CaseNote:
    """Record a case note or visit. A visit where the child was seen (alone, if the
    rule asks it) moves the child protection visit due date; the third visit in a row
    without access on a plan creates a task for the team manager."""
    _require_edit(acting_user, person.pk)
    day = _held_on(occurred_at)
    if occurred_at > timezone.now():
        raise ValidationError({"occurred_on": ["The date and time cannot be in the future"]})
    if seen_alone and not child_seen:
        raise ValidationError(
            {"seen_alone": ["The child can only be seen alone if they were seen"]}
        )
    if no_access:
        if kind not in VISIT_KINDS:
            raise ValidationError({"no_access": ["Only a visit can be recorded as no access"]})
        if not no_access_reason:
            raise ValidationError({"no_access_reason": ["Say why there was no access"]})
        if child_seen:
            raise ValidationError(
                {"child_seen": ["The child cannot be seen on a visit with no access"]}
            )
    elif not text.strip():
        raise ValidationError({"text": ["Enter the note"]})
    episode = (
        CINEpisode.objects.filter(person=person, referral_date__lte=day)
        .filter(Q(closure_date__isnull=True) | Q(closure_date__gte=day))
        .first()
    )
    note = CaseNote(
        person=person,
        episode=episode,
        kind=kind,
        occurred_at=occurred_at,
        author=acting_user,
        present=[p for p in dict.fromkeys(x.strip() for x in present) if p],
        child_seen=child_seen,
        seen_alone=seen_alone,
        child_words=child_words.strip(),
        text=text.strip(),
        significant=significant,
        no_access=no_access,
        no_access_reason=no_access_reason if no_access else "",
    )
    note.full_clean()
    note.save()
    _created(acting_user, note)
    if no_access:
        # One escalation per run even when two visits are saved at once: lock the child.
        type(person)._default_manager.select_for_update().filter(pk=person.pk).first()
        _escalate_no_access(acting_user, note)
    else:
        _cp_visit_made(note)
    return note


@transaction.atomic
def escalation_done(*, acting_user: User | None, task: Task, done_on: dt.date) -> Task:
    """A manager has dealt with a no-access escalation (decided what happens next)."""
    _require_manager(acting_user, task.person_id)
    if task.rule_code != ESCALATION_RULE:
        raise ValidationError("This is not a no-access escalation")
    if task.done_on is not None:
        raise ValidationError("This escalation has already been dealt with")
    _not_future("day", done_on, "date it was dealt with")
    note = CaseNote.objects.get(pk=task.source_id)
    _not_before("day", done_on, note.occurred_on, "It cannot be dealt with before the visit")
    before = snapshot(task, ["done_on"])
    task.done_on = done_on
    task.updated_at = timezone.now()
    task.save(update_fields=["done_on", "updated_at"])
    audit_change(actor=acting_user, obj=task, before=before, person_id=task.person_id)
    return task


@transaction.atomic
def my_work_mark_seen(*, acting_user: User, seen_at: dt.datetime) -> MyWorkSeen:
    """The worker has read the new information on "My work": only what arrives after
    `seen_at` is new from now on. Not audited: it changes no one's record, only what the
    worker's own page highlights (like reading a notification)."""
    if not (acting_user.is_authenticated and acting_user.is_active) or acting_user.is_partner:
        raise PermissionDenied
    if seen_at > timezone.now():
        raise ValidationError({"seen_at": ["The time seen cannot be in the future"]})
    seen, _ = MyWorkSeen.objects.update_or_create(user=acting_user, defaults={"seen_at": seen_at})
    return seen
