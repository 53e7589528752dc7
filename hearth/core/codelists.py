"""Code lists (CIN, SSDA903, Annex A) as data files with validity dates.

Each list is a TOML file in `codelists/`: a `source` naming the public document, and
`[[codes]]` with `code`, `label` and optional `valid_from` / `valid_to` (inclusive).
A new collection year is a change to these files, not to code.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import timezone

CODELIST_DIR = Path(__file__).parent / "codelists"


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


@dataclass(frozen=True)
class CodeList:
    name: str
    source: str
    codes: tuple[Code, ...]

    def get(self, code: str) -> Code | None:
        return next((c for c in self.codes if c.code == code), None)

    def label(self, code: str) -> str:
        found = self.get(code)
        return found.label if found else code

    def is_valid(self, code: str, on: dt.date | None = None) -> bool:
        found = self.get(code)
        return bool(found and found.valid_on(on or timezone.localdate()))

    def choices(self, on: dt.date | None = None) -> list[tuple[str, str]]:
        day = on or timezone.localdate()
        return [(c.code, c.label) for c in self.codes if c.valid_on(day)]

    def all_choices(self) -> list[tuple[str, str]]:
        return [(c.code, c.label) for c in self.codes]


@cache
def codelist(name: str) -> CodeList:
    """Load a code list by file name (without `.toml`)."""
    with (CODELIST_DIR / f"{name}.toml").open("rb") as f:
        data = tomllib.load(f)
    codes = tuple(
        Code(
            code=str(row["code"]),
            label=row["label"],
            valid_from=row.get("valid_from"),
            valid_to=row.get("valid_to"),
        )
        for row in data["codes"]
    )
    return CodeList(name=name, source=data["source"], codes=codes)
