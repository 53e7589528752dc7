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
