"""Ofsted Annex A from the record: eleven sheets with the template's headers and its
lettered values, over the months before the inspection date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from hearth.returns.annex_a import LISTS, NOTES, annex_a_lists, months_before, source_value
from hearth.returns.tests.care_cases import in_care_authority
from hearth.returns.tests.casework_cases import census_child, cp_history

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 1, 20)
D = dt.date


def _sheet(lists, name):
    headers = LISTS[name][1]
    return [dict(zip(headers, row, strict=True)) for row in lists.rows[name]]


def test_lists_from_casework_and_care(f):
    child = census_child(f)
    cp_history(child)
    kids = in_care_authority(f)
    lists = annex_a_lists(ON)

    (referral,) = _sheet(lists, "List 3")
    assert referral["Child Unique ID"] == child.local_id
    assert referral["Gender"] == "b) Female" and referral["Ethnicity"] == "a) WBRI"
    assert referral["Date of Referral"] == "01/09/2025"
    assert referral["Referral Source"] == "r) 6: Police" and referral["Referral NFA?"] == "b) No"
    (s47,) = _sheet(lists, "List 5")
    assert s47["Date of Initial Child Protection Conference"] == "30/09/2025"
    assert s47["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == (
        "a) Yes"
    )
    (plan,) = _sheet(lists, "List 7")
    assert plan["Initial Category of Abuse"] == "a) Neglect"
    (cin,) = _sheet(lists, "List 6")
    assert cin["Case Status"] == "b) Child Protection plan"
    assert cin["Primary Need Code"] == "N1 - Abuse or neglect"

    in_care = {r["Child Unique ID"]: r for r in _sheet(lists, "List 8")}
    girl = in_care[kids["girl"].local_id]
    assert girl["Child's Legal Status"] == "C2: FCO"
    assert girl["Start date of current legal status"] == "01/07/2025"
    assert ") K2: " in girl["Placement Type"]
    missing = next(h for h in LISTS["List 8"][1] if "'Missing'" in h)
    assert girl[missing] == 1
    boy = in_care[kids["boy"].local_id]
    assert boy["Date Ceased to be Looked After"] == "12/12/2025"
    assert boy["Reason Ceased to be Looked After"] == "E4A"


def test_workbook_has_every_list_with_the_template_headers(f, tmp_path):
    cp_history(census_child(f))
    out = tmp_path / "annex_a.xlsx"
    call_command("returns", "annex-a", "--date", ON.isoformat(), "--out", str(out))
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    for name, (_title, headers) in LISTS.items():
        first = next(book[name].iter_rows(values_only=True))
        assert list(first) == headers
    # Early help is not in the record: the sheet says so rather than looking like none.
    rows = list(book["List 2"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == NOTES["List 2"]


def test_list_11_adopters(f):
    from hearth.care.models import Adopter, AdopterApplication
    from hearth.people.models import PersonDisability

    def family(ref: str, *people, **dates) -> None:
        app = AdopterApplication.objects.create(reference=ref, **dates)
        for p in people:
            Adopter.objects.create(application=app, person=p)

    ann = f.person(kind="adult", sex="F", ethnicity="WBRI", date_of_birth=D(1985, 2, 3))
    bob = f.person(kind="adult", sex="M", ethnicity="BAFR", date_of_birth=D(1983, 7, 9))
    PersonDisability.objects.create(person=ann, code="NONE")
    PersonDisability.objects.create(person=bob, code="MOB")
    family(
        "FAM001", ann, bob, fostering_for_adoption=True, enquiry_on=D(2025, 3, 1),
        stage1_started_on=D(2025, 3, 20), stage1_ended_on=D(2025, 5, 30),
        stage2_started_on=D(2025, 6, 2), stage2_ended_on=D(2025, 9, 12),
        applied_on=D(2025, 6, 2), approved_on=D(2025, 10, 1), matched_on=D(2025, 12, 1),
        placed_on=D(2026, 2, 2), children_placed=2,  # after the inspection date: not yet
    )  # fmt: skip
    cat = f.person(kind="adult", sex="F", ethnicity="AIND", date_of_birth=D(1990, 1, 1))
    family("FAM002", cat, enquiry_on=D(2025, 4, 7), left_on=D(2025, 11, 5), left_reason="1")
    gone = f.person(kind="adult", sex="M", ethnicity="WBRI", date_of_birth=D(1980, 1, 1))
    family("FAM003", gone, enquiry_on=D(2024, 5, 1), left_on=D(2024, 12, 1), left_reason="3")
    later = f.person(kind="adult", sex="M", ethnicity="WBRI", date_of_birth=D(1980, 1, 1))
    family("FAM004", later, enquiry_on=D(2026, 1, 21))

    rows = {r["Individual adopter identifier"]: r for r in _sheet(annex_a_lists(ON), "List 11")}
    # Left more than 12 months before, or enquired after the date: not in contact.
    assert set(rows) == {ann.local_id, bob.local_id, cat.local_id}
    a, b, c = rows[ann.local_id], rows[bob.local_id], rows[cat.local_id]
    assert a["Family identifier"] == b["Family identifier"] == "FAM001"
    assert (a["Gender"], a["Ethnicity"], a["Disability"]) == ("b) Female", "a) WBRI", "b) No")
    assert (b["Gender"], b["Ethnicity"], b["Disability"]) == ("a) Male", "o) BAFR", "a) Yes")
    assert a["Is the (prospective) adopter fostering for adoption?"] == "a) Yes"
    assert a["Date enquiry received"] == "01/03/2025"
    assert a["Date Stage 2 ended"] == "12/09/2025"
    assert a["Date application approved"] == "01/10/2025"
    assert a["Date adopter matched with child(ren)"] == "01/12/2025"
    assert a["Date child/children placed with adopter(s)"] == ""
    assert a["No. of children placed"] is None
    assert (
        a["Date of leaving adoption process"] == ""
        and a["Reason for leaving adoption process"] == ""
    )
    assert c["Is the (prospective) adopter fostering for adoption?"] == "b) No"
    assert c["Date of leaving adoption process"] == "05/11/2025"
    assert c["Reason for leaving adoption process"] == "1 - Adopter withdrew from process"
    assert c["Disability"] == "c) Unknown"  # none recorded: said, not defaulted to No


def test_periods_and_values():
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert source_value("1A") == "a) 1A: Individual"
    assert source_value("10") == "v) 10: Unknown"
    assert source_value("XX") == ""


def test_annex_a_needs_a_date():
    with pytest.raises(CommandError, match="inspection date"):
        call_command("returns", "annex-a")
