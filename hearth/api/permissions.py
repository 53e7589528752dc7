"""Who may call the API's endpoints."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


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
