"""The Django admin, open to administrators only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class HearthAdminSite(admin.AdminSite):
    site_header = "Hearth administration"
    site_title = "Hearth administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "role", "") == "administrator"
        )


class HearthAdminConfig(AdminConfig):
    default_site = "hearth.core.admin_site.HearthAdminSite"
