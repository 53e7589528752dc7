"""Who may call the API's endpoints, and who may manage its tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from hearth.accounts.models import Role
from hearth.frontdoor import policy as fd_policy

if TYPE_CHECKING:
    from hearth.accounts.models import User


class IsStaff(BasePermission):
    """Signed-in local authority staff: partner agency users are refused."""

    message = "Only local authority staff may use this endpoint."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and not getattr(user, "is_partner", True)
        )


class IsPartnerToken(BasePermission):
    """A call made with a partner organisation's token, acting as an active partner
    user of that organisation (the front-door policy's test for sending a referral)."""

    message = "Only a partner organisation's API token may use this endpoint."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        user = request.user
        return bool(
            token is not None
            and getattr(token, "organisation_id", None) is not None
            and user.is_authenticated
            and fd_policy.can_submit_partner_referral(user)
            and user.organisation_id == token.organisation_id  # type: ignore[union-attr]
        )


def can_manage_api_tokens(user: User) -> bool:
    """Administrators issue and revoke partner organisations' tokens."""
    active = user.is_authenticated and user.is_active
    return bool(active and user.is_staff and user.role == Role.ADMINISTRATOR)
