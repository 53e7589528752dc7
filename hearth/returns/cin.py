"""The DfE children in need census: the records, read from the casework record or from a
census file, and the XML file itself.

Structure, element order and header follow the DfE "Children in need census 2025 to 2026:
specification" (gov.uk) as summarised in shared/reference/statutory.md §1.2 (the element
order inside each block is an `xs:sequence`). Records are plain dataclasses so that the
same checks (`hearth.returns.cin_rules`) run on the record before export and on any
census file read back (`read_cin_xml`).

The census is taken "as at" the reference date (31 March of the collection year): an
episode closed after it is open in the census, an assessment authorised after it is
not yet authorised, and nothing that happened after it is included. Work finished
before the year began (an assessment authorised, a conference held, a plan ended) is
left out of an episode that runs on into the year (rules 8696, 8715, 8930, 4013).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from hearth.timescales.calendar import working_calendar

SOFTWARE_CODE = "Hearth"
RELEASE = "0.1"


@dataclass(frozen=True)
class Period:
    """A collection year: 1 April to the reference date (31 March) inclusive."""

    year: int

    @property
    def reference_date(self) -> dt.date:
        return dt.date(self.year, 3, 31)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year - 1, 4, 1)

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.reference_date


@dataclass
class Assessment:
    start: dt.date | None
    authorised: dt.date | None = None
    factors: list[str] = field(default_factory=list)
    source_id: int | None = None


@dataclass
class CINPlan:
    start: dt.date | None
    end: dt.date | None = None


@dataclass
class Section47:
    start: dt.date | None
    icpc_target: dt.date | None = None
    icpc_date: dt.date | None = None
    icpc_not_required: bool = False


@dataclass
class CPPlan:
    start: dt.date | None
    end: dt.date | None = None
    initial_category: str = ""
    latest_category: str = ""
    previous_plans: int | None = 0
    reviews: list[dt.date] = field(default_factory=list)


@dataclass
class CINDetails:
    referral_date: dt.date | None
    referral_source: str = ""
    primary_need: str = ""
    closure_date: dt.date | None = None
    closure_reason: str = ""
    initial_cpc: dt.date | None = None
    referral_nfa: bool | None = False
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[CINPlan] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    cp_plans: list[CPPlan] = field(default_factory=list)
    episode_id: int | None = None


@dataclass
class CINChild:
    la_child_id: str
    upn: str = ""
    former_upn: str = ""
    upn_unknown: str = ""
    birth_date: dt.date | None = None
    expected_birth_date: dt.date | None = None
    sex: str = ""
    death_date: dt.date | None = None
    ethnicity: str = ""
    disabilities: list[str] = field(default_factory=list)
    episodes: list[CINDetails] = field(default_factory=list)
    person_id: int | None = None
    # Records of this child that have no place in the census structure (a plan outside
    # every episode): listed by check X001, never dropped unseen.
    unplaced: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Header:
    year: int
    lea: str
    serial_no: str = "001"
    created: dt.datetime | None = None


# The synthetic authority's LA number in the trial environments (demo, test, bench): 999,
# on no DfE list, as its UPNs (hearth/demo/data.py).
SYNTHETIC_LA_NUMBER = "999"


def la_number() -> str:
    """The authority's three-digit DfE LA number (setting HEARTH_LA_NUMBER). Never guessed
    for a real authority: without the setting, a production export stops."""
    number = str(getattr(settings, "HEARTH_LA_NUMBER", "") or "")
    if number:
        return number
    if getattr(settings, "TRIAL", False):
        return SYNTHETIC_LA_NUMBER
    raise ImproperlyConfigured("Set HEARTH_LA_NUMBER, the authority's three-digit DfE LA number")


# --- From the record ------------------------------------------------------------------------


def _upto(day: dt.date | None, ref: dt.date) -> dt.date | None:
    """A date as the census sees it: a date after the reference date has not happened."""
    return day if day is not None and day <= ref else None


def cin_person_ids(year: int) -> list[int]:
    """The children in a census: a CIN episode open at some time in the collection
    year, in LA child ID order."""
    from hearth.casework.models import CINEpisode

    period = Period(year)
    rows = (
        CINEpisode.objects.filter(referral_date__lte=period.reference_date)
        .exclude(closure_date__lt=period.start)
        .exclude(person__merged_into__isnull=False)
        .order_by("person__local_id")
        .values_list("person_id", flat=True)
    )
    seen: set[int] = set()
    return [p for p in rows if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def cin_children(
    year: int, *, person_ids: list[int] | None = None, chunk: int = 2000
) -> Iterator[CINChild]:
    """The census records of those children, built from the casework record a chunk of
    children at a time."""
    period = Period(year)
    ordered = cin_person_ids(year) if person_ids is None else person_ids
    for i in range(0, len(ordered), chunk):
        yield from _chunk(ordered[i : i + chunk], period)


def _chunk(person_ids: list[int], period: Period) -> list[CINChild]:
    from hearth.casework.models import (
        Assessment as AssessmentRow,
    )
    from hearth.casework.models import (
        ChildProtectionPlan,
        CINEpisode,
        Conference,
        Section47Enquiry,
    )
    from hearth.casework.models import (
        CINPlan as CINPlanRow,
    )
    from hearth.people.models import Person, PersonDisability

    ref = period.reference_date
    episodes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in (
        CINEpisode.objects.filter(person_id__in=person_ids, referral_date__lte=ref)
        .exclude(closure_date__lt=period.start)
        .order_by("referral_date", "pk")
        .values(
            "pk",
            "person_id",
            "referral_date",
            "referral_source",
            "primary_need_code",
            "closure_date",
            "closure_reason",
        )
    ):
        episodes[e["person_id"]].append(dict(e))
    episode_ids = [e["pk"] for rows in episodes.values() for e in rows]
    in_census = set(episode_ids)

    by_episode: dict[str, dict[int, list[Any]]] = {
        k: defaultdict(list) for k in ("ass", "plan", "s47", "cpp")
    }
    for a in (
        AssessmentRow.objects.filter(episode_id__in=episode_ids, started_on__lte=ref)
        .exclude(authorised_on__lt=period.start)
        .order_by("started_on", "pk")
        .values("pk", "episode_id", "started_on", "authorised_on", "factors")
    ):
        authorised = _upto(a["authorised_on"], ref)
        by_episode["ass"][a["episode_id"]].append(
            Assessment(
                start=a["started_on"],
                authorised=authorised,
                # Factors are identified at the end of the assessment (rule 8614).
                factors=list(a["factors"] or []) if authorised else [],
                source_id=a["pk"],
            )
        )
    for p in (
        CINPlanRow.objects.filter(episode_id__in=episode_ids, start_date__lte=ref)
        .exclude(end_date__lt=period.start)
        .order_by("start_date", "pk")
        .values("episode_id", "start_date", "end_date")
    ):
        by_episode["plan"][p["episode_id"]].append(
            CINPlan(start=p["start_date"], end=_upto(p["end_date"], ref))
        )
    for s in (
        Section47Enquiry.objects.filter(episode_id__in=episode_ids, started_on__lte=ref)
        .exclude(icpc_held_on__lt=period.start)
        .order_by("started_on", "pk")
        .values("episode_id", "started_on", "icpc_due_on", "icpc_held_on", "icpc_required")
    ):
        by_episode["s47"][s["episode_id"]].append(
            Section47(
                start=s["started_on"],
                icpc_target=s["icpc_due_on"],
                icpc_date=_upto(s["icpc_held_on"], ref),
                icpc_not_required=s["icpc_required"] is False,
            )
        )
    plans = list(
        ChildProtectionPlan.objects.filter(person_id__in=person_ids, start_date__lte=ref)
        .exclude(end_date__lt=period.start)
        .order_by("start_date", "pk")
        .values(
            "pk",
            "person_id",
            "episode_id",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "previous_plans",
        )
    )
    reviews: dict[int, list[dt.date]] = defaultdict(list)
    for c in (
        Conference.objects.filter(
            plan_id__in=[p["pk"] for p in plans],
            kind="review",
            held_on__isnull=False,
            held_on__lte=ref,
            held_on__gte=period.start,
        )
        .order_by("held_on")
        .values("plan_id", "held_on")
    ):
        if c["held_on"]:
            reviews[c["plan_id"]].append(c["held_on"])
    unplaced: dict[int, list[str]] = defaultdict(list)
    for p in plans:
        episode_id = p["episode_id"] or _episode_on(episodes[p["person_id"]], p["start_date"])
        if episode_id is None or episode_id not in in_census:
            started = p["start_date"]
            unplaced[p["person_id"]].append(f"child protection plan from {started:%d/%m/%Y}")
            continue
        by_episode["cpp"][episode_id].append(
            CPPlan(
                start=p["start_date"],
                end=_upto(p["end_date"], ref),
                initial_category=p["initial_category"],
                # As recorded: a blank latest category is rule 8910, not the initial one.
                latest_category=p["latest_category"],
                previous_plans=p["previous_plans"],
                reviews=[d for d in reviews[p["pk"]] if d > p["start_date"]] or reviews[p["pk"]],
            )
        )

    disabilities: dict[int, list[str]] = defaultdict(list)
    for d in (
        PersonDisability.objects.filter(person_id__in=person_ids)
        .order_by("code")
        .values("person_id", "code")
    ):
        disabilities[d["person_id"]].append(d["code"])
    people: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Person.objects.filter(pk__in=person_ids).values(
            "pk",
            "local_id",
            "kind",
            "upn",
            "former_upn",
            "upn_unknown",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "date_of_death",
            "ethnicity",
        )
    }
    out: list[CINChild] = []
    for pid in person_ids:
        person = people[pid]
        born = _upto(person["date_of_birth"], ref)
        child = CINChild(
            la_child_id=person["local_id"],
            upn=person["upn"],
            former_upn=person["former_upn"],
            upn_unknown=person["upn_unknown"],
            birth_date=born,
            expected_birth_date=None if born else person["expected_date_of_birth"],
            sex=person["sex"],
            death_date=_upto(person["date_of_death"], ref),
            ethnicity=person["ethnicity"],
            disabilities=disabilities[pid],
            person_id=pid,
            unplaced=unplaced[pid],
        )
        for ep in episodes[pid]:
            eid = ep["pk"]
            closed = _upto(ep["closure_date"], ref)
            details = CINDetails(
                referral_date=ep["referral_date"],
                referral_source=ep["referral_source"],
                primary_need=ep["primary_need_code"],
                closure_date=closed,
                closure_reason=ep["closure_reason"] if closed else "",
                assessments=by_episode["ass"][eid],
                cin_plans=by_episode["plan"][eid],
                section47s=by_episode["s47"][eid],
                cp_plans=by_episode["cpp"][eid],
                episode_id=eid,
            )
            # A referral with no further action: decided at the referral (closed within
            # a working day) with nothing done after it.
            details.referral_nfa = bool(
                closed
                and closed <= working_calendar().add_working_days(ep["referral_date"], 1)
                and not (
                    details.assessments
                    or details.cin_plans
                    or details.section47s
                    or details.cp_plans
                )
            )
            child.episodes.append(details)
        out.append(child)
    return out


def _episode_on(rows: list[dict[str, Any]], day: dt.date) -> int | None:
    for e in reversed(rows):
        if e["referral_date"] <= day and (e["closure_date"] is None or e["closure_date"] >= day):
            return int(e["pk"])
    return None


# --- The XML file ----------------------------------------------------------------------------


def _d(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _el(name: str, value: str | None, indent: str) -> str:
    if value is None or value == "":
        return ""
    return f"{indent}<{name}>{escape(value)}</{name}>\n"


def _flag(value: bool | None) -> str | None:
    if value is None:
        return None
    # 1/0 rather than true/false: the DfE schema accepts both (yesnotype).
    return "1" if value else "0"


def child_xml(c: CINChild) -> str:
    """One `<Child>` element, its children in the order the schema requires."""
    i3, i4, i5, i6 = ("  " * n for n in (3, 4, 5, 6))
    parts = ["    <Child>\n", f"{i3}<ChildIdentifiers>\n"]
    parts += [
        _el("LAchildID", c.la_child_id, i4),
        _el("UPN", c.upn, i4),
        _el("FormerUPN", c.former_upn, i4),
        _el("UPNunknown", c.upn_unknown, i4),
        _el("PersonBirthDate", _d(c.birth_date), i4),
        _el("ExpectedPersonBirthDate", _d(c.expected_birth_date), i4),
        _el("Sex", c.sex, i4),
        _el("PersonDeathDate", _d(c.death_date), i4),
        f"{i3}</ChildIdentifiers>\n",
        f"{i3}<ChildCharacteristics>\n",
        _el("Ethnicity", c.ethnicity, i4),
    ]
    if c.disabilities:
        parts.append(f"{i4}<Disabilities>\n")
        parts += [_el("Disability", d, i5) for d in c.disabilities]
        parts.append(f"{i4}</Disabilities>\n")
    parts.append(f"{i3}</ChildCharacteristics>\n")
    for e in c.episodes:
        parts.append(f"{i3}<CINdetails>\n")
        parts += [
            _el("CINreferralDate", _d(e.referral_date), i4),
            _el("ReferralSource", e.referral_source, i4),
            _el("PrimaryNeedCode", e.primary_need, i4),
            _el("CINclosureDate", _d(e.closure_date), i4),
            _el("ReasonForClosure", e.closure_reason, i4),
            _el("DateOfInitialCPC", _d(e.initial_cpc), i4),
        ]
        for a in e.assessments:
            parts.append(f"{i4}<Assessments>\n")
            parts += [
                _el("AssessmentActualStartDate", _d(a.start), i5),
                _el("AssessmentAuthorisationDate", _d(a.authorised), i5),
            ]
            if a.factors:
                parts.append(f"{i5}<FactorsIdentifiedAtAssessment>\n")
                parts += [_el("AssessmentFactors", f, i6) for f in a.factors]
                parts.append(f"{i5}</FactorsIdentifiedAtAssessment>\n")
            parts.append(f"{i4}</Assessments>\n")
        for p in e.cin_plans:
            parts.append(f"{i4}<CINPlanDates>\n")
            parts += [
                _el("CINPlanStartDate", _d(p.start), i5),
                _el("CINPlanEndDate", _d(p.end), i5),
            ]
            parts.append(f"{i4}</CINPlanDates>\n")
        for s in e.section47s:
            parts.append(f"{i4}<Section47>\n")
            parts += [
                _el("S47ActualStartDate", _d(s.start), i5),
                _el("InitialCPCtarget", _d(s.icpc_target), i5),
                _el("DateOfInitialCPC", _d(s.icpc_date), i5),
                _el("ICPCnotRequired", _flag(s.icpc_not_required), i5),
            ]
            parts.append(f"{i4}</Section47>\n")
        parts.append(_el("ReferralNFA", _flag(e.referral_nfa), i4))
        for cp in e.cp_plans:
            parts.append(f"{i4}<ChildProtectionPlans>\n")
            parts += [
                _el("CPPstartDate", _d(cp.start), i5),
                _el("CPPendDate", _d(cp.end), i5),
                _el("InitialCategoryOfAbuse", cp.initial_category, i5),
                _el("LatestCategoryOfAbuse", cp.latest_category, i5),
                _el(
                    "NumberOfPreviousCPP",
                    None if cp.previous_plans is None else str(cp.previous_plans),
                    i5,
                ),
            ]
            if cp.reviews:
                parts.append(f"{i5}<Reviews>\n")
                parts += [_el("CPPreviewDate", _d(r), i6) for r in cp.reviews]
                parts.append(f"{i5}</Reviews>\n")
            parts.append(f"{i4}</ChildProtectionPlans>\n")
        parts.append(f"{i3}</CINdetails>\n")
    parts.append("    </Child>\n")
    return "".join(parts)


def header_xml(h: Header) -> str:
    created = h.created or timezone.now()
    stamp = timezone.localtime(created).replace(microsecond=0, tzinfo=None).isoformat()
    return (
        "  <Header>\n"
        "    <CollectionDetails>\n"
        "      <Collection>CIN</Collection>\n"
        f"      <Year>{h.year}</Year>\n"
        f"      <ReferenceDate>{Period(h.year).reference_date.isoformat()}</ReferenceDate>\n"
        "    </CollectionDetails>\n"
        "    <Source>\n"
        "      <SourceLevel>L</SourceLevel>\n"
        f"      <LEA>{escape(h.lea)}</LEA>\n"
        f"      <SoftwareCode>{SOFTWARE_CODE}</SoftwareCode>\n"
        f"      <Release>{RELEASE}</Release>\n"
        f"      <SerialNo>{escape(h.serial_no)}</SerialNo>\n"
        f"      <DateTime>{stamp}</DateTime>\n"
        "    </Source>\n"
        "  </Header>\n"
    )


def write_cin_xml(header: Header, children: Iterable[CINChild], out: IO[str]) -> int:
    """Write the census to `out` a child at a time (nothing held but the current child);
    return the number of children written."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n')
    out.write(header_xml(header))
    out.write("  <Children>\n")
    count = 0
    for child in children:
        out.write(child_xml(child))
        count += 1
    out.write("  </Children>\n</Message>\n")
    return count


