"""Casework records: the statutory process after a referral, in the shape of the CIN
census (`CINdetails` and what hangs off it).

    CINEpisode ─┬─ EpisodeClosure (the closure checklist a manager signs off)
                ├─ Assessment ── ChildSeen
                ├─ StrategyDiscussion ─┬─ StrategyAttendee
                │                      └─ CaseAction
                ├─ Section47Enquiry (started by a strategy discussion)
                ├─ Conference ─┬─ ConferenceInvitee
                │              └─ ConferenceReport
                ├─ ChildProtectionPlan ─┬─ CoreGroupMeeting, CaseAction
                │                       └─ Conference (reviews)
                └─ CINPlan ─┬─ CINReview, CaseAction

Dates are facts; due dates are derived. Each row that carries due dates says which
timescale rules apply to it and from which of its facts (`due_specs`); the services
recompute the stored dates whenever one of those facts changes, and keep one `Task` per
due date so that the lists of a worker or a team ("My work", the overdue list) query a
single table. Row-level invariants live here (`clean`, constraints); rules that look
across rows (dates in order, no overlaps, codes valid on the day) live in services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from hearth.core.models import Versioned

if TYPE_CHECKING:
    from hearth.timescales.engine import Moment, Timescales


@dataclass(frozen=True)
class DueSpec:
    """One due date a row carries: the rule, the fact its clock starts from, the last
    occurrence for a repeating rule, and when it was met (None while outstanding)."""

    code: str
    start: Moment | None
    last: Moment | None = None
    met_on: dt.date | None = None


class HasDueDates:
    """Mixin for rows that store due dates (see `hearth.timescales.registry`)."""

    def due_specs(self) -> list[DueSpec]:
        raise NotImplementedError

    def recompute_due_dates(self, ts: Timescales) -> list[str]:
        """Set every due-date field from the row's facts; return the names that changed."""
        changed: list[str] = []
        for spec in self.due_specs():
            changed += ts.apply_due(self, spec.code, spec.start, last=spec.last)
        return changed


def _user_fk(related_name: str = "+") -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _person_fk(related_name: str = "+") -> models.ForeignKey[Any, Any]:
    return models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name=related_name)


class Agency(models.TextChoices):
    """Who a professional at a meeting works for (Working Together 2023, chapter 3:
    the local authority, police and health at a strategy discussion, and others)."""

    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    ADULT_SERVICES = "adult_services", "Adult social care"
    EARLY_HELP = "early_help", "Early help"
    FAMILY = "family", "Family member"
    OTHER = "other", "Other"


# --- Episodes ----------------------------------------------------------------------------


