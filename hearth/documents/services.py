"""Writes to reports: one function per action a person takes, in a transaction,
permission checked through the casework policy (itself built on the one access policy),
audited against the child's record.

The life of a report:

    draft ──submit──▶ submitted ──approve──▶ approved ──share──▶ shared
      ▲                   │
      └──── returned ◀────┘ (return, with comments; the author edits and resubmits)

Only a manager of the author's team (or the manager it was submitted to by name), with
access to the child, and never the author, decides. Every save and every step writes an
immutable `ReportVersion`. A save names the version it was edited from: if someone else
saved in between, it is refused (ConflictError) and nothing is written, so neither text
is lost (the page shows both).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Role, User
from hearth.accounts.services import notify
from hearth.audit.models import Action
from hearth.audit.services import audit_change, audit_record, diff, snapshot
from hearth.casework import policy as case_policy
from hearth.casework import services as case_services
from hearth.casework.models import Assessment, Conference
from hearth.core.models import ConflictError
from hearth.documents import selectors
from hearth.documents.models import (
    EDITABLE_STATES,
    ManualChronologyEntry,
    Report,
    ReportKind,
    ReportState,
    ReportVersion,
)
from hearth.documents.sections import missing_sections, sections_for

if TYPE_CHECKING:
    from hearth.people.models import Person


STALE = (
    "This report was changed by someone else after you opened it. Your changes have not "
    "been saved: both versions are shown, so you can bring them together and save again."
)


# --- Who may do what --------------------------------------------------------------------------


def can_read(user: User, report: Report) -> bool:
    return case_policy.can_view_case(user, report.person_id)


def can_write(user: User, report: Report) -> bool:
    return report.is_editable and case_policy.can_edit_case(user, report.person_id)


def can_decide(user: User, report: Report) -> bool:
    """A manager of the author's team, or the manager it was sent to, with the child's
    case in reach, and not its author: a second pair of eyes."""
    if report.state != ReportState.SUBMITTED or not user.is_manager:
        return False
    if user.pk == report.author_id:
        return False
    named = report.submitted_to_id == user.pk
    team = report.team_id is not None and report.team_id == user.team_id
    return (named or team) and case_policy.can_manage_case(user, report.person_id)


def can_share(user: User, report: Report) -> bool:
    return report.state == ReportState.APPROVED and case_policy.can_edit_case(
        user, report.person_id
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Helpers ----------------------------------------------------------------------------------


def _clean_sections(kind: str, texts: Mapping[str, str]) -> dict[str, str]:
    """Keep the kind's own sections only, trimmed (an unknown key is ignored)."""
    return {s.key: (texts.get(s.key) or "").strip() for s in sections_for(kind)}


def _version(report: Report, user: User | None, event: str, comment: str = "") -> ReportVersion:
    last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ReportVersion.objects.create(
        report=report,
        number=last + 1,
        state=report.state,
        event=event,
        sections=dict(report.sections),
        comment=comment,
        by=user,
        at=timezone.now(),
    )


def _locked(report: Report) -> Report:
    """The row as it is now, locked for this transaction (the state may have moved)."""
    return Report.objects.select_for_update().get(pk=report.pk)