# --- Reading a census file back --------------------------------------------------------------


def _date(el: ET.Element, name: str) -> dt.date | None:
    text = el.findtext(name)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _text(el: ET.Element, name: str) -> str:
    return (el.findtext(name) or "").strip()


def _bool(el: ET.Element, name: str) -> bool | None:
    text = _text(el, name).lower()
    if text in {"1", "true"}:
        return True
    if text in {"0", "false"}:
        return False
    return None


def read_cin_xml(path: Path | str) -> tuple[Header, list[CINChild]]:
    """Read a census file (ours or another system's) into the same records."""
    header_year = 0
    lea = ""
    children: list[CINChild] = []
    # Files read here are ones Hearth wrote or a performance officer chose to check;
    # expat does not fetch external entities.
    for _event, el in ET.iterparse(str(path), events=("end",)):  # noqa: S314
        if el.tag == "CollectionDetails":
            header_year = int(_text(el, "Year") or 0)
        elif el.tag == "Source":
            lea = _text(el, "LEA")
        elif el.tag == "Child":
            children.append(_child_from(el))
            el.clear()
    return Header(year=header_year, lea=lea), children


def _child_from(el: ET.Element) -> CINChild:
    ids = el.find("ChildIdentifiers")
    chars = el.find("ChildCharacteristics")
    ids = ids if ids is not None else ET.Element("x")
    chars = chars if chars is not None else ET.Element("x")
    child = CINChild(
        la_child_id=_text(ids, "LAchildID"),
        upn=_text(ids, "UPN"),
        former_upn=_text(ids, "FormerUPN"),
        upn_unknown=_text(ids, "UPNunknown"),
        birth_date=_date(ids, "PersonBirthDate"),
        expected_birth_date=_date(ids, "ExpectedPersonBirthDate"),
        sex=_text(ids, "Sex"),
        death_date=_date(ids, "PersonDeathDate"),
        ethnicity=_text(chars, "Ethnicity"),
        disabilities=[(d.text or "").strip() for d in chars.iterfind("Disabilities/Disability")],
    )
    for e in el.iterfind("CINdetails"):
        details = CINDetails(
            referral_date=_date(e, "CINreferralDate"),
            referral_source=_text(e, "ReferralSource"),
            primary_need=_text(e, "PrimaryNeedCode"),
            closure_date=_date(e, "CINclosureDate"),
            closure_reason=_text(e, "ReasonForClosure"),
            initial_cpc=_date(e, "DateOfInitialCPC"),
            referral_nfa=_bool(e, "ReferralNFA"),
        )
        for a in e.iterfind("Assessments"):
            details.assessments.append(
                Assessment(
                    start=_date(a, "AssessmentActualStartDate"),
                    authorised=_date(a, "AssessmentAuthorisationDate"),
                    factors=[
                        (f.text or "").strip()
                        for f in a.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors")
                    ],
                )
            )
        for p in e.iterfind("CINPlanDates"):
            details.cin_plans.append(
                CINPlan(start=_date(p, "CINPlanStartDate"), end=_date(p, "CINPlanEndDate"))
            )
        for s in e.iterfind("Section47"):
            details.section47s.append(
                Section47(
                    start=_date(s, "S47ActualStartDate"),
                    icpc_target=_date(s, "InitialCPCtarget"),
                    icpc_date=_date(s, "DateOfInitialCPC"),
                    icpc_not_required=bool(_bool(s, "ICPCnotRequired")),
                )
            )
        for cp in e.iterfind("ChildProtectionPlans"):
            previous = _text(cp, "NumberOfPreviousCPP")
            details.cp_plans.append(
                CPPlan(
                    start=_date(cp, "CPPstartDate"),
                    end=_date(cp, "CPPendDate"),
                    initial_category=_text(cp, "InitialCategoryOfAbuse"),
                    latest_category=_text(cp, "LatestCategoryOfAbuse"),
                    previous_plans=int(previous) if previous.isdigit() else None,
                    reviews=[
                        d
                        for d in (_parse_day(r.text) for r in cp.iterfind("Reviews/CPPreviewDate"))
                        if d
                    ],
                )
            )
        child.episodes.append(details)
    return child


def _parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None
