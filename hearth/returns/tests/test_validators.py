"""Hearth's returns judged by the public validators (csc-validator-be-cin 0.1.13), each in
its own venv under var/validators/ (created on the first run, reused after).

- The census of a generated authority has no validator errors apart from those listed
  below with their reasons; Hearth's own checks agree with the validator on it.
- One record broken per rule, for more than 30 rules: Hearth and the validator report the
  same rules for the same children.

Select with `-m validators`; they run in `make test` too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import transaction

from hearth.demo.generator import generate
from hearth.returns.cin import Header, write_cin_xml
from hearth.returns.cin_rules import CHECKS, RETURN_LEVEL, check_children
from hearth.returns.exports import cin_export
from hearth.returns.gazetteer import return_gazetteer
from hearth.returns.ssda903 import check_903, ssda903_return, write_folder
from hearth.returns.tests.care_cases import complete_the_record, in_care_authority
from hearth.returns.tests.cin_cases import MUTATIONS, broken_children
from hearth.returns.validators import CIN, LAC, ensure_venv, run_cin_validator, run_lac_validator

pytestmark = [pytest.mark.validators]

# Validator errors allowed on the generated authority, and why: none. (The demo's UPNs
# carry the pseudo-LA code 001, on rule 1530's list; see hearth/demo/data.py.)
ALLOWED_VALIDATOR_ERRORS: dict[str, str] = {}
# csc-validator-be-cin 0.1.13 defects: none that stop a clean return passing; the rules
# it cannot see broken are below (VALIDATOR_BLIND).
# Rules where csc-validator-be-cin 0.1.13 does not report a broken record in a file in the
# DfE format (observed with the mutations in cin_cases.py), so agreement cannot be asked.
VALIDATOR_BLIND = {
    "8540": "its issue locations drop the child when the disability is missing or invalid",
    "8832": "the rule names a column (LAchildID_cpp) that its table does not have",
    "8614": "it does not report factors on an unauthorised assessment",
    "8869": "it compares the whole list of factors with '21' as one value",
    "8898": "it does not report a factor repeated in one assessment",
    "8945Q": "it compares the whole list of factors with '18A' as one value",
    "8950Q": "it compares the whole list of factors with '19A' as one value",
    "8870Q": "it re-reads the parsed date with a day-month-year format and gets nothing",
    "8935": "it counts open plans by plan number, so two in one episode are never found",
}


@pytest.fixture(scope="session")
def cin_validator() -> Path:
    return ensure_venv(CIN)


def _by_child(pairs) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for rule, child in pairs:
        out[child].add(rule)
    return out


@pytest.mark.django_db
def test_generated_authority_census_passes_the_validator(cin_validator, tmp_path):
    generate(children=400, seed=26, today=dt.date(2026, 6, 1))
    path = tmp_path / "cin.xml"
    findings = cin_export(2026, path)
    issues, _seconds = run_cin_validator(path, 2026)

    errors = {i.rule for i in issues if not i.rule.endswith("Q")}
    assert errors <= set(ALLOWED_VALIDATOR_ERRORS), errors - set(ALLOWED_VALIDATOR_ERRORS)
    ours = {x.code for x in findings if not x.is_query}
    # No generator gaps left: Hearth finds nothing but queries.
    assert ours <= set(ALLOWED_VALIDATOR_ERRORS), ours - set(ALLOWED_VALIDATOR_ERRORS)

    comparable = (set(CHECKS) | RETURN_LEVEL) - set(VALIDATOR_BLIND)
    theirs = {(i.rule, i.child) for i in issues if i.rule in comparable}
    assert {(x.code, x.child) for x in findings if x.code in comparable} == theirs


@pytest.mark.django_db  # the working-day calendar reads the authority's closure days
def test_broken_records_fail_the_same_rules_in_hearth_and_the_validator(cin_validator, tmp_path):
    children, target = broken_children()
    path = tmp_path / "broken.xml"
    created = dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC)
    with path.open("w") as out:
        write_cin_xml(Header(year=2026, lea="201", created=created), children, out)
    issues, _seconds = run_cin_validator(path, 2026)
    comparable = (set(CHECKS) | RETURN_LEVEL) - set(VALIDATOR_BLIND)
    theirs = _by_child((i.rule, i.child) for i in issues if i.rule in comparable)
    ours = _by_child((x.code, x.child) for x in check_children(2026, children))

    compared = [code for code in MUTATIONS if code in comparable]
    assert len(compared) >= 30
    for code in compared:
        # A rule on the whole return is reported with no child, by both.
        child = "" if code in RETURN_LEVEL else target[code]
        assert code in theirs[child], f"the validator misses {code} on {child or 'the return'}"
        assert ours[child] & comparable == theirs[child], child
    for child in ("CP00000", "PL00000"):
        assert not ours[child] and not theirs[child]
    for code in set(MUTATIONS) & set(VALIDATOR_BLIND):
        assert code in ours[target[code]]  # Hearth still finds what the validator cannot


# The LA code the SSDA903 files are validated for (a stand-in: the demo authority is
# fictional); its synthetic postcode districts are given this code in the validator's
# postcode lookup (hearth/returns/gazetteer.py), so the rules on the placement's LA,
# location and distance (169, 179, 392a, 392c, 1015, 411, 164, 241) are checked.
LA = "E09000027"

# csc-validator-be-903 0.1.17 errors that are defects of the validator, not of the return:
# each cites the rule's code in the installed package (lac_validator/rules/...).
VALIDATOR_DEFECTS_903 = {
    "241": "the DfE rule asks that a K3 placement's LA (PL_LA) be an LA where the provider "
    "with that Ofsted URN has premises (the Ofsted URN lookup); the validator "
    "(lac2025_26/rule_241.py, validate) compares PL_LA with the submitting authority "
    "(metadata localAuthority) instead, so every children's home placement outside the "
    "authority is reported",
    "SW12STG2": "the DfE rule is about children looked after on 31 March (all their social "
    "worker episodes for the year); the validator (lac2024_25/rule_SW12STG2.py, validate, "
    "in force for 2025/26) never selects those children: it takes every episode ending "
    "in the year (or open) that is not V3/V4, left-joins SWEpisodes and reports the episode "
    "unless SW_DECOM <= DEC (REC not X1) or SW_DECOM >= DECOM (RNE S). A child who left "
    "care before 31 March, for whom no social worker episodes are returned, so has no "
    "SW_DECOM, is always reported. (Open episodes with RNE other than S would be too, but "
    "rule 365 (lac2022_23/rule_365.py) writes 31 March into the shared table's blank DEC "
    "before this rule runs, through the shallow copy the engine gives each rule.)",
}
# Errors Hearth's own choices cause on a correct record: none for SSDA903.
OUR_CHOICES_903: dict[str, str] = {}
ALLOWED_903_ERRORS = VALIDATOR_DEFECTS_903 | OUR_CHOICES_903


@pytest.mark.django_db
def test_ssda903_files_pass_the_validator(f, tmp_path):
    ensure_venv(LAC)
    kids = in_care_authority(f)
    complete_the_record(kids)
    ret = ssda903_return(2026)
    assert check_903(ret) == []
    write_folder(ret, tmp_path / "903")
    issues = run_lac_validator(tmp_path / "903", 2026, LA, return_gazetteer(ret, LA))
    errors = {i.rule for i in issues}
    assert errors <= set(ALLOWED_903_ERRORS), errors - set(ALLOWED_903_ERRORS)
    # The defect is still there: the boy, who went home in December, is reported though
    # social worker episodes are returned only for children in care at 31 March.
    girl, boy = kids["girl"].local_id, kids["boy"].local_id
    assert {(i.rule, i.child) for i in issues if i.rule == "SW12STG2"} == {("SW12STG2", boy)}

    # The placement's LA, location and distance are checked, not skipped: a postcode in no
    # district, and own provision (PR1) in a neighbouring authority, are reported.
    episodes = ret.tables["Episodes"]
    [boys] = [e for e in episodes if e["CHILD"] == boy]
    boys["PL_POST"] = "HT99 1AB"  # no such district on the synthetic grid
    last = [e for e in episodes if e["CHILD"] == girl][-1]
    assert last["PLACE"] == "K2"  # a children's home, not fostering or adoption (1015)
    last["PLACE_PROVIDER"], last["PL_POST"] = "PR1", "HY1 2AB"  # a neighbour's area
    write_folder(ret, tmp_path / "broken")
    issues = run_lac_validator(tmp_path / "broken", 2026, LA, return_gazetteer(ret, LA))
    found = _by_child((i.rule, i.child) for i in issues)
    assert {"392c", "169", "179", "392a"} <= found[boy], found[boy]
    assert "1015" in found[girl], found[girl]


# Failures of the generated authority's SSDA903 return that come from the demo generator
# (hearth/demo), each with the generator change that would clear it. A new one
# is fixed in the generator, never listed here to pass; the test below also fails on an
# entry no seed shows any more.
GENERATOR_GAPS_903: dict[str, str] = {}
GENERATOR_SEEDS = (26, 3, 1, 11)


@pytest.mark.django_db
def test_generated_authority_ssda903_passes_the_validator(tmp_path):
    ensure_venv(LAC)
    allowed = set(ALLOWED_903_ERRORS) | set(GENERATOR_GAPS_903)
    seen: set[str] = set()
    for seed in GENERATOR_SEEDS:
        with transaction.atomic():  # each seed's authority is rolled back before the next
            generate(children=400, seed=seed, today=dt.date(2026, 6, 1))
            ret = ssda903_return(2026)
            transaction.set_rollback(True)
        assert ret.tables["Episodes"], "the generated authority has children in care"
        ours = {x.code for x in check_903(ret)}
        assert ours <= set(GENERATOR_GAPS_903), (seed, ours - set(GENERATOR_GAPS_903))
        write_folder(ret, tmp_path / str(seed))
        postcodes = return_gazetteer(ret, LA)
        errors = {i.rule for i in run_lac_validator(tmp_path / str(seed), 2026, LA, postcodes)}
        assert errors <= allowed, (seed, errors - allowed)
        seen |= ours | errors
    fixed = set(GENERATOR_GAPS_903) - seen
    assert not fixed, f"fixed in the generator, remove from GENERATOR_GAPS_903: {fixed}"
