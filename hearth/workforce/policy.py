"""Who may see and do what in the workforce pages, built on the one person policy.

- A team's page, allocations meeting, brief, duty rota and supervision list are for its
  team manager and the service managers of its service area ("managers of the team").
- A worker sees their own profile, leave and supervision records.
- Personal supervision (workload, wellbeing, what was hard) is private: only the worker,
  the managers of their team and HR may read it. Hearth has no HR role: HR staff are
  given the `workforce.view_personal_supervision` permission (a Django group "HR" made
  by an administrator), so that access is named person by person and audited in the
  admin's own history. Nobody else reads it — not other workers, not other teams'
  managers, not performance officers, not administrators by role.
- Case supervision discussions are part of each child's record: anyone with full access
  to the child sees the decisions about that child.
- Allocation: only to a social worker or senior practitioner of the team, active, whose
  own access would cover the child (a restricted record they are not named on is refused).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hearth.accounts import policy
from hearth.accounts.models import Role, Team, User

if TYPE_CHECKING:
    from hearth.workforce.models import Supervision

CASE_HOLDING_ROLES = frozenset({Role.SOCIAL_WORKER, Role.SENIOR_PRACTITIONER})
INSIGHT_ROLES = frozenset({Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.PERFORMANCE_OFFICER})
HR_PERMISSION = "workforce.view_personal_supervision"


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def manages_team(user: User, team: Team) -> bool:
    if not _active(user) or user.team_id is None:
        return False
    if user.role == Role.TEAM_MANAGER:
        return user.team_id == team.pk
    if user.role == Role.SERVICE_MANAGER:
        return user.service_area == team.service_area
    return False


def manages_worker(user: User, worker: User) -> bool:
    return worker.team is not None and worker.pk != user.pk and manages_team(user, worker.team)


def can_view_worker(user: User, worker: User) -> bool:
    return _active(user) and (user.pk == worker.pk or manages_worker(user, worker))


def can_read_personal_supervision(user: User, supervision: Supervision) -> bool:
    if not _active(user):
        return False
    if user.pk == supervision.worker_id:
        return True
    if user.has_perm(HR_PERMISSION) and user.role != Role.ADMINISTRATOR:
        return True
    return manages_worker(user, supervision.worker)


def can_hold_cases(worker: User) -> bool:
    return worker.is_active and worker.role in CASE_HOLDING_ROLES


def access_covers(worker: User, person_id: int) -> bool:
    """Whether the worker could open the child's record themselves."""
    return policy.person_access(worker, person_id) is policy.Access.FULL


def can_view_insights(user: User) -> bool:
    return _active(user) and user.role in INSIGHT_ROLES


def managed_teams(user: User) -> list[Team]:
    """The teams whose pages this user may open."""
    if not _active(user) or user.team_id is None:
        return []
    if user.role == Role.TEAM_MANAGER:
        return [user.team] if user.team else []
    if user.role == Role.SERVICE_MANAGER:
        return list(Team.objects.filter(service_area=user.service_area).order_by("name"))
    return []
