"""Workforce forms: they check the shape of what was typed; the services check the rules
(capacity, access, who may act)."""

from __future__ import annotations

from typing import Any

from django import forms

from hearth.core.forms import DateField
from hearth.workforce.models import INTEREST_CHOICES, LeaveKind, SupervisionKind

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _date(label: str, help_text: str = "For example, 27 3 2026") -> DateField:
    return DateField(label=label, help_text=help_text)


class ProfileForm(forms.Form):
    fte = forms.DecimalField(
        label="Full-time equivalent",
        min_value=0.1,
        max_value=1,
        decimal_places=2,
        help_text="1 for full time; 0.6 for three days a week",
    )
    interests = forms.MultipleChoiceField(
        label="Interests",
        choices=INTEREST_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    career_goals = forms.CharField(label="Career goals", required=False, widget=TEXTAREA)
    languages = forms.CharField(
        label="Languages spoken", required=False, help_text="Separate with commas"
    )
    max_caseload_weight = forms.DecimalField(
        label="Maximum caseload weight",
        required=False,
        min_value=0,
        max_value=60,
        decimal_places=2,
        help_text="Leave blank to use the authority's full caseload for their hours",
    )
    supervision_every_days = forms.IntegerField(
        label="Supervision every (days)",
        required=False,
        min_value=7,
        max_value=92,
        help_text="Leave blank for monthly (fortnightly while newly qualified)",
    )

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        return [x.strip() for x in raw.split(",") if x.strip()]


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of leave", choices=LeaveKind.choices, widget=forms.RadioSelect
    )
    start = _date("First day")
    end = _date("Last day")
    note = forms.CharField(label="Note", required=False, max_length=200)


class AllocateForm(forms.Form):
    worker = forms.TypedChoiceField(label="Allocate to", coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why this worker (optional)", required=False, widget=TEXTAREA)
    over_capacity_reason = forms.CharField(
        label="If they are over capacity, why allocate to them",
        required=False,
        widget=TEXTAREA,
    )
    expected = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, workers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = workers
        field.error_messages["required"] = "Choose who to allocate the child to"


class DutyForm(forms.Form):
    day = _date("Day")
    worker = forms.TypedChoiceField(label="On duty", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, workers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Nobody"), *workers]


class SupervisionForm(forms.Form):
    held_on = _date("Date held")
    kind = forms.ChoiceField(
        label="Kind of supervision", choices=SupervisionKind.choices, widget=forms.RadioSelect
    )
    workload = forms.CharField(label="Workload", required=False, widget=TEXTAREA)
    wellbeing = forms.CharField(label="Wellbeing", required=False, widget=TEXTAREA)
    went_well = forms.CharField(label="What went well", required=False, widget=TEXTAREA)
    was_hard = forms.CharField(label="What was hard", required=False, widget=TEXTAREA)
    training = forms.CharField(label="Training", required=False, widget=TEXTAREA)
    leave_booked = forms.CharField(label="Annual leave booked", required=False, widget=TEXTAREA)


# Children discussed in one case supervision session, each with its own part of the form.
DISCUSSIONS_PER_SESSION = 3


class DiscussionForm(forms.Form):
    """One child discussed in case supervision: reflection, decisions, an action."""

    person = forms.TypedChoiceField(label="Child", coerce=int, required=False, empty_value=None)
    reflection = forms.CharField(label="Reflection", required=False, widget=TEXTAREA)
    decisions = forms.CharField(label="Decisions", required=False, widget=TEXTAREA)
    action = forms.CharField(label="Action", required=False, max_length=300)
    action_owner = forms.TypedChoiceField(
        label="Who will do it", coerce=int, required=False, empty_value=None
    )
    action_due_on = DateField(
        label="Action due by", required=False, help_text="For example, 27 3 2026"
    )

    def __init__(
        self,
        *args: Any,
        children: list[tuple[int, str]],
        owners: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        owner = self.fields["action_owner"]
        assert isinstance(person, forms.ChoiceField)
        assert isinstance(owner, forms.ChoiceField)
        person.choices = [("", "Choose a child"), *children]
        owner.choices = [("", "Choose who"), *owners]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person"):
            if data.get("decisions") or data.get("action"):
                self.add_error("person", "Choose the child these decisions are about")
            return data
        if not (data.get("decisions") or "").strip():
            self.add_error("decisions", "Record the decisions about this child")
        if data.get("action") and not (data.get("action_owner") and data.get("action_due_on")):
            self.add_error("action_owner", "Say who will do the action and by when")
        return data
