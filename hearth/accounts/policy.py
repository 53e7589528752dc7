"""The access policy: the one place that decides who may see or change a person's record.

Every page, API endpoint and export asks this module. Rules:

- Staff see the people their team works with (an open involvement), and those people's
  relatives; a role's read scope (set by an administrator) may widen that to the
  service area or the whole authority, or narrow it to nothing.
- Partner agency users see only people shared with their organisation, and only the
  identifying details; they never change a record.
- A restricted ("sealed") record is open only to the users named on it. Anyone else
  whose scope covers it must give a reason (breaking the glass), which is logged and
  notified to a manager; without it they see nothing but that it is restricted.
- Denials look the same as "not found" wherever a record is out of scope.

The people tables are looked up by name so that this lower layer need not import them.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from hearth.accounts.models import ReadScope, Role, RoleAccess

if TYPE_CHECKING:
    from hearth.accounts.models import User

BREAK_GLASS_HOURS = 8

# Roles that may change a person's details when the record is in their scope.
EDITING_ROLES = frozenset(
    {
        Role.SOCIAL_WORKER,
        Role.SENIOR_PRACTITIONER,
        Role.TEAM_MANAGER,
        Role.SERVICE_MANAGER,
        Role.FRONT_DOOR,
    }
)
# Roles that may see who has viewed and changed a record.
AUDIT_READER_ROLES = frozenset({Role.TEAM_MANAGER, Role.SERVICE_MANAGER})

DEFAULT_READ_SCOPE: dict[str, str] = {
    Role.SOCIAL_WORKER: ReadScope.TEAM,
    Role.SENIOR_PRACTITIONER: ReadScope.TEAM,
    Role.TEAM_MANAGER: ReadScope.TEAM,
    Role.SERVICE_MANAGER: ReadScope.SERVICE,
    Role.FRONT_DOOR: ReadScope.ALL,
    Role.REVIEWING_OFFICER: ReadScope.ALL,
    Role.PERFORMANCE_OFFICER: ReadScope.ALL,
    Role.PARTNER: ReadScope.NONE,
    Role.ADMINISTRATOR: ReadScope.NONE,
}


class Access(enum.Enum):
    NONE = "none"  # out of scope: answer as if it does not exist
    NEEDS_REASON = "needs_reason"  # restricted and in scope: may break the glass
    SHARED = "shared"  # partner: identifying details of a shared record only
    FULL = "full"


def read_scope(user: User) -> str:
    setting = RoleAccess.objects.filter(role=user.role).values_list("read_scope", flat=True).first()
    return setting or DEFAULT_READ_SCOPE.get(user.role, ReadScope.NONE)


def _model(name: str) -> Any:
    return apps.get_model("people", name)


def _worked_with_by(team_ids: QuerySet[Any] | list[int]) -> Q:
    """People with an open involvement of one of these teams, and their relatives."""
    involvement = _model("Involvement")
    relationship = _model("Relationship")
    open_inv = involvement.objects.filter(team_id__in=team_ids, ended__isnull=True)
    direct = Exists(open_inv.filter(person_id=OuterRef("pk")))
    via_relative = Exists(
        relationship.objects.filter(
            person_id=OuterRef("pk"),
            relative_id__in=open_inv.values("person_id"),
        )
    )
    return Q(direct) | Q(via_relative)


def _scope_q(user: User) -> Q | None:
    """The people in the user's scope, ignoring restriction; None for nobody."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_partner:
        share = _model("PersonShare")
        now = timezone.now()
        shared = share.objects.filter(
            person_id=OuterRef("pk"), organisation_id=user.organisation_id, revoked_at__isnull=True
        ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        return Q(Exists(shared))
    scope = read_scope(user)
    if scope == ReadScope.ALL:
        return Q()
    if scope == ReadScope.SERVICE and user.team_id:
        team_model = apps.get_model("accounts", "Team")
        return _worked_with_by(
            team_model.objects.filter(service_area=user.service_area).values("pk")
        )
    if scope in (ReadScope.TEAM, ReadScope.SERVICE) and user.team_id:
        return _worked_with_by([user.team_id])
    return None


def _unrestricted_for(user: User) -> Q:
    grant = _model("RestrictedAccess")
    glass = _model("BreakGlass")
    named = Exists(grant.objects.filter(person_id=OuterRef("pk"), user_id=user.pk))
    broken = Exists(
        glass.objects.filter(
            person_id=OuterRef("pk"), user_id=user.pk, expires_at__gt=timezone.now()
        )
    )
    return Q(restricted=False) | Q(named) | Q(broken)


def visible_people(user: User, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """The people this user may open, as a queryset filter (the one visibility gate)."""
    qs = queryset if queryset is not None else _model("Person").objects.all()
    scope = _scope_q(user)
    if scope is None:
        return qs.none()
    return qs.filter(scope).filter(_unrestricted_for(user))


def people_in_scope(user: User, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """People in scope including restricted ones, for search results that show only
    that a restricted record exists (never its details). Each row carries
    `open_to_user`: whether this user may open it without giving a reason."""
    qs = queryset if queryset is not None else _model("Person").objects.all()
    scope = _scope_q(user)
    if scope is None or user.is_partner:
        return visible_people(user, qs).annotate(open_to_user=Value(True))
    open_q = ExpressionWrapper(_unrestricted_for(user), output_field=BooleanField())
    return qs.filter(scope).annotate(open_to_user=open_q)


def person_access(user: User, person_id: int) -> Access:
    person_model = _model("Person")
    scope = _scope_q(user)
    if scope is None:
        return Access.NONE
    in_scope = person_model.objects.filter(pk=person_id).filter(scope)
    row = in_scope.annotate(open_to_user=Q(_unrestricted_for(user))).values("open_to_user").first()
    if row is None:
        return Access.NONE
    if user.is_partner:
        # A partner cannot break the glass: a restricted record is closed to them
        # unless they are named on it, whatever has been shared.
        return Access.SHARED if row["open_to_user"] else Access.NONE
    return Access.FULL if row["open_to_user"] else Access.NEEDS_REASON


def can_edit_person(user: User, person_id: int) -> bool:
    return user.role in EDITING_ROLES and person_access(user, person_id) is Access.FULL


def can_read_audit(user: User, person_id: int) -> bool:
    return user.role in AUDIT_READER_ROLES and person_access(user, person_id) is Access.FULL


def can_break_glass(user: User, person_id: int) -> bool:
    return person_access(user, person_id) is Access.NEEDS_REASON


def break_glass_expiry() -> Any:
    return timezone.now() + timedelta(hours=BREAK_GLASS_HOURS)
