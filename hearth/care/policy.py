"""Who may do what for a child in care, built on the one person policy
(`hearth.accounts.policy`) as casework's policy is.

- Staff who may open the child's record see their care record; partner agency users
  never do, whatever has been shared with them.
- Staff who may change the child's record record care (periods, placements, visits).
- Reviewing officers who may open the record chair and record reviews and their own
  contacts with the child, as well as the child's workers.
- Carers and providers are the authority's own register: any staff editor may keep
  them; reading needs staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hearth.accounts import policy
from hearth.accounts.models import Role

if TYPE_CHECKING:
    from hearth.accounts.models import User


def _staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and not user.is_partner)


@dataclass(frozen=True)
class CareAccess:
    """What one user may do in one child's care record (one reading of the policy)."""

    view: bool = False
    edit: bool = False
    review: bool = False


def care_access(user: User, person_id: int) -> CareAccess:
    if not _staff(user) or policy.person_access(user, person_id) is not policy.Access.FULL:
        return CareAccess()
    edit = user.role in policy.EDITING_ROLES
    return CareAccess(view=True, edit=edit, review=edit or user.role == Role.REVIEWING_OFFICER)


def can_view_care(user: User, person_id: int) -> bool:
    return _staff(user) and policy.person_access(user, person_id) is policy.Access.FULL


def can_edit_care(user: User, person_id: int) -> bool:
    return _staff(user) and policy.can_edit_person(user, person_id)


def can_review(user: User, person_id: int) -> bool:
    if not can_view_care(user, person_id):
        return False
    return user.role in policy.EDITING_ROLES or user.role == Role.REVIEWING_OFFICER


def can_view_register(user: User) -> bool:
    return _staff(user) and user.role != Role.ADMINISTRATOR


def can_edit_register(user: User) -> bool:
    return _staff(user) and user.role in policy.EDITING_ROLES
