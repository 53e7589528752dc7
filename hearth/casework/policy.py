"""Who may do what in a child's case, in the style of `hearth.accounts.policy`: small
predicates that every casework view and service asks, built on the one person policy.

- Staff who may open the child's record (full access) see the case; partner agency
  users never do, whatever has been shared with them.
- Staff who may change the child's record (`policy.can_edit_person`) record the work.
- Managers (team or service managers with that access) authorise assessments and sign
  off closures, and never their own closure request: a second pair of eyes.
- Conference chairs (reviewing officers who may open the record) schedule and record
  conferences as well as the child's workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hearth.accounts import policy
from hearth.accounts.models import Role

if TYPE_CHECKING:
    from hearth.accounts.models import User


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do in one child's case (one reading of the person policy)."""

    access: policy.Access
    view: bool = False
    edit: bool = False
    manage: bool = False
    conference: bool = False


def case_access(user: User, person_id: int) -> CaseAccess:
    if not (user.is_authenticated and user.is_active) or user.is_partner:
        return CaseAccess(policy.Access.NONE)
    access = policy.person_access(user, person_id)
    if access is not policy.Access.FULL:
        return CaseAccess(access)
    edit = user.role in policy.EDITING_ROLES
    return CaseAccess(
        access,
        view=True,
        edit=edit,
        manage=edit and user.is_manager,
        conference=edit or user.role == Role.REVIEWING_OFFICER,
    )


def can_view_case(user: User, person_id: int) -> bool:
    return case_access(user, person_id).view


def can_edit_case(user: User, person_id: int) -> bool:
    return case_access(user, person_id).edit


def can_manage_case(user: User, person_id: int) -> bool:
    """Authorise an assessment, sign off a closure."""
    return case_access(user, person_id).manage


def can_run_conference(user: User, person_id: int) -> bool:
    return case_access(user, person_id).conference