def _step(
    user: User | None,
    report: Report,
    values: dict[str, Any],
    *,
    event: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Report:
    """Write `values` to the (locked) report if it is still at `expected_version` (its
    own version by default), keep the new version and audit the change."""
    before = snapshot(report, values.keys())
    for name, value in values.items():
        setattr(report, name, value)
    report.updated_at, report.updated_by = timezone.now(), user
    report.save_versioned(
        expected_version=report.version if expected_version is None else expected_version,
        fields=[*values, "updated_at", "updated_by"],
    )
    _version(report, user, event, comment)
    audit_record(
        actor=user,
        action=Action.UPDATE,
        event=f"documents.report.{event}",
        obj=report,
        person_id=report.person_id,
        changes=diff(before, snapshot(report, values.keys())),
        data={"comment": comment} if comment else None,
    )
    return report


def _tell(actor: User, users: list[User | None], report: Report, text: str) -> None:
    """A notification on the home page of each (never the person acting)."""
    link = reverse("documents:report", args=[report.pk])
    recipients = [u for u in users if u is not None and u.pk != actor.pk]
    notify(recipients=recipients, text=text, link=link)


def report_deadline(
    kind: str, assessment: Assessment | None, conference: Conference | None
) -> tuple[dt.date | None, str]:
    """When the report must reach the chair (a conference report: rules cp.report.icpc
    and cp.report.review, counted back from the conference date), or for an assessment
    report, the assessment's own due date (rule assessment.completion)."""
    from hearth.timescales.engine import due_date

    if conference is not None:
        code = conference.report_rule
        return due_date(code, conference.scheduled_on).date, code
    if assessment is not None:
        return assessment.assessment_due_on, "assessment.completion"
    return None, ""


# --- Writes -----------------------------------------------------------------------------------


@transaction.atomic
def report_start(
    *,
    acting_user: User,
    kind: str,
    assessment: Assessment | None = None,
    conference: Conference | None = None,
) -> Report:
    """Start a report, its sections filled from the record (the child's details, the
    assessment's child's voice, the agencies' information, the plan). One report per
    assessment or conference: starting it again opens the one there is."""
    if kind == ReportKind.ASSESSMENT:
        if assessment is None:
            raise ValidationError("Choose the assessment the report is for")
        person_id, conference = assessment.person_id, None
        existing = Report.objects.filter(kind=kind, assessment=assessment).first()
    else:
        if conference is None or kind not in (ReportKind.ICPC, ReportKind.REVIEW):
            raise ValidationError("Choose the conference the report is for")
        expected = ReportKind.ICPC if conference.is_initial else ReportKind.REVIEW
        if kind != expected:
            raise ValidationError("The report does not match the kind of conference")
        person_id, assessment = conference.person_id, None
        existing = Report.objects.filter(conference=conference).first()
    _require(case_policy.can_edit_case(acting_user, person_id))
    if existing is not None:
        return existing
    due_on, rule = report_deadline(kind, assessment, conference)
    report = Report(
        person_id=person_id,
        kind=kind,
        assessment=assessment,
        conference=conference,
        sections=selectors.report_prefill(kind, person_id, assessment, conference),
        due_on=due_on,
        due_rule=rule,
        author=acting_user,
        updated_by=acting_user,
    )
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Someone started it at the same moment: open theirs.
        return Report.objects.get(kind=kind, assessment=assessment, conference=conference)
    _version(report, acting_user, "started")
    audit_change(actor=acting_user, obj=report, before=None, person_id=person_id)
    return report


@transaction.atomic
def report_save(
    *,
    acting_user: User,
    report: Report,
    expected_version: int,
    sections: Mapping[str, str],
) -> Report:
    """Save the draft's text. Refused if someone saved since `expected_version`
    (ConflictError, nothing written) or once the report is with the manager or signed
    off. A save that changes nothing writes no new version."""
    _require(case_policy.can_edit_case(acting_user, report.person_id))
    current = _locked(report)
    if current.state not in EDITABLE_STATES:
        raise ValidationError(
            f"The report is {current.get_state_display().lower()} and can no longer change"
        )
    texts = _clean_sections(report.kind, sections)
    if texts == current.sections and expected_version == current.version:
        return current
    # Refused (ConflictError) if someone saved since the editor opened it.
    return _step(
        acting_user, current, {"sections": texts}, event="saved", expected_version=expected_version
    )


def _default_manager(author: User) -> User | None:
    if author.team_id is None:
        return None
    return (
        User.objects.filter(team_id=author.team_id, role=Role.TEAM_MANAGER, is_active=True)
        .exclude(pk=author.pk)
        .order_by("full_name", "pk")
        .first()
    )


@transaction.atomic
def report_submit(
    *,
    acting_user: User,
    report: Report,
    expected_version: int,
    sections: Mapping[str, str] | None = None,
    manager: User | None = None,
) -> Report:
    """Send the report to the team manager (the one named, else the team's manager),
    saving its text first. Refused while a required section is empty."""
    _require(case_policy.can_edit_case(acting_user, report.person_id))
    if sections is not None:
        report = report_save(
            acting_user=acting_user,
            report=report,
            expected_version=expected_version,
            sections=sections,
        )
        expected_version = report.version
    current = _locked(report)
    if current.version != expected_version:
        raise ConflictError(STALE)
    if current.state not in EDITABLE_STATES:
        raise ValidationError("The report has already been submitted")
    empty = missing_sections(current.kind, current.sections)
    if empty:
        raise ValidationError(
            {s.key: [f"Write the section '{s.heading}' before submitting"] for s in empty}
        )
    manager = manager or _default_manager(acting_user)
    if manager is None or not manager.is_manager or not manager.is_active:
        raise ValidationError("There is no team manager to send the report to")
    if manager.pk == acting_user.pk:
        raise ValidationError("A report is signed off by someone other than its author")
    event = "resubmitted" if current.state == ReportState.RETURNED else "submitted"
    due_on, rule = report_deadline(current.kind, current.assessment, current.conference)
    values = {
        "state": ReportState.SUBMITTED,
        "submitted_to": manager,
        "team_id": acting_user.team_id,
        "submitted_at": timezone.now(),
        "author": current.author or acting_user,
        "due_on": due_on or current.due_on,
        "due_rule": rule or current.due_rule,
    }
    _step(acting_user, current, values, event=event)
    text = f"{current.get_kind_display()} to sign off, from {acting_user}"
    _tell(acting_user, [manager], current, text)
    return current


@transaction.atomic
def report_return(*, acting_user: User, report: Report, comments: str) -> Report:
    """Return the report to its author with comments (required)."""
    current = _locked(report)
    _require(can_decide(acting_user, current))
    comments = comments.strip()
    if not comments:
        raise ValidationError({"comments": ["Say what needs to change before it is approved"]})
    values = {
        "state": ReportState.RETURNED,
        "return_comments": comments,
        "decided_by": acting_user,
        "decided_at": timezone.now(),
    }
    _step(acting_user, current, values, event="returned", comment=comments)
    text = f"{current.get_kind_display()} returned by {acting_user}"
    _tell(acting_user, [current.author], current, text)
    return current


@transaction.atomic
def report_approve(*, acting_user: User, report: Report, comments: str = "") -> Report:
    current = _locked(report)
    _require(can_decide(acting_user, current))
    values = {
        "state": ReportState.APPROVED,
        "decided_by": acting_user,
        "decided_at": timezone.now(),
        "return_comments": "",
    }
    _step(acting_user, current, values, event="approved", comment=comments.strip())
    text = f"{current.get_kind_display()} approved by {acting_user}"
    _tell(acting_user, [current.author], current, text)
    return current


@transaction.atomic
def report_share(*, acting_user: User, report: Report, recipient: User | None = None) -> Report:
    """Share the approved report with the conference chair (or a reviewing officer
    named for an assessment report). A conference report shared is the conference's
    social work report received, and its deadline met. Sharing after the deadline is
    allowed, and shows as late."""
    current = _locked(report)
    _require(can_share(acting_user, current))
    if recipient is None and current.conference_id:
        recipient = current.conference.chair if current.conference else None
    if recipient is None:
        raise ValidationError({"recipient": ["Choose the chair or reviewing officer"]})
    if recipient.role != Role.REVIEWING_OFFICER or not recipient.is_active:
        raise ValidationError({"recipient": ["Share the report with a reviewing officer"]})
    now = timezone.now()
    values = {"state": ReportState.SHARED, "shared_with": recipient, "shared_at": now}
    _step(acting_user, current, values, event="shared", comment=f"Shared with {recipient}")
    if current.conference is not None:
        # The chair has the social work report: casework closes its "send the report to
        # the chair" deadline (in time or late) and recomputes the conference's dates.
        case_services.conference_report_received(
            acting_user=acting_user,
            conference=current.conference,
            received_on=timezone.localdate(now),
            author=(current.author or acting_user).full_name,
        )
    text = f"{current.get_kind_display()} shared with you by {acting_user}"
    _tell(acting_user, [recipient], current, text)
    return current


def report_viewed(*, acting_user: User, report: Report, pdf: bool = False) -> None:
    """Log that someone read (or printed) a report."""
    audit_record(
        actor=acting_user,
        action=Action.EXPORT if pdf else Action.VIEW,
        event="documents.report.pdf" if pdf else "documents.report.view",
        obj=report,
        person_id=report.person_id,
    )


# --- Manual chronology entries ----------------------------------------------------------------


@transaction.atomic
def chronology_entry_add(
    *,
    acting_user: User,
    person: Person,
    occurred_on: dt.date,
    title: str,
    detail: str = "",
    source: str = "",
) -> ManualChronologyEntry:
    """Add an event to the child's chronology that the record does not hold."""
    _require(case_policy.can_edit_case(acting_user, person.pk))
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": ["The date cannot be in the future"]})
    if occurred_on.year < 1900:
        raise ValidationError({"occurred_on": ["Enter a real date"]})
    title = title.strip()
    if not title:
        raise ValidationError({"title": ["Say what happened"]})
    entry = ManualChronologyEntry.objects.create(
        person=person,
        occurred_on=occurred_on,
        title=title,
        detail=detail.strip(),
        source=source.strip(),
        author=acting_user,
    )
    audit_change(actor=acting_user, obj=entry, before=None, person_id=person.pk)
    return entry
