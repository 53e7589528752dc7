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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from django.db.models import Q, TextField
from django.db.models.functions import Cast

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


@cache
def _coords(postcode: str) -> tuple[float, float] | None:
    return _districts().get(district(postcode))


def distance_km(a: str, b: str) -> float | None:
    """Kilometres between two postcodes' district centroids; None if either is unknown."""
    pa, pb = _coords(a), _coords(b)
    if pa is None or pb is None:
        return None
    return math.dist(pa, pb)


class Candidate(NamedTuple):
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
    skills: str  # the stored JSON text, e.g. '["teenagers", "autism"]'
    postcode: str

    def get_kind_display(self) -> str:
        return str(CarerKind(self.kind).label)


FIELDS = list(Candidate._fields)


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


def _points(c: Candidate, req: Request) -> tuple[int, float | None]:
    """The carer's points for this request and the distance from the family (None if
    not known): the quick pass over every carer, without words."""
    age, score = req.age, 0
    if age is not None:
        score += 30 if c.age_from <= age <= c.age_to else -50
    if req.siblings > 1:
        score += 20 if c.siblings and c.vacancies >= req.siblings else -40
    skills = c.skills or ""  # the stored JSON text: a need matches its quoted name
    score += 10 * sum(1 for n in req.needs if f'"{n}"' in skills)
    if c.kind in FAMILY_SETTINGS:
        score += 10
    family = None
    for postcode, near, nearish in ((req.near, 20, 10), (req.school, 15, 5)):
        if not postcode:
            continue
        km = distance_km(postcode, c.postcode)
        if postcode is req.near:
            family = km
        if km is not None:
            score += near if km <= 5 else nearish if km <= 15 else -10 if km > 30 else 0
    return score, family


def _score(c: Candidate, req: Request) -> Option:
    """The points (`_points`) with the reasons for them, for the carers shown."""
    score, family = _points(c, req)
    opt = Option(c, score=score, distance=family)
    say, warn = opt.reasons.append, opt.warnings.append
    if req.age is None:
        warn("The child's age is not recorded: approval range not checked")
    elif c.age_from <= req.age <= c.age_to:
        say(f"Approved for ages {c.age_from} to {c.age_to}")
    else:
        warn(f"Outside the approval range ({c.age_from} to {c.age_to}): needs an exemption")
    if req.siblings > 1:
        if c.siblings and c.vacancies >= req.siblings:
            say(f"Can take all {req.siblings} children together")
        else:
            warn(f"Cannot take all {req.siblings} children together")
    say(f"{c.vacancies} vacanc{'y' if c.vacancies == 1 else 'ies'} now")
    matched = [n for n in req.needs if f'"{n}"' in (c.skills or "")]
    if matched:
        say(f"Skills: {', '.join(matched)}")
    if missing := [n for n in req.needs if n not in matched]:
        warn(f"No recorded skills for: {', '.join(missing)}")
    if c.kind in FAMILY_SETTINGS:
        say("A family setting")
    if c.approval_status == ApprovalStatus.TEMPORARY:
        until = c.temporary_approval_until
        warn(f"Temporary approval until {until:%d/%m/%Y}" if until else "Temporary approval")
    for postcode, what in ((req.near, "family"), (req.school, "school")):
        if not postcode:
            continue
        km = distance_km(postcode, c.postcode)
        if km is None:
            warn(f"Distance from the {what} not known (postcode not on the map)")
        else:
            say(f"About {km:.0f} km from the {what} ({district(postcode)})")
    return opt


def placement_search(req: Request, today: dt.date) -> list[Option]:
    """Carers and providers with a vacancy now, best first (ties: nearer, then name)."""
    available = (
        Carer.objects.annotate(skills_text=Cast("skills", TextField()))
        .filter(
            Q(approval_status=ApprovalStatus.APPROVED)
            | Q(approval_status=ApprovalStatus.TEMPORARY, temporary_approval_until__gte=today),
            vacancies__gt=0,
            kind__in=SEARCHABLE,
        )
        .values_list(*[f if f != "skills" else "skills_text" for f in FIELDS])
    )
    # Score everyone without words, then explain the best.
    ranked = []
    for row in available:
        c = Candidate(*row)
        score, family = _points(c, req)
        ranked.append((-score, family if family is not None else math.inf, c.name, c))
    ranked.sort(key=lambda r: r[:3])
    return [_score(r[3], req) for r in ranked[:RESULTS]]


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
