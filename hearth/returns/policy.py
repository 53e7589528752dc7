"""Who may run the statutory returns: they hold every child's record in the return, so
only performance officers (whose read scope is the whole authority)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hearth.accounts.models import Role

if TYPE_CHECKING:
    from hearth.accounts.models import User

RETURNS_ROLES = frozenset({Role.PERFORMANCE_OFFICER})


def can_run_returns(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in RETURNS_ROLES)
