"""The CIN census from the record: what goes in (as at 31 March), the XML's shape, the
command, and records that cannot be exported cleanly (listed, never dropped)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from hearth.audit.models import AuditEvent
from hearth.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
)
from hearth.returns.cin import Header, cin_children, la_number, read_cin_xml, write_cin_xml
from hearth.returns.cin_rules import RETURN_LEVEL, check_children, check_header
from hearth.returns.models import ReturnExport, ReturnFinding
from hearth.returns.rules import rules
from hearth.returns.tests.casework_cases import census_child as _child
from hearth.returns.tests.casework_cases import cp_history as _cp_history
from hearth.returns.tests.cin_cases import (
    MUTATIONS,
    broken_children,
    cp_child,
    plan_child,
    with_la,
)

pytestmark = pytest.mark.django_db
D = dt.date


def test_census_is_taken_as_at_the_reference_date(f):
    child = _child(f)
    _cp_history(child)
    (record,) = cin_children(2026)
    (e,) = record.episodes
    assert e.closure_date is None and e.closure_reason == ""  # closed after 31 March
    assert e.referral_nfa is False
    assert [a.factors for a in e.assessments] == [["16A", "17A"]]
    (s47,) = e.section47s
    assert (s47.start, s47.icpc_date) == (D(2025, 9, 10), D(2025, 9, 30))
    assert s47.icpc_not_required is False
    (cpp,) = e.cp_plans
    assert cpp.end is None and cpp.reviews == [D(2025, 12, 15)]
    assert check_children(2026, [record]) == []


def test_children_outside_the_year_are_left_out_and_nfa_is_derived(f):
    before = _child(f, upn="")
    CINEpisode.objects.create(
        person=before, referral_date=D(2024, 5, 1), referral_source="1A",
        closure_date=D(2025, 2, 1), closure_reason="RC7",
    )  # fmt: skip
    nfa = _child(f, upn="")
    CINEpisode.objects.create(
        person=nfa, referral_date=D(2025, 11, 3), referral_source="9",
        closure_date=D(2025, 11, 4), closure_reason="RC7",
    )  # fmt: skip
    records = list(cin_children(2026))
    assert [r.la_child_id for r in records] == [nfa.local_id]
    assert records[0].episodes[0].referral_nfa is True


def test_cin_plan_is_exported_with_its_episode(f):
    child = _child(f)
    episode = CINEpisode.objects.create(
        person=child, referral_date=D(2025, 5, 1), referral_source="3A", primary_need_code="N2"
    )
    Assessment.objects.create(
        episode=episode, person=child, started_on=D(2025, 5, 2), authorised_on=D(2025, 6, 10),
        factors=["6A"],
    )  # fmt: skip
    CINPlan.objects.create(person=child, episode=episode, start_date=D(2025, 6, 15))
    (record,) = cin_children(2026)
    assert [(p.start, p.end) for p in record.episodes[0].cin_plans] == [(D(2025, 6, 15), None)]


ORDER = {
    "ChildIdentifiers": ["LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
                         "ExpectedPersonBirthDate", "Sex", "PersonDeathDate"],
    "CINdetails": ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
                   "ReasonForClosure", "DateOfInitialCPC", "Assessments", "CINPlanDates",
                   "Section47", "ReferralNFA", "ChildProtectionPlans"],
    "ChildProtectionPlans": ["CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                             "LatestCategoryOfAbuse", "NumberOfPreviousCPP", "Reviews"],
    "Section47": ["S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"],
    "Assessments": ["AssessmentActualStartDate", "AssessmentInternalReviewDate",
                    "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment"],
}  # fmt: skip


def test_xml_has_the_dfe_header_and_element_order(tmp_path):
    path = tmp_path / "cin.xml"
    created = dt.datetime(2026, 4, 2, 9, 30, tzinfo=dt.UTC)
    with path.open("w") as out:
        write_cin_xml(Header(year=2026, lea="201", created=created), [cp_child(1)], out)
    root = ET.parse(path).getroot()
    assert [e.tag for e in root] == ["Header", "Children"]
    details = root.find("Header/CollectionDetails")
    assert [(e.tag, e.text) for e in details] == [
        ("Collection", "CIN"), ("Year", "2026"), ("ReferenceDate", "2026-03-31")
    ]  # fmt: skip
    assert [e.tag for e in root.find("Header/Source")] == [
        "SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"
    ]  # fmt: skip
    child = root.find("Children/Child")
    assert [e.tag for e in child] == ["ChildIdentifiers", "ChildCharacteristics", "CINdetails",
                                      "CINdetails"]  # fmt: skip
    for block, order in ORDER.items():
        for el in root.iter(block):
            tags = [e.tag for e in el]
            assert tags == sorted(tags, key=order.index), block


def test_a_file_read_back_gives_the_same_records(tmp_path):
    children, _ = broken_children()
    path = tmp_path / "cin.xml"
    with path.open("w") as out:
        write_cin_xml(Header(year=2026, lea="201"), children, out)
    header, back = read_cin_xml(path)
    assert header.year == 2026 and header.lea == "201"
    ours = {(x.code, x.child) for x in check_children(2026, children)}
    assert {(x.code, x.child) for x in check_children(2026, back)} == ours


@pytest.mark.parametrize("code", sorted(MUTATIONS))
def test_each_broken_record_fails_its_rule(code):
    children, target = broken_children()
    findings = check_children(2026, children)
    child = "" if code in RETURN_LEVEL else target[code]  # a rule on the whole return
    assert code in {x.code for x in findings if x.child == child}
    # The two clean children fail nothing.
    assert not [x for x in findings if x.child in {"CP00000", "PL00000"} and x.code != "1520"]


def test_clean_children_pass_and_rules_are_data():
    assert check_children(2026, [cp_child(1), plan_child(2)]) == []
    table = rules("cin")
    assert len(table) >= 30
    assert table["8640"].message.startswith("CIN Reason for closure code invalid")
    assert table["8945Q"].is_query and not table["8640"].is_query
    # Rules from a later collection year do not apply to an earlier one.
    assert not table["4180"].applies_to(2024) and table["4180"].applies_to(2026)
    assert [x.code for x in check_header(2026, 2025)] == ["100"]


def test_duplicate_ids_are_found_across_children():
    a, b = cp_child(1), cp_child(2)
    b.la_child_id = a.la_child_id
    codes = [x.code for x in check_children(2026, [a, b])]
    assert codes.count("8510") == 2 and codes.count("1520") == 0
    b.la_child_id, b.upn = "OTHER1", a.upn
    assert [x.code for x in check_children(2026, [a, b])].count("1520") == 2


def test_command_writes_the_census_and_audits_it(f, tmp_path, capsys):
    _cp_history(_child(f))
    out = tmp_path / "census.xml"
    call_command("returns", "cin", "--year", "2026", "--out", str(out))
    assert "1 records, 0 errors" in capsys.readouterr().out
    header, children = read_cin_xml(out)
    assert header.year == 2026 and len(children) == 1
    event = AuditEvent.objects.get(event="returns.cin.exported")
    assert event.data["records"] == 1 and event.data["errors"] == 0


def test_strict_lists_a_record_that_cannot_be_exported_cleanly(f, tmp_path):
    """A missing ethnicity and no disability recorded: the child is still in the file,
    listed on the data quality page, never defaulted; --strict exits non-zero."""
    good = _child(f)
    _cp_history(good)
    bad = f.person(ethnicity="", upn="")
    CINEpisode.objects.create(
        person=bad, referral_date=D(2025, 10, 6), referral_source="2A", primary_need_code="N4"
    )
    out = tmp_path / "census.xml"
    with pytest.raises(CommandError, match=r"2 errors in the return: .*" + bad.local_id):
        call_command("returns", "cin", "--year", "2026", "--out", str(out), "--strict")
    _header, children = read_cin_xml(out)
    written = {c.la_child_id: c for c in children}
    assert set(written) == {good.local_id, bad.local_id}
    assert written[bad.local_id].ethnicity == "" and written[bad.local_id].disabilities == []
    export = ReturnExport.objects.get()
    assert export.errors == 2
    listed = set(
        ReturnFinding.objects.filter(export=export, is_query=False).values_list("child", "code")
    )
    assert listed == {(bad.local_id, "4220"), (bad.local_id, "8540")}
    # A child of school age with neither a UPN nor a reason: a query, not an error.
    assert ReturnFinding.objects.filter(export=export, is_query=True).get().code == "8770Q"


def test_command_refuses_without_a_year():
    with pytest.raises(CommandError, match="collection year"):
        call_command("returns", "cin")


def test_a_plan_outside_every_episode_is_listed_not_dropped(f):
    child = _child(f)
    CINEpisode.objects.create(
        person=child, referral_date=D(2025, 11, 3), referral_source="6", primary_need_code="N1"
    )
    ChildProtectionPlan.objects.create(
        person=child, start_date=D(2025, 10, 1), initial_category="NEG", latest_category="NEG"
    )
    (record,) = cin_children(2026)
    assert record.episodes[0].cp_plans == []
    findings = check_children(2026, [record])
    assert [(x.code, x.detail) for x in findings] == [
        ("X001", "child protection plan from 01/10/2025")
    ]


def test_upn_la_number_and_plans_against_conferences():
    # 1530: the LA number in characters 2-4 is on the rule's list (001 is, 999 is not).
    ok, bad = cp_child(1), cp_child(2)
    ok.upn, bad.upn = with_la(ok.upn, "001"), with_la(bad.upn, "999")
    found = {(x.code, x.child) for x in check_children(2026, [ok, bad])}
    assert found == {("1530", bad.la_child_id)}

    # 2883 (whole return): a plan in the year needs a conference in the year, recorded
    # in the enquiry or in the CIN details; plans before the year do not count.
    one = cp_child(3)
    one.episodes[1].section47s[0].icpc_date = None
    assert "2883" in {x.code for x in check_children(2026, [one])}
    one.episodes[1].initial_cpc = D(2025, 9, 30)  # recorded in the CIN details instead
    assert "2883" not in {x.code for x in check_children(2026, [one])}
    one.episodes[1].initial_cpc = None
    one.episodes[1].cp_plans[0].start = D(2025, 3, 31)  # the year before
    assert "2883" not in {x.code for x in check_children(2026, [one])}


def test_la_number_is_never_guessed_for_a_real_authority(settings):
    settings.HEARTH_LA_NUMBER = "201"
    assert la_number() == "201"
    settings.HEARTH_LA_NUMBER = ""
    assert la_number() == "999"  # trial environments hold only the synthetic authority
    settings.TRIAL = False
    with pytest.raises(ImproperlyConfigured, match="HEARTH_LA_NUMBER"):
        la_number()


@pytest.mark.django_db
def test_the_census_command_without_an_la_number_stops_with_a_plain_message(settings, tmp_path):
    settings.HEARTH_LA_NUMBER, settings.TRIAL = "", False
    with pytest.raises(CommandError, match="Set HEARTH_LA_NUMBER"):
        call_command("returns", "cin", "--year", "2026", "--out", str(tmp_path / "cin.xml"))
    assert not (tmp_path / "cin.xml").exists()
