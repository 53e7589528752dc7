"""`hearth import persons`: real CSV files in a temporary folder, the real database."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hearth.audit.models import AuditEvent
from hearth.people.models import Address, ExternalId, Person, PersonName, Relationship

pytestmark = pytest.mark.django_db

HEADER = (
    "source_id,kind,given_name,middle_names,family_name,preferred_name,date_of_birth,"
    "expected_date_of_birth,sex,ethnicity,first_language,nhs_number,upn,former_upn,"
    "upn_unknown,phone,email,date_of_death,previous_family_name,address_line1,"
    "address_line2,town,postcode,moved_in"
)
# Valid check digits: NHS 9434765919, 4010232137; UPN X201262100030.
AMELIA = (
    "S1,child,Amelia,Rose,Okafor,Millie,2016-05-04,,F,MWBA,ENG,943 476 5919,X201262100030,"
    ",,07700 900123,,,Smith,1 High Street,,Lambury,se15 4qt,2020-01-31"
)
GRACE = "S2,adult,Grace,,Okafor,,04/11/1990,,F,BAFR,ENG,4010232137,,,,,grace@example.test,,,,,,,"
BABY = "S3,unborn,,,Okafor,,,2099-01-01,U,,,,,,,,,,,,,,,"


def write(tmp_path: Path, name: str, *lines: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


def run(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("import", "persons", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def person(source_id: str, system: str = "import") -> Person:
    return ExternalId.objects.get(system=system, value=source_id).person


def test_good_rows_committed_and_each_reason_reported(tmp_path):
    path = write(
        tmp_path,
        "persons.csv",
        HEADER,
        AMELIA,  # line 2
        "S4,child,Ben,,Jones,,31/02/2016,,M,XXXX,,9434765918,,,,,,,,,,,,",  # line 3
        "",  # line 4: blank, skipped
        "S5,unborn,,,Jones,,,,U,,,,,,,,,,,,,,,",  # line 5
        "S6,adult,Carl,,Jones,,1980-01-01,,M,,,,,,,,,1979-12-31,,,,,,",  # line 6
        "S1,child,Amelia,,Okafor,,2016-05-04,,F,,,,,,,,,,,,,,,",  # line 7: duplicate id
        GRACE,  # line 8
        "S7,child,Dee,,,,2015-01-01,,X,,,,,,,,not-an-email,,,1 Road,,,ZZ,",  # line 9
        "S8,child,Eve,,Jones,,2015-01-01,,F,,,,BAD,,UN1,,,,,,,,,",  # line 10
    )
    out = run(str(path))

    assert "line 3: date_of_birth: Enter a real date: “31/02/2016” is not one" in out
    assert "line 3: ethnicity: Enter a CIN ethnicity code, like WBRI, not “XXXX”" in out
    assert (
        "line 3: nhs_number: Enter a valid NHS number: the last digit does not match the check "
        "digit" in out
    )
    assert (
        "line 5: expected_date_of_birth: Enter the expected date of birth of an unborn child" in out
    )
    assert (
        "line 6: date_of_death: The date of death must be the same as or after the date of birth"
        in out
    )
    assert "line 7: source_id: “S1” is already on line 2 of this file" in out
    assert "line 9: family_name: Enter the family name" in out
    assert "line 9: sex: Enter M, F or U, not “X”" in out
    assert "line 9: email: Enter a valid email address." in out
    assert "line 9: town: Enter the address town" in out
    assert "line 9: postcode: Enter a real postcode, like SE1 7QD" in out
    assert "line 10: upn: Enter a UPN of 13 characters" in out
    assert "line 10: upn_unknown: Leave the reason the UPN is unknown blank" in out
    assert not any(line.startswith(("line 2:", "line 4:", "line 8:")) for line in out.splitlines())
    assert "Persons: 2 created, 0 updated, 0 unchanged, 6 rejected" in out

    amelia = person("S1")
    assert (amelia.given_name, amelia.middle_names, amelia.preferred_name) == (
        "Amelia",
        "Rose",
        "Millie",
    )
    assert amelia.date_of_birth == dt.date(2016, 5, 4)
    assert (amelia.nhs_number, amelia.upn, amelia.ethnicity) == (
        "9434765919",
        "X201262100030",
        "MWBA",
    )
    assert amelia.local_id.startswith("HRT")
    address = amelia.addresses.get()
    assert (address.line1, address.postcode, address.moved_in, address.moved_out) == (
        "1 High Street",
        "SE15 4QT",
        dt.date(2020, 1, 31),
        None,
    )
    assert amelia.other_names.get().family_name == "Smith"
    grace = person("S2")
    assert (grace.kind, grace.date_of_birth, grace.email) == (
        "adult",
        dt.date(1990, 11, 4),
        "grace@example.test",
    )
    assert Person.objects.count() == 2

    creates = AuditEvent.objects.filter(event="people.person.create")
    assert sorted(creates.values_list("person_id", flat=True)) == sorted([amelia.pk, grace.pk])
    assert {e.actor_label for e in creates} == {"system"}
    assert creates.get(person_id=amelia.pk).changes["family_name"] == [None, "Okafor"]
    summary = AuditEvent.objects.get(event="people.import")
    assert summary.action == "import" and summary.actor_label == "system"
    assert summary.data["persons"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 6}
    assert summary.data["rejected_lines"]["persons"] == [3, 5, 6, 7, 9, 10]


def test_bom_and_unknown_kind(tmp_path):
    path = write(
        tmp_path,
        "persons.csv",
        "source_id,Family_Name ,kind,date_of_birth",
        "A1,Okafor,,2016-05-04",
        "A2,Okafor,alien,2016-05-04",
        bom=True,
    )
    out = run(str(path))
    assert "line 3: kind: Enter child, unborn or adult, not “alien”" in out
    assert "Persons: 1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert person("A1").kind == "child"


def test_line_numbers_count_quoted_line_breaks_and_extra_values_are_rejected(tmp_path):
    path = write(
        tmp_path,
        "persons.csv",
        "source_id,family_name,given_name,shoe_size",
        'A1,"Okafor\nBrown",Amelia,4',  # lines 2-3
        "A2,Jones,Ben,5,surplus",  # line 4
        "A3,Jones,,,",  # line 5: an empty cell at the end is not surplus
        "A4,Jones,Cat,6,,9434765918",  # line 6
    )
    out, err = StringIO(), StringIO()
    call_command("import", "persons", str(path), stdout=out, stderr=err)
    assert out.getvalue().splitlines() == [
        "line 4: The row has more values than the header has columns",
        "line 6: The row has more values than the header has columns",
        "Persons: 2 created, 0 updated, 0 unchanged, 2 rejected",
    ]
    assert "column(s) not recognised and ignored: shoe_size" in err.getvalue()
    assert person("A1").family_name == "Okafor\nBrown"


def test_second_run_with_same_rows_changes_nothing(tmp_path):
    path = write(tmp_path, "persons.csv", HEADER, AMELIA, GRACE, BABY)
    assert "Persons: 3 created, 0 updated, 0 unchanged, 0 rejected" in run(str(path))
    version = person("S1").version
    last_entry = AuditEvent.objects.latest("pk").pk

    out = run(str(path))

    assert "Persons: 0 created, 0 updated, 3 unchanged, 0 rejected" in out
    assert Person.objects.count() == 3
    assert ExternalId.objects.count() == 3
    assert Address.objects.count() == 1
    assert PersonName.objects.count() == 1
    assert person("S1").version == version
    # Only the summary of the second run is new.
    assert list(AuditEvent.objects.filter(pk__gt=last_entry).values_list("event", flat=True)) == [
        "people.import"
    ]


def test_changed_row_updates_the_person_with_an_audited_before_and_after(tmp_path):
    run(str(write(tmp_path, "v1.csv", HEADER, AMELIA, GRACE)))
    amelia = person("S1")
    moved = (
        "S1,child,Amelia,Rose,Okafor-Brown,Millie,2016-05-04,,F,MWBA,ENG,9434765919,"
        "X201262100030,,,07700 900123,,,Smith,2 Low Road,,Lambury,SE15 4QU,2025-06-01"
    )

    out = run(str(write(tmp_path, "v2.csv", HEADER, moved, GRACE)))

    assert "Persons: 0 created, 1 updated, 1 unchanged, 0 rejected" in out
    amelia.refresh_from_db()
    assert amelia.family_name == "Okafor-Brown"
    assert amelia.family_name_norm == "okaforbrown"
    assert amelia.version == 2
    old, new = amelia.addresses.order_by("moved_in")
    assert old.moved_out == dt.date(2025, 6, 1) and new.is_current and new.postcode == "SE15 4QU"
    update = AuditEvent.objects.get(event="people.person.update", person_id=amelia.pk)
    assert update.actor_label == "system"
    assert update.changes["family_name"] == ["Okafor", "Okafor-Brown"]
    assert update.changes["address"] == [
        "1 High Street, Lambury, SE15 4QT",
        "2 Low Road, Lambury, SE15 4QU",
    ]
    assert set(update.changes) == {"family_name", "address"}
    assert update.data == {"import": "import", "source_id": "S1"}

    # The first file again does not move her back to an address already on record.
    run(str(write(tmp_path, "v3.csv", HEADER, AMELIA)))
    assert amelia.addresses.count() == 2
    assert amelia.addresses.get(moved_out__isnull=True).postcode == "SE15 4QU"


def test_columns_left_out_leave_values_alone_and_systems_are_separate(tmp_path):
    run(str(write(tmp_path, "full.csv", HEADER, AMELIA)))
    out = run(str(write(tmp_path, "part.csv", "source_id,family_name,sex", "S1,Okafor,")))
    assert "Persons: 0 created, 1 updated, 0 unchanged, 0 rejected" in out
    amelia = person("S1")
    assert amelia.sex == "U"  # an empty cell in a column the file has clears it
    assert amelia.nhs_number == "9434765919"  # a column it lacks is left alone
    assert amelia.date_of_birth == dt.date(2016, 5, 4)

    out = run(str(write(tmp_path, "other.csv", HEADER, AMELIA)), system="carefirst")
    assert "Persons: 1 created" in out
    assert person("S1", system="carefirst").pk != amelia.pk


def test_rules_check_existing_values_the_file_leaves_out(tmp_path):
    run(str(write(tmp_path, "full.csv", HEADER, AMELIA)))
    out = run(
        str(
            write(
                tmp_path, "death.csv", "source_id,family_name,date_of_death", "S1,Okafor,2010-01-01"
            )
        )
    )
    assert "line 2: date_of_death: The date of death must be the same as or after" in out
    assert person("S1").date_of_death is None


def test_relationships_are_reciprocal_idempotent_and_rejected_by_line(tmp_path):
    persons = write(
        tmp_path,
        "persons.csv",
        HEADER,
        AMELIA,
        GRACE,
        "S9,adult,Tom,,Okafor,,1988-02-02,,M,,,,,,,,,,,,,,,",
    )
    rels = write(
        tmp_path,
        "rel.csv",
        "person_source_id,relative_source_id,kind,parental_responsibility",
        "S1,S2,parent,yes",  # line 2
        "S1,S9,parent,no",  # line 3
        "S2,S9,partner,",  # line 4
        "S1,NOPE,sibling,no",  # line 5
        "S1,S1,sibling,no",  # line 6
        "S1,S2,friend,maybe",  # line 7
        "S2,S1,child,no",  # line 8: the reciprocal of line 2, already recorded
    )

    out = run(str(persons), relationships=str(rels))

    assert "Persons: 3 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "Relationships: 3 created, 0 updated, 1 unchanged, 3 rejected" in out
    assert (
        "relationships line 5: relative_source_id: No person has source id “NOPE” in system "
        "“import”" in out
    )
    assert "relationships line 6: relative_source_id: A person cannot be their own relative" in out
    assert "relationships line 7: kind: Enter what the relative is to the person" in out
    assert "relationships line 7: parental_responsibility: Enter yes or no, not “maybe”" in out
    amelia, grace, tom = person("S1"), person("S2"), person("S9")
    mum = Relationship.objects.get(person=amelia, relative=grace)
    assert (mum.kind, mum.parental_responsibility) == ("parent", True)
    assert Relationship.objects.filter(person=grace, relative=amelia, kind="child").exists()
    assert Relationship.objects.filter(person=tom, relative=amelia, kind="child").exists()
    assert Relationship.objects.filter(person=tom, relative=grace, kind="partner").exists()
    assert Relationship.objects.count() == 6
    assert AuditEvent.objects.filter(event="people.relationship.create").count() == 3
    summary = AuditEvent.objects.get(event="people.import")
    assert summary.data["relationships_source"] == "rel.csv"
    assert summary.data["rejected_lines"]["relationships"] == [5, 6, 7]

    out = run(str(persons), relationships=str(rels))
    assert "Relationships: 0 created, 0 updated, 4 unchanged, 3 rejected" in out
    assert Relationship.objects.count() == 6

    # A changed flag updates the one row, audited.
    changed = write(
        tmp_path,
        "rel2.csv",
        "person_source_id,relative_source_id,kind,parental_responsibility",
        "S1,S2,parent,no",
    )
    assert "Relationships: 0 created, 1 updated" in run(str(persons), relationships=str(changed))
    mum.refresh_from_db()
    assert mum.parental_responsibility is False
    assert AuditEvent.objects.get(event="people.relationship.update").changes == {
        "parental_responsibility": [True, False]
    }


def test_strict_fails_only_when_a_row_is_rejected(tmp_path):
    good = write(tmp_path, "good.csv", HEADER, AMELIA)
    assert "0 rejected" in run(str(good), strict=True)

    bad = write(tmp_path, "bad.csv", HEADER, GRACE, "S4,child,Ben,,,,,,,,,,,,,,,,,,,,,")
    with pytest.raises(CommandError, match=r"1 row\(s\) rejected"):
        run(str(bad), strict=True)
    assert person("S2").given_name == "Grace"  # good rows are still committed
    assert "1 rejected" in run(str(bad))  # without --strict it is only reported


def test_unreadable_files_are_a_clear_error_and_write_nothing(tmp_path):
    missing_columns = write(tmp_path, "persons.csv", "source_id,given_name", "S1,Amelia")
    with pytest.raises(CommandError, match="missing required column\\(s\\): family_name"):
        run(str(missing_columns))
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match="is empty"):
        run(str(write(tmp_path, "empty.csv", "")))
    good = write(tmp_path, "good.csv", HEADER, AMELIA)
    bad_rels = write(tmp_path, "rel.csv", "person_source_id,kind", "S1,parent")
    with pytest.raises(CommandError, match="relative_source_id"):
        run(str(good), relationships=str(bad_rels))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("source_id,family_name\nS1,Bront\xeb\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(latin1))
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(event="people.import").exists()
