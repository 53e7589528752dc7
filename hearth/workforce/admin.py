from django.contrib import admin

from hearth.workforce.models import WorkforceSettings


@admin.register(WorkforceSettings)
class WorkforceSettingsAdmin(admin.ModelAdmin[WorkforceSettings]):
    """Administrators set the caseload weights and limits (one row)."""

    def has_add_permission(self, request: object) -> bool:
        return not WorkforceSettings.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
