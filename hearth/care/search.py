"""Finding a placement: a ranked list of carers and providers with a vacancy, each with
the reasons it ranks where it does, plus kinship options from the child's recorded
family. A help to the fostering team, never a decision: the team records its choice and
why (`services.placement_decision_record`).

Points (shown to the user as reasons, so the order can always be explained):
  approved for the child's age              +30, or -50 "outside the approval range"
  can take all the children together        +20, or -40
  each need the carer has the skills for    +10
  a family setting (foster, connected)      +10
  distance from the family's postcode       +20 within 5 km, +10 within 15 km,
                                            -10 beyond 30 km; unknown says so
  distance from the school's postcode       +15 within 5 km, +5 within 15 km,
                                            -10 beyond 30 km
Distances are between postcode-district centroids (`data/postcode_districts.toml`).
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

from django.db.models import Q

from hearth.care.models import ApprovalStatus, Carer, CarerKind
from hearth.people.models import Relationship

DISTRICTS_FILE = Path(__file__).parent / "data" / "postcode_districts.toml"
FAMILY_SETTINGS = frozenset({CarerKind.FOSTER, CarerKind.CONNECTED})
SEARCHABLE = [
    CarerKind.FOSTER, CarerKind.CONNECTED, CarerKind.CHILDRENS_HOME, CarerKind.SUPPORTED,
    CarerKind.SECURE,
]  # fmt: skip
KIN = ["grandparent", "aunt_uncle", "sibling", "half_sibling", "cousin", "step_parent", "other"]
RESULTS = 20


@cache
def _districts() -> dict[str, tuple[float, float]]:
    with DISTRICTS_FILE.open("rb") as f:
        data = tomllib.load(f)
    return {k: (v["east"], v["north"]) for k, v in data["districts"].items()}


def district(postcode: str) -> str:
    """The outward code of a postcode ("HT4 2AB" -> "HT4")."""
    text = postcode.strip().upper()
    if " " in text:
        return text.split()[0]
    return text[:-3] if len(text) > 4 else text


def distance_km(a: str, b: str) -> float | None:
    """Kilometres between two postcodes' district centroids; None if either is unknown."""
    grid = _districts()
    pa, pb = grid.get(district(a)), grid.get(district(b))
    if pa is None or pb is None:
        return None
    return math.dist(pa, pb)


@dataclass(frozen=True)
class Candidate:
    """The few facts of a carer the search reads (plain values: thousands are scored
    per search, so no model instances)."""

    pk: int
    reference: str
    name: str
    kind: str
    approval_status: str
    temporary_approval_until: dt.date | None
    age_from: int
    age_to: int
    vacancies: int
    siblings: bool
    skills: list[str]
    postcode: str

    def get_kind_display(self) -> str:
        return str(CarerKind(self.kind).label)


FIELDS = [f.name for f in fields(Candidate)]


@dataclass
class Option:
    carer: Candidate
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    distance: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "carer": self.carer.reference,
            "score": self.score,
            "reasons": self.reasons,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class Kin:
    person_id: int
    name: str
    relationship: str


@dataclass(frozen=True)
class Request:
    age: int | None
    siblings: int = 1
    needs: tuple[str, ...] = ()
    near: str = ""  # the family's postcode
    school: str = ""  # the school's postcode


def _score(carer: Candidate, req: Request) -> Option:
    opt = Option(carer)
    if req.age is None:
        opt.warnings.append("The child's age is not recorded: approval range not checked")
    elif carer.age_from <= req.age <= carer.age_to:
        opt.score += 30
        opt.reasons.append(f"Approved for ages {carer.age_from} to {carer.age_to}")
    else:
        opt.score -= 50
        opt.warnings.append(
            f"Outside the approval range ({carer.age_from} to {carer.age_to}): needs an exemption"
        )
    if req.siblings > 1:
        if carer.siblings and carer.vacancies >= req.siblings:
            opt.score += 20
            opt.reasons.append(f"Can take all {req.siblings} children together")
        else:
            opt.score -= 40
            opt.warnings.append(f"Cannot take all {req.siblings} children together")
    opt.reasons.append(f"{carer.vacancies} vacanc{'y' if carer.vacancies == 1 else 'ies'} now")
    skills = {s.lower() for s in carer.skills or ()}
    matched = [n for n in req.needs if n in skills]
    missing = [n for n in req.needs if n not in skills]
    if matched:
        opt.score += 10 * len(matched)
        opt.reasons.append(f"Skills: {', '.join(matched)}")
    if missing:
        opt.warnings.append(f"No recorded skills for: {', '.join(missing)}")
    if carer.kind in FAMILY_SETTINGS:
        opt.score += 10
        opt.reasons.append("A family setting")
    if carer.approval_status == ApprovalStatus.TEMPORARY:
        opt.warnings.append(
            f"Temporary approval until {carer.temporary_approval_until:%d/%m/%Y}"
            if carer.temporary_approval_until
            else "Temporary approval"
        )
    for postcode, what, points in (
        (req.near, "family", (20, 10)),
        (req.school, "school", (15, 5)),
    ):
        if not postcode:
            continue
        km = distance_km(postcode, carer.postcode)
        if what == "family":
            opt.distance = km
        if km is None:
            opt.warnings.append(f"Distance from the {what} not known (postcode not on the map)")
            continue
        if km <= 5:
            opt.score += points[0]
        elif km <= 15:
            opt.score += points[1]
        elif km > 30:
            opt.score -= 10
        opt.reasons.append(f"About {km:.0f} km from the {what} ({district(postcode)})")
    return opt


def placement_search(req: Request, today: dt.date) -> list[Option]:
    """Carers and providers with a vacancy now, best first (ties: nearer, then name)."""
    available = Carer.objects.filter(
        Q(approval_status=ApprovalStatus.APPROVED)
        | Q(approval_status=ApprovalStatus.TEMPORARY, temporary_approval_until__gte=today),
        vacancies__gt=0,
        kind__in=SEARCHABLE,
    ).values_list(*["pk" if f == "pk" else f for f in FIELDS])
    options = [_score(Candidate(*row), req) for row in available]
    options.sort(
        key=lambda o: (
            -o.score,
            o.distance if o.distance is not None else math.inf,
            o.carer.name,
        )
    )
    return options[:RESULTS]


def kinship_options(person_id: int) -> list[Kin]:
    """Adult relatives and friends already recorded in the child's family network."""
    rows = (
        Relationship.objects.filter(person_id=person_id, kind__in=KIN, ended__isnull=True)
        .select_related("relative")
        .order_by("kind", "relative__family_name")
    )
    found = []
    for r in rows:
        relative = r.relative
        if relative.date_of_death is not None or relative.merged_into_id is not None:
            continue
        age = relative.age
        if age is not None and age < 18:
            continue
        found.append(Kin(relative.pk, relative.display_name, r.label))
    return found
