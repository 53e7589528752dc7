"""The SSDA903 CSV set from the care record: tables, columns, dates, as at 31 March."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command

from hearth.care import services as care
from hearth.returns.models import ReturnExport
from hearth.returns.ssda903 import COLUMNS, FILE_NAMES, check_903, postcode, ssda903_return
from hearth.returns.tests.care_cases import complete_the_record, in_care_authority

pytestmark = pytest.mark.django_db


def test_tables_from_the_care_record(f):
    kids = in_care_authority(f)
    ret = ssda903_return(2026)
    header = {r["CHILD"]: r for r in ret.tables["Header"]}
    girl, boy = kids["girl"].local_id, kids["boy"].local_id
    assert set(header) == {girl, boy}
    assert header[girl]["SEX"] == "F" and header[girl]["DOB"] == "04/03/2012"
    assert header[girl]["MOTHER"] == "0" and header[boy]["MOTHER"] == ""
    episodes = [r for r in ret.tables["Episodes"] if r["CHILD"] == girl]
    assert [(e["DECOM"], e["RNE"], e["LS"], e["PLACE"]) for e in episodes] == [
        ("04/11/2024", "S", "V2", "U6"),
        ("01/07/2025", "L", "C2", "U6"),
        ("01/09/2025", "P", "C2", "K2"),
    ]
    assert episodes[1]["DEC"] == "01/09/2025" and episodes[1]["REC"] == "X1"
    assert episodes[1]["REASON_PLACE_CHANGE"] == "CARPL"
    assert episodes[2]["DEC"] == "" and episodes[2]["URN"] == "SC123456"
    assert episodes[0]["HOME_POST"] == "HT4 2AB" and episodes[0]["PL_POST"] == "HT4 9QZ"
    left = [r for r in ret.tables["Episodes"] if r["CHILD"] == boy]
    assert left[-1]["DEC"] == "12/12/2025" and left[-1]["REC"] == "E4A"
    # The review before the year (none here) and after 31 March are not returned.
    assert [r["REVIEW"] for r in ret.tables["Reviews"] if r["CHILD"] == girl] == [
        "02/05/2025", "03/11/2025"
    ]  # fmt: skip
    assert ret.tables["Missing"] == [
        {"CHILD": girl, "DOB": "04/03/2012", "MISSING": "M", "MIS_START": "04/10/2025",
         "MIS_END": "05/10/2025"}
    ]  # fmt: skip
    assert postcode("ht49qz") == "HT4 9QZ"


def test_a_mother_in_care_expecting_another_child_gives_her_born_childs_date(f):
    """Rule 611: MOTHER 1 needs MC_DOB. Her unborn child has no date of birth and must not
    be taken as her first child; an unborn child alone does not make her a mother."""
    girl = in_care_authority(f)["girl"]
    unborn = f.person(
        kind="unborn", sex="U", date_of_birth=None, expected_date_of_birth=dt.date(2026, 5, 1)
    )
    f.relate(girl, unborn, "child")
    header = {r["CHILD"]: r for r in ssda903_return(2026).tables["Header"]}
    assert (header[girl.local_id]["MOTHER"], header[girl.local_id]["MC_DOB"]) == ("0", "")
    born = f.person(sex="M", date_of_birth=dt.date(2025, 9, 14))
    f.relate(girl, born, "child")
    header = {r["CHILD"]: r for r in ssda903_return(2026).tables["Header"]}
    assert header[girl.local_id]["MOTHER"] == "1"
    assert header[girl.local_id]["MC_DOB"] == "14/09/2025"


def test_a_child_in_care_without_a_registered_worker_is_listed(f):
    """In care since November 2024 with no OC2 health data and a worker with no
    registration number: both listed, nothing invented."""
    kids = in_care_authority(f)
    girl = kids["girl"].local_id
    findings = check_903(ssda903_return(2026))
    assert sorted((x.code, x.child) for x in findings) == [("191", girl), ("SW17STG2", girl)]
    complete_the_record(kids)
    assert check_903(ssda903_return(2026)) == []


def test_a_missing_urn_is_listed_never_filled_in(f):
    """A foster placement recorded with no URN (not even XXXXXXX): the return leaves it
    blank and the data quality check lists rule 218 for the child."""
    from hearth.care.models import Episode

    kids = in_care_authority(f)
    complete_the_record(kids)
    boy = kids["boy"]
    Episode.objects.filter(person=boy).update(urn="")
    ret = ssda903_return(2026)
    [row] = [r for r in ret.tables["Episodes"] if r["CHILD"] == boy.local_id]
    assert row["PLACE"] == "U3" and row["URN"] == ""
    assert [(x.code, x.child) for x in check_903(ret)] == [("218", boy.local_id)]
    # A placement that needs no URN (placed with parents, P1) is not listed.
    Episode.objects.filter(person=boy).update(placement_type="P1")
    assert check_903(ssda903_return(2026)) == []


def test_un4_with_an_episode_in_the_last_week_is_listed(f):
    """Rule 210: UPN unknown as UN4 (newly looked after) and an episode from 24 March."""
    from hearth.care.models import Episode

    kids = in_care_authority(f)
    complete_the_record(kids)
    girl = kids["girl"]
    girl.upn, girl.upn_unknown = "", "UN4"
    girl.save()
    assert check_903(ssda903_return(2026)) == []  # her episodes all began before
    last = Episode.objects.filter(person=girl).order_by("start_date").last()
    Episode.objects.filter(pk=last.pk).update(start_date=dt.date(2026, 3, 24))
    found = [(x.code, x.child) for x in check_903(ssda903_return(2026))]
    assert found == [("210", girl.local_id)]


def test_worker_after_a_gap_is_a_first_contact_and_a_handover_has_no_reason(f):
    """SWEpisodes: an allocation more than 7 days after the last ended starts the work
    again (FCONTA); one that takes over within 7 days is a handover whose reason Hearth
    does not record (blank, listed as SW13STG1)."""
    from hearth.people.models import Involvement

    kids = in_care_authority(f)
    complete_the_record(kids)
    girl = kids["girl"]
    first = girl.involvements.get()
    Involvement.objects.filter(pk=first.pk).update(ended=dt.date(2025, 6, 30))
    for started, ended in (
        (dt.date(2025, 9, 1), dt.date(2025, 12, 1)),
        (dt.date(2025, 12, 3), None),
    ):
        Involvement.objects.create(
            person=girl, team=first.team, worker=first.worker, reason="Looked after",
            started=started, ended=ended,
        )  # fmt: skip
    ret = ssda903_return(2026)
    rows = [r for r in ret.tables["SWEpisodes"] if r["CHILD"] == girl.local_id]
    assert [(r["SW_DECOM"], r["SW_REASON"]) for r in rows] == [
        ("04/11/2024", "FCONTA"),
        ("01/09/2025", "FCONTA"),
        ("03/12/2025", ""),
    ]
    assert [(x.code, x.detail) for x in check_903(ret)] == [
        ("SW13STG1", "worker from 03/12/2025: reason not recorded")
    ]
    # A second worker for a few weeks alongside the open allocation is not an episode.
    Involvement.objects.create(
        person=girl, team=first.team, worker=first.worker, reason="Duty",
        started=dt.date(2026, 1, 5), ended=dt.date(2026, 2, 6),
    )  # fmt: skip
    rows = [r for r in ssda903_return(2026).tables["SWEpisodes"] if r["CHILD"] == girl.local_id]
    assert [r["SW_DECOM"] for r in rows] == ["04/11/2024", "01/09/2025", "03/12/2025"]
    # An allocation of 2 days is too short (SW09STG2).
    Involvement.objects.filter(person=girl, started=dt.date(2025, 9, 1)).update(
        ended=dt.date(2025, 9, 3)
    )
    found = [(x.code, x.detail) for x in check_903(ssda903_return(2026))]
    assert ("SW09STG2", "worker from 01/09/2025 to 03/09/2025") in found


def test_uasc_episode_with_both_postcodes_is_listed(f):
    """Rule 406: no distance for a UASC child, so no home postcode beside the placement's."""
    from hearth.care.models import UASCStatus

    kids = in_care_authority(f)
    complete_the_record(kids)
    boy = kids["boy"]
    UASCStatus.objects.create(person=boy, started_on=dt.date(2025, 6, 2))
    ret = ssda903_return(2026)
    assert [(x.code, x.child) for x in check_903(ret)] == [("406", boy.local_id)]


