from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hearth.accounts.models import Organisation, RoleAccess, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "role", "team", "organisation", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["full_name", "email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "team", "organisation")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "team",
                    "organisation",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "service_area"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind"]


@admin.register(RoleAccess)
class RoleAccessAdmin(admin.ModelAdmin[RoleAccess]):
    list_display = ["role", "read_scope", "require_two_factor"]
    list_editable = ["read_scope", "require_two_factor"]