class CINEpisode(HasDueDates, Versioned):
    """One child in need episode: from the referral that opened it to its closure
    (CIN census `CINdetails`). At most one open episode per child (rule 8815/8816) and
    episodes never overlap (rule 8820). When a strategy discussion is decided on (the
    front door's decision, or an assessment's outcome), the episode carries when it is
    due (rule `cp.strategy_discussion`) until one is held."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cin_episodes"
    )
    referral_date = models.DateField()
    referral_source = models.CharField(
        max_length=3, help_text="CIN ReferralSource code (code list referral_source)"
    )
    primary_need_code = models.CharField(
        max_length=2, default="N0", help_text="CIN PrimaryNeedCode (code list primary_need)"
    )
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(
        max_length=3, blank=True, help_text="CIN ReasonForClosure (code list closure_reason)"
    )
    previous_closure_on = models.DateField(
        null=True,
        blank=True,
        help_text="Set at closure when an earlier episode closed within the 12 months "
        "before: a possible pattern of re-referral, shown to managers",
    )
    strategy_needed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When a strategy discussion was decided on: starts its clock",
    )
    strategy_held_on = models.DateField(
        null=True, blank=True, help_text="The first strategy discussion held since the decision"
    )
    strategy_discussion_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _user_fk()

    class Meta:
        ordering = ["-referral_date", "-pk"]
        indexes = [models.Index(fields=["person", "referral_date"], name="cin_person_referral")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(closure_date__isnull=True),
                name="one_open_cin_episode",
            ),
            models.CheckConstraint(
                condition=models.Q(closure_date__isnull=True)
                | models.Q(closure_date__gte=models.F("referral_date")),
                name="cin_closed_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"CIN episode from {self.referral_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None

    @property
    def possible_rereferral_pattern(self) -> bool:
        return self.previous_closure_on is not None

    def due_specs(self) -> list[DueSpec]:
        return [
            DueSpec("cp.strategy_discussion", self.strategy_needed_on, met_on=self.strategy_held_on)
        ]


class EpisodeClosure(Versioned):
    """The closure checklist: the worker proposes a closure date and reason and ticks
    what has been done; a manager (not the worker) signs it off, which closes the
    episode, or returns it with a note. Nothing is closed without a second pair of eyes.
    """

    CHECKLIST = (
        ("child_seen", "The child has been seen"),
        ("child_views_recorded", "The child's views are recorded"),
        ("plan_ended", "Any plan has ended"),
        ("family_told", "The family has been told"),
        ("agencies_told", "Partner agencies have been told"),
    )

    episode = models.OneToOneField(CINEpisode, on_delete=models.PROTECT, related_name="closure")
    closure_date = models.DateField()
    closure_reason = models.CharField(max_length=3)
    child_seen = models.BooleanField(default=False)
    child_views_recorded = models.BooleanField(default=False)
    plan_ended = models.BooleanField(default=False)
    family_told = models.BooleanField(default=False)
    agencies_told = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    requested_by = _user_fk()
    requested_at = models.DateTimeField(default=timezone.now)
    returned_note = models.TextField(blank=True)
    returned_by = _user_fk()
    signed_off_by = _user_fk()
    signed_off_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Closure of {self.episode}"

    def missing(self) -> list[str]:
        """The checklist items not yet ticked, in words."""
        return [label for name, label in self.CHECKLIST if not getattr(self, name)]

    def done(self) -> list[str]:
        return [label for name, label in self.CHECKLIST if getattr(self, name)]

    @property
    def status(self) -> str:
        if self.signed_off_at:
            return "Signed off"
        if self.returned_note:
            return "Returned to the worker"
        return "Waiting for a manager to sign off"


# --- Assessment ----------------------------------------------------------------------------


class AssessmentOutcome(models.TextChoices):
    NFA = "nfa", "No further action"
    EARLY_HELP = "early_help", "Early help"
    CIN_PLAN = "cin_plan", "Child in need plan"
    STRATEGY = "strategy_discussion", "Strategy discussion"


class Assessment(HasDueDates, Versioned):
    """A child and family assessment (CIN census `Assessments`). Due 45 working days
    from the referral (rule `assessment.completion`); met when a manager authorises it.
    """

    TEXT_FIELDS = ("child_voice", "family_views", "professional_views", "analysis")

    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="assessments")
    person = _person_fk()
    started_on = models.DateField(help_text="CIN AssessmentActualStartDate")
    child_voice = models.TextField(
        "The child's voice", blank=True, help_text="The child's own words, wishes and feelings"
    )
    family_views = models.TextField("The family's views", blank=True)
    professional_views = models.TextField("Professionals' views", blank=True)
    analysis = models.TextField(blank=True)
    factors = models.JSONField(
        default=list, blank=True, help_text="CIN AssessmentFactors (code list assessment_factor)"
    )
    outcome = models.CharField(max_length=30, choices=AssessmentOutcome.choices, blank=True)
    authorised_on = models.DateField(
        null=True, blank=True, help_text="CIN AssessmentAuthorisationDate"
    )
    authorised_by = _user_fk()
    assessment_due_on = models.DateField(null=True, blank=True)
    assessment_target_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _user_fk()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = _user_fk()

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "started_on"], name="assessment_person_start"),
            models.Index(
                fields=["assessment_due_on"],
                condition=models.Q(authorised_on__isnull=True),
                name="assessment_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment started {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.authorised_on and self.started_on and self.authorised_on < self.started_on:
            raise ValidationError(
                {"authorised_on": ["The assessment cannot be authorised before it started"]}
            )

    @property
    def is_authorised(self) -> bool:
        return self.authorised_on is not None

    def due_specs(self) -> list[DueSpec]:
        return [
            DueSpec("assessment.completion", self.episode.referral_date, met_on=self.authorised_on)
        ]


class ChildSeen(models.Model):
    """A date the child was seen during the assessment, and whether alone."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="seen")
    seen_on = models.DateField()
    alone = models.BooleanField(default=False)
    recorded_by = _user_fk()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seen_on", "pk"]

    def __str__(self) -> str:
        return f"Seen {self.seen_on:%d/%m/%Y}{' alone' if self.alone else ''}"


# --- Strategy discussion and section 47 ----------------------------------------------------


class StrategyDecision(models.TextChoices):
    S47_SINGLE = "s47_single", "Section 47 enquiry by children's social care (single agency)"
    S47_JOINT = "s47_joint", "Section 47 enquiry jointly with the police"
    NFA = "nfa", "No further action under section 47"


