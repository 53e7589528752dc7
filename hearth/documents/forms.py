"""Forms for reports and manual chronology entries."""

from __future__ import annotations

from typing import Any

from django import forms

from hearth.accounts.models import User
from hearth.core.forms import DateField
from hearth.documents.sections import Section


class ReportForm(forms.Form):
    """One textarea per section of the report's kind, and the version it was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, sections: tuple[Section, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        for s in sections:
            self.fields[s.key] = forms.CharField(
                label=s.heading,
                help_text=s.hint,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    def texts(self) -> dict[str, str]:
        return {s.key: self.cleaned_data.get(s.key) or "" for s in self.sections}

    def section_fields(self) -> list[forms.BoundField]:
        return [self[s.key] for s in self.sections]


class SubmitForm(forms.Form):
    manager = forms.ModelChoiceField(
        label="Send to",
        queryset=User.objects.none(),
        empty_label=None,
        help_text="The manager who will sign the report off",
        error_messages={
            "required": "Choose the manager to send the report to",
            "invalid_choice": "Choose a manager of your team",
        },
    )

    def __init__(self, *args: Any, managers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the report"), ("return", "Return it with comments")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or return the report"},
    )
    comments = forms.CharField(
        label="Comments",
        help_text="Required when you return the report: say what needs to change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ShareForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label="Share with",
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the chair or reviewing officer",
            "invalid_choice": "Choose a reviewing officer",
        },
    )

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = officers  # type: ignore[attr-defined]


class ChronologyEntryForm(forms.Form):
    occurred_on = DateField(label="Date it happened")
    title = forms.CharField(
        label="What happened", max_length=200, error_messages={"required": "Say what happened"}
    )
    detail = forms.CharField(label="Details", required=False, widget=forms.Textarea)
    source = forms.CharField(
        label="Where this is known from",
        required=False,
        max_length=200,
        help_text="For example, a letter from another local authority",
    )
