"""Ofsted Annex A from the record: eleven sheets with the template's headers and its
lettered values, over the months before the inspection date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from hearth.returns.annex_a import LISTS, annex_a_lists, months_before, source_value
from hearth.returns.tests.care_cases import in_care_authority
from hearth.returns.tests.casework_cases import census_child, cp_history

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 1, 20)


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


def test_periods_and_values():
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert source_value("1A") == "a) 1A: Individual"
    assert source_value("10") == "v) 10: Unknown"
    assert source_value("XX") == ""


def test_annex_a_needs_a_date():
    with pytest.raises(CommandError, match="inspection date"):
        call_command("returns", "annex-a")
