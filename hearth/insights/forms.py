from __future__ import annotations

from typing import Any

from django import forms

from hearth.accounts.models import Team
from hearth.insights.selectors import PERIODS


class FilterForm(forms.Form):
    team = forms.TypedChoiceField(label="Team", coerce=int, required=False, empty_value=None)
    period = forms.ChoiceField(label="Period", choices=PERIODS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All teams"), *Team.objects.values_list("pk", "name")]


class ReferenceForm(forms.Form):
    value = forms.DecimalField(
        label="England figure",
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text="A percentage as a number (22.4), or a count. Leave blank to remove it.",
    )
    year = forms.CharField(
        label="Year", required=False, max_length=20, help_text="For example 2023-24"
    )
    source = forms.CharField(
        label="Source", required=False, max_length=300, help_text="The publication it comes from"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("value") is not None:
            if not data.get("year"):
                self.add_error("year", "Enter the year the figure is for")
            if not data.get("source"):
                self.add_error("source", "Enter the publication the figure comes from")
        return data
