"""The GOV.UK date field, the error summary's links and optimistic concurrency."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError

from hearth.core.forms import DateField
from hearth.core.models import ConflictError
from hearth.core.templatetags.govuk import error_summary, govuk_date


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name")
    born = DateField(label="Date of birth")
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("b", "Blue")], widget=forms.RadioSelect
    )
    moved = DateField(label="Date they moved", required=False)

    def clean(self):
        raise ValidationError("Something about the whole form")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["4", "5", "2016"], dt.date(2016, 5, 4)),
        ([" 04 ", "05", "2016"], dt.date(2016, 5, 4)),
        (["29", "2", "2024"], dt.date(2024, 2, 29)),
    ],
)
def test_date_field_reads_day_month_year(parts, expected):
    assert DateField(label="Date").clean(parts) == expected


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["", "", ""], "Enter the date of birth"),
        (["4", "", "2016"], "The date of birth must include a month"),
        (["", "", "2016"], "The date of birth must include a day and month"),
        (["29", "2", "2023"], "The date of birth must be a real date"),
        (["0", "5", "2016"], "The date of birth must be a real date"),
        (["4", "5", "999"], "The date of birth must be a real date"),
        (["four", "5", "2016"], "The date of birth must be a real date"),
    ],
)
def test_date_field_errors_use_govuk_wording(parts, message):
    with pytest.raises(ValidationError) as e:
        DateField(label="Date of birth").clean(parts)
    assert e.value.messages == [message]


def test_optional_date_field_may_be_blank():
    assert DateField(label="Date", required=False).clean(["", "", ""]) is None
    assert DateField(label="Date", required=False).clean(None) is None


def test_error_summary_links_each_error_to_its_control():
    form = ExampleForm(data={"born_0": "31", "born_1": "2", "born_2": "2020", "moved_0": "1"})
    assert not form.is_valid()
    items = error_summary(form)["items"]
    assert {"text": "Something about the whole form", "href": ""} in items
    assert {"text": "This field is required.", "href": "#id_name"} in items
    assert {"text": "The date of birth must be a real date", "href": "#id_born_0"} in items
    assert {"text": "This field is required.", "href": "#id_colour_0"} in items
    assert {
        "text": "The date they moved must include a month and year",
        "href": "#id_moved_0",
    } in items
    assert len(items) == 5


def test_error_summary_is_empty_for_an_unbound_form():
    assert error_summary(ExampleForm(), None)["items"] == []


def test_govuk_date():
    assert govuk_date(dt.date(2026, 3, 7)) == "7 March 2026"
    assert govuk_date(None) == ""
    aware = dt.datetime(2026, 7, 1, 8, 5, tzinfo=dt.UTC)
    assert govuk_date(aware) == "1 July 2026 09:05"  # shown in UK time (BST)


@pytest.mark.django_db
def test_save_versioned_refuses_a_stale_version_and_writes_nothing(f):
    person = f.person(family_name="Okafor")
    assert person.version == 1
    person.family_name = "First"
    person.save_versioned(expected_version=1, fields=["family_name"])
    assert person.version == 2

    stale = type(person).objects.get(pk=person.pk)
    stale.family_name = "Second"
    with pytest.raises(ConflictError, match="changed by someone else"):
        stale.save_versioned(expected_version=1, fields=["family_name"])
    person.refresh_from_db()
    assert (person.family_name, person.version) == ("First", 2)
