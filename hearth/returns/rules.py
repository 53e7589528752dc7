"""Validation rules as data: each return's rule codes and texts live in `rules/<return>.toml`
with the collection years they apply to; the checks that implement them are registered
against the same codes (`hearth.returns.cin_rules`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RULES_DIR = Path(__file__).parent / "rules"


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    from_year: int | None = None
    to_year: int | None = None

    @property
    def is_query(self) -> bool:
        """DfE query rules end in Q: shown as warnings, never block a return."""
        return self.code.endswith("Q")

    def applies_to(self, year: int) -> bool:
        if self.from_year and year < self.from_year:
            return False
        return not (self.to_year and year > self.to_year)


@dataclass(frozen=True)
class Finding:
    """One failure of one rule for one child (or for the whole return, child empty)."""

    code: str
    child: str
    message: str
    detail: str = ""
    person_id: int | None = None

    @property
    def is_query(self) -> bool:
        return self.code.endswith("Q")


@cache
def rules(return_name: str) -> dict[str, Rule]:
    """The rule table of a return (`cin`, `ssda903`), by code."""
    with (RULES_DIR / f"{return_name}.toml").open("rb") as f:
        data = tomllib.load(f)
    return {
        str(r["code"]): Rule(
            code=str(r["code"]),
            message=r["message"],
            from_year=r.get("from_year"),
            to_year=r.get("to_year"),
        )
        for r in data["rules"]
    }
