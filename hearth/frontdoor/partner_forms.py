"""The partner referral form: the concern, the people it is about (one block each, with
"Add another person"), consent, the referrer's role and phone, and files. The forms
check what was typed; `services.referral_submit_by_partner` checks the rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from hearth.core.forms import DateField
from hearth.frontdoor.codes import category_choices, referrer_choices
from hearth.frontdoor.models import Consent, SubjectRole
from hearth.people.identifiers import validate_nhs_number

MAX_PEOPLE = 12
MAX_FILES = 10
_PHONE = re.compile(r"^\+?[\d\s()\-]+$")


def validate_phone(value: str) -> str:
    """A phone number someone can be called back on: digits with the usual spaces,
    brackets, dashes and a leading +, between 7 and 15 digits (ITU-T E.164 allows
    at most 15). Returned as typed, trimmed."""
    value = value.strip()
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.match(value) or not 7 <= digits <= 15:
        raise ValidationError(
            "Enter a phone number, like 01632 960 001 or +44 808 157 0192", code="phone"
        )
    return value


class TelInput(forms.TextInput):
    input_type = "tel"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files from one file input (each checked by the service)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_FILES:
            raise ValidationError(f"Select {MAX_FILES} files or fewer")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class PartnerReferralForm(forms.Form):
    concern = forms.CharField(
        label="What is your concern?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50_000,
        help_text="What you have seen or been told, when, and what the child said, in "
        "their words where you can",
        error_messages={"required": "Enter your concern"},
    )
    categories = forms.MultipleChoiceField(
        label="What kind of concern is it?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Select at least one kind of concern"},
    )
    consent = forms.ChoiceField(
        label="Did the family agree to this information being shared?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family agreed to sharing"},
    )
    consent_reason = forms.CharField(
        label="If not, why not?",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, asking would put the child at greater risk",
    )
    referrer_kind = forms.ChoiceField(
        label="Which service are you referring from?",
        help_text="So the referral is counted with the right source",
        error_messages={"required": "Select which service you are referring from"},
    )
    referrer_role = forms.CharField(
        label="Your role",
        max_length=100,
        help_text="For example, designated safeguarding lead",
        error_messages={"required": "Enter your role"},
    )
    referrer_phone = forms.CharField(
        label="A phone number the front door can call you on",
        max_length=30,
        widget=TelInput(attrs={"autocomplete": "tel"}),
        error_messages={"required": "Enter a phone number the front door can call you on"},
    )
    attachments = MultipleFileField(
        label="Photographs or documents (optional)",
        required=False,
        help_text="JPG, PNG, PDF or Word (DOCX), up to 10 files. Location details are "
        "removed from photographs.",
    )

    def __init__(self, *args: Any, default_kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Code lists are read when the form is made, so choices follow their validity dates.
        categories = self.fields["categories"]
        kinds = self.fields["referrer_kind"]
        assert isinstance(categories, forms.ChoiceField)
        assert isinstance(kinds, forms.ChoiceField)
        categories.choices = category_choices()
        kinds.choices = [("", "Choose a service"), *referrer_choices()]
        if default_kind:
            kinds.initial = default_kind

    def clean_referrer_phone(self) -> str:
        return validate_phone(self.cleaned_data["referrer_phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        consent = data.get("consent")
        if consent and consent != Consent.GIVEN and not data.get("consent_reason", "").strip():
            self.add_error(
                "consent_reason", "Explain why the family did not agree or was not asked"
            )
        return data


class ReportedPersonForm(forms.Form):
    """One child or adult as the referrer knows them. A block left empty is ignored."""

    role = forms.ChoiceField(
        label="Child or adult",
        choices=SubjectRole.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = DateField(
        label="Date of birth (if known)", required=False, help_text="For example, 27 3 2019"
    )
    address = forms.CharField(
        label="Address (if known)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    nhs_number = forms.CharField(
        label="NHS number (if known)",
        max_length=14,
        required=False,
        help_text="10 digits, like 943 476 5919",
    )

    def __init__(self, *args: Any, number: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["role"].label = f"Is person {number} a child or an adult?"

    def is_blank(self) -> bool:
        if not self.is_bound:
            return True
        mine = f"{self.prefix}-"
        return not any(
            str(v).strip()
            for k, v in self.data.items()
            if k.startswith(mine) and k != f"{mine}role"
        )

    def clean_date_of_birth(self) -> dt.date | None:
        born = self.cleaned_data["date_of_birth"]
        if born is not None and born > timezone.localdate():
            raise ValidationError("The date of birth must be today or in the past")
        return born

    def clean_nhs_number(self) -> str:
        value = self.cleaned_data["nhs_number"]
        return validate_nhs_number(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank() and self.number > 1:
            return data
        n = self.number
        if not data.get("role") and "role" not in self.errors:
            self.add_error("role", f"Select whether person {n} is a child or an adult")
        if not (data.get("given_name", "").strip() or data.get("family_name", "").strip()):
            self.add_error("given_name", f"Enter the first name or last name of person {n}")
        return data

    def value(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "date_of_birth": data["date_of_birth"],
            "address": data["address"].strip(),
            "nhs_number": data["nhs_number"],
        }


def people_forms(data: Any = None, *, count: int | None = None) -> list[ReportedPersonForm]:
    """The person blocks: as many as were sent (`people` holds the count), or `count`."""
    if count is None:
        try:
            count = int((data or {}).get("people", 1))
        except (TypeError, ValueError):
            count = 1
    count = max(1, min(count, MAX_PEOPLE))
    return [ReportedPersonForm(data, prefix=f"person-{i}", number=i + 1) for i in range(count)]
