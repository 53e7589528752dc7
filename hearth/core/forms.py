"""Form parts shared by every app: the GOV.UK date input, a time typed on the 24-hour
clock, choices set when a form is made, and a service's errors put on a form."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes (rendered by the `field` tag)."""

    template_name = "components/widgets/multi.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in range(3)]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK error messages."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=1, max_value=31),
            forms.IntegerField(min_value=1, max_value=12),
            forms.IntegerField(min_value=1800, max_value=2200),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)

    def clean(self, value: Any) -> dt.date | None:
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        label = (self.label or "date").lower()
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter the {label}", code="required")
            return None
        if not all(parts):
            missing = [
                name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
            ]
            raise ValidationError(
                f"The {label} must include a {' and '.join(missing)}", code="incomplete"
            )
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValueError
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(f"The {label} must be a real date", code="invalid") from None

    def compress(
        self, data_list: list[Any]
    ) -> dt.date | None:  # pragma: no cover - clean() decides
        return None


_TIME = re.compile(r"^\s*(\d{1,2})[:.]?(\d{2})\s*$")


def parse_time(value: str | None) -> dt.time | None:
    """A time typed on the 24-hour clock ("14:30", "14.30", "1430", "9:05"), or None when
    it is not one (each form says what it expected)."""
    match = _TIME.match(value or "")
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    return None


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[tuple[Any, str]]) -> None:
    """Give a choice field its choices as the form is made: code lists follow their
    validity dates and teams or people change, so they cannot be fixed on the class."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


def apply_service_errors(
    form: forms.BaseForm, error: ValidationError, mapping: dict[str, str] | None = None
) -> None:
    """Put a service's errors on the form's fields (renamed by `mapping` where the
    service's name differs), so the GOV.UK error summary links to each; the rest go on
    the form as a whole."""
    mapping = mapping or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, errs in error.error_dict.items():
        target = mapping.get(name, name)
        field = target if target in form.fields else None
        for e in errs:
            for message in e.messages:
                form.add_error(field, message)
