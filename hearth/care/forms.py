"""Care forms. They check the shape of what was typed; the services check the rules
(dates in order, codes valid on the day, a provider where the placement type needs
one). Code lists come from the data files, so the choices follow the collection year."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hearth.accounts.models import ServiceArea, User
from hearth.care.models import (
    AdopterApplication,
    Carer,
    CarerKind,
    Eligibility,
    LeftAdoptionReason,
    NoticeReason,
    VisitBasis,
)
from hearth.core.codelists import codelist
from hearth.core.forms import DateField
from hearth.people.models import Person

TEXTAREA = forms.Textarea(attrs={"rows": 4})
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("", "Not decided yet")]


def _date(label: str, required: bool = True) -> DateField:
    return DateField(label=label, required=required, help_text="For example, 27 3 2026")


def _codes(name: str, *, blank: str = "", only: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    rows = [
        (code, f"{code}: {label}")
        for code, label in codelist(name).all_choices()
        if not only or code in only
    ]
    return [("", blank), *rows] if blank else rows


def tri_state(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class PlacementFields(forms.Form):
    """Where the child will live; the provider, postcode and URN come from the carer."""

    carer = forms.CharField(
        label="Carer or provider reference",
        required=False,
        max_length=20,
        help_text="From the carers register or the placement search, for example FC0042. "
        "Leave blank for a placement with no registered carer (a hospital, say).",
    )
    placement_type = forms.ChoiceField(label="Placement type (SSDA903)")
    provider_code = forms.ChoiceField(
        label="Placement provider (if no carer reference)", required=False
    )
    postcode = forms.CharField(
        label="Placement postcode (if no carer reference)", required=False, max_length=8
    )
    intended_until_18 = forms.ChoiceField(
        label="Is the placement meant to last until the child is 18?",
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        required=False,
        help_text="Visits are every 3 months after the first year of a long-term placement",
    )
    visit_basis = forms.ChoiceField(
        label="Visiting pattern (reg 28)", choices=VisitBasis.choices, initial=VisitBasis.STANDARD
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["placement_type"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_placement_type", blank="Choose a placement type"
        )
        self.fields["provider_code"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_placement_provider", blank="From the carer"
        )

    def clean_carer(self) -> Carer | None:
        ref = self.cleaned_data["carer"].strip().upper()
        if not ref:
            return None
        found = Carer.objects.filter(reference=ref).first()
        if found is None:
            raise ValidationError(f"No carer or provider has the reference {ref}")
        return found

    def clean_placement_type(self) -> str:
        value: str = self.cleaned_data["placement_type"]
        if not value:
            raise ValidationError("Choose a placement type")
        return value


class StartForm(PlacementFields):
    start_date = _date("Date the child started to be looked after")
    legal_status = forms.ChoiceField(label="Legal status")
    category_of_need = forms.ChoiceField(label="Category of need")
    home_postcode = forms.CharField(label="Home postcode", max_length=8, required=False)
    uasc = forms.BooleanField(label="Unaccompanied asylum-seeking child", required=False)
    previous_permanence = forms.ChoiceField(
        label="Previous permanence order (before this period of care)", initial="Z1"
    )
    field_order = ["start_date", "legal_status", "category_of_need", "home_postcode"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_status"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_legal_status", blank="Choose a legal status"
        )
        self.fields["previous_permanence"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_previous_permanence"
        )
        needs = tuple(f"N{i}" for i in range(1, 9))
        self.fields["category_of_need"].choices = _codes(  # type: ignore[attr-defined]
            "primary_need", blank="Choose a category of need", only=needs
        )

    def clean_legal_status(self) -> str:
        value: str = self.cleaned_data["legal_status"]
        if not value:
            raise ValidationError("Choose a legal status")
        return value

    def clean_category_of_need(self) -> str:
        value: str = self.cleaned_data["category_of_need"]
        if not value:
            raise ValidationError("Choose a category of need")
        return value


class MoveForm(PlacementFields):
    on = _date("Date of the move")
    reason = forms.ChoiceField(label="Reason for the placement change")
    legal_status = forms.ChoiceField(
        label="New legal status (only if it changes the same day)", required=False
    )
    field_order = ["on", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_reason_place_change", blank="Choose a reason"
        )
        self.fields["legal_status"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_legal_status", blank="No change"
        )

    def clean_reason(self) -> str:
        value: str = self.cleaned_data["reason"]
        if not value:
            raise ValidationError("Choose a reason for the placement change")
        return value


class NoticeForm(forms.Form):
    given_on = _date("Date the carer gave notice")
    reason = forms.ChoiceField(
        label="Why the carer gave notice", choices=NoticeReason.choices, widget=forms.RadioSelect
    )
    notice_days = forms.IntegerField(
        label="Notice period in days", min_value=0, max_value=365, initial=28
    )
    details = forms.CharField(label="What the carer said (optional)", required=False,
                              widget=TEXTAREA)  # fmt: skip


class ReviewForm(forms.Form):
    held_on = _date("Date of the review")
    participation = forms.ChoiceField(
        label="How the child took part", widget=forms.RadioSelect, choices=[]
    )
    child_views = forms.CharField(label="The child's views", required=False, widget=TEXTAREA)
    decisions = forms.CharField(label="Decisions", required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participation"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_review_participation"
        )


class VisitForm(forms.Form):
    visited_on = _date("Date of the visit")
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    child_views = forms.CharField(label="What the child said", required=False, widget=TEXTAREA)
    notes = forms.CharField(label="Notes", required=False, widget=TEXTAREA)


class EndForm(forms.Form):
    on = _date("Date the child ceased to be looked after")
    reason = forms.ChoiceField(label="Reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = [r for r in _codes("ssda903_reason_ceased", blank="Choose a reason") if r[0] != "X1"]
        self.fields["reason"].choices = rows  # type: ignore[attr-defined]


class CarerForm(forms.ModelForm[Carer]):
    skills_text = forms.CharField(
        label="Skills (comma separated)",
        required=False,
        help_text="For example: disability, teenagers, parent and child, therapeutic",
    )

    class Meta:
        model = Carer
        fields = [
            "reference", "name", "kind", "provider_code", "urn", "approval_status",
            "temporary_approval_until", "age_from", "age_to", "places", "vacancies",
            "siblings", "postcode", "registered_on",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider_code"] = forms.ChoiceField(
            label="Placement provider (SSDA903)", choices=_codes("ssda903_placement_provider")
        )
        self.fields["kind"].choices = CarerKind.choices  # type: ignore[attr-defined]
        self.fields["temporary_approval_until"] = _date("Temporary approval until", required=False)
        self.fields["registered_on"] = _date("Registered with Ofsted on", required=False)
        if self.instance.pk:
            self.fields["skills_text"].initial = ", ".join(self.instance.skills)

    def clean_skills_text(self) -> list[str]:
        raw: str = self.cleaned_data["skills_text"]
        return [s.strip().lower() for s in raw.split(",") if s.strip()]


class SearchForm(forms.Form):
    siblings = forms.IntegerField(
        label="Children to place together", min_value=1, max_value=6, initial=1
    )
    needs = forms.CharField(label="Needs the carer should meet (comma separated)", required=False)
    near = forms.CharField(label="The family's postcode", required=False, max_length=8)
    school = forms.CharField(label="The school's postcode", required=False, max_length=8)

    def clean_needs(self) -> list[str]:
        raw: str = self.cleaned_data["needs"]
        return [s.strip().lower() for s in raw.split(",") if s.strip()]


class DecisionForm(forms.Form):
    choice = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "Choose a carer, provider or family member"},
    )
    reasons = forms.CharField(label="Why this placement", widget=TEXTAREA)


class MissingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Missing or away",
        widget=forms.RadioSelect,
        choices=[("M", "Missing"), ("A", "Away from placement without authorisation")],
    )
    started_on = _date("Date they went missing")
    started_time = forms.TimeField(label="Time they went missing", help_text="For example, 21:30")
    ended_on = _date("Date they came back (if they have)", required=False)
    ended_time = forms.TimeField(label="Time they came back", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=TEXTAREA)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ended_on") and not data.get("ended_time"):
            self.add_error("ended_time", "Enter the time they came back")
        return data


class HealthForm(forms.Form):
    kind = forms.ChoiceField(label="What was done", widget=forms.RadioSelect, choices=[])
    done_on = _date("Date")
    sdq_score = forms.IntegerField(
        label="SDQ score (for an SDQ only)", required=False, min_value=0, max_value=40
    )
    notes = forms.CharField(label="Notes", required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hearth.care.models import HealthKind

        self.fields["kind"].choices = HealthKind.choices  # type: ignore[attr-defined]


class PepForm(forms.Form):
    held_on = _date("Date of the PEP meeting")
    school = forms.CharField(label="School", required=False, max_length=150)
    upn = forms.CharField(label="Unique pupil number", required=False, max_length=13)
    notes = forms.CharField(label="Notes", required=False, widget=TEXTAREA)


class CarePlanForm(forms.Form):
    made_on = _date("Date of the care plan")
    permanence_plan = forms.ChoiceField(
        label="Permanence plan", widget=forms.RadioSelect, choices=[]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hearth.care.models import PermanencePlan

        self.fields["permanence_plan"].choices = PermanencePlan.choices  # type: ignore[attr-defined]


class FactsForm(forms.Form):
    intended_until_18 = forms.ChoiceField(
        label="Is the placement meant to last until the child is 18?",
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        required=False,
    )
    visit_basis = forms.ChoiceField(label="Visiting pattern (reg 28)", choices=VisitBasis.choices)
    placement_plan_on = _date("Date of the placement plan", required=False)


class ContactForm(forms.Form):
    birthday = forms.TypedChoiceField(
        label="Which birthday", coerce=int, choices=[(a, f"{a}th") for a in range(17, 22)]
    )
    contact_on = _date("Date of contact")
    in_touch = forms.ChoiceField(label="In touch", widget=forms.RadioSelect, choices=[])
    activity = forms.ChoiceField(label="Activity (if in touch)", required=False, choices=[])
    accommodation = forms.ChoiceField(
        label="Accommodation (if in touch)", required=False, choices=[]
    )
    suitable = forms.ChoiceField(
        label="Is the accommodation suitable?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["in_touch"].choices = _codes("ssda903_oc3_in_touch")  # type: ignore[attr-defined]
        self.fields["activity"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_oc3_activity", blank="Choose"
        )
        self.fields["accommodation"].choices = _codes(  # type: ignore[attr-defined]
            "ssda903_oc3_accommodation", blank="Choose"
        )


class AdoptionForm(forms.Form):
    should_be_placed_on = _date("Decision that the child should be placed for adoption")
    placement_order_on = _date("Placement order", required=False)
    matched_on = _date("Matched with prospective adopters", required=False)
    placed_on = _date("Placed for adoption", required=False)
    adoption_order_on = _date("Adoption order", required=False)
    reversed_on = _date("Decision that the child should no longer be placed", required=False)
    reversed_reason = forms.ChoiceField(label="Why (if reversed)", required=False, choices=[])
    adopter_sex = forms.ChoiceField(label="Adopters (SSDA903 SEX_ADOPTR)", required=False,
                                    choices=[])  # fmt: skip
    adopter_legal_status = forms.ChoiceField(
        label="Adopters' legal status (SSDA903 LS_ADOPTR)", required=False, choices=[]
    )
    family = forms.CharField(
        label="Adopter family identifier (once matched)",
        required=False,
        max_length=20,
        help_text="From the adopter families register, for example AF00012. The adopters' "
        "number and sexes are then taken from their records.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, list_name in (
            ("reversed_reason", "ssda903_reason_placed_ceased"),
            ("adopter_sex", "ssda903_adopter_sex"),
            ("adopter_legal_status", "ssda903_adopter_legal_status"),
        ):
            self.fields[name].choices = _codes(list_name, blank="Not yet")  # type: ignore[attr-defined]

    def clean_family(self) -> AdopterApplication | None:
        ref = self.cleaned_data["family"].strip().upper()
        if not ref:
            return None
        found = AdopterApplication.objects.filter(reference=ref).first()
        if found is None:
            raise ValidationError(f"No adopter family has the identifier {ref}")
        return found


class AdopterFamilyForm(forms.ModelForm[AdopterApplication]):
    """A prospective adopter family's journey (Ofsted ILACS Annex A list 11) and the one
    or two adopters, who are people already on Hearth (their gender, ethnicity and
    disability come from their records)."""

    first_adopter = forms.CharField(
        label="First adopter's person ID",
        max_length=20,
        help_text="Their local person ID, from their person record",
    )
    second_adopter = forms.CharField(
        label="Second adopter's person ID (if adopting as a couple)",
        max_length=20,
        required=False,
    )

    class Meta:
        model = AdopterApplication
        fields = [
            "reference", "fostering_for_adoption", "enquiry_on", "stage1_started_on",
            "stage1_ended_on", "stage2_started_on", "stage2_ended_on", "applied_on",
            "approved_on", "matched_on", "placed_on", "children_placed", "adoption_order_on",
            "left_on", "left_reason",
        ]  # fmt: skip
        labels = {"fostering_for_adoption": "Approved to foster for adoption"}

    DATES = {
        "enquiry_on": ("Date of enquiry", True),
        "stage1_started_on": ("Date stage 1 started", False),
        "stage1_ended_on": ("Date stage 1 ended", False),
        "stage2_started_on": ("Date stage 2 started", False),
        "stage2_ended_on": ("Date stage 2 ended", False),
        "applied_on": ("Date of application", False),
        "approved_on": ("Date approved", False),
        "matched_on": ("Date matched with a child or children", False),
        "placed_on": ("Date a child or children placed with them", False),
        "adoption_order_on": ("Date of the adoption order", False),
        "left_on": ("Date they left the adoption process", False),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, required) in self.DATES.items():
            self.fields[name] = _date(label, required=required)
        self.fields["left_reason"] = forms.ChoiceField(
            label="Why they left (if they did)",
            required=False,
            choices=[("", "They have not left"), *LeftAdoptionReason.choices],
        )
        self.fields["reference"].help_text = "For example AF00012"
        if self.instance.pk:
            ids = list(self.instance.adopters.values_list("person__local_id", flat=True))
            for name, value in zip(("first_adopter", "second_adopter"), ids, strict=False):
                self.fields[name].initial = value

    def clean_reference(self) -> str:
        return str(self.cleaned_data["reference"]).strip().upper()

    def _person(self, name: str) -> Person | None:
        ref = self.cleaned_data.get(name, "").strip()
        if not ref:
            return None
        found = Person.objects.filter(local_id__iexact=ref, merged_into__isnull=True).first()
        if found is None:
            raise ValidationError(f"No person has the ID {ref}")
        return found

    def clean_first_adopter(self) -> Person | None:
        return self._person("first_adopter")

    def clean_second_adopter(self) -> Person | None:
        return self._person("second_adopter")


class AdviserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.team.name})" if obj.team_id else str(obj.full_name)


class CareLeaverForm(forms.Form):
    """A young person's leaving care category, adviser and pathway plan; the services
    check the category against their age and the date they left care."""

    eligibility = forms.ChoiceField(
        label="Leaving care category", widget=forms.RadioSelect, choices=Eligibility.choices
    )
    left_care_on = _date("Date they left care (if they have)", required=False)
    personal_adviser = AdviserField(
        label="Personal adviser", required=False, queryset=User.objects.none(),
        empty_label="Not allocated yet",
    )  # fmt: skip
    pathway_plan_on = _date("Date of the pathway plan or its last review", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Advisers and workers of the leaving care and children in care teams.
        self.fields["personal_adviser"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                team__service_area__in=[ServiceArea.LEAVING_CARE, ServiceArea.CHILDREN_IN_CARE],
            )
            .select_related("team")
            .order_by("full_name")
        )


class IROContactForm(forms.Form):
    contact_on = _date("Date of your contact with the child")
    notes = forms.CharField(label="Notes", required=False, widget=TEXTAREA)


class ReturnForm(forms.Form):
    """The return, and the return home interview once offered."""

    ended_on = _date("Date they came back", required=False)
    ended_time = forms.TimeField(label="Time they came back", required=False)
    offered_on = _date("Date the return home interview was offered", required=False)
    offered_time = forms.TimeField(label="Time it was offered", required=False)
    accepted = forms.ChoiceField(
        label="Did they accept the interview?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
    )
