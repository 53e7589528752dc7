"""The workforce: each worker's profile (hours, interests, languages, caseload limit,
supervision frequency), leave, allocations and their history, the duty rota and
supervision records. Role, team, employment type and qualification dates stay on
`accounts.User`; everything else about a worker lives here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def _user_fk(related_name: str = "+", *, null: bool = False) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name=related_name,
        null=null,
        blank=null,
    )


class WorkforceSettings(models.Model):
    """The authority's caseload weights and limits (one row, changed by an administrator).

    A child counts by the weight of the heaviest work with them, plus additions. The
    defaults make a typical child in need weigh 1, so 18 such children fill a full-time
    worker: the typical full caseload (DESIGN.md, "about 18 children each"). These are
    Hearth's local defaults, not national rules: no statute sets caseload sizes.
    """

    weight_assessment = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1"))
    weight_cin = models.DecimalField(
        "Weight: child in need plan", max_digits=4, decimal_places=2, default=Decimal("1")
    )
    weight_cp = models.DecimalField(
        "Weight: child protection plan", max_digits=4, decimal_places=2, default=Decimal("1.5")
    )
    weight_looked_after = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.25")
    )
    weight_other = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.75"))
    add_sibling = models.DecimalField(
        "Added for each brother or sister also allocated to the worker",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.1"),
    )
    add_care_proceedings = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("0.5")
    )
    add_out_of_area = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.25"))
    full_caseload_weight = models.DecimalField(
        "Full caseload weight for one full-time worker",
        max_digits=5,
        decimal_places=2,
        default=Decimal("18"),
    )
    asye_share = models.DecimalField(
        "Share of a full caseload while newly qualified (ASYE)",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.67"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    asye_no_cp_months = models.PositiveSmallIntegerField(
        "Months after qualifying with no child protection lead",
        default=6,
    )
    supervision_days = models.PositiveSmallIntegerField(default=28)
    asye_supervision_days = models.PositiveSmallIntegerField(default=14)
    leave_soon_days = models.PositiveSmallIntegerField(
        "Days ahead in which leave counts against allocating", default=7
    )
    long_leave_days = models.PositiveSmallIntegerField(
        "Leave of this many days or more needs a reallocation list", default=14
    )

    class Meta:
        verbose_name = "workforce settings"
        verbose_name_plural = "workforce settings"

    def __str__(self) -> str:
        return "Caseload weights and limits"

    @classmethod
    def current(cls) -> WorkforceSettings:
        row = cls.objects.filter(pk=1).first()
        return row if row is not None else cls(pk=1)


class WorkerProfile(models.Model):
    """What a manager needs to know about a worker to allocate and supervise well."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worker_profile"
    )
    fte = models.DecimalField(
        "Full-time equivalent",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1"))],
    )
    interests = models.JSONField(
        default=list,
        blank=True,
        help_text="Kinds of work, from INTEREST_CHOICES (e.g. pre-birth, adolescents)",
    )
    career_goals = models.TextField(blank=True)
    languages = models.JSONField(default=list, blank=True)
    max_caseload_weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave blank to use the authority's full caseload times FTE",
    )
    supervision_every_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Leave blank for the default (monthly; fortnightly in ASYE)",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


INTEREST_CHOICES: list[tuple[str, str]] = [
    ("pre_birth", "Pre-birth assessments"),
    ("under_fives", "Babies and under-fives"),
    ("adolescents", "Adolescents"),
    ("exploitation", "Exploitation and missing"),
    ("domestic_abuse", "Domestic abuse"),
    ("neglect", "Neglect"),
    ("disability", "Disabled children"),
    ("court_work", "Court work"),
    ("child_protection", "Child protection"),
    ("sibling_groups", "Sibling groups"),
]
INTEREST_LABELS = dict(INTEREST_CHOICES)


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", "Annual leave"
    SICK = "sick", "Sickness"
    TRAINING = "training", "Training"
    PARENTAL = "parental", "Parental leave"
    OTHER = "other", "Other"


class Leave(models.Model):
    user = _user_fk("leave")
    kind = models.CharField(max_length=10, choices=LeaveKind.choices, default=LeaveKind.ANNUAL)
    start = models.DateField()
    end = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["user", "end"], name="leave_user_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="leave_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%d/%m/%Y} to {self.end:%d/%m/%Y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class AllocationKind(models.TextChoices):
    ALLOCATE = "allocate", "Allocated"
    REALLOCATE = "reallocate", "Reallocated"


class Allocation(models.Model):
    """One allocation decision: who gave which child to whom, when and why. The
    involvement (people app) holds the current worker; this keeps the history."""

    involvement = models.ForeignKey(
        "people.Involvement", on_delete=models.PROTECT, related_name="allocations"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    worker = _user_fk("allocations_received")
    previous_worker = _user_fk(null=True)
    kind = models.CharField(max_length=10, choices=AllocationKind.choices)
    allocated_by = _user_fk()
    allocated_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    over_capacity_reason = models.TextField(blank=True)
    weight_before = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    capacity = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["-allocated_at", "-pk"]
        indexes = [models.Index(fields=["team", "-allocated_at"], name="allocation_team_at")]

    def __str__(self) -> str:
        return f"{self.person_id} to {self.worker}"


class DutyShift(models.Model):
    """Who covers duty for a team on a day."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="duty_shifts")
    day = models.DateField()
    worker = _user_fk("duty_shifts")

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["team", "day"], name="one_duty_worker_per_team_day")
        ]

    def __str__(self) -> str:
        return f"{self.worker} on duty {self.day:%d/%m/%Y}"


class SupervisionKind(models.TextChoices):
    PERSONAL = "personal", "Personal supervision"
    CASE = "case", "Case supervision"


class Supervision(models.Model):
    """A supervision session. Personal supervision (workload, wellbeing) is private to
    the worker, their managers and HR (`policy.can_read_personal_supervision`); case
    supervision discusses children, and its decisions belong on each child's record."""

    worker = _user_fk("supervisions")
    supervisor = _user_fk()
    held_on = models.DateField()
    kind = models.CharField(max_length=10, choices=SupervisionKind.choices)
    workload = models.TextField(blank=True)
    wellbeing = models.TextField(blank=True)
    went_well = models.TextField("What went well", blank=True)
    was_hard = models.TextField("What was hard", blank=True)
    training = models.TextField(blank=True)
    leave_booked = models.TextField("Annual leave booked", blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["worker", "-held_on"], name="supervision_worker_held")]
        permissions = (
            ("view_personal_supervision", "May read any worker's personal supervision (HR)"),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.worker} on {self.held_on:%d/%m/%Y}"


class CaseDiscussion(models.Model):
    """One child discussed in case supervision: the reflection and the decisions."""

    supervision = models.ForeignKey(
        Supervision, on_delete=models.CASCADE, related_name="discussions"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="supervision_discussions"
    )
    reflection = models.TextField(blank=True)
    decisions = models.TextField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["person"], name="casediscussion_person")]

    def __str__(self) -> str:
        return f"Supervision decision for {self.person_id}"


class SupervisionAction(models.Model):
    discussion = models.ForeignKey(CaseDiscussion, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = _user_fk("supervision_actions")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description
