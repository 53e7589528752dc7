"""The performance officers' export form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from hearth.core.forms import DateField
from hearth.returns.models import ReturnKind


def year_choices(today: dt.date) -> list[tuple[int, str]]:
    """Collection years whose reference date (31 March) has passed, latest first."""
    last = today.year if today >= dt.date(today.year, 3, 31) else today.year - 1
    return [(y, f"{y - 1} to {y}") for y in range(last, last - 4, -1)]


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which return",
        choices=ReturnKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which return to produce"},
    )
    year = forms.TypedChoiceField(
        label="Collection year",
        coerce=int,
        required=False,
        help_text="For the CIN census and SSDA903: the year ending 31 March",
    )
    on_date = DateField(
        label="Inspection date",
        required=False,
        help_text="For Annex A: the lists cover the 6 or 12 months before it. "
        "For example, 27 3 2026",
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices(today)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in {ReturnKind.CIN, ReturnKind.SSDA903} and not data.get("year"):
            self.add_error("year", "Select the collection year")
        if kind == ReturnKind.ANNEX_A and not data.get("on_date"):
            self.add_error("on_date", "Enter the inspection date")
        return data
