from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hearth.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the log cannot be changed through the application."""

    list_display = ["at", "actor_label", "action", "event", "object_type", "object_id", "person_id"]
    list_filter = ["action"]
    search_fields = ["actor_label", "event", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
