"""Hearth's checks of the CIN census, one function per DfE validation rule code.

Rule texts and the years they apply to are data (`rules/cin.toml`); the logic follows the
DfE rule descriptions (quoted in csc-validator-be-cin's rule files). Each check looks at
one child's records, so the census is checked as it streams; the few rules that compare
children (duplicate IDs) keep a small index as they go.

`check_children` is used before export (on the record) and on any census file read back,
so the data quality page and a file from another system are judged alike.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hearth.core.codelists import codelist
from hearth.returns.cin import CINChild, CINDetails, Period
from hearth.returns.rules import Finding, Rule, rules
from hearth.timescales.calendar import working_calendar

Hit = tuple[str, str]  # (rule code, detail)
Check = Callable[["Context", CINChild], Iterator[Hit]]
CHECKS: dict[str, Check] = {}


def check(*codes: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        for code in codes:
            CHECKS[code] = fn
        return fn

    return register


@dataclass
class Context:
    year: int
    period: Period = field(init=False)
    valid: dict[str, frozenset[str]] = field(init=False)
    upn_la: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.period = Period(self.year)
        ref = self.period.reference_date
        names = (
            "referral_source",
            "primary_need",
            "closure_reason",
            "category_of_abuse",
            "disability",
            "ethnicity",
            "sex",
            "assessment_factor",
        )
        self.valid = {n: frozenset(c for c, _ in codelist(n).choices(on=ref)) for n in names}
        # 8897Q asks for "a valid code": any code the census has ever accepted, so a
        # deprecated 18A/19A is the subject of its own queries (8945Q/8950Q), not this one.
        every_factor = codelist("assessment_factor").all_choices()
        self.valid["any_factor"] = frozenset(c for c, _ in every_factor)
        self.upn_la = upn_la_codes()

    @property
    def ref(self) -> dt.date:
        return self.period.reference_date

    @property
    def start(self) -> dt.date:
        return self.period.start


def _d(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "blank"


def _weekend(day: dt.date | None) -> bool:
    return day is not None and day.weekday() >= 5


def _before(a: dt.date | None, b: dt.date | None) -> bool:
    """a is before b, both present."""
    return a is not None and b is not None and a < b


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- Child identifiers and characteristics ---------------------------------------------------

UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LAST = frozenset("ABCDEFGHJKLMNPQRTUVWXYZ0123456789")


@check("8500", "1570", "1580")
def child_id(ctx: Context, c: CINChild) -> Iterator[Hit]:
    if not c.la_child_id:
        yield "8500", ""
        return
    if len(c.la_child_id) > 20:
        yield "1570", c.la_child_id
    if not c.la_child_id.isalnum():
        yield "1580", c.la_child_id


UPN_LA_FILE = Path(__file__).parent / "codelists" / "upn_la_codes.toml"


@cache
def upn_la_codes() -> frozenset[str]:
    """The LA numbers rule 1530 accepts in characters 2-4 of a UPN (codelists file)."""
    with UPN_LA_FILE.open("rb") as f:
        data = tomllib.load(f)
    numbers = {n for a, b in data["ranges"] for n in range(a, b + 1)} | set(data["codes"])
    return frozenset(f"{n:03d}" for n in numbers)


@check("1510", "1530", "1540", "1550", "1560Q")
def upn(ctx: Context, c: CINChild) -> Iterator[Hit]:
    u = c.upn
    if u:
        if len(u) == 13 and u[1:].isdigit():
            total = sum(int(u[i]) * (i + 1) for i in range(1, 13)) % 23
            if UPN_CHECK[total] != u[0]:
                yield "1510", u
        if len(u) == 13 and u[1:4] not in ctx.upn_la:
            yield "1530", u
        if not u[4:12].isdigit():
            yield "1540", u
        if len(u) == 13 and u[12] not in UPN_LAST:
            yield "1550", u
    f = c.former_upn
    if f and (len(f) != 13 or not f[1:].isdigit() or not f[0].isalpha()):
        yield "1560Q", f


@check("4180", "8750")
def sex(ctx: Context, c: CINChild) -> Iterator[Hit]:
    if c.sex not in ctx.valid["sex"]:
        yield "4180", c.sex or "blank"
    if c.expected_birth_date and not c.birth_date and c.sex != "U":
        yield "8750", c.sex or "blank"


@check("4220")
def ethnicity(ctx: Context, c: CINChild) -> Iterator[Hit]:
    if c.ethnicity not in ctx.valid["ethnicity"]:
        yield "4220", c.ethnicity or "blank"


@check("8520", "8525Q", "8530Q", "8535Q", "8545Q", "8775Q")
def dates_of_birth_and_death(ctx: Context, c: CINChild) -> Iterator[Hit]:
    if c.birth_date and c.birth_date > ctx.ref:
        yield "8520", _d(c.birth_date)
    if bool(c.birth_date) == bool(c.expected_birth_date):
        yield "8525Q", f"{_d(c.birth_date)} / {_d(c.expected_birth_date)}"
    if c.expected_birth_date:
        early = ctx.ref - dt.timedelta(days=30)
        late = _add_months(ctx.ref, 9)
        if not early < c.expected_birth_date < late:
            yield "8530Q", _d(c.expected_birth_date)
    if c.death_date:
        if c.birth_date is None or c.birth_date > c.death_date:
            yield "8535Q", _d(c.death_date)
        if not ctx.period.contains(c.death_date):
            yield "8545Q", _d(c.death_date)
    if c.birth_date and c.birth_date < _add_years(ctx.ref, -25):
        at_25 = _add_years(c.birth_date, 25)
        for e in c.episodes:
            if e.closure_date is None or e.closure_date > at_25:
                yield "8775Q", _d(c.birth_date)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


@check("8540", "8790", "8794")
def disabilities(ctx: Context, c: CINChild) -> Iterator[Hit]:
    needs_them = c.birth_date is not None and any(e.referral_nfa is False for e in c.episodes)
    if needs_them:
        if not c.disabilities:
            yield "8540", "blank"
        for d in c.disabilities:
            if d not in ctx.valid["disability"]:
                yield "8540", d
    if "NONE" in c.disabilities and any(d != "NONE" for d in c.disabilities):
        yield "8790", ", ".join(c.disabilities)
    if any(n > 1 for n in Counter(c.disabilities).values()):
        yield "8794", ", ".join(c.disabilities)


@check("8772")
def upn_unknown_nfa(ctx: Context, c: CINChild) -> Iterator[Hit]:
    if c.upn_unknown == "UN7" and any(e.referral_nfa is not True for e in c.episodes):
        yield "8772", "UN7"


# --- CIN details ---------------------------------------------------------------------------


@check("X001")
def unplaced(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for what in c.unplaced:
        yield "X001", what


@check("8590")
def has_episode(ctx: Context, c: CINChild) -> Iterator[Hit]:
    if not c.episodes:
        yield "8590", ""


@check(
    "8600",
    "8606",
    "8610",
    "8650",
    "8620",
    "8630",
    "8640",
    "8805",
    "8810",
    "8866",
    "8568",
    "8555Q",
    "8585Q",
)
def episode_fields(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for e in c.episodes:
        ref_day = e.referral_date
        if ref_day is None or ref_day > ctx.ref:
            yield "8600", _d(ref_day)
        if ref_day:
            for born in (c.birth_date, c.expected_birth_date):
                if born and ref_day < born - dt.timedelta(days=280):
                    yield "8606", _d(ref_day)
                    break
            if (
                ref_day >= dt.date(2013, 4, 1)
                and e.referral_source not in ctx.valid["referral_source"]
            ):
                yield "8866", e.referral_source or "blank"
            if c.death_date and ref_day > c.death_date:
                yield "8555Q", _d(ref_day)
        if e.referral_nfa is False and not e.primary_need:
            yield "8610", "blank"
        if e.primary_need and e.primary_need not in ctx.valid["primary_need"]:
            yield "8650", e.primary_need
        if e.closure_date and not ctx.period.contains(e.closure_date):
            yield "8620", _d(e.closure_date)
        if _before(e.closure_date, ref_day):
            yield "8630", _d(e.closure_date)
        if e.closure_reason and e.closure_reason not in ctx.valid["closure_reason"]:
            yield "8640", e.closure_reason
        if e.closure_date and not e.closure_reason:
            yield "8805", _d(e.closure_date)
        if e.closure_reason and not e.closure_date:
            yield "8810", e.closure_reason
        if e.referral_nfa is None:
            yield "8568", "blank"
        if e.closure_reason == "RC2" and not c.death_date:
            yield "8585Q", "RC2"


def _open_episode(e: CINDetails) -> bool:
    return e.closure_date is None and e.referral_nfa is False


@check("8815", "8816", "8820")
def episodes_in_order(ctx: Context, c: CINChild) -> Iterator[Hit]:
    open_ones = [e for e in c.episodes if _open_episode(e)]
    if len(c.episodes) > 1 and len(open_ones) > 1:
        for e in open_ones:
            yield "8815", _d(e.referral_date)
    dated = [e.referral_date for e in c.episodes if e.referral_date]
    latest = max(dated) if dated else None
    for e in open_ones:
        if e.referral_date and latest and e.referral_date < latest:
            yield "8816", _d(e.referral_date)
    for i, e in enumerate(c.episodes):
        if e.referral_date is None:
            continue
        for j, other in enumerate(c.episodes):
            if i == j or other.referral_date is None or e.referral_date < other.referral_date:
                continue
            # One episode may close on the day the next is referred.
            if other.closure_date is not None:
                inside = e.referral_date < other.closure_date
            else:
                inside = e.referral_date < ctx.ref and other.referral_nfa is False
            if inside:
                yield "8820", _d(e.referral_date)
                break


@check("8565")
def activity_after_closure(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for e in c.episodes:
        closed = e.closure_date
        if closed is None:
            continue
        dates = [e.initial_cpc]
        dates += [d for a in e.assessments for d in (a.start, a.authorised)]
        dates += [d for s in e.section47s for d in (s.start, s.icpc_date)]
        dates += [d for p in e.cin_plans for d in (p.start, p.end)]
        dates += [p.end for p in e.cp_plans]
        if any(_before(closed, d) for d in dates):
            yield "8565", _d(closed)


@check("2884")
def icpc_recorded_twice(ctx: Context, c: CINChild) -> Iterator[Hit]:
    s47_dates = {s.icpc_date for e in c.episodes for s in e.section47s if s.icpc_date}
    for e in c.episodes:
        if e.initial_cpc and e.initial_cpc in s47_dates:
            yield "2884", _d(e.initial_cpc)


@check("4000", "8831", "8832")
def nothing_after_nfa(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for e in c.episodes:
        if e.referral_nfa is not True:
            continue
        if e.cin_plans:
            yield "4000", _d(e.referral_date)
        if (
            any(a.start or a.authorised for a in e.assessments)
            or any(s.start or s.icpc_date for s in e.section47s)
            or e.initial_cpc
        ):
            yield "8831", _d(e.referral_date)
        if e.cp_plans:
            yield "8832", _d(e.referral_date)


@check("2990", "8825Q", "8873Q")
def closed_after_assessment(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for e in c.episodes:
        after_assessment = e.closure_reason in {"RC8", "RC9"}
        if after_assessment and (e.section47s or e.cp_plans or e.initial_cpc or e.cin_plans):
            yield "2990", e.closure_reason
        if after_assessment and not e.assessments:
            yield "8825Q", e.closure_reason
        if (
            len(e.assessments) == 1
            and "21" in e.assessments[0].factors
            and e.closure_reason not in {"RC8", "RC9"}
        ):
            yield "8873Q", e.closure_reason or "blank"


@check("8867", "8868")
def closed_with_work_open(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for e in c.episodes:
        if e.closure_date is None:
            continue
        if any(a.authorised is None for a in e.assessments):
            yield "8867", _d(e.closure_date)
        for s in e.section47s:
            if bool(s.icpc_date) == s.icpc_not_required:
                yield "8868", _d(s.start)


# --- Assessments ---------------------------------------------------------------------------


@check("1103", "8608", "8614", "8696", "8736", "8869", "8898", "8897Q", "8945Q", "8950Q", "8896")
def assessments(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for e in c.episodes:
        if sum(1 for a in e.assessments if a.authorised is None) > 1:
            yield "8896", _d(e.referral_date)
        for a in e.assessments:
            if _before(a.start, e.referral_date):
                yield "1103", _d(a.start)
            if _before(a.authorised, a.start):
                yield "8608", _d(a.authorised)
            if a.authorised is None:
                if a.factors:
                    yield "8614", ", ".join(a.factors)
                if not ctx.period.contains(a.start):
                    yield "8736", _d(a.start)
            elif not ctx.period.contains(a.authorised):
                yield "8696", _d(a.authorised)
            if "21" in a.factors and len(a.factors) > 1:
                yield "8869", ", ".join(a.factors)
            if any(n > 1 for n in Counter(a.factors).values()):
                yield "8898", ", ".join(a.factors)
            if (
                a.authorised
                and a.authorised >= ctx.start
                and not any(f in ctx.valid["any_factor"] for f in a.factors)
            ):
                yield "8897Q", ", ".join(a.factors) or "blank"
            if "18A" in a.factors:
                yield "8945Q", "18A"
            if "19A" in a.factors:
                yield "8950Q", "19A"


@check("8863Q")
def assessments_overlap(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for e in c.episodes:
        for i, a in enumerate(e.assessments):
            if a.start is None:
                continue
            for j, b in enumerate(e.assessments):
                if i == j or b.start is None or a.start < b.start:
                    continue
                end = b.authorised if b.authorised else ctx.ref
                if a.start <= end:
                    yield "8863Q", _d(a.start)
                    break


# --- CIN plans -----------------------------------------------------------------------------


@check("4010", "4011", "4012Q", "4013", "4015", "4004", "4008", "4009Q", "4001", "4014")
def cin_plans(ctx: Context, c: CINChild) -> Iterator[Hit]:
    all_plans = [p for e in c.episodes for p in e.cin_plans]
    for e in c.episodes:
        if sum(1 for p in e.cin_plans if p.end is None) > 1:
            yield "4004", _d(e.referral_date)
        if any(cp.end is None for cp in e.cp_plans) and any(
            p.end is None and p.start for p in e.cin_plans
        ):
            yield "4001", _d(e.referral_date)
        for p in e.cin_plans:
            if p.start is None or p.start > ctx.ref:
                yield "4010", _d(p.start)
            if _before(p.end, p.start):
                yield "4011", _d(p.end)
            if p.start and p.start == p.end:
                yield "4012Q", _d(p.start)
            if p.end and not ctx.period.contains(p.end):
                yield "4013", _d(p.end)
            if _before(p.start, e.referral_date):
                yield "4015", _d(p.start)
            if _before(c.death_date, p.start):
                yield "4008", _d(p.start)
            if _before(c.death_date, p.end):
                yield "4009Q", _d(p.end)
    for i, p in enumerate(all_plans):
        for j, q in enumerate(all_plans):
            if i != j and p.start and q.start and q.start <= p.start <= (q.end or ctx.ref):
                yield "4014", _d(p.start)
                break


@check("4016", "4017")
def cin_and_cp_plans_apart(ctx: Context, c: CINChild) -> Iterator[Hit]:
    cins = [p for e in c.episodes for p in e.cin_plans if p.start]
    cpps = [p for e in c.episodes for p in e.cp_plans if p.start]
    for p in cins:
        for cp in cpps:
            if (
                p.start
                and cp.start
                and cp.start <= p.start
                and (p.start < cp.end if cp.end else p.start <= ctx.ref)
            ):
                yield "4016", _d(p.start)
                break
    for cp in cpps:
        for p in cins:
            if (
                p.start
                and cp.start
                and p.start <= cp.start
                and (cp.start < p.end if p.end else cp.start <= ctx.ref)
            ):
                yield "4017", _d(cp.start)
                break


# --- Section 47 enquiries ------------------------------------------------------------------


@check("2889", "1104", "8615", "8715", "8740", "8875", "8870Q", "8839")
def section47(ctx: Context, c: CINChild) -> Iterator[Hit]:
    for e in c.episodes:
        if e.initial_cpc:
            if not ctx.period.contains(e.initial_cpc):
                yield "8715", _d(e.initial_cpc)
            if _weekend(e.initial_cpc):
                yield "8875", _d(e.initial_cpc)
            if _before(e.initial_cpc, e.referral_date):
                yield "1104", _d(e.initial_cpc)
        waiting = [s for s in e.section47s if not s.icpc_date and not s.icpc_not_required]
        if len(waiting) > 1:
            yield "8839", _d(e.referral_date)
        for s in e.section47s:
            if _before(s.start, e.referral_date):
                yield "2889", _d(s.start)
            if _before(s.icpc_date, e.referral_date):
                yield "1104", _d(s.icpc_date)
            if s.icpc_date and (s.start is None or s.start > s.icpc_date):
                yield "8615", _d(s.start)
            if s.icpc_date and not ctx.period.contains(s.icpc_date):
                yield "8715", _d(s.icpc_date)
            if s in waiting and not ctx.period.contains(s.start):
                yield "8740", _d(s.start)
            if _weekend(s.icpc_date):
                yield "8875", _d(s.icpc_date)
            if _weekend(s.icpc_target):
                yield "8870Q", _d(s.icpc_target)


@check("8890")
def section47_overlap(ctx: Context, c: CINChild) -> Iterator[Hit]:
    """An enquiry may not start while another in the episode is under way: from its start
    to its conference, or to the year end while it awaits one."""
    for e in c.episodes:
        for i, a in enumerate(e.section47s):
            for j, b in enumerate(e.section47s):
                if i == j or a.start is None or b.start is None or a.start < b.start:
                    continue
                if (a.start, a.icpc_date) == (b.start, b.icpc_date):
                    continue  # the same enquiry recorded twice is another rule's business
                if b.icpc_date:
                    inside = a.start <= b.icpc_date
                else:
                    inside = a.start <= ctx.ref and not b.icpc_not_required
                if inside:
                    yield "8890", _d(a.start)
                    break


# --- Child protection plans ----------------------------------------------------------------


@check(
    "1105",
    "8720",
    "8730",
    "8840",
    "8841",
    "8905",
    "8910",
    "8915",
    "8920",
    "8925",
    "8930",
    "2885",
)
def cp_plans(ctx: Context, c: CINChild) -> Iterator[Hit]:
    categories = ctx.valid["category_of_abuse"]
    for e in c.episodes:
        conferences = [s.icpc_date for s in e.section47s if not s.icpc_not_required]
        for p in e.cp_plans:
            if _before(p.start, e.referral_date):
                yield "1105", _d(p.start)
            if p.start is None or p.start > ctx.ref:
                yield "8720", _d(p.start)
            if p.previous_plans is None or p.previous_plans < 0:
                yield "8730", "blank"
            if p.start and p.start == p.end:
                yield "8840", _d(p.start)
            for r in p.reviews:
                if p.start and r <= p.start:
                    yield "8841", _d(r)
            if p.initial_category not in categories:
                yield "8905", p.initial_category or "blank"
            if p.latest_category not in categories:
                yield "8910", p.latest_category or "blank"
            if _before(c.death_date, p.start):
                yield "8915", _d(p.start)
            if _before(c.death_date, p.end):
                yield "8920", _d(p.end)
            if _before(p.end, p.start):
                yield "8925", _d(p.end)
            if p.end and not ctx.period.contains(p.end):
                yield "8930", _d(p.end)
            # A plan starting in the year starts at an initial conference: the
            # enquiry's, or the episode's own where no enquiry is recorded.
            if ctx.period.contains(p.start):
                if e.section47s:
                    if conferences and p.start not in conferences:
                        yield "2885", _d(p.start)
                elif e.initial_cpc and p.start != e.initial_cpc:
                    yield "2885", _d(p.start)


@check("8935", "8940")
def cp_plans_apart(ctx: Context, c: CINChild) -> Iterator[Hit]:
    plans = [p for e in c.episodes for p in e.cp_plans]
    if sum(1 for p in plans if p.end is None) > 1:
        yield "8935", ""
    for i, p in enumerate(plans):
        for j, q in enumerate(plans):
            if i != j and p.start and q.start and q.start <= p.start <= (q.end or ctx.ref):
                yield "8940", _d(p.start)
                break


# --- Queries on timescales (working days: England and Wales bank holidays) ---------------


def _working_days_before(day: dt.date, n: int) -> dt.date:
    """The day n working days before `day` (a working day itself)."""
    calendar = working_calendar()
    while n > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


@check("8670Q", "8675Q", "8569Q", "2991Q")
def timescale_queries(ctx: Context, c: CINChild) -> Iterator[Hit]:
    # An assessment due within 45 working days of the referral: one that started 45
    # working days or more before the year end (counting it) and is not authorised.
    assessment_limit = _working_days_before(ctx.ref, 44)
    conference_limit = _working_days_before(ctx.ref, 14)
    for e in c.episodes:
        if e.referral_date and e.referral_date < ctx.start and e.referral_nfa is not False:
            yield "8569Q", _d(e.referral_date)
        if e.section47s and not e.assessments:
            yield "2991Q", _d(e.referral_date)
        for a in e.assessments:
            if a.authorised is None and a.start and a.start < assessment_limit:
                yield "8670Q", _d(a.start)
        for s in e.section47s:
            if (
                s.icpc_date is None
                and not s.icpc_not_required
                and s.start
                and s.start < conference_limit
            ):
                yield "8675Q", _d(s.start)


@check("8770Q")
def school_age_upn(ctx: Context, c: CINChild) -> Iterator[Hit]:
    # Of school age by the September after the census: a UPN, or a reason (not UN1).
    school_start = _add_months(ctx.ref, 4) + dt.timedelta(days=31)
    if (
        c.birth_date
        and c.birth_date <= _add_years(school_start, -6)
        and any(e.referral_nfa is False for e in c.episodes)
        and not c.upn
        and c.upn_unknown.upper() not in {"UN2", "UN3", "UN4", "UN5", "UN6", "UN7"}
    ):
        yield "8770Q", c.upn_unknown or "blank"


# --- Running the checks ---------------------------------------------------------------------


# Rules on the whole return: their findings name no child.
RETURN_LEVEL = frozenset({"2883"})


@dataclass
class Checker:
    """Checks a census child by child, keeping what the cross-child rules need."""

    year: int
    ctx: Context = field(init=False)
    table: dict[str, Rule] = field(init=False)
    active: list[tuple[Check, frozenset[str]]] = field(init=False)
    _ids: dict[str, int] = field(default_factory=dict)
    _upns: dict[str, list[str]] = field(default_factory=dict)
    _id_findings: dict[str, Finding] = field(default_factory=dict)
    # Rule 2883 (whole return): plans starting in the year, and initial conferences in it.
    _plans_started: int = 0
    _conferences: int = 0

    def __post_init__(self) -> None:
        self.ctx = Context(self.year)
        self.table = {c: r for c, r in rules("cin").items() if r.applies_to(self.year)}
        by_fn: dict[Check, set[str]] = {}
        for code, fn in CHECKS.items():
            if code in self.table:
                by_fn.setdefault(fn, set()).add(code)
        self.active = [(fn, frozenset(codes)) for fn, codes in by_fn.items()]

    def finding(self, code: str, child: CINChild, detail: str = "") -> Finding:
        return Finding(
            code=code,
            child=child.la_child_id,
            message=self.table[code].message,
            detail=detail,
            person_id=child.person_id,
        )

    def child(self, c: CINChild) -> list[Finding]:
        out: list[Finding] = []
        for fn, codes in self.active:
            for code, detail in fn(self.ctx, c):
                if code in codes:
                    out.append(self.finding(code, c, detail))
        if "8510" in self.table and c.la_child_id:
            self._ids[c.la_child_id] = self._ids.get(c.la_child_id, 0) + 1
            self._id_findings.setdefault(c.la_child_id, self.finding("8510", c, c.la_child_id))
        if "1520" in self.table and c.upn:
            self._upns.setdefault(c.upn, []).append(c.la_child_id)
        if "2883" in self.table:
            self._count_conferences(c)
        return out

    def _count_conferences(self, c: CINChild) -> None:
        """Rule 2883 counts CPP start dates, and ICPC dates in CIN details and in s47s,
        within the census year (31 March counted)."""
        start, ref = self.ctx.start, self.ctx.ref
        for e in c.episodes:
            for p in e.cp_plans:
                if p.start and start <= p.start <= ref:
                    self._plans_started += 1
            if e.initial_cpc and start <= e.initial_cpc <= ref:
                self._conferences += 1
            for s in e.section47s:
                if s.icpc_date and start <= s.icpc_date <= ref:
                    self._conferences += 1

    def finish(self) -> list[Finding]:
        """Findings that need the whole return: duplicate LA child IDs and UPNs, and
        more plans than conferences (for the return, so no child)."""
        out: list[Finding] = []
        for child_id, n in self._ids.items():
            if n > 1:
                out += [self._id_findings[child_id]] * n
        for value, children in self._upns.items():
            if len(children) > 1:
                message = self.table["1520"].message
                out += [Finding("1520", ch, message, value) for ch in children]
        if "2883" in self.table and self._plans_started > self._conferences:
            detail = f"{self._plans_started} plans started, {self._conferences} conferences"
            out.append(Finding("2883", "", self.table["2883"].message, detail))
        return out


def check_children(year: int, children: Iterable[CINChild]) -> list[Finding]:
    """Every finding for a census, in child order."""
    checker = Checker(year)
    out: list[Finding] = []
    for c in children:
        out += checker.child(c)
    return out + checker.finish()


def check_header(year: int, header_year: int) -> list[Finding]:
    """Rule 100: the reference date is 31 March of the collection year."""
    if header_year != year:
        return [Finding("100", "", rules("cin")["100"].message, str(header_year))]
    return []
