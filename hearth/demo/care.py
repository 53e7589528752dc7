"""Demo data: children in care (periods of care and their SSDA903 episodes, legal
statuses, placements with carers and providers, reviews, visits, health, education,
missing episodes, UASC, adoption and young people leaving care).

Runs after `step_casework` in the generator's PIPELINE. Every child with open work in
the children in care team (and their 16- and 17-year-old brothers and sisters with a
leaving care adviser) is looked after, from the day that work started; about 1 in 100
other children had an earlier period of care that ended (home to parents, a special
guardianship or child arrangements order). The share follows the generator's open-work
shares (`OPEN_AREAS`), set so the authority has about 60 children in care per 10,000
of its child population (hearth.demo.generator records that population).

The histories keep to the services' rules, so the returns validate:
- episodes are written by the same rules as `hearth.care.services` (`_Episodes`
  below): a new row for each change of legal status, placement or carer, RNE S/L/P/T/B/U,
  X1 with the reason for a placement change on the row that ends, nothing overlapping,
  codes valid on the day (K3 not Z1), no provider for temporary placements;
- placement mix after England's (DfE "Children looked after in England", 2024: about
  7 in 10 in foster care, 1 in 6 of those with family or friends, about 1 in 8 in
  children's homes or supported accommodation, about 1 in 20 placed with parents, a few
  placed for adoption), 0 to 3 moves, a long-term match with the same carers after a
  year (RNE T);
- legal status: accommodated under s20 (V2), an interim then a full care order
  (C1 then C2 after about six months), police protection or an emergency protection
  order for a few days first (L1, L2), a few remanded (J1); children under 4 whose plan
  is adoption go on to a placement order (E1), a match and a placement for adoption
  (A5/A6), and some have been adopted (E11/E12) or the decision reversed (RD1-RD4);
- about 1 in 5 of those aged 14 or more now came as unaccompanied asylum-seeking
  children, at 13 or older (England: about 7% of all children looked after, most of
  them 16 or 17);
- reviews on the reg 33 timescales (a few late), visits every 4 to 6 weeks over the
  last year (most children seen alone), health and PEPs on their timescales, missing
  episodes for some teenagers with a return interview offered within 72 hours;
- every child matched for adoption is matched with an adopter family approved before
  the match (one or two synthetic adults, SEX_ADOPTR from their sexes), whose own dates
  follow the child's; other families are approved and waiting, being assessed, or left
  the process with a reason (Annex A list 11);
- care leavers: eligible (16 and 17 in care), relevant (16 and 17, left care after their
  16th birthday having come in from 14, from children with no open work now) and former
  relevant (18 to 21), each with an adviser and a pathway plan reviewed every 6 months.

Rows go through `ctx.insert` and are written in bulk; due dates are worked out by
`hearth.care.schedules` as the services would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hearth.accounts.models import ServiceArea
from hearth.care.models import (
    Adopter,
    AdopterApplication,
    Adoption,
    ApprovalStatus,
    CareLeaver,
    CareLeaverContact,
    Carer,
    CarerKind,
    EducationPlan,
    Episode,
    HealthAssessment,
    HealthKind,
    HealthYear,
    LegalStatus,
    MissingEpisode,
    PeriodOfCare,
    Placement,
    PreviousPermanence,
    Review,
    StatutoryVisit,
    UASCStatus,
    VisitBasis,
)
from hearth.care.schedules import (
    health_schedule,
    pep_schedule,
    review_schedule,
    visit_schedule,
)
from hearth.care.services import episode_urn, oc3_accommodation
from hearth.casework.models import LookedAfterPeriod
from hearth.core.codelists import codelist
from hearth.timescales.calendar import add_months
from hearth.timescales.engine import Timescales, timescales

if TYPE_CHECKING:
    from hearth.demo.generator import ChildFact, Context

DAY = dt.timedelta(days=1)
# Placement type by age band: (code, weight). Foster with relatives or friends U1-U3,
# other foster carers U4-U6, children's home K2, supported accommodation K3 (16+),
# with parents P1, residential school S1, secure K1.
MIX_YOUNG = [("U6", 50), ("U3", 15), ("U5", 4), ("P1", 8), ("K2", 1)]
MIX_CHILD = [("U6", 52), ("U3", 14), ("K2", 10), ("P1", 6), ("S1", 2)]
MIX_TEEN = [("U6", 38), ("U3", 9), ("K2", 22), ("K1", 1), ("P1", 4), ("S1", 2)]
MIX_16 = [("U6", 30), ("U3", 6), ("K2", 18), ("K3", 30)]
MOVE_REASONS = [
    ("CARPL", 30),
    ("CREQB", 16),
    ("CREQO", 12),
    ("CHILD", 8),
    ("CLOSE", 6),
    ("LAREQ", 6),
    ("STAND", 3),
    ("ALLEG", 3),
    ("OTHER", 6),
]
NEEDS = [("N1", 64), ("N2", 3), ("N3", 3), ("N4", 8), ("N5", 13), ("N6", 1), ("N8", 8)]
PARTICIPATION = [
    ("PN1", 55),
    ("PN2", 5),
    ("PN3", 6),
    ("PN4", 6),
    ("PN5", 6),
    ("PN6", 12),
    ("PN7", 10),
]
SKILLS = [
    "babies",
    "teenagers",
    "disability",
    "siblings",
    "parent and child",
    "therapeutic",
    "autism",
    "unaccompanied",
    "remand",
    "education support",
]
PLACEMENT_TYPES = codelist("ssda903_placement_type")
OWN_FOSTERING_URN = "SC900001"  # the authority's own fostering service (synthetic)
# Why an SDQ was not returned (SSDA903 SDQ_REASON): SDQ1 the child was under 4 or over
# 16 (validator rules 157, 197B), SDQ2 the carer refused, SDQ3 the child's disability,
# SDQ4 other, SDQ5 the child refused [recall for SDQ2-SDQ5: check the specification].
# Care leavers' activity and accommodation around their birthdays (OC3 codes; shares
# illustrative, after DfE "Children looked after in England", care leavers aged 19-21:
# about 4 in 10 not in education, employment or training, most in suitable homes).
OC3_ACTIVITY = [("F1", 7), ("F2", 18), ("F4", 5), ("F5", 22), ("P5", 8), ("G4", 8), ("G5", 26),
                ("G6", 6)]  # fmt: skip
OC3_ACCOMMODATION = [("U", 35), ("D", 15), ("Z", 12), ("B", 14), ("E", 6), ("T", 4), ("C", 3),
                     ("K", 5), ("W", 2), ("X", 2), ("Y", 2)]  # fmt: skip
SDQ_REASONS = [
    ("SDQ2", 2),
    ("SDQ3", 1),
    ("SDQ4", 2),
    ("SDQ5", 3),
]  # the authority's own fostering service (synthetic)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


# SSDA903 SEX_ADOPTR and the adopters' sexes it stands for.
ADOPTER_SEXES = {"M1": ("M",), "F1": ("F",), "MM": ("M", "M"), "FF": ("F", "F"),
                 "MF": ("F", "M")}  # fmt: skip
# Share of SEX_ADOPTR among adoptions (illustrative, most by a man and a woman).
ADOPTER_SEX_MIX = [("MF", 70), ("F1", 10), ("FF", 10), ("MM", 8), ("M1", 2)]


@dataclass
class _Carer:
    pk: int
    kind: str
    provider: str
    urn: str
    postcode: str
    places: int
    used: int = 0
    ages: tuple[int, int] = (0, 17)
    row: dict[str, Any] = field(default_factory=dict)  # the queued row, for vacancies


@dataclass
class _Change:
    """One change in a child's care, in date order."""

    on: dt.date
    status: str = ""  # new legal status
    placement: tuple[str, _Carer | None] | None = None  # (type, carer)
    reason: str = ""  # REASON_PLACE_CHANGE for the placement that ends
    same_carer: bool = False


