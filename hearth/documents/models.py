"""Documents: reports written in Hearth and signed off by a manager, and the manual
entries a worker adds to a child's chronology.

    Report ── ReportVersion (one immutable row per save or decision)

A report (an assessment report, or the social work report for an initial or review
child protection conference) is drafted in sections, submitted to the team manager,
returned with comments or approved, and shared with the conference chair (or reviewing
officer) before the deadline the timescale rules give (`cp.report.icpc`,
`cp.report.review`; for an assessment report, the assessment's own due date). Every
save and every decision writes a `ReportVersion`, so the history is never rewritten.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from hearth.core.models import Versioned


class ReportKind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment report"
    ICPC = "icpc", "Social work report to the initial child protection conference"
    REVIEW = "review", "Social work report to the review child protection conference"


class ReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for the manager"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"
    SHARED = "shared", "Shared with the chair"


# The states in which the author may still change the text.
EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})
# The states in which the report is signed off and may be printed.
SIGNED_OFF_STATES = frozenset({ReportState.APPROVED, ReportState.SHARED})


def _user_fk(related_name: str = "+") -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Report(Versioned):
    """A report about one child, in sections (`sections`: {key: text}; the keys and
    headings for each kind are in `hearth.documents.sections`)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    assessment = models.ForeignKey(
        "casework.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_reports",
    )
    conference = models.ForeignKey(
        "casework.Conference",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_reports",
    )
    sections = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    due_on = models.DateField(
        null=True,
        blank=True,
        help_text="When it must reach the chair (or the assessment's due date)",
    )
    due_rule = models.CharField(max_length=80, blank=True)
    author = _user_fk("authored_reports")
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="The author's team when submitted: its managers sign the report off",
    )
    submitted_to = _user_fk("reports_to_sign_off")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = _user_fk()
    decided_at = models.DateTimeField(null=True, blank=True)
    return_comments = models.TextField(blank=True)
    shared_with = _user_fk()
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = _user_fk()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "created_at"], name="report_person_created"),
            models.Index(
                fields=["submitted_to", "due_on"],
                condition=models.Q(state="submitted"),
                name="report_awaiting_manager",
            ),
            models.Index(
                fields=["team", "due_on"],
                condition=models.Q(state="submitted"),
                name="report_awaiting_team",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="assessment", assessment__isnull=False, conference=None)
                    | models.Q(kind__in=["icpc", "review"], conference__isnull=False)
                ),
                name="report_names_what_it_is_for",
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(kind="assessment"),
                name="one_report_per_assessment",
            ),
            models.UniqueConstraint(
                fields=["conference"],
                condition=models.Q(kind__in=["icpc", "review"]),
                name="one_social_work_report_per_conference",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_signed_off(self) -> bool:
        return self.state in SIGNED_OFF_STATES

    def text(self, key: str) -> str:
        value = (self.sections or {}).get(key, "")
        return value if isinstance(value, str) else ""


class ImmutableError(Exception):
    pass


class ReportVersion(models.Model):
    """One version of a report as it stood after a save or a decision: never changed."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=ReportState.choices)
    event = models.CharField(max_length=20, help_text="saved, submitted, returned, ...")
    sections = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    by = _user_fk()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_report_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} ({self.event})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("A report version cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("A report version cannot be deleted")


class ManualChronologyEntry(models.Model):
    """An event a worker adds to the child's chronology by hand (something the record
    does not hold: a family event, a report from another authority)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="manual_chronology_entries"
    )
    occurred_on = models.DateField()
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where this is known from")
    author = _user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name_plural = "manual chronology entries"
        indexes = [models.Index(fields=["person", "occurred_on"], name="manualchron_person_on")]

    def __str__(self) -> str:
        return self.title
