"""Casework forms. They check the shape of what was typed; the services check the rules
(dates in order, codes valid on the day, who may act). Every form is pre-filled from the
record by the view (`initial`), so nobody types a fact Hearth already holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from hearth.accounts.models import User
from hearth.casework.models import (
    Agency,
    AssessmentOutcome,
    Attendance,
    EpisodeClosure,
    NoAccessReason,
    NoteKind,
    StrategyDecision,
)
from hearth.core.codelists import codelist
from hearth.core.forms import DateField, parse_time, set_choices

YES_NO = [("yes", "Yes"), ("no", "No")]
TEXTAREA = forms.Textarea(attrs={"rows": 5})


def _yes_no(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, help_text=help_text
    )


def yes(value: str) -> bool:
    return value == "yes"


def _date(label: str, required: bool = True, help_text: str = "") -> DateField:
    return DateField(
        label=label, required=required, help_text=help_text or "For example, 27 3 2026"
    )


class VersionedForm(forms.Form):
    """A form over a row that two people might edit at once: the version it was opened
    at goes back with it, so a save over someone else's change is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RowsForm(VersionedForm):
    """A form with repeated rows (attendees, invitees, actions), as plain fields named
    `<group>-<n>-<name>`: every field gets its own GOV.UK label and error. The view
    passes the rows already on the record (`rows={"attendees": [...]}`) plus blanks."""

    # group -> [(name, label, kind, choices)]; kind: text, textarea, select, date, hidden
    GROUPS: dict[str, list[tuple[str, str, str, Sequence[tuple[str, str]]]]] = {}
    BLANK_ROWS = 2
    NOUN: dict[str, str] = {}
    LEGENDS: dict[str, str] = {}

    def __init__(
        self, *args: Any, rows: dict[str, list[dict[str, Any]]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        rows = rows or {}
        self.row_counts: dict[str, int] = {}
        for group, columns in self.GROUPS.items():
            existing = rows.get(group, [])
            count = self._posted_count(group) or len(existing) + self.BLANK_ROWS
            self.row_counts[group] = count
            for i in range(count):
                values = existing[i] if i < len(existing) else {}
                for name, label, kind, choices in columns:
                    key = f"{group}-{i}-{name}"
                    self.fields[key] = self._field(
                        f"{self.NOUN.get(group, group)} {i + 1}: {label}", kind, choices
                    )
                    self.initial.setdefault(key, values.get(name, ""))

    def _posted_count(self, group: str) -> int:
        if not self.is_bound:
            return 0
        prefix = f"{group}-"
        found = {k.split("-")[1] for k in self.data if k.startswith(prefix) and k.count("-") >= 2}
        return len([n for n in found if n.isdigit()])

    @staticmethod
    def _field(label: str, kind: str, choices: Sequence[tuple[str, str]]) -> forms.Field:
        if kind == "select":
            return forms.ChoiceField(label=label, choices=[("", ""), *choices], required=False)
        if kind == "date":
            return _date(label, required=False)
        if kind == "hidden":
            return forms.IntegerField(label=label, required=False, widget=forms.HiddenInput)
        if kind == "textarea":
            return forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        return forms.CharField(label=label, required=False, max_length=500)

    def rows(self, group: str) -> list[dict[str, Any]]:
        """The group's rows as typed (blank rows included; the service drops them)."""
        data = self.cleaned_data
        return [
            {
                name: data.get(f"{group}-{i}-{name}")
                if data.get(f"{group}-{i}-{name}") is not None
                else ""
                for name, _, _, _ in self.GROUPS[group]
            }
            for i in range(self.row_counts[group])
        ]

    def row_fields(self, group: str) -> list[list[forms.BoundField]]:
        """The bound fields, row by row, for the template."""
        return [
            [self[f"{group}-{i}-{name}"] for name, _, _, _ in self.GROUPS[group]]
            for i in range(self.row_counts[group])
        ]

    def plain_fields(self) -> list[forms.BoundField]:
        """The fields that are not in a group of rows."""
        return [self[name] for name in self.fields if "-" not in name]

    def groups(self) -> list[tuple[str, list[list[forms.BoundField]]]]:
        """(legend, rows of bound fields) for each group, for the template."""
        return [(self.LEGENDS.get(group, group), self.row_fields(group)) for group in self.GROUPS]


# --- Episode -----------------------------------------------------------------------------------


class PrimaryNeedForm(forms.Form):
    primary_need_code = forms.ChoiceField(
        label="Primary need",
        widget=forms.RadioSelect,
        help_text="If two apply, choose the one higher in the list (CIN census guidance)",
    )

    def __init__(self, *args: Any, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = codelist("primary_need").choices(on)
        set_choices(self, "primary_need_code", [(c, f"{c}: {label}") for c, label in choices])


class ClosureRequestForm(forms.Form):
    closure_date = _date("Closure date")
    closure_reason = forms.ChoiceField(label="Reason for closure", widget=forms.RadioSelect)
    checklist = forms.MultipleChoiceField(
        label="Closure checklist",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=EpisodeClosure.CHECKLIST,
        help_text="A manager signs the closure off only when every item is done",
    )
    note = forms.CharField(
        label="Summary for the manager (optional)", required=False, widget=TEXTAREA
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "closure_reason",
            [(c, f"{c}: {label}") for c, label in codelist("closure_reason").all_choices()],
        )


class ClosureSignOffForm(forms.Form):
    approve = forms.ChoiceField(
        label="Do you agree the episode can close?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes, sign off the closure"), ("no", "No, return it to the worker")],
    )
    note = forms.CharField(
        label="Note to the worker",
        required=False,
        widget=TEXTAREA,
        help_text="Needed when you return it: say what must happen first",
    )


# --- Assessment ---------------------------------------------------------------------------------


class DateOnlyForm(forms.Form):
    """One date (assessment start, authorisation, plan start or end, action done)."""

    day = _date("Date")

    def __init__(self, *args: Any, label: str = "Date", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].label = label


class AssessmentForm(VersionedForm):
    child_voice = forms.CharField(
        label="The child's voice",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the child said, in their own words, and what they wish for. "
        "Required before the assessment can be authorised.",
    )
    family_views = forms.CharField(label="The family's views", required=False, widget=TEXTAREA)
    professional_views = forms.CharField(
        label="Professionals' views", required=False, widget=TEXTAREA
    )
    analysis = forms.CharField(
        label="Analysis", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    factors = forms.MultipleChoiceField(
        label="Factors identified at the end of the assessment",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. “21 No factors identified” stands alone.",
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        widget=forms.RadioSelect,
        choices=AssessmentOutcome.choices,
    )

    def __init__(self, *args: Any, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the codes valid on the assessment's date are offered; the service
        # refuses any other.
        set_choices(
            self,
            "factors",
            [(c, f"{c}: {label}") for c, label in codelist("assessment_factor").choices(on)],
        )


class ChildSeenForm(forms.Form):
    seen_on = _date("Date the child was seen")
    alone = forms.BooleanField(label="The child was seen alone", required=False)


# --- Strategy discussion and section 47 ----------------------------------------------------------


def _time_field() -> forms.CharField:
    return forms.CharField(label="Time", max_length=5, help_text="24-hour clock, for example 14:30")


def _moment(data: dict[str, Any], day_field: str, time_field: str) -> dt.datetime | None:
    day, time = data.get(day_field), data.get(time_field)
    if isinstance(day, dt.date) and isinstance(time, dt.time):
        return timezone.make_aware(dt.datetime.combine(day, time))
    return None


def clean_time(value: str) -> dt.time:
    time = parse_time(value)
    if time is None:
        raise ValidationError("Enter the time like 14:30")
    return time


AGENCIES = list(Agency.choices)


class StrategyForm(RowsForm):
    held_on = _date("Date of the strategy discussion")
    held_time = _time_field()
    decision = forms.ChoiceField(
        label="What was decided?", widget=forms.RadioSelect, choices=StrategyDecision.choices
    )
    cp_medical = forms.BooleanField(label="A child protection medical is needed", required=False)
    summary = forms.CharField(label="Reasons for the decision", required=False, widget=TEXTAREA)

    NOUN = {"attendees": "Attendee", "actions": "Action"}
    LEGENDS = {
        "attendees": "Who took part, and what each shared",
        "actions": "Actions agreed (leave blank rows empty)",
    }
    GROUPS = {
        "attendees": [
            ("name", "name", "text", ()),
            ("agency", "agency", "select", AGENCIES),
            ("role", "role", "text", ()),
            ("information_shared", "information shared", "textarea", ()),
        ],
        "actions": [
            ("description", "what will be done", "text", ()),
            ("owner", "who will do it", "text", ()),
            ("due_on", "by when", "date", ()),
        ],
    }

    def clean_held_time(self) -> dt.time:
        return clean_time(self.cleaned_data["held_time"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["held_at"] = _moment(data, "held_on", "held_time")
        return data

    def values(self) -> dict[str, Any]:
        """What the strategy discussion services take."""
        d = self.cleaned_data
        return {
            "held_at": d["held_at"],
            "decision": d["decision"],
            "cp_medical": d["cp_medical"],
            "summary": d["summary"],
            "attendees": self.rows("attendees"),
            "actions": self.rows("actions"),
        }


class Section47OutcomeForm(forms.Form):
    completed_on = _date("Date the enquiry ended")
    concerns_substantiated = _yes_no("Were the concerns substantiated?")
    likely_significant_harm = _yes_no(
        "Is the child suffering, or likely to suffer, significant harm?"
    )
    icpc_required = _yes_no("Is an initial child protection conference needed?")


# --- Conferences -------------------------------------------------------------------------------


class ConferenceForm(RowsForm):
    scheduled_on = _date("Conference date")
    chair = forms.ModelChoiceField(
        label="Chair", queryset=User.objects.none(), required=False, empty_label="Not yet chosen"
    )

    NOUN = {"invitees": "Invitee", "reports": "Report"}
    LEGENDS = {
        "invitees": "Who is invited",
        "reports": "Reports the conference needs (each due to the chair before it)",
    }
    GROUPS = {
        "invitees": [("name", "name", "text", ()), ("agency", "agency", "select", AGENCIES)],
        "reports": [
            ("id", "id", "hidden", ()),
            ("author", "author", "text", ()),
            ("agency", "agency", "select", AGENCIES),
        ],
    }

    def __init__(self, *args: Any, chairs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs  # type: ignore[attr-defined]


class ConferenceOutcomeForm(forms.Form):
    held_on = _date("Date the conference was held")
    plan_decided = _yes_no("Does the child need a child protection plan?")
    category = forms.ChoiceField(
        label="Category of abuse",
        required=False,
        widget=forms.RadioSelect,
        help_text="Needed when the child has a plan",
    )
    decision_note = forms.CharField(
        label="The conference's decision and reasons", required=False, widget=TEXTAREA
    )

    def __init__(
        self, *args: Any, invitees: Sequence[Any] = (), reports: Sequence[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", codelist("category_of_abuse").all_choices())
        self.invitee_keys = []
        for invitee in invitees:
            key = f"attendance-{invitee.pk}"
            self.fields[key] = forms.ChoiceField(
                label=f"{invitee.name} ({invitee.get_agency_display()})",
                choices=Attendance.choices,
            )
            self.initial.setdefault(key, invitee.attendance)
            self.invitee_keys.append(key)
        self.report_keys = []
        for report in reports:
            key = f"received-{report.pk}"
            self.fields[key] = _date(
                f"Report from {report.author}: date received by the chair", required=False
            )
            self.initial.setdefault(key, report.received_on)
            self.report_keys.append(key)

    def attendance(self) -> dict[int, str]:
        return {int(k.split("-")[1]): self.cleaned_data[k] for k in self.invitee_keys}

    def received(self) -> dict[int, dt.date | None]:
        return {int(k.split("-")[1]): self.cleaned_data.get(k) for k in self.report_keys}


# --- Plans ----------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    """A core group or child in need review."""

    held_on = _date("Date of the meeting")
    notes = forms.CharField(label="Notes (optional)", required=False, widget=TEXTAREA)


class ActionForm(forms.Form):
    description = forms.CharField(label="What will be done", max_length=500)
    owner = forms.CharField(
        label="Who will do it",
        max_length=150,
        help_text="Name and agency, for example Dr Rao (health)",
    )
    due_on = _date("By when")


# --- Case notes and visits -------------------------------------------------------------------


class CaseNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of note", widget=forms.RadioSelect, choices=NoteKind.choices
    )
    occurred_on = _date("Date")
    occurred_time = _time_field()
    present = forms.MultipleChoiceField(
        label="Who was present",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The people in the child's household",
    )
    present_others = forms.CharField(
        label="Anyone else present (optional)",
        required=False,
        help_text="Names, separated by commas",
    )
    no_access = forms.BooleanField(label="No access: the visit could not go ahead", required=False)
    no_access_reason = forms.ChoiceField(
        label="Why was there no access?",
        required=False,
        widget=forms.RadioSelect,
        choices=NoAccessReason.choices,
    )
    child_seen = forms.BooleanField(label="The child was seen", required=False)
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    child_words = forms.CharField(
        label="The child's words",
        required=False,
        widget=TEXTAREA,
        help_text="What the child said, in their own words",
    )
    text = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    significant = forms.BooleanField(
        label="Significant: put this note on the chronology", required=False
    )

    def __init__(self, *args: Any, household: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "present", [(name, name) for name in household])

    def clean_occurred_time(self) -> dt.time:
        return clean_time(self.cleaned_data["occurred_time"])

    def values(self) -> dict[str, Any]:
        """What `services.case_note_record` takes."""
        d = self.cleaned_data
        others = (d["present_others"] or "").split(",")
        return {
            "kind": d["kind"],
            "occurred_at": _moment(d, "occurred_on", "occurred_time"),
            "present": [*d["present"], *others],
            "no_access": d["no_access"],
            "no_access_reason": d["no_access_reason"],
            "child_seen": d["child_seen"],
            "seen_alone": d["seen_alone"],
            "child_words": d["child_words"],
            "text": d["text"],
            "significant": d["significant"],
        }