@dataclass
class _Story:
    child: ChildFact
    start: dt.date
    need: str
    home: str
    changes: list[_Change] = field(default_factory=list)
    end: dt.date | None = None
    rec: str = ""
    uasc: bool = False
    adoption: dict[str, Any] | None = None


class _Care:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = random.Random(ctx.rng.getrandbits(64))
        self.today = ctx.today
        self.ts: Timescales = timescales()
        self.carers: dict[str, list[_Carer]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.adoptions = 0
        self.families = 0

    # Carers -------------------------------------------------------------------------------
    def postcode(self, out_of_area: float = 0.15) -> str:
        rng = self.rng
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        district = (
            f"HY{rng.randint(1, 5)}" if rng.random() < out_of_area else f"HT{rng.randint(1, 21)}"
        )
        return f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"

    def carer(self, kind: str, **values: Any) -> _Carer:
        rng = self.rng
        pk = self.ctx.pk(Carer)
        provider = values.pop("provider", "PR1")
        urn = values.pop("urn", "")
        postcode = values.pop("postcode", "") or self.postcode()
        places = values.pop("places", 2)
        ages = values.pop("ages", (0, 17))
        prefix = {
            "foster": "FC",
            "connected": "CP",
            "childrens_home": "CH",
            "supported": "SA",
            "secure": "SH",
            "adopters": "AD",
        }.get(kind, "OT")
        row = self.ctx.insert(
            Carer,
            id=pk,
            reference=f"{prefix}{pk:05d}",
            name=values.pop("name", f"{prefix} household {pk}"),
            kind=kind,
            provider_code=provider,
            urn=urn,
            approval_status=values.pop("approval_status", ApprovalStatus.APPROVED),
            approved_on=self.today - dt.timedelta(days=rng.randint(200, 4000)),
            age_from=ages[0],
            age_to=ages[1],
            places=places,
            vacancies=places,
            siblings=places >= 2 and rng.random() < 0.5,
            skills=rng.sample(SKILLS, rng.randint(0, 3)),
            postcode=postcode,
            created_at=self.ctx.now,
            **values,
        )
        found = _Carer(pk, kind, provider, urn, postcode, places, ages=ages, row=row)
        self.carers[kind].append(found)
        return found

    def pool(self, children: int) -> None:
        """Enough carers for the children, with room to spare (vacancies to search)."""
        rng = self.rng
        for _ in range(max(4, int(children * 0.55))):
            own = rng.random() < 0.7
            young = rng.random() < 0.3
            self.carer(
                CarerKind.FOSTER,
                provider="PR1" if own else "PR4",
                urn=OWN_FOSTERING_URN if own else f"SC{rng.randint(100000, 899999)}",
                places=rng.choice([1, 2, 2, 3]),
                ages=(0, 10) if young else (rng.choice([0, 5, 8]), 17),
                postcode=self.postcode(0.1 if own else 0.35),
            )
        for _ in range(max(1, children // 25)):
            self.carer(
                CarerKind.CHILDRENS_HOME,
                provider=(provider := rng.choice(["PR1", "PR4", "PR4", "PR5"])),
                urn=f"SC{rng.randint(100000, 899999)}",
                places=rng.randint(3, 6),
                ages=(8, 17),
                name=f"{rng.choice(['Oak', 'Beech', 'Rowan', 'Hazel', 'Alder'])} House",
                registered_on=self.today - dt.timedelta(days=rng.randint(400, 6000)),
                # The authority's own homes are in its area (SSDA903 rule 1015).
                postcode=self.postcode(0.0 if provider == "PR1" else 0.45),
            )
        for _ in range(max(1, children // 40)):
            self.carer(
                CarerKind.SUPPORTED,
                provider=rng.choice(["PR4", "PR5"]),
                urn=f"2{rng.randint(100000, 999999)}",
                places=rng.randint(4, 8),
                ages=(16, 17),
                name=f"{rng.choice(['Harbour', 'Meridian', 'Canalside'])} Supported Living",
                registered_on=dt.date(2024, 4, 1) + dt.timedelta(days=rng.randint(0, 300)),
                postcode=self.postcode(0.3),
            )
        self.carer(
            CarerKind.SECURE,
            provider="PR2",
            urn="SC999001",
            places=4,
            ages=(10, 17),
            name="Northgate Secure Children's Home",
            postcode="HY3 1AB",
        )
        self.carer(
            CarerKind.OTHER,
            provider="PR3",
            urn="SC999002",
            places=8,
            ages=(8, 17),
            name="Kindlewick Residential School",
            postcode="HT10 2AB",
        )

    def find(self, kinds: list[str], age: int, avoid: _Carer | None = None) -> _Carer:
        """A carer of these kinds with room for a child of this age; never `avoid` (the
        carer a child is moving from: a move is to somewhere else, SSDA903 rule 435)."""
        options = [
            c
            for k in kinds
            for c in self.carers[k]
            if c.used < c.places and c.ages[0] <= age <= c.ages[1] and c is not avoid
        ]
        if not options:
            kind = kinds[0]
            return self.carer(
                kind,
                places=2,
                ages=(0, 17),
                provider="PR4",
                urn=f"SC{self.rng.randint(100000, 899999)}",
            )
        return self.rng.choice(options[:50] if len(options) > 50 else options)

    def placement_for(
        self, ptype: str, age: int, child: ChildFact, home: str, avoid: _Carer | None = None
    ) -> tuple[str, _Carer | None]:
        if ptype in ("U1", "U2", "U3"):
            carer = self.carer(
                CarerKind.CONNECTED,
                provider="PR1",
                urn=OWN_FOSTERING_URN,
                places=1,
                postcode=self.postcode(0.2),
                name=f"{child.name.split(' ')[-1] or 'Family'} family (connected)",
            )
            return ptype, carer
        if ptype in ("U4", "U5", "U6"):
            return ptype, self.find([CarerKind.FOSTER], age, avoid)
        if ptype == "K2":
            return ptype, self.find([CarerKind.CHILDRENS_HOME], max(age, 8), avoid)
        if ptype == "K3":
            return ptype, self.find([CarerKind.SUPPORTED], 16, avoid)
        if ptype == "K1":
            return ptype, self.find([CarerKind.SECURE], max(age, 10), avoid)
        if ptype == "S1":
            return ptype, self.find([CarerKind.OTHER], max(age, 8), avoid)
        return ptype, None  # P1 with parents, T*: no carer on the register

    # Stories ------------------------------------------------------------------------------
    def mix(self, age: int) -> list[tuple[str, int]]:
        if age < 5:
            return MIX_YOUNG
        if age < 13:
            return MIX_CHILD
        return MIX_16 if age >= 16 else MIX_TEEN

    def story(
        self, child: ChildFact, start: dt.date, home: str, closed_by: dt.date | None
    ) -> _Story:
        rng = self.rng
        born = child.date_of_birth or start
        start = max(start, born + 2 * DAY)
        start = min(start, (closed_by or self.today) - DAY)
        # Unaccompanied children arrive as teenagers: a share of those 14 or over now
        # came in the last two and a half years, at 13 or more.
        uasc = closed_by is None and _age(born, self.today) >= 14 and rng.random() < 0.2
        if uasc:
            start = max(start, add_months(born, 13 * 12), self.today - dt.timedelta(days=900))
            start = min(start, self.today - DAY)
        age = _age(born, start)
        need = "N8" if uasc else _pick(rng, NEEDS)
        # An unaccompanied child's home is abroad: no home postcode (SSDA903 rule 406).
        s = _Story(child, start, need, "" if uasc else home, uasc=uasc)
        end_by = closed_by or self.today
        # Legal status path.
        if uasc:
            first = "V2"
        elif age >= 12 and rng.random() < 0.03:
            first = "J1"
        else:
            first = _pick(rng, [("V2", 45), ("C1", 38), ("L1", 9), ("L2", 8)])
        statuses: list[tuple[dt.date, str]] = [(start, first)]
        if first in ("L1", "L2"):
            # Police protection lasts at most 72 hours (SSDA903 rule 361); an emergency
            # protection order at most 8 days.
            days = rng.randint(1, 3) if first == "L1" else rng.randint(2, 8)
            statuses.append((start + dt.timedelta(days=days), "C1"))
        if statuses[-1][1] == "C1":
            statuses.append((statuses[-1][0] + dt.timedelta(days=rng.randint(150, 240)), "C2"))
        if first == "V2" and not uasc and age < 12 and rng.random() < 0.2:
            c1 = start + dt.timedelta(days=rng.randint(30, 200))
            statuses += [(c1, "C1"), (c1 + dt.timedelta(days=rng.randint(150, 240)), "C2")]
        statuses = [(d, c) for d, c in statuses if d < end_by]
        # Placements.
        ptype = "U6" if uasc and rng.random() < 0.5 else _pick(rng, self.mix(age))
        if uasc and age >= 16:
            ptype = "K3"
        placements: list[tuple[dt.date, str, str, bool]] = [(start, ptype, "", False)]
        moves = rng.choices([0, 1, 2, 3], [55, 27, 12, 6])[0]
        day = start
        for _ in range(moves):
            day = day + dt.timedelta(days=rng.randint(40, 400))
            if day >= end_by:
                break
            placements.append(
                (day, _pick(rng, self.mix(_age(born, day))), _pick(rng, MOVE_REASONS), False)
            )
        last = placements[-1]
        long_term = last[1] in ("U3", "U6") and (end_by - last[0]).days > 420 and rng.random() < 0.6
        if long_term:
            placements.append(
                (
                    last[0] + dt.timedelta(days=rng.randint(365, 400)),
                    "U1" if last[1] == "U3" else "U4",
                    "CARPL",
                    True,
                )
            )
        # Adoption for the youngest with a care order.
        if age < 4 and any(c == "C2" for _, c in statuses) and rng.random() < 0.35:
            self.adopt(s, statuses, placements, end_by)
        # Build the changes.
        by_day: dict[dt.date, _Change] = {}
        for d, code in statuses[1:]:
            by_day.setdefault(d, _Change(d)).status = code
        carer: _Carer | None = None
        for i, (d, pt, reason, same) in enumerate(placements):
            if d >= end_by:
                break
            placed: tuple[str, _Carer | None]
            if same and carer is not None:
                placed = (pt, carer)
            elif pt.startswith("A") and s.adoption and s.adoption.get("adopters"):
                placed = (pt, s.adoption["adopters"])
            else:
                status_then = [c for day_, c in statuses if day_ <= d][-1:] or [first]
                if pt == "P1" and status_then[0] not in ("C1", "C2"):
                    pt = "U6"  # placement with parents follows a care order (rule 378)
                if not PLACEMENT_TYPES.is_valid(pt, d):
                    pt = "U6"  # K3 (supported accommodation) only from 28 October 2023
                placed = self.placement_for(pt, _age(born, d), child, home, avoid=carer)
            carer = placed[1]
            if i == 0:
                s.changes.append(_Change(d, status=first, placement=placed))
                continue
            change = by_day.setdefault(d, _Change(d))
            change.placement, change.reason, change.same_carer = placed, reason, same
        s.changes += sorted(by_day.values(), key=lambda c: c.on)
        s.changes = [c for c in s.changes if c.on < end_by] if closed_by else s.changes
        if closed_by and s.end is None:
            s.end = closed_by
            s.rec = s.rec or _pick(
                rng,
                [
                    ("E4A", 55),
                    ("E13", 10),
                    ("E41", 10),
                    ("E45", 10),
                    ("E47", 5),
                    ("E4B", 5),
                    ("E8", 5),
                ],
            )
        return s

    def adopt(
        self,
        s: _Story,
        statuses: list[tuple[dt.date, str]],
        placements: list[tuple[dt.date, str, str, bool]],
        end_by: dt.date,
    ) -> None:
        rng = self.rng
        c2 = next(d for d, c in statuses if c == "C2")
        decided = s.start + dt.timedelta(days=rng.randint(120, 200))
        order = max(decided, c2) + dt.timedelta(days=rng.randint(20, 90))
        matched = order + dt.timedelta(days=rng.randint(60, 200))
        placed = matched + dt.timedelta(days=rng.randint(14, 40))
        adopted = placed + dt.timedelta(days=rng.randint(150, 300))
        if decided >= end_by:
            return
        info: dict[str, Any] = {"should_be_placed_on": decided}
        del placements[1:]  # the adoption plan replaces later moves
        if rng.random() < 0.08 and order < end_by:
            info["reversed_on"] = order
            info["reversed_reason"] = _pick(rng, [("RD1", 3), ("RD2", 2), ("RD3", 4), ("RD4", 1)])
            s.adoption = info
            return
        if order < end_by:
            statuses[:] = [(d, c) for d, c in statuses if d < order] + [(order, "E1")]
            info["placement_order_on"] = order
        family: dict[str, Any] | None = None
        if matched < end_by and order < end_by:
            info["matched_on"] = matched
            sex = _pick(rng, ADOPTER_SEX_MIX)
            # The family the child is matched with, approved before the match.
            family = self.adopter_family(
                ADOPTER_SEXES[sex], approved=matched - dt.timedelta(days=rng.randint(20, 400))
            )
            family["matched_on"] = matched
            info["family_id"] = family["id"]
            info["adopter_sex"] = sex
            info["number_of_adopters"] = 1 if sex in ("M1", "F1") else 2
            info["adopter_legal_status"] = {
                "M1": "L0",
                "F1": "L0",
                "MF": _pick(rng, [("L11", 80), ("L3", 20)]),
                "FF": _pick(rng, [("L12", 60), ("L2", 30), ("L4", 10)]),
                "MM": _pick(rng, [("L12", 60), ("L2", 30), ("L4", 10)]),
            }[sex]
        if placed < end_by and "matched_on" in info:
            info["placed_on"] = placed
            adopters = self.carer(
                CarerKind.ADOPTERS,
                provider=rng.choice(["PR1", "PR2", "PR5"]),
                urn=f"SC{rng.randint(100000, 899999)}",
                places=1,
            )
            info["adopters"] = adopters
            if family is not None:
                family.update(household_id=adopters.pk, placed_on=placed, children_placed=1)
            placements.append((placed, "A6", "CARPL", False))
            if adopted < end_by:
                info["adoption_order_on"] = adopted
                if family is not None:
                    family["adoption_order_on"] = adopted
                info["adopted_by_foster_carer"] = False
                s.end, s.rec = adopted, rng.choice(["E11", "E11", "E12"])
        s.adoption = info

    # Adopter families (Ofsted Annex A list 11) -------------------------------------------
    def adopter(self, sex: str, family_name: str, heritage: Any, approved: dt.date) -> int:
        """One prospective adopter: an adult of 28 to 50 when approved (synthetic)."""
        from hearth.people.models import Person, PersonKind, normalise_name

        ctx, rng = self.ctx, self.rng
        pk = ctx.pk(Person)
        given = rng.choice(heritage.female if sex == "F" else heritage.male)
        ctx.insert(
            Person, pk=pk, local_id=ctx.local_id(), kind=PersonKind.ADULT, given_name=given,
            family_name=family_name, given_name_norm=normalise_name(given),
            family_name_norm=normalise_name(family_name), sex=sex,
            ethnicity=rng.choices([e for e, _ in heritage.ethnicity],
                                  [w for _, w in heritage.ethnicity])[0],
            first_language=heritage.languages[0][0], created_at=ctx.now,
            date_of_birth=approved - dt.timedelta(days=rng.randint(28 * 365, 50 * 365)),
        )  # fmt: skip
        ctx.summary.persons += 1
        ctx.summary.adults += 1
        return pk

    def adopter_family(
        self,
        sexes: tuple[str, ...],
        *,
        approved: dt.date | None,
        enquiry: dt.date | None = None,
        left: tuple[dt.date, str] | None = None,
    ) -> dict[str, Any]:
        """A family's journey: enquiry, stage 1 (about 2 months), stage 2 (about 4),
        application and approval at panel; steps after `left` or today are not reached.
        Either `approved` (worked back to the enquiry) or `enquiry` is given."""
        from hearth.demo import data

        rng = self.rng
        stage1 = rng.randint(20, 60), rng.randint(45, 75)
        stage2 = rng.randint(1, 30), rng.randint(100, 130)
        panel = rng.randint(0, 10), rng.randint(20, 60)
        total = sum(stage1) + sum(stage2) + sum(panel)
        start = enquiry if enquiry is not None else (approved or self.today) - total * DAY
        steps: list[tuple[str, dt.date]] = [("enquiry_on", start)]
        day = start
        for name, gap in zip(
            ("stage1_started_on", "stage1_ended_on", "stage2_started_on", "stage2_ended_on",
             "applied_on", "approved_on"),
            (*stage1, *stage2, *panel),
            strict=True,
        ):  # fmt: skip
            day = day + gap * DAY
            steps.append((name, day))
        stop = min(self.today, left[0]) if left else self.today
        values = {name: d for name, d in steps if d <= stop}
        heritage = rng.choices(data.HERITAGES, [h.weight for h in data.HERITAGES])[0]
        surname = rng.choice(heritage.surnames)
        pk = self.ctx.pk(AdopterApplication)
        row = self.ctx.insert(
            AdopterApplication, id=pk, reference=f"AF{pk:05d}",
            fostering_for_adoption=rng.random() < 0.2,
            left_on=left[0] if left else None, left_reason=left[1] if left else "", **values,
        )  # fmt: skip
        for sex in sexes:
            person = self.adopter(sex, surname, heritage, values.get("approved_on", stop))
            self.ctx.insert(Adopter, id=self.ctx.pk(Adopter), application_id=pk, person_id=person)
        self.families += 1
        return row

    def adopter_families(self, in_care: int) -> None:
        """Families not matched with this run's children: approved and waiting, still
        being assessed, and some who left the process (withdrew, put it on hold, or were
        refused after applying), so Annex A list 11 has every kind of row."""
        rng, today = self.rng, self.today
        for _ in range(max(2, in_care // 40)):
            approved = today - dt.timedelta(days=rng.randint(10, 300))
            self.adopter_family(ADOPTER_SEXES[_pick(rng, ADOPTER_SEX_MIX)], approved=approved)
        for _ in range(max(2, in_care // 50)):
            enquiry = today - dt.timedelta(days=rng.randint(5, 200))
            self.adopter_family(ADOPTER_SEXES[_pick(rng, ADOPTER_SEX_MIX)], approved=None,
                                enquiry=enquiry)  # fmt: skip
        for _ in range(max(2, in_care // 50)):
            enquiry = today - dt.timedelta(days=rng.randint(200, 700))
            reason = _pick(rng, [("1", 6), ("2", 3), ("3", 1)])
            # Refused (3) at panel, after the application; others during the stages.
            after = rng.randint(270, 300) if reason == "3" else rng.randint(30, 200)
            left_on = min(today, enquiry + after * DAY)
            self.adopter_family(ADOPTER_SEXES[_pick(rng, ADOPTER_SEX_MIX)], approved=None,
                                enquiry=enquiry, left=(left_on, reason))  # fmt: skip

    # Writing ----------------------------------------------------------------------------
    def write(self, s: _Story) -> None:
        ctx, rng, child = self.ctx, self.rng, s.child
        born = child.date_of_birth or s.start
        period_pk = ctx.pk(PeriodOfCare)
        lap_pk = ctx.pk(LookedAfterPeriod)
        ctx.insert(
            LookedAfterPeriod,
            id=lap_pk,
            person_id=child.person_id,
            start_date=s.start,
            end_date=s.end,
        )
        period = ctx.insert(
            PeriodOfCare,
            id=period_pk,
            person_id=child.person_id,
            start_date=s.start,
            end_date=s.end,
            reason_ceased=s.rec,
            category_of_need=s.need,
            home_postcode=s.home,
            casework_period_id=lap_pk,
            created_at=ctx.now,
        )
        # Every period records any previous permanence order (Z1: none; rule 630).
        earlier = rng.random() < 0.1
        ctx.insert(
            PreviousPermanence,
            id=ctx.pk(PreviousPermanence),
            period_id=period_pk,
            person_id=child.person_id,
            code=_pick(rng, [("P2", 5), ("P3", 3), ("P1", 2)]) if earlier else "Z1",
            la_code="999" if earlier else "",
            date_text=f"zz/zz/{s.start.year - rng.randint(1, 5)}" if earlier else "",
        )
        if s.uasc:
            ctx.insert(
                UASCStatus,
                id=ctx.pk(UASCStatus),
                person_id=child.person_id,
                started_on=s.start,
                ceased_on=None,
            )
        # Episodes, legal statuses and placements, as the services write them.
        status = ""
        status_row: dict[str, Any] | None = None
        placement_row: dict[str, Any] | None = None
        carer: _Carer | None = None
        episode: dict[str, Any] | None = None
        placements: list[dict[str, Any]] = []
        for change in s.changes:
            on = change.on
            new_status = bool(change.status) and change.status != status
            if new_status:
                if status_row is not None:
                    status_row["end_date"] = on
                status = change.status
                status_row = ctx.insert(
                    LegalStatus,
                    id=ctx.pk(LegalStatus),
                    period_id=period_pk,
                    person_id=child.person_id,
                    code=status,
                    start_date=on,
                    recorded_at=ctx.now,
                )
            if change.placement is not None:
                if placement_row is not None:
                    placement_row["end_date"] = on
                    placement_row["end_reason"] = change.reason
                    if carer is not None and not change.same_carer:
                        carer.used -= 1
                ptype, carer_ = change.placement
                if carer_ is not None and not change.same_carer:
                    carer_.used += 1
                carer = carer_
                provider = "PR0" if ptype == "P1" else (carer.provider if carer else "")
                if ptype.startswith(("T", "Z")):
                    provider = ""
                postcode = carer.postcode if carer else s.home
                placement_row = ctx.insert(
                    Placement,
                    id=ctx.pk(Placement),
                    period_id=period_pk,
                    person_id=child.person_id,
                    carer_id=carer.pk if carer else None,
                    placement_type=ptype,
                    provider_code=provider,
                    postcode=postcode,
                    urn=carer.urn if carer else "",
                    start_date=on,
                    same_carer=change.same_carer,
                    intended_until_18=True
                    if ptype in ("U1", "U4")
                    else (None if rng.random() < 0.05 else False),
                    visit_basis=VisitBasis.WITH_PARENTS_CARE_ORDER
                    if ptype == "P1" and status == "C2"
                    else VisitBasis.STANDARD,
                    placement_plan_on=on + dt.timedelta(days=rng.randint(0, 8)),
                    created_at=ctx.now,
                )
                placements.append(placement_row)
            values = {
                "legal_status": status,
                "category_of_need": s.need,
                "placement_id": placement_row["id"] if placement_row else None,
                "placement_type": placement_row["placement_type"] if placement_row else "",
                "placement_provider": placement_row["provider_code"] if placement_row else "",
                "home_postcode": s.home,
                "placement_postcode": placement_row["postcode"] if placement_row else "",
                "urn": episode_urn(placement_row["placement_type"], placement_row["urn"])
                if placement_row
                else "",
            }
            if episode is None:
                episode = ctx.insert(
                    Episode,
                    id=ctx.pk(Episode),
                    period_id=period_pk,
                    person_id=child.person_id,
                    start_date=on,
                    reason_new_episode="S",
                    **values,
                )
                continue
            moved = change.placement is not None
            same = change.same_carer
            rne = (
                ("U" if same else "B")
                if (new_status and moved)
                else ("L" if new_status else ("T" if same else "P"))
            )
            episode["end_date"] = on
            episode["reason_ceased"] = "X1"
            episode["reason_place_change"] = change.reason if moved else ""
            episode = ctx.insert(
                Episode,
                id=ctx.pk(Episode),
                period_id=period_pk,
                person_id=child.person_id,
                start_date=on,
                reason_new_episode=rne,
                **values,
            )
        assert episode is not None
        assert placement_row is not None
        assert status_row is not None
        if s.end is not None:
            episode["end_date"] = s.end
            episode["reason_ceased"] = s.rec
            status_row["end_date"] = s.end
            placement_row["end_date"] = s.end
            if carer is not None:
                carer.used -= 1
        self.counts["periods"] += 1
        self.counts["episodes"] += 1
        if s.adoption:
            info = dict(s.adoption)
            adopters = info.pop("adopters", None)
            ctx.insert(
                Adoption,
                id=ctx.pk(Adoption),
                period_id=period_pk,
                person_id=child.person_id,
                adopters_id=adopters.pk if adopters else None,
                **info,
            )
            self.adoptions += 1
        self.follow_up(s, period, placements, born)

    def follow_up(
        self, s: _Story, period: dict[str, Any], placements: list[dict[str, Any]], born: dt.date
    ) -> None:
        """Reviews, visits, health, PEPs and missing episodes, and the due dates."""
        ctx, rng, ts, pid = self.ctx, self.rng, self.ts, s.child.person_id
        end = s.end or self.today
        # Reviews (reg 33), most in time.
        reviews: list[dt.date] = []
        while True:
            due = review_schedule(
                care_started=s.start,
                reviews_held=len(reviews),
                first_review_on=reviews[0] if reviews else None,
                last_review_on=reviews[-1] if reviews else None,
                ts=ts,
            ).due
            assert due is not None
            held = due - dt.timedelta(days=rng.randint(0, 12))
            if rng.random() < 0.06:
                held = due + dt.timedelta(days=rng.randint(1, 20))
            held = max(held, (reviews[-1] if reviews else s.start) + DAY)
            if held > end:
                break
            reviews.append(held)
            pn = "PN0" if _age(born, held) < 4 else _pick(rng, PARTICIPATION)
            ctx.insert(
                Review,
                id=ctx.pk(Review),
                period_id=period["id"],
                person_id=pid,
                held_on=held,
                participation=pn,
                recorded_at=ctx.now,
            )
        # Visits over the last year of each placement (reg 28 pattern, some a little late).
        for row in placements:
            p_end = row.get("end_date") or end
            last: dt.date | None = None
            first_year_from = max(row["start_date"], end - dt.timedelta(days=365))
            if first_year_from - row["start_date"] > dt.timedelta(days=60):
                # Only the last year is written: start from a visit just before it.
                last = first_year_from - dt.timedelta(days=rng.randint(20, 40))
            while True:
                sched = visit_schedule(
                    placement_start=row["start_date"],
                    basis=row["visit_basis"],
                    intended_until_18=row["intended_until_18"]
                    if row["intended_until_18"] is not None
                    else False,
                    last_visit=last,
                    first_review_on=reviews[0] if reviews else None,
                    care_order_on=None
                    if row["visit_basis"] == VisitBasis.STANDARD
                    else row["start_date"],
                    ts=ts,
                )
                assert sched.due is not None
                day = sched.due - dt.timedelta(days=rng.randint(0, 10))
                if rng.random() < 0.05:
                    day = sched.due + dt.timedelta(days=rng.randint(1, 10))
                day = max(day, (last or row["start_date"]) + DAY)
                if day >= p_end or day > self.today:
                    break
                last = day
                if day >= first_year_from:
                    ctx.insert(
                        StatutoryVisit,
                        id=ctx.pk(StatutoryVisit),
                        placement_id=row["id"],
                        person_id=pid,
                        visited_on=day,
                        seen=True,
                        seen_alone=_age(born, day) >= 4 and rng.random() < 0.75,
                        recorded_at=ctx.now,
                    )
                    self.counts["visits"] += 1
            row["last_visit_on"] = last
            if row.get("end_date") is None and s.end is None:
                found = visit_schedule(
                    placement_start=row["start_date"],
                    basis=row["visit_basis"],
                    intended_until_18=row["intended_until_18"],
                    last_visit=last,
                    first_review_on=reviews[0] if reviews else None,
                    care_order_on=row["start_date"],
                    ts=ts,
                )
                row["visit_due_on"] = found.due
                row["visit_problem"] = found.explanation
        # Health: the initial assessment, then reviews by age; dental checks yearly.
        last_health: dt.date | None = None
        while True:
            due = health_schedule(
                care_started=s.start, date_of_birth=born, last_assessment=last_health, ts=ts
            ).due
            assert due is not None
            day = max(due - dt.timedelta(days=rng.randint(0, 25)), (last_health or s.start) + DAY)
            if day > end:
                break
            kind = HealthKind.INITIAL if last_health is None else HealthKind.REVIEW
            if day >= end - dt.timedelta(days=800):
                ctx.insert(
                    HealthAssessment,
                    id=ctx.pk(HealthAssessment),
                    period_id=period["id"],
                    person_id=pid,
                    kind=kind,
                    done_on=day,
                )
            last_health = day
        self.oc2(s, born)
        # PEPs for children of school age (4 to 17).
        last_pep: dt.date | None = None
        if _age(born, end) >= 4:
            while True:
                due = pep_schedule(care_started=s.start, last_pep=last_pep, ts=ts).due
                assert due is not None
                day = max(due - dt.timedelta(days=rng.randint(0, 20)), (last_pep or s.start) + DAY)
                if day > end:
                    break
                if day >= end - dt.timedelta(days=400) and _age(born, day) >= 4:
                    ctx.insert(
                        EducationPlan,
                        id=ctx.pk(EducationPlan),
                        period_id=period["id"],
                        person_id=pid,
                        held_on=day,
                    )
                last_pep = day
        # Missing episodes for some teenagers, in the last year: one at a time, each
        # over within the placement and never across 31 March (SSDA903 rules 574-577).
        if _age(born, end) >= 11 and rng.random() < 0.18:
            days = sorted(rng.sample(range(3, 330), rng.randint(1, 4)), reverse=True)
            last_end: dt.datetime | None = None
            for back in days:
                start_day = end - dt.timedelta(days=back)
                if start_day <= s.start or (start_day.month, start_day.day) in ((3, 30), (3, 31)):
                    continue
                started = dt.datetime.combine(start_day, dt.time(rng.randint(15, 21)), dt.UTC)
                if last_end is not None and started <= last_end:
                    continue
                ended = started + dt.timedelta(hours=rng.randint(3, 26))
                if ended.date() >= end:
                    continue
                last_end = ended
                due = ts.due_date("care.missing.return_interview", ended).at
                offered = (
                    ended + dt.timedelta(hours=rng.randint(4, 70)) if rng.random() < 0.9 else None
                )
                ctx.insert(
                    MissingEpisode,
                    id=ctx.pk(MissingEpisode),
                    period_id=period["id"],
                    person_id=pid,
                    kind=_pick(rng, [("M", 70), ("A", 30)]),
                    started_at=started,
                    ended_at=ended,
                    interview_due_at=due,
                    interview_offered_at=offered,
                    interview_accepted=(rng.random() < 0.6) if offered else None,
                )
        # The period's own due dates, as the services would set them.
        if s.end is None:
            first_placement = s.changes[0].on
            period["care_plan_on"] = first_placement + dt.timedelta(days=rng.randint(0, 12))
            period["reviews_held"] = len(reviews)
            period["last_review_on"] = reviews[-1] if reviews else None
            period["review_due_on"] = review_schedule(
                care_started=s.start,
                reviews_held=len(reviews),
                first_review_on=reviews[0] if reviews else None,
                last_review_on=reviews[-1] if reviews else None,
                ts=ts,
            ).due
            period["health_assessment_due_on"] = health_schedule(
                care_started=s.start, date_of_birth=born, last_assessment=last_health, ts=ts
            ).due
            period["pep_due_on"] = pep_schedule(care_started=s.start, last_pep=last_pep, ts=ts).due
            period["permanence_plan"] = (
                "adoption"
                if s.adoption and "reversed_on" not in s.adoption
                else _pick(
                    rng,
                    [
                        ("long_term_fostering", 45),
                        ("return_home", 20),
                        ("sgo_cao", 12),
                        ("residential", 8),
                        ("supported_living", 8),
                        ("other", 7),
                    ],
                )
            )
        else:
            period["reviews_held"] = len(reviews)
            period["last_review_on"] = reviews[-1] if reviews else None

    def oc2(self, s: _Story, born: dt.date) -> None:
        """SSDA903 OC2 for each of the last two 31 Marches at which the child had been
        looked after continuously for 12 months (validator rule 191 wants the health
        fields filled for them). Shares are illustrative."""
        rng, today = self.rng, self.today
        year = today.year if today >= dt.date(today.year, 3, 31) else today.year - 1
        for y in (year - 1, year):
            year_end = dt.date(y, 3, 31)
            if s.start > dt.date(y - 1, 4, 1) or (s.end is not None and s.end < year_end):
                continue
            age = _age(born, year_end)
            age_at_start = _age(born, dt.date(y - 1, 4, 1))
            scored, reason = False, ""
            if age >= 4:
                # 4 to 16 all year: a score, or why not; turning 4 or past 16: SDQ1.
                whole_year = age_at_start >= 4 and age <= 16
                scored = age <= 16 and rng.random() < 0.8
                if not scored:
                    reason = _pick(rng, SDQ_REASONS) if whole_year else "SDQ1"
            misuse = age >= 10 and rng.random() < 0.05
            received = (rng.random() < 0.6) if misuse else None
            self.ctx.insert(
                HealthYear,
                id=self.ctx.pk(HealthYear),
                person_id=s.child.person_id,
                year_ending=year_end,
                sdq_score=min(40, max(0, int(rng.gauss(14, 6)))) if scored else None,
                sdq_reason=reason,
                convicted=(rng.random() < 0.03) if age >= 10 else None,
                health_check=(rng.random() < 0.9) if age < 5 else None,
                immunisations=rng.random() < 0.85,
                teeth_check=rng.random() < 0.8,
                health_assessment=rng.random() < 0.9,
                substance_misuse=misuse,
                intervention_received=received,
                # Asked only when no intervention was received (rule 158).
                intervention_offered=(rng.random() < 0.3) if misuse and not received else None,
            )

    def leavers(self, in_care: int) -> None:
        """Young people of 18 to 21 who left care at 18 (former relevant), from the
        adults the families step wrote: their period of care from 14 or 15, their
        personal adviser and pathway plan, and contact around each birthday from 18
        (SSDA903 OC3). About one for every four children in care."""
        from hearth.demo.generator import ChildFact, upn_for
        from hearth.people.models import Involvement, Person, PersonKind

        ctx, rng, today = self.ctx, self.rng, self.today
        young = list(
            Person.objects.filter(
                pk__gte=ctx.first_person,  # this run's people: a second run adds its own
                kind=PersonKind.ADULT,
                merged_into__isnull=True,
                date_of_birth__gt=add_months(today, -22 * 12),
                date_of_birth__lte=add_months(today, -18 * 12),
            )
            .order_by("pk")
            .values("pk", "date_of_birth", "sex", "given_name", "family_name")[: in_care // 4]
        )
        advisers = ctx.area_workers.get(ServiceArea.LEAVING_CARE, [])
        social_workers = ctx.area_workers.get(ServiceArea.CHILDREN_IN_CARE, [])
        upns: list[Person] = []
        for p in young:
            born = p["date_of_birth"]
            assert born is not None
            adult = add_months(born, 18 * 12)
            start = add_months(born, 14 * 12) + dt.timedelta(days=rng.randint(0, 600))
            child = ChildFact(
                person_id=p["pk"], date_of_birth=born, sex=p["sex"], family=0, team_id=None,
                worker_id=None, service_area=ServiceArea.LEAVING_CARE,
                name=f"{p['given_name']} {p['family_name']}",
            )  # fmt: skip
            # As a child in care they had a UPN (SSDA903 rule 442).
            upns.append(Person(pk=p["pk"], upn=upn_for(ctx, born), upn_unknown=""))
            story = self.story(child, start, self.postcode(0.0), adult)
            story.rec = _pick(rng, [("E17", 25), ("E5", 35), ("E6", 10), ("E8", 15), ("E13", 15)])
            self.write(story)
            if social_workers:
                # In care, a children in care worker had them (SSDA903 social worker episodes).
                was = rng.choice(social_workers)
                ctx.insert(
                    Involvement, id=ctx.pk(Involvement), person_id=p["pk"],
                    team_id=was.team.pk, worker_id=was.pk, reason="Child in care",
                    started=story.start, ended=story.end or adult,
                )  # fmt: skip
            adviser_ = rng.choice(advisers) if advisers else None
            adviser = adviser_.pk if adviser_ else None
            if adviser_ is not None:
                # The leaving care team works with them: their adviser can open the record.
                ctx.insert(
                    Involvement, id=ctx.pk(Involvement), person_id=p["pk"],
                    team_id=adviser_.team.pk, worker_id=adviser, reason="Care leaver: pathway plan",
                    started=adult, ended=None,
                )  # fmt: skip
                adviser_.load += 1
            plan = today - dt.timedelta(days=rng.randint(10, 170))
            ctx.insert(
                CareLeaver, id=ctx.pk(CareLeaver), person_id=p["pk"],
                eligibility="former_relevant", personal_adviser_id=adviser, left_care_on=adult,
                pathway_plan_on=plan, pathway_review_due_on=add_months(plan, 6),
            )  # fmt: skip
            # From the 19th birthday: none is returned for leaving at 18 (rule 1016).
            for age in range(19, 22):
                birthday = add_months(born, age * 12)
                if birthday > today:
                    break
                contact = min(today, birthday + dt.timedelta(days=rng.randint(-60, 25)))
                contact = max(contact, adult)
                in_touch = _pick(rng, [("YES", 86), ("NO", 5), ("REFU", 4), ("NREQ", 5)])
                activity = accommodation = "0"  # not known: all three coded (rule 153)
                if in_touch == "YES":
                    activity = _pick(rng, OC3_ACTIVITY)
                    accommodation = oc3_accommodation(
                        _pick(rng, OC3_ACCOMMODATION), rng.random() < 0.9
                    )
                ctx.insert(
                    CareLeaverContact, id=ctx.pk(CareLeaverContact), person_id=p["pk"],
                    birthday=age, contact_on=contact, in_touch=in_touch, activity=activity,
                    accommodation=accommodation,
                )  # fmt: skip
            self.counts["leavers"] += 1
        Person.objects.bulk_update(upns, ["upn", "upn_unknown"], batch_size=500)

    def relevant(self, in_care: int, taken: set[int]) -> None:
        """Young people of 16 and 17 who left care after their 16th birthday, having
        come into care from 14 (relevant, Children (Leaving Care) Act 2000), from
        children with no open work now: their period of care, a leaving care adviser,
        a pathway plan reviewed every 6 months, and contact around the 17th birthday
        (SSDA903 OC3) for those who left before it. About one for every 30 in care."""
        from hearth.people.models import Involvement

        ctx, rng, today = self.ctx, self.rng, self.today
        advisers = ctx.area_workers.get(ServiceArea.LEAVING_CARE, [])
        social_workers = ctx.area_workers.get(ServiceArea.CHILDREN_IN_CARE, [])
        wanted = max(2, in_care // 30)
        for child in ctx.children:
            if wanted == 0:
                break
            born = child.date_of_birth
            if born is None or child.person_id in taken or not 16 <= _age(born, today) < 18:
                continue
            if any(w.end is None for w in ctx.families[child.family].work):
                continue
            if child.person_id in ctx.cin_episodes:  # their own referrals would overlap care
                continue
            sixteenth, seventeenth = add_months(born, 16 * 12), add_months(born, 17 * 12)
            latest_end = min(today - 30 * DAY, add_months(born, 18 * 12) - DAY)
            if latest_end <= sixteenth + 14 * DAY:
                continue
            # In care from 14 (at least 13 weeks, some of it after 16), left after 16.
            start = add_months(born, 14 * 12) + rng.randint(0, 500) * DAY
            start = min(start, sixteenth - 120 * DAY)
            end = sixteenth + rng.randint(14, (latest_end - sixteenth).days) * DAY
            story = self.story(child, start, self.postcode(0.0), end)
            story.rec = _pick(rng, [("E5", 55), ("E6", 15), ("E8", 30)])
            self.write(story)
            left = story.end or end
            wanted -= 1
            if social_workers:
                # In care, a children in care worker had them (SSDA903 social worker episodes).
                was = rng.choice(social_workers)
                ctx.insert(
                    Involvement, id=ctx.pk(Involvement), person_id=child.person_id,
                    team_id=was.team.pk, worker_id=was.pk, reason="Child in care",
                    started=story.start, ended=left,
                )  # fmt: skip
            adviser_ = rng.choice(advisers) if advisers else None
            if adviser_ is not None:
                ctx.insert(
                    Involvement, id=ctx.pk(Involvement), person_id=child.person_id,
                    team_id=adviser_.team.pk, worker_id=adviser_.pk,
                    reason="Care leaver: pathway plan", started=left, ended=None,
                )  # fmt: skip
                adviser_.load += 1
            plan = today - rng.randint(10, 150) * DAY
            ctx.insert(
                CareLeaver, id=ctx.pk(CareLeaver), person_id=child.person_id,
                eligibility="relevant", personal_adviser_id=adviser_.pk if adviser_ else None,
                left_care_on=left, pathway_plan_on=plan,
                pathway_review_due_on=add_months(plan, 6),
            )  # fmt: skip
            if left < seventeenth <= today:
                # Around the 17th birthday: never with former foster carers (rule 3001)
                # nor in a foyer under 18 (the validator's foyer rule).
                in_touch = _pick(rng, [("YES", 90), ("NO", 5), ("REFU", 5)])
                activity = accommodation = "0"
                if in_touch == "YES":
                    activity = _pick(rng, [a for a in OC3_ACTIVITY if a[0] != "F1"])
                    letters = [a for a in OC3_ACCOMMODATION if a[0] not in ("Z", "T")]
                    accommodation = oc3_accommodation(_pick(rng, letters), rng.random() < 0.9)
                contact = min(today, max(left, seventeenth + rng.randint(-60, 25) * DAY))
                ctx.insert(
                    CareLeaverContact, id=ctx.pk(CareLeaverContact), person_id=child.person_id,
                    birthday=17, contact_on=contact, in_touch=in_touch, activity=activity,
                    accommodation=accommodation,
                )  # fmt: skip
            self.counts["relevant"] += 1

    def run(self) -> None:
        ctx = self.ctx
        in_care: list[tuple[ChildFact, dt.date, str]] = []
        earlier: list[tuple[ChildFact, str]] = []
        for child in ctx.children:
            if child.date_of_birth is None or child.expected_date_of_birth is not None:
                continue
            fam = ctx.families[child.family]
            open_work = next((w for w in fam.work if w.end is None), None)
            area = child.service_area
            if area in (ServiceArea.CHILDREN_IN_CARE, ServiceArea.LEAVING_CARE) and open_work:
                born_ok = child.date_of_birth + 3 * DAY < ctx.today
                if born_ok and _age(child.date_of_birth, ctx.today) < 18:
                    in_care.append((child, dt.date.fromordinal(open_work.start), fam.postcode))
            elif area in (ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION) and (
                self.rng.random() < 0.01
            ):
                earlier.append((child, fam.postcode))
        self.pool(len(in_care))
        self.adopter_families(len(in_care))
        for child, start, home in in_care:
            self.write(self.story(child, start, home, None))
        for child, home in earlier:
            born = child.date_of_birth or ctx.today
            start = ctx.today - dt.timedelta(days=self.rng.randint(400, 1400))
            if start <= born + 30 * DAY:
                continue
            closed = start + dt.timedelta(days=self.rng.randint(40, 300))
            self.write(self.story(child, start, home, closed))
        # Young people of 16 and 17 in care are eligible for leaving care services.
        for child, _start, _home in in_care:
            born = child.date_of_birth or ctx.today
            if _age(born, ctx.today) >= 16:
                ctx.insert(
                    CareLeaver,
                    id=ctx.pk(CareLeaver),
                    person_id=child.person_id,
                    eligibility="eligible",
                    personal_adviser_id=child.worker_id
                    if child.service_area == ServiceArea.LEAVING_CARE
                    else None,
                    pathway_plan_on=(
                        plan := min(
                            ctx.today, max(add_months(born, 192), _start) + dt.timedelta(days=30)
                        )
                    ),
                    pathway_review_due_on=add_months(plan, 6),
                )
        self.leavers(len(in_care))
        taken = {c.person_id for c, _s, _h in in_care} | {c.person_id for c, _h in earlier}
        self.relevant(len(in_care), taken)
        for carers in self.carers.values():
            for c in carers:
                c.row["vacancies"] = max(0, min(c.places, c.places - c.used))
        ctx.say(
            f"  children in care: {self.counts['periods']} periods of care, "
            f"{sum(len(v) for v in self.carers.values())} carers and providers, "
            f"{self.adoptions} adoption journeys, {self.families} adopter families, "
            f"{self.counts['leavers']} care leavers 18 to 21, "
            f"{self.counts['relevant']} relevant (16 and 17)"
        )


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def step_care(ctx: Context) -> None:
    """Periods of care and everything that hangs off them (see the module docstring)."""
    if not ctx.children:
        return
    _Care(ctx).run()


def forget_care_rows() -> None:
    """Delete every children-in-care row (children before their parents) and the
    casework LookedAfterPeriod rows this step writes: for tests that regenerate the
    authority (the person rows are protected while these exist)."""
    from hearth.care import models as care

    for model in (
        care.CareTask, care.CarerNotice, care.StatutoryVisit, care.PlacementDecision,
        care.Review, care.IROContact, care.HealthAssessment, care.EducationPlan,
        care.MissingEpisode, care.Adoption, care.Adopter, care.AdopterApplication,
        care.PreviousPermanence, care.Episode,
        care.LegalStatus, care.Placement, care.PeriodOfCare, care.HealthYear,
        care.CareLeaverContact, care.CareLeaver, care.UASCStatus, care.Carer,
        LookedAfterPeriod,
    ):  # fmt: skip
        model._default_manager.all().delete()
