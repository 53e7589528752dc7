"""Front-door forms. They check the shape of what was typed; the services check the
rules (what a contact needs before it can be submitted, who may decide)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from hearth.accounts.models import Organisation, OrganisationKind, ServiceArea, Team
from hearth.core.forms import DateField, parse_time, set_choices
from hearth.frontdoor.clock import describe_deadline
from hearth.frontdoor.codes import category_choices, referrer_choices
from hearth.frontdoor.models import Consent, ContactMethod, Decision, Rag

# Form fields that stand for a model field in the services' error messages.
SERVICE_FIELD = {"received_at": "received_date", "people": "q"}


class ContactForm(forms.Form):
    """The contact as typed. Nothing is required here: a draft keeps whatever has been
    typed, and submitting asks the service what is still missing."""

    received_date = DateField(
        label="Date received", required=False, help_text="For example, 27 3 2026"
    )
    received_time = forms.CharField(
        label="Time received",
        required=False,
        max_length=5,
        help_text="24-hour clock, for example 14:30",
    )
    method = forms.ChoiceField(
        label="How was the contact made?",
        choices=ContactMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    referrer_kind = forms.ChoiceField(label="Who made the contact?", required=False)
    referrer_name = forms.CharField(label="Referrer's name", max_length=150, required=False)
    referrer_organisation = forms.CharField(
        label="Organisation (optional)",
        max_length=150,
        required=False,
        help_text="For example, the school or surgery",
    )
    referrer_role = forms.CharField(label="Role (optional)", max_length=100, required=False)
    referrer_phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    referrer_email = forms.EmailField(label="Email address (optional)", required=False)
    q = forms.CharField(
        label="Find the child or adult",
        required=False,
        max_length=200,
        help_text="Name, date of birth, NHS number or postcode, for example Amelia Khan 14/03/2017",
    )
    not_mobile = forms.MultipleChoiceField(
        label="Children not yet independently mobile",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cannot yet crawl, bottom shuffle, pull to stand, cruise or walk",
    )
    concern = forms.CharField(
        label="What is the concern?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the referrer said, in their words where you can",
    )
    categories = forms.MultipleChoiceField(
        label="What kind of concern is it?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    consent = forms.ChoiceField(
        label="Was consent to share information given?",
        choices=Consent.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    consent_reason = forms.CharField(
        label="Why was consent not given or not sought?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, asking would put the child at greater risk",
    )

    def __init__(
        self, *args: Any, children: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Code lists are read when the form is made, so choices follow their validity dates.
        set_choices(
            self, "referrer_kind", [("", "Choose who made the contact"), *referrer_choices()]
        )
        set_choices(self, "categories", category_choices())
        set_choices(self, "not_mobile", [(str(pk), name) for pk, name in children or []])

    def clean_received_time(self) -> dt.time | None:
        value = self.cleaned_data["received_time"]
        if not value:
            return None
        time = parse_time(value)
        if time is None:
            raise ValidationError("Enter the time received like 14:30")
        return time

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("received_date"), data.get("received_time")
        if day and time:
            data["received_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        elif day and "received_time" not in self.errors:
            self.add_error("received_time", "Enter the time the contact was received")
        elif time and "received_date" not in self.errors:
            self.add_error("received_date", "Enter the date the contact was received")
        return data

    def values(self) -> dict[str, Any]:
        """The model fields among what was typed, leaving out any value with an error
        (it stays in the draft's copy of the form as typed)."""
        data = getattr(self, "cleaned_data", {})
        out: dict[str, Any] = {}
        if not ({"received_date", "received_time"} & set(self.errors)):
            out["received_at"] = data.get("received_at")
        for name in ("method", "referrer_kind", "referrer_name", "referrer_organisation",
                     "referrer_role", "referrer_phone", "referrer_email", "concern", "consent",
                     "consent_reason"):  # fmt: skip
            if name not in self.errors and name in data:
                out[name] = data[name] or ""
        return out

    def categories_value(self) -> list[str] | None:
        return None if "categories" in self.errors else self.cleaned_data.get("categories", [])

    def not_mobile_value(self) -> list[int] | None:
        if "not_mobile" in self.errors:
            return None
        return [int(v) for v in self.cleaned_data.get("not_mobile", [])]


def initial_from_contact(contact: Any) -> dict[str, Any]:
    """The form's starting values from a saved contact, or from a draft's form as typed."""
    if contact.is_draft and contact.draft_data:
        raw = contact.draft_data
        initial: dict[str, Any] = {
            k: (v if k in {"categories", "not_mobile"} else (v[0] if v else ""))
            for k, v in raw.items()
            if not k.startswith("received_date_")
        }
        initial["received_date"] = [(raw.get(f"received_date_{i}") or [""])[0] for i in range(3)]
        return initial
    initial = {
        name: getattr(contact, name)
        for name in (
            "method",
            "referrer_kind",
            "referrer_name",
            "referrer_organisation",
            "referrer_role",
            "referrer_phone",
            "referrer_email",
            "concern",
            "consent",
            "consent_reason",
        )
    }
    if contact.received_at:
        local = timezone.localtime(contact.received_at)
        initial["received_date"] = local.date()
        initial["received_time"] = f"{local:%H:%M}"
    initial["categories"] = [c.code for c in contact.categories.all()]
    initial["not_mobile"] = [
        str(link.person_id) for link in contact.people.all() if link.not_independently_mobile
    ]
    return initial


def raw_form_data(data: Any) -> dict[str, list[str]]:
    """A draft's form as typed (every field except the token and the buttons)."""
    skip = {"csrfmiddlewaretoken", "token", "action", "version"}
    return {
        k: data.getlist(k) for k in data if k not in skip and not k.startswith(("link", "unlink"))
    }


class RatingForm(forms.Form):
    rag = forms.ChoiceField(label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why this rating? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "rating")
        super().__init__(*args, **kwargs)
        ratings = [
            (value, f"{label} – partners answer within {describe_deadline(value)}")
            for value, label in Rag.choices
        ]
        set_choices(self, "rag", ratings)


class RequestsForm(forms.Form):
    form_token = forms.UUIDField(widget=forms.HiddenInput)
    organisations = forms.MultipleChoiceField(
        label="Which agencies do you want to ask?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    question = forms.CharField(
        label="What do you want to know?", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "requests")
        super().__init__(*args, **kwargs)
        kinds = dict(OrganisationKind.choices)
        agencies = Organisation.objects.exclude(kind=OrganisationKind.OTHER).order_by(
            "kind", "name"
        )
        set_choices(
            self,
            "organisations",
            [(str(o.pk), f"{o.name} ({kinds.get(o.kind, o.kind)})") for o in agencies],
        )

    def chosen(self) -> list[Organisation]:
        ids = [int(v) for v in self.cleaned_data.get("organisations", [])]
        return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


class ChaseForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)


class FlagAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What have you considered?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what you have considered about this flag"},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What happens next?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens next"},
    )
    team = forms.ChoiceField(
        label="Team to take the referral",
        required=False,
        help_text="For a referral or a strategy discussion",
    )
    reason = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Explain the decision"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(
            service_area__in=[ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION]
        ).order_by("name")
        set_choices(self, "team", [("", "Choose a team"), *((str(t.pk), t.name) for t in teams)])

    def team_value(self) -> Team | None:
        pk = self.cleaned_data.get("team")
        return Team.objects.filter(pk=int(pk)).first() if pk else None


class AuthoriseForm(forms.Form):
    note = forms.CharField(
        label="Note (optional when authorising; needed to send it back)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "authorise")
        super().__init__(*args, **kwargs)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a photograph or document",
        help_text="JPG, PNG, PDF or Word (DOCX). Location details are removed from photographs.",
        error_messages={"required": "Select a file to upload"},
    )
    description = forms.CharField(label="Description (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your agency's response",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What your records show about the people named, and who to contact",
        error_messages={"required": "Enter your agency's response"},
    )