def test_a_upn_is_asked_of_children_in_care_in_the_year_only(f):
    """Rule 442: a care leaver returned for OC3 alone (no episode in the year) is not
    asked for a UPN; a child in care under V2 is."""
    kids = in_care_authority(f)
    complete_the_record(kids)
    leaver = f.person(
        kind="adult", sex="M", date_of_birth=dt.date(2006, 7, 6), ethnicity="WBRI", upn=""
    )
    care.care_leaver_contact_record(
        acting_user=None, person=leaver, birthday=19, contact_on=dt.date(2025, 7, 6),
        in_touch="NO",
    )  # fmt: skip
    ret = ssda903_return(2026)
    assert leaver.local_id in {r["CHILD"] for r in ret.tables["Header"]}
    assert check_903(ret) == []
    kids["boy"].upn = ""
    kids["boy"].save()
    assert [(x.code, x.child) for x in check_903(ssda903_return(2026))] == [
        ("442", kids["boy"].local_id)
    ]


def test_command_writes_the_csv_set(f, tmp_path):
    in_care_authority(f)
    out = tmp_path / "903.zip"
    call_command("returns", "ssda903", "--year", "2026", "--out", str(out))
    with zipfile.ZipFile(out) as z:
        assert sorted(z.namelist()) == sorted(FILE_NAMES.values())
        for table, name in FILE_NAMES.items():
            reader = csv.reader(io.StringIO(z.read(name).decode()))
            assert next(reader) == COLUMNS[table]
    assert ReturnExport.objects.get().kind == "ssda903"
