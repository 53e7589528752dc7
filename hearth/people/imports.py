"""Reading another system's CSV export into Hearth: persons, then their relationships.

The file layout is described in docs/import.md. This module reads the files and checks
the shape of each row, as a form does; the rules and every write are in
`hearth.people.services` (`person_check`, `person_import_row`, `relationship_import`).
Each row is written in its own transaction, so one bad row never loses the good ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from hearth.core.codelists import codelist
from hearth.core.models import ConflictError
from hearth.people.identifiers import validate_postcode
from hearth.people.models import Address, ExternalId, Person, PersonKind, RelationshipKind, Sex
from hearth.people.services import (
    ImportOutcome,
    person_check,
    person_import_record,
    person_import_row,
    relationship_import,
)

DEFAULT_SYSTEM = "import"

PERSON_COLUMNS = (
    "source_id", "kind", "given_name", "middle_names", "family_name", "preferred_name",
    "date_of_birth", "expected_date_of_birth", "sex", "ethnicity", "first_language",
    "nhs_number", "upn", "former_upn", "upn_unknown", "phone", "email", "date_of_death",
    "previous_family_name", "address_line1", "address_line2", "town", "postcode", "moved_in",
)  # fmt: skip
PERSON_REQUIRED = ("source_id", "family_name")
RELATIONSHIP_COLUMNS = (
    "person_source_id", "relative_source_id", "kind", "parental_responsibility",
)  # fmt: skip
RELATIONSHIP_REQUIRED = ("person_source_id", "relative_source_id", "kind")

_TEXT = ("given_name", "middle_names", "family_name", "preferred_name", "phone", "email")
_IDENTIFIERS = ("nhs_number", "upn", "former_upn")
_DATES = ("date_of_birth", "expected_date_of_birth", "date_of_death")
# Column -> (code list, what its codes are called in a message).
_CODES = {
    "ethnicity": ("ethnicity", "a CIN ethnicity code, like WBRI"),
    "first_language": ("language", "a first language code, like ENG"),
    "upn_unknown": ("upn_unknown", "a reason the UPN is unknown, UN1 to UN7"),
}
# Column name -> Address field.
_ADDRESS = {
    "address_line1": "line1",
    "address_line2": "line2",
    "town": "town",
    "postcode": "postcode",
    "moved_in": "moved_in",
}
_COLUMN_OF = {model: column for column, model in _ADDRESS.items()}
_SOURCE_ID_MAX = ExternalId._meta.get_field("value").max_length or 100
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


class ImportFileError(Exception):
    """A file cannot be imported at all (missing, unreadable, wrong header)."""


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file, counting the header as line 1
    cells: dict[str, str]
    overflow: bool = False  # more values than the header has columns


@dataclass(frozen=True)
class Table:
    path: Path
    columns: tuple[str, ...]
    rows: list[Row]
    unknown_columns: tuple[str, ...] = ()


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def count(self, outcome: ImportOutcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected"
        )


@dataclass(frozen=True)
class Rejection:
    file: str  # "persons" or "relationships"
    line: int
    reasons: tuple[str, ...]

    def lines(self) -> list[str]:
        prefix = "line" if self.file == "persons" else f"{self.file} line"
        return [f"{prefix} {self.line}: {reason}" for reason in self.reasons]


@dataclass
class ImportReport:
    persons: Tally = field(default_factory=Tally)
    relationships: Tally = field(default_factory=Tally)
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return self.persons.rejected + self.relationships.rejected

    def reject(self, file: str, line: int, reasons: Iterable[str]) -> None:
        self.rejections.append(Rejection(file, line, tuple(reasons)))
        tally = self.persons if file == "persons" else self.relationships
        tally.rejected += 1


# Reading files ---------------------------------------------------------------------


def read_table(path: Path, *, columns: Iterable[str], required: Iterable[str]) -> Table:
    """The rows of a CSV file with a header line, blank lines left out.

    UTF-8 with or without a byte order mark (Excel's "CSV UTF-8" writes one). Header
    names are matched without regard to case or surrounding spaces.
    """
    known = tuple(columns)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header: list[str] | None = None
            rows: list[Row] = []
            line = 1
            for cells in reader:
                start, line = line, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if header is None:
                    header = [c.strip().lower() for c in cells]
                    _check_header(path, header, required)
                    continue
                named = {name: cell for name, cell in zip(header, cells, strict=False) if name}
                overflow = any(c.strip() for c in cells[len(header) :])
                rows.append(Row(start, named, overflow))
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path} is not UTF-8 text: save it as “CSV UTF-8”") from None
    except OSError as e:
        raise ImportFileError(f"{path} cannot be read: {e.strerror}") from None
    except csv.Error as e:
        raise ImportFileError(f"{path} line {line}: not a readable CSV file ({e})") from None
    if header is None:
        raise ImportFileError(f"{path} is empty: it needs a header line naming its columns")
    unknown = tuple(name for name in header if name and name not in known)
    return Table(path, tuple(n for n in header if n in known), rows, unknown)


def _check_header(path: Path, header: list[str], required: Iterable[str]) -> None:
    named = [n for n in header if n]
    duplicated = sorted({n for n in named if named.count(n) > 1})
    if duplicated:
        raise ImportFileError(f"{path}: column(s) named more than once: {', '.join(duplicated)}")
    missing = [n for n in required if n not in header]
    if missing:
        raise ImportFileError(
            f"{path} is missing required column(s): {', '.join(missing)} "
            "(the columns are described in docs/import.md)"
        )


# Checking the shape of values ------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD or DD/MM/YYYY."""
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _UK.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise ValidationError(f"Enter the date as YYYY-MM-DD or DD/MM/YYYY, not “{text}”")
    try:
        if year < 1800:
            raise ValueError
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(f"Enter a real date: “{text}” is not one") from None


def parse_yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValidationError(f"Enter yes or no, not “{text}”")


@dataclass(frozen=True)
class PersonRow:
    line: int
    source_id: str
    values: dict[str, Any]
    address: dict[str, Any] | None
    previous_family_name: str


class _Errors(dict[str, list[str]]):
    def add(self, column: str, message: str) -> None:
        self.setdefault(column, []).append(message)

    def reasons(self, order: tuple[str, ...]) -> list[str]:
        ordered = [c for c in order if c in self] + [c for c in self if c not in order]
        return [
            message if column == "__all__" else f"{column}: {message}"
            for column in ordered
            for message in self[column]
        ]


def parse_person(row: Row, columns: Iterable[str]) -> tuple[PersonRow | None, list[str]]:
    """A person row's values ready for `person_import_row`, or every reason it is not.

    Only the columns in the file are set, so a column left out of a file leaves what
    Hearth holds alone, while an empty cell in a column the file has clears the value.
    """
    present = set(columns)
    cells = {name: row.cells.get(name, "").strip() for name in present}
    errors = _Errors()
    values: dict[str, Any] = {}
    if row.overflow:
        errors.add("__all__", "The row has more values than the header has columns")

    source_id = cells["source_id"]
    if not source_id:
        errors.add("source_id", "Enter the person's id in the system being imported from")
    elif len(source_id) > _SOURCE_ID_MAX:
        errors.add("source_id", f"The source id must be {_SOURCE_ID_MAX} characters or fewer")
    if "kind" in present:
        kind = cells["kind"].lower() or PersonKind.CHILD
        if kind in PersonKind.values:
            values["kind"] = kind
        else:
            errors.add("kind", f"Enter child, unborn or adult, not “{cells['kind']}”")
    for name in (*_TEXT, *_IDENTIFIERS):
        if name in present:
            values[name] = cells[name]
    if not cells["family_name"]:
        errors.add("family_name", "Enter the family name")
    for name in _DATES:
        if name in present:
            _parse_into(values, errors, name, cells[name])
    if "sex" in present:
        sex = cells["sex"].upper() or Sex.UNKNOWN
        if sex in Sex.values and codelist("sex").is_valid(sex):
            values["sex"] = sex
        else:
            errors.add("sex", f"Enter M, F or U, not “{cells['sex']}”")
    for name, (list_name, described) in _CODES.items():
        if name not in present:
            continue
        code = cells[name].upper()
        if not code or codelist(list_name).is_valid(code):
            values[name] = code
        else:
            errors.add(name, f"Enter {described}, not “{cells[name]}”")
    # The same rules a person created on screen must meet, on the fields that parsed.
    checked = {k: v for k, v in values.items() if k not in errors}
    for name, messages in person_check(checked).items():
        if name not in errors:
            errors[name] = list(messages)
    values.update(checked)  # identifiers normalised (NHS number without spaces)

    address = _parse_address(cells, errors)
    previous = cells.get("previous_family_name", "")
    if len(previous) > 100:
        errors.add(
            "previous_family_name", "The previous family name must be 100 characters or fewer"
        )
    if errors:
        return None, errors.reasons(PERSON_COLUMNS)
    return PersonRow(row.line, source_id, values, address, previous), []


def _parse_into(values: dict[str, Any], errors: _Errors, name: str, text: str) -> None:
    if not text:
        values[name] = None
        return
    try:
        values[name] = parse_date(text)
    except ValidationError as e:
        errors.add(name, e.messages[0])


def _parse_address(cells: dict[str, str], errors: _Errors) -> dict[str, Any] | None:
    if not any(cells.get(column) for column in _ADDRESS):
        return None
    address: dict[str, Any] = {}
    for column, name in _ADDRESS.items():
        text = cells.get(column, "")
        if name == "moved_in":
            _parse_into(address, errors, column, text)
            address[name] = address.pop(column, None)
        else:
            address[name] = text
    for column, label in (("address_line1", "line 1"), ("town", "town"), ("postcode", "postcode")):
        if not cells.get(column):
            errors.add(
                column, f"Enter the address {label}: an address needs line 1, town and postcode"
            )
    if cells.get("postcode"):
        try:
            address["postcode"] = validate_postcode(cells["postcode"])
        except ValidationError as e:
            errors.add("postcode", e.messages[0])
    try:
        Address(**address).clean_fields(
            exclude=["person", *(_ADDRESS[c] for c in errors if c in _ADDRESS)]
        )
    except ValidationError as e:
        for name, messages in e.message_dict.items():
            errors.setdefault(_COLUMN_OF.get(name, name), list(messages))
    return address


def _reasons(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    errors = _Errors()
    for name, messages in error.message_dict.items():
        for message in messages:
            errors.add(_COLUMN_OF.get(name, name), message)
    return errors.reasons(PERSON_COLUMNS)


# Importing ---------------------------------------------------------------------------


def import_persons(
    path: Path, *, system: str = DEFAULT_SYSTEM, relationships: Path | None = None
) -> ImportReport:
    """Import a persons file and, optionally, a relationships file naming them.

    Both files' headers are checked before anything is written. Each row is written
    in its own transaction; rejected rows are reported with their line and reasons.
    """
    people = read_table(path, columns=PERSON_COLUMNS, required=PERSON_REQUIRED)
    related = (
        read_table(relationships, columns=RELATIONSHIP_COLUMNS, required=RELATIONSHIP_REQUIRED)
        if relationships is not None
        else None
    )
    report = ImportReport()
    for table in (people, related):
        if table is not None and table.unknown_columns:
            report.warnings.append(
                f"{table.path.name}: column(s) not recognised and ignored: "
                f"{', '.join(table.unknown_columns)}"
            )
    _import_person_rows(people, system, report)
    if related is not None:
        _import_relationship_rows(related, system, report)
    person_import_record(
        system=system,
        source=path.name,
        summary={
            "relationships_source": relationships.name if relationships else None,
            "persons": asdict(report.persons),
            "relationships": asdict(report.relationships),
            # Line numbers only: the reasons can quote what a row held.
            "rejected_lines": {
                kind: [r.line for r in report.rejections if r.file == kind]
                for kind in ("persons", "relationships")
            },
        },
    )
    return report


def _import_person_rows(table: Table, system: str, report: ImportReport) -> None:
    first_line: dict[str, int] = {}
    for row in table.rows:
        parsed, reasons = parse_person(row, table.columns)
        source_id = row.cells.get("source_id", "").strip()
        if source_id in first_line:
            reasons.insert(
                0,
                f"source_id: “{source_id}” is already on line {first_line[source_id]} "
                "of this file; each person must appear once",
            )
            parsed = None
        elif source_id:
            first_line[source_id] = row.line
        if parsed is None:
            report.reject("persons", row.line, reasons)
            continue
        try:
            _, outcome = person_import_row(
                system=system,
                source_id=parsed.source_id,
                values=parsed.values,
                address=parsed.address,
                previous_family_name=parsed.previous_family_name,
            )
        except ValidationError as e:
            report.reject("persons", row.line, _reasons(e))
        except ConflictError:
            report.reject(
                "persons",
                row.line,
                ["Someone changed this person in Hearth during the import: run it again"],
            )
        except IntegrityError as e:
            report.reject("persons", row.line, [f"Could not be saved: {e}"])
        else:
            report.persons.count(outcome)


def _person(system: str, source_id: str) -> Person | None:
    external = (
        ExternalId.objects.select_related("person").filter(system=system, value=source_id).first()
    )
    return external.person if external else None


def _import_relationship_rows(table: Table, system: str, report: ImportReport) -> None:
    kinds = ", ".join(RelationshipKind.values)
    for row in table.rows:
        errors = _Errors()
        if row.overflow:
            errors.add("__all__", "The row has more values than the header has columns")
        ends: dict[str, Person | None] = {}
        for column in ("person_source_id", "relative_source_id"):
            source_id = row.cells.get(column, "").strip()
            ends[column] = _person(system, source_id) if source_id else None
            if not source_id:
                errors.add(column, "Enter a source id from the persons file")
            elif ends[column] is None:
                errors.add(
                    column,
                    f"No person has source id “{source_id}” in system “{system}” "
                    "(not in the persons file, or rejected there)",
                )
        kind = row.cells.get("kind", "").strip().lower()
        if kind not in RelationshipKind.values:
            errors.add(
                "kind",
                f"Enter what the relative is to the person, one of {kinds}; "
                f"not “{row.cells.get('kind', '').strip()}”",
            )
        pr: bool | None = None
        if "parental_responsibility" in table.columns:
            try:
                pr = parse_yes_no(row.cells.get("parental_responsibility", ""))
            except ValidationError as e:
                errors.add("parental_responsibility", e.messages[0])
        person, relative = ends["person_source_id"], ends["relative_source_id"]
        if person is not None and relative is not None and person.pk == relative.pk:
            errors.add("relative_source_id", "A person cannot be their own relative")
        if errors or person is None or relative is None:
            report.reject("relationships", row.line, errors.reasons(RELATIONSHIP_COLUMNS))
            continue
        try:
            outcome = relationship_import(
                person=person, relative=relative, kind=kind, parental_responsibility=pr
            )
        except ValidationError as e:
            report.reject("relationships", row.line, e.messages)
        except IntegrityError as e:
            report.reject("relationships", row.line, [f"Could not be saved: {e}"])
        else:
            report.relationships.count(outcome)