S47_DECISIONS = frozenset({StrategyDecision.S47_SINGLE, StrategyDecision.S47_JOINT})


class StrategyDiscussion(Versioned):
    """A strategy discussion (Working Together 2023, chapter 3): who took part from
    which agency, what each shared, and what was decided."""

    episode = models.ForeignKey(
        CINEpisode, on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    person = _person_fk()
    held_at = models.DateTimeField()
    decision = models.CharField(max_length=20, choices=StrategyDecision.choices)
    cp_medical = models.BooleanField("Child protection medical", default=False)
    summary = models.TextField(blank=True, help_text="The reasons for the decision")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _user_fk()

    class Meta:
        ordering = ["-held_at", "-pk"]
        indexes = [models.Index(fields=["person", "held_at"], name="strategy_person_held")]

    def __str__(self) -> str:
        return f"Strategy discussion {timezone.localtime(self.held_at):%d/%m/%Y %H:%M}"

    @property
    def held_on(self) -> dt.date:
        return timezone.localtime(self.held_at).date()

    @property
    def starts_s47(self) -> bool:
        return self.decision in S47_DECISIONS


class StrategyAttendee(models.Model):
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(max_length=150)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    role = models.CharField(max_length=150, blank=True)
    information_shared = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"


class Section47Enquiry(HasDueDates, Versioned):
    """A section 47 enquiry (CIN census `Section47`). It starts on the day of the
    strategy discussion that began it (S47ActualStartDate); the initial conference is
    due 15 working days after the last strategy discussion (rule `cp.icpc`)."""

    episode = models.ForeignKey(
        CINEpisode, on_delete=models.PROTECT, related_name="section47_enquiries"
    )
    person = _person_fk()
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="section47"
    )
    started_on = models.DateField(help_text="CIN S47ActualStartDate")
    last_strategy_on = models.DateField(
        help_text="The last strategy discussion during the enquiry: the conference clock"
    )
    completed_on = models.DateField(null=True, blank=True)
    concerns_substantiated = models.BooleanField(null=True, blank=True)
    likely_significant_harm = models.BooleanField(null=True, blank=True)
    icpc_required = models.BooleanField(
        null=True, blank=True, help_text="False is CIN ICPCnotRequired"
    )
    icpc_held_on = models.DateField(null=True, blank=True, help_text="CIN DateOfInitialCPC")
    icpc_due_on = models.DateField(null=True, blank=True, help_text="CIN InitialCPCtarget")
    icpc_target_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _user_fk()

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        indexes = [
            models.Index(
                fields=["icpc_due_on"],
                condition=models.Q(icpc_held_on__isnull=True),
                name="s47_open_icpc_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry from {self.started_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.completed_on and self.started_on and self.completed_on < self.started_on:
            raise ValidationError({"completed_on": ["The enquiry cannot end before it started"]})

    def due_specs(self) -> list[DueSpec]:
        if self.icpc_required is False:
            return [DueSpec("cp.icpc", None)]
        return [DueSpec("cp.icpc", self.last_strategy_on, met_on=self.icpc_held_on)]


# --- Plans ------------------------------------------------------------------------------------


class _Period(models.Model):
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-start_date"]

    def current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": ["The end date must be after the start date"]})


class ChildProtectionPlan(HasDueDates, _Period):
    """A child protection plan (CIN census `ChildProtectionPlans`): it starts on the
    date of the conference that decided it (rule 2885) and carries its review, first
    core group and visit due dates."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="child_protection_plans"
    )
    episode = models.ForeignKey(
        CINEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="cp_plans"
    )
    initial_category = models.CharField(
        max_length=3, blank=True, help_text="CIN InitialCategoryOfAbuse (category_of_abuse)"
    )
    latest_category = models.CharField(
        max_length=3, blank=True, help_text="CIN LatestCategoryOfAbuse (category_of_abuse)"
    )
    previous_plans = models.PositiveIntegerField(default=0, help_text="CIN NumberOfPreviousCPP")
    last_review_on = models.DateField(null=True, blank=True)
    first_core_group_on = models.DateField(null=True, blank=True)
    last_visit_on = models.DateField(
        null=True, blank=True, help_text="The last visit at which the child was seen alone"
    )
    review_due_on = models.DateField(null=True, blank=True)
    review_target_on = models.DateField(null=True, blank=True)
    first_core_group_due_on = models.DateField(null=True, blank=True)
    next_visit_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(_Period.Meta):
        indexes = [
            models.Index(fields=["person", "start_date"], name="cpp_person_start"),
            models.Index(
                fields=["review_due_on"],
                condition=models.Q(end_date__isnull=True),
                name="cpp_open_review_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Child protection plan from {self.start_date:%d/%m/%Y}"

    def due_specs(self) -> list[DueSpec]:
        ended = self.end_date
        return [
            DueSpec("cp.review", self.start_date, last=self.last_review_on, met_on=ended),
            DueSpec(
                "cp.core_group.first", self.start_date, met_on=self.first_core_group_on or ended
            ),
            DueSpec("cp.visit", self.start_date, last=self.last_visit_on, met_on=ended),
        ]


class _Meeting(models.Model):
    """A meeting held under a plan (a core group, a child in need review)."""

    held_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = _user_fk()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["held_on", "pk"]


class CoreGroupMeeting(_Meeting):
    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_groups"
    )

    def __str__(self) -> str:
        return f"Core group {self.held_on:%d/%m/%Y}"


class CINPlan(HasDueDates, _Period):
    """A child in need plan (CIN census `CINPlanDates`); never overlapping a child
    protection plan (rules 4001, 4016, 4017)."""

    person = _person_fk("cin_plans")
    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="cin_plans")
    last_review_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _user_fk()

    class Meta(_Period.Meta):
        verbose_name = "CIN plan"
        indexes = [models.Index(fields=["person", "start_date"], name="cinplan_person_start")]

    def __str__(self) -> str:
        return f"Child in need plan from {self.start_date:%d/%m/%Y}"

    def due_specs(self) -> list[DueSpec]:
        return [
            DueSpec("cin.review", self.start_date, last=self.last_review_on, met_on=self.end_date)
        ]


class CINReview(_Meeting):
    plan = models.ForeignKey(CINPlan, on_delete=models.CASCADE, related_name="reviews")

    def __str__(self) -> str:
        return f"Child in need review {self.held_on:%d/%m/%Y}"


class CaseAction(models.Model):
    """An action agreed at a strategy discussion or in a plan: who does what by when."""

    person = _person_fk()
    strategy_discussion = models.ForeignKey(
        StrategyDiscussion, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    cp_plan = models.ForeignKey(
        ChildProtectionPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    cin_plan = models.ForeignKey(
        CINPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=150, help_text="Who will do it, and for which agency")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_by = _user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(strategy_discussion__isnull=False, cp_plan=None, cin_plan=None)
                    | models.Q(strategy_discussion=None, cp_plan__isnull=False, cin_plan=None)
                    | models.Q(strategy_discussion=None, cp_plan=None, cin_plan__isnull=False)
                ),
                name="case_action_has_one_parent",
            )
        ]

    def __str__(self) -> str:
        return self.description


# --- Conferences -----------------------------------------------------------------------------


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Child protection review conference"


class Conference(Versioned):
    """An initial or review child protection conference: when, who chairs, who is
    invited and came, which reports are needed by when, and what it decided."""

    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="conferences")
    person = _person_fk()
    kind = models.CharField(max_length=10, choices=ConferenceKind.choices)
    section47 = models.ForeignKey(
        Section47Enquiry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    plan = models.ForeignKey(
        ChildProtectionPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
        help_text="For a review, the plan reviewed; for an initial conference, the plan "
        "it started (if any)",
    )
    scheduled_on = models.DateField()
    chair = _user_fk()
    held_on = models.DateField(null=True, blank=True)
    plan_decided = models.BooleanField(
        null=True, blank=True, help_text="Child protection plan needed (or continued)"
    )
    category = models.CharField(max_length=3, blank=True, help_text="category_of_abuse")
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _user_fk()

    class Meta:
        ordering = ["-scheduled_on", "-pk"]
        indexes = [models.Index(fields=["person", "scheduled_on"], name="conference_person_date")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="initial") | models.Q(section47__isnull=False),
                name="initial_conference_has_s47",
            ),
            models.UniqueConstraint(
                fields=["section47"],
                condition=models.Q(kind="initial"),
                name="one_initial_conference_per_s47",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_on:%d/%m/%Y}"

    @property
    def is_initial(self) -> bool:
        return self.kind == ConferenceKind.INITIAL

    @property
    def report_rule(self) -> str:
        return "cp.report.icpc" if self.is_initial else "cp.report.review"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    REPORT_ONLY = "report_only", "Sent a report, did not attend"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class ConferenceInvitee(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="invitees")
    name = models.CharField(max_length=150)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"


class ConferenceReport(HasDueDates, models.Model):
    """A report the conference needs, due to the chair before it (rules
    `cp.report.icpc` and `cp.report.review`); moving the conference moves the deadline."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="reports")
    person = _person_fk()
    author = models.CharField(max_length=150)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    report_due_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Report from {self.author}"

    def due_specs(self) -> list[DueSpec]:
        c = self.conference
        return [DueSpec(c.report_rule, c.scheduled_on, met_on=self.received_on or c.held_on)]


# --- Tasks (due items) -----------------------------------------------------------------------


class Task(models.Model):
    """One due date a role must meet for a child, kept in step with the row it comes
    from (`source_type`, `source_id`, `source_field`). The team manager's lists and a
    worker's "My work" read this one table: open tasks by due date, per child."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="casework_tasks"
    )
    rule_code = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    role = models.CharField(max_length=30, help_text="accounts Role expected to act")
    assigned_to = _user_fk("casework_tasks")
    due_on = models.DateField()
    target_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    source_type = models.CharField(max_length=60)
    source_id = models.BigIntegerField()
    source_field = models.CharField(max_length=60)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "source_field"], name="one_task_per_due_date"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=models.Q(done_on__isnull=True), name="task_open_due"
            ),
            models.Index(fields=["person", "due_on"], name="task_person_due"),
        ]

    def __str__(self) -> str:
        return f"{self.title} by {self.due_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.done_on is None


class LookedAfterPeriod(_Period):
    """A period of being looked after. Minimal: the care issue adds the episodes,
    legal statuses and placements (SSDA903)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="looked_after_periods"
    )

    class Meta(_Period.Meta):
        indexes = [models.Index(fields=["person", "start_date"], name="lac_person_start")]

    def __str__(self) -> str:
        return f"Looked after from {self.start_date:%d/%m/%Y}"


# --- Case notes and visits -------------------------------------------------------------------


class NoteKind(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    SCHOOL_VISIT = "school_visit", "School visit"
    OFFICE_VISIT = "office_visit", "Office visit"
    PHONE_CALL = "phone_call", "Phone call"
    MEETING = "meeting", "Meeting"
    OBSERVATION = "observation", "Observation"
    SUPERVISION = "supervision_decision", "Supervision decision"
    OVERSIGHT = "management_oversight", "Management oversight"


VISIT_KINDS = frozenset({NoteKind.HOME_VISIT, NoteKind.SCHOOL_VISIT, NoteKind.OFFICE_VISIT})


class NoAccessReason(models.TextChoices):
    NO_ANSWER = "no_answer", "Nobody answered"
    REFUSED = "refused_entry", "Refused entry"
    NOT_THERE = "child_not_there", "The child was not there"


class CaseNote(models.Model):
    """A case note or visit: what kind, when, who wrote it and who was there, whether
    the child was seen (and alone) and their words. A visit with no access (nobody
    answered, refused entry) says why; three in a row on a plan escalate to the team
    manager (`services.case_note_record`). Significant notes go on the chronology."""

    person = _person_fk("case_notes")
    episode = models.ForeignKey(
        CINEpisode, null=True, blank=True, on_delete=models.PROTECT, related_name="case_notes"
    )
    kind = models.CharField(max_length=30, choices=NoteKind.choices)
    occurred_at = models.DateTimeField()
    author = _user_fk("case_notes")
    present = models.JSONField(default=list, blank=True, help_text="Who was present, by name")
    no_access = models.BooleanField(default=False)
    no_access_reason = models.CharField(max_length=20, choices=NoAccessReason.choices, blank=True)
    child_seen = models.BooleanField(default=False)
    seen_alone = models.BooleanField(default=False)
    child_words = models.TextField("The child's words", blank=True)
    text = models.TextField(blank=True)
    significant = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["person", "occurred_at"], name="casenote_person_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seen_alone=False) | models.Q(child_seen=True),
                name="casenote_alone_only_if_seen",
            ),
            models.CheckConstraint(
                condition=models.Q(no_access=False)
                | models.Q(child_seen=False, no_access_reason__gt=""),
                name="casenote_no_access_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.occurred_at):%d/%m/%Y %H:%M}"

    @property
    def is_visit(self) -> bool:
        return self.kind in VISIT_KINDS

    @property
    def occurred_on(self) -> dt.date:
        return timezone.localtime(self.occurred_at).date()


# --- My work -----------------------------------------------------------------------------------


class MyWorkSeen(models.Model):
    """When a worker last marked the new information on their "My work" page as seen:
    what arrived after this is shown as new."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="my_work_seen"
    )
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = "my work seen"

    def __str__(self) -> str:
        return f"Seen at {self.seen_at:%d/%m/%Y %H:%M}"
