"""Users, roles, teams and partner organisations."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    SENIOR_PRACTITIONER = "senior_practitioner", "Senior practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    FRONT_DOOR = "front_door", "Front door worker"
    REVIEWING_OFFICER = "reviewing_officer", "Reviewing officer / conference chair"
    PARTNER = "partner", "Partner agency user"
    PERFORMANCE_OFFICER = "performance_officer", "Performance officer"
    ADMINISTRATOR = "administrator", "Administrator"


MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.SERVICE_MANAGER})


class ServiceArea(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door"
    ASSESSMENT = "assessment", "Assessment"
    CHILD_PROTECTION = "child_protection", "Child protection"
    CHILDREN_IN_CARE = "children_in_care", "Children in care"
    LEAVING_CARE = "leaving_care", "Leaving care"
    FOSTERING = "fostering", "Fostering"


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    service_area = models.CharField(max_length=30, choices=ServiceArea.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    ADULT_SERVICES = "adult_services", "Adult social care"
    OTHER_LA = "other_la", "Other local authority"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """A partner agency whose users see only what is shared with the organisation."""

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReadScope(models.TextChoices):
    NONE = "none", "No case records"
    TEAM = "team", "Children their team works with"
    SERVICE = "service", "Children their service area works with"
    ALL = "all", "All children"


class RoleAccess(models.Model):
    """Per-role settings an administrator may change: read scope and two-factor."""

    role = models.CharField(max_length=30, choices=Role.choices, unique=True)
    read_scope = models.CharField(max_length=10, choices=ReadScope.choices)
    require_two_factor = models.BooleanField(default=False)

    class Meta:
        verbose_name = "role access setting"
        ordering = ["role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_read_scope_display()}"


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        extra.setdefault("full_name", "Administrator")
        return self.create_user(email, password, **extra)


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    AGENCY = "agency", "Agency"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=30, choices=Role.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    employment_type = models.CharField(
        max_length=10, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    qualified_on = models.DateField(
        null=True, blank=True, help_text="Date qualified as a social worker"
    )
    asye_until = models.DateField(
        "Newly qualified (ASYE) until",
        null=True,
        blank=True,
        help_text="Assessed and supported year in employment: protected caseload until this date",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May use the Django admin (administrators only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(organisation__isnull=False),
                name="partner_users_have_an_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        # Administrators manage the whole admin (roles, teams, closures); case records
        # are never registered there, so this grants no access to children's records.
        if self.is_active and self.is_staff and self.role == Role.ADMINISTRATOR:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.is_staff and self.role == Role.ADMINISTRATOR:
            return True
        return super().has_module_perms(app_label)

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def service_area(self) -> str | None:
        return self.team.service_area if self.team_id and self.team else None


class LoginFailure(models.Model):
    """A failed sign-in, counted by email and by address to throttle guessing."""

    email = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)


class Notification(models.Model):
    """A message for one user, shown on their home page until read."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
