"""Closure days and local timescales in the admin; every save goes through the services,
so it is audited and the stored due dates it moves are recomputed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from hearth.timescales import services
from hearth.timescales.engine import rulebook
from hearth.timescales.models import LocalClosure, LocalTarget


def _rule_choices() -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    seen: set[str] = set()
    for r in reversed(rulebook().all_rules()):  # newest version of each code
        if r.code in seen or not r.allows_local_setting:
            continue
        seen.add(r.code)
        kind = "local practice, default" if r.local else "statutory"
        choices.append((r.code, f"{r.title} ({kind} {r.offset.describe()}) — {r.code}"))
    return [("", "Choose a rule"), *sorted(choices, key=lambda c: c[1])]


class _ThroughServices(admin.ModelAdmin[Any]):
    """Saves and deletes (one at a time or in bulk) go through the app's services."""

    def _save(self, user: Any, obj: Any) -> None:
        raise NotImplementedError

    def _delete(self, user: Any, obj: Any) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self._save(request.user, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._delete(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._delete(request.user, obj)


@admin.register(LocalClosure)
class LocalClosureAdmin(_ThroughServices):
    list_display = ["date", "reason"]
    date_hierarchy = "date"
    search_fields = ["reason"]

    def _save(self, user: Any, obj: LocalClosure) -> None:
        services.closure_save(acting_user=user, closure=obj)

    def _delete(self, user: Any, obj: LocalClosure) -> None:
        services.closure_delete(acting_user=user, closure=obj)


class LocalTargetForm(forms.ModelForm[LocalTarget]):
    rule_code = forms.ChoiceField(label="Rule", choices=_rule_choices)

    class Meta:
        model = LocalTarget
        fields = [
            "rule_code", "amount", "unit", "repeat_amount", "repeat_unit",
            "valid_from", "valid_to", "reason",
        ]  # fmt: skip


@admin.register(LocalTarget)
class LocalTargetAdmin(_ThroughServices):
    form = LocalTargetForm
    list_display = ["rule_code", "amount", "unit", "repeat_amount", "valid_from", "valid_to"]
    list_filter = ["rule_code"]

    def _save(self, user: Any, obj: LocalTarget) -> None:
        services.local_target_save(acting_user=user, target=obj)

    def _delete(self, user: Any, obj: LocalTarget) -> None:
        services.local_target_delete(acting_user=user, target=obj)
