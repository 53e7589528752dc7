"""Administrators issue and revoke partner organisations' API tokens here. A new
token's secret is shown once, in the message after saving; only its hash is kept."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from hearth.api.models import ApiToken
from hearth.api.services import api_token_create, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["key_id", "name", "organisation", "user", "created_at", "revoked_at",
                    "last_used_at"]  # fmt: skip
    list_filter = ["organisation", "revoked_at"]
    search_fields = ["key_id", "name", "organisation__name"]
    fields = ["organisation", "user", "name"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return []
        return ["organisation", "user", "key_id", "created_at", "created_by", "revoked_at",
                "revoked_by", "last_used_at"]  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ["organisation", "user", "name"]
        return ["name", *self.get_readonly_fields(request, obj)]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "user" in form.base_fields:
            field = form.base_fields["user"]
            field.required = False
            field.help_text = (
                "A partner user of the organisation to act as; leave blank for the "
                "organisation's service user"
            )
            field.queryset = field.queryset.filter(role="partner")  # type: ignore[attr-defined]
        return form

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: ModelForm[ApiToken], change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_token_create(
            acting_user=request.user,  # type: ignore[arg-type]
            organisation=obj.organisation,
            name=obj.name,
            user=obj.user if obj.user_id else None,
        )
        obj.pk = issued.token.pk
        obj.__dict__.update(issued.token.__dict__)
        messages.warning(
            request,
            f"The new token is {issued.secret} — copy it now and give it to "
            f"{obj.organisation} securely. It will not be shown again.",
        )

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoke instead: the audit log names tokens by their key id

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(acting_user=request.user, token=token)  # type: ignore[arg-type]
        self.message_user(request, f"Revoked {queryset.count()} token(s)")
