"""Forms for people's records. They check shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hearth.core.codelists import codelist
from hearth.core.forms import DateField
from hearth.people.identifiers import validate_nhs_number, validate_postcode, validate_upn
from hearth.people.models import DuplicateStatus, PersonKind, RelationshipKind, Sex


def _blank_first(
    choices: list[tuple[str, str]], label: str = "Not recorded"
) -> list[tuple[str, str]]:
    return [("", label), *choices]


class PersonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label="Person is", choices=PersonKind.choices, widget=forms.RadioSelect
    )
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    middle_names = forms.CharField(label="Middle names", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100)
    preferred_name = forms.CharField(label="Preferred name", max_length=100, required=False)
    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2019"
    )
    expected_date_of_birth = DateField(
        label="Expected date of birth", required=False, help_text="For an unborn child"
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label="Ethnicity", required=False)
    first_language = forms.ChoiceField(label="First language", required=False)
    disabilities = forms.MultipleChoiceField(
        label="Disabilities", required=False, widget=forms.CheckboxSelectMultiple
    )
    nhs_number = forms.CharField(
        label="NHS number", max_length=12, required=False, help_text="10 digits, like 943 476 5919"
    )
    upn = forms.CharField(label="Unique pupil number (UPN)", max_length=13, required=False)
    former_upn = forms.CharField(label="Former UPN", max_length=13, required=False)
    upn_unknown = forms.ChoiceField(label="Reason the UPN is not known", required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    email = forms.EmailField(label="Email address", required=False)
    date_of_death = DateField(label="Date of death", required=False)

    relationship = forms.ChoiceField(label="Relationship", required=False)

    def __init__(self, *args: Any, relative_of: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if relative_of is None:
            del self.fields["relationship"]
        else:
            field = self.fields["relationship"]
            assert isinstance(field, forms.ChoiceField)
            field.label = f"What is this person to {relative_of.display_name}?"
            field.required = True
            field.choices = [("", "Choose a relationship"), *RelationshipKind.choices]
        # Code lists are read when the form is made, so choices follow their validity dates.
        choices = {
            "ethnicity": _blank_first(codelist("ethnicity").choices()),
            "first_language": _blank_first(codelist("language").choices()),
            "disabilities": codelist("disability").choices(),
            "upn_unknown": _blank_first(codelist("upn_unknown").choices(), "Not applicable"),
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def clean_nhs_number(self) -> str:
        value = self.cleaned_data["nhs_number"]
        return validate_nhs_number(value) if value else ""

    def clean_upn(self) -> str:
        value = self.cleaned_data["upn"]
        return validate_upn(value) if value else ""

    def clean_former_upn(self) -> str:
        value = self.cleaned_data["former_upn"]
        return validate_upn(value) if value else ""

    def clean_disabilities(self) -> list[str]:
        codes: list[str] = self.cleaned_data["disabilities"]
        if "NONE" in codes and len(codes) > 1:
            raise ValidationError(
                "Select ‘No disability’ on its own, or only the disabilities that apply"
            )
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == PersonKind.UNBORN and not data.get("expected_date_of_birth"):
            self.add_error(
                "expected_date_of_birth", "Enter the expected date of birth of an unborn child"
            )
        return data


class AddressForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    line1 = forms.CharField(label="Address line 1", max_length=150)
    line2 = forms.CharField(label="Address line 2 (optional)", max_length=150, required=False)
    town = forms.CharField(label="Town or city", max_length=100)
    postcode = forms.CharField(label="Postcode", max_length=10)
    moved_in = DateField(label="Date they moved in", required=False)
    moved_out = DateField(
        label="Date they moved out", required=False, help_text="Leave blank if they still live here"
    )

    def clean_postcode(self) -> str:
        return validate_postcode(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        moved_in, moved_out = data.get("moved_in"), data.get("moved_out")
        if moved_in and moved_out and moved_out < moved_in:
            self.add_error(
                "moved_out", "The date they moved out must be after the date they moved in"
            )
        return data


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to open this record?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your reason is recorded and sent to your manager.",
    )


class DuplicateFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=DuplicateStatus.choices,
        required=False,
    )
    household = forms.ChoiceField(
        label="Living together",
        choices=[("", "Any"), ("yes", "Same household only"), ("no", "Not the same household")],
        required=False,
    )


class MergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        label="Which record should the other be merged into?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Everything recorded on the other record moves to the one you keep. "
        "You can undo this afterwards.",
        error_messages={"required": "Choose the record to keep"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = choices  # type: ignore[attr-defined]


class NotDuplicateForm(forms.Form):
    reason = forms.CharField(
        label="Why are these not the same person?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, twins, or a father and son with the same name.",
        error_messages={"required": "Say why these are not the same person"},
    )
