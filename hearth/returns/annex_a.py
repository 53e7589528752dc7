"""Ofsted ILACS Annex A: the child-level lists 1 to 11 as one workbook.

Column headers are the Ofsted template's (shared/reference/statutory.md §3, read from the
template copy in liiatools); lettered values come from `codelists/annex_a.toml` and the
DfE code lists. Lists 1 to 8 cover the 6 months before the inspection date, lists 10 and
11 the 12 months before it; list 9 is the care leavers on the date.

Hearth holds no early help assessments: list 2 carries the template's headers and a note
row saying so (NOTES), never an empty sheet that reads as "none took place". List 11 is
one row per individual prospective adopter, with their family's dates.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from hearth.core.codelists import codelist
from hearth.returns.cin import la_number

CODELIST = Path(__file__).parent / "codelists" / "annex_a.toml"
PERSON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
WORKER = ["Allocated Team", "Allocated Worker"]
DISABILITY = "Does the Child have a Disability"

LISTS: dict[str, tuple[str, list[str]]] = {
    "List 1": ("Contacts", [*PERSON, "Date of Contact", "Contact Source"]),
    "List 2": ("Early help", [*PERSON, "Assessment start date", "Assessment completion date",
                              "Organisation completing assessment"]),
    "List 3": ("Referrals", [*PERSON, "Date of Referral", "Referral Source", "Referral NFA?",
                             "Number of Referrals in Last 12 Months", *WORKER]),
    "List 4": ("Assessments", [*PERSON, DISABILITY, "Continuous Assessment Start Date",
                               "Child Seen During Continuous Assessment",
                               "Continuous Assessment Date of Authorisation",
                               "Was the child assessed as requiring LA children's social care "
                               "support?", *WORKER]),
    "List 5": ("Section 47", [*PERSON, DISABILITY,
                              "Strategy discussion initiating Section 47 Enquiry Start Date",
                              "Was an Initial Child Protection Conference deemed unnecessary?",
                              "Date of Initial Child Protection Conference",
                              "Did the Initial Child Protection Conference Result in a Child "
                              "Protection Plan",
                              "Number of Section 47 Enquiries in the last 12 months",
                              "Number of ICPCs in the last 12 months", *WORKER]),
    "List 6": ("Children in need", [*PERSON, DISABILITY, "CIN Start Date", "Primary Need Code",
                                    "Date Child Was Last Seen", "CIN Closure Date",
                                    "Reason for Closure", "Case Status", *WORKER]),
    "List 7": ("Child protection", [*PERSON, DISABILITY, "Child Protection Plan Start Date",
                                    "Initial Category of Abuse", "Latest Category of Abuse",
                                    "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
                                    "Date of latest review conference",
                                    "Child Protection Plan End Date",
                                    "Subject to Emergency Protection Order or Protected Under "
                                    "Police Powers in Last Six Months (Y/N)",
                                    "Number of Previous Child Protection Plans", *WORKER]),
    "List 8": ("Children in care", [*PERSON, "UASC within the Last 12 Months (Y/N)", DISABILITY,
                                    "Date Started to be Looked After", "Child's Category of Need",
                                    "Is this a second or subsequent period of being Looked After "
                                    "within the last 12 months (Y/N)",
                                    "Start date of current legal status", "Child's Legal Status",
                                    "Date of Latest Statutory Review",
                                    "Date of Last Social Work Visit",
                                    "What is the permanence plan for this child?",
                                    "Date of Last IRO Visit / Contact to the Child",
                                    "Date of Last Health Assessment", "Date of Last Dental Check",
                                    "Number of Placements in the Last 12 months",
                                    "Date Ceased to be Looked After",
                                    "Reason Ceased to be Looked After",
                                    "Start Date of Most Recent Placement", "Placement Type",
                                    "Placement Provider", "Placement postcode",
                                    "URN of Placement", "Placement Location", "LA of Placement",
                                    "Number of Episodes the Child has been 'Missing' from their "
                                    "Placement in the last 12 months",
                                    "Number of Episodes the Child has been 'Absent' from their "
                                    "Placement in the last 12 months",
                                    "Was the child offered a Return Interview after their last "
                                    "missing episode (Y/N)?",
                                    "Did the child accept a Return Interview after their last "
                                    "missing episode (Y/N)?", *WORKER]),
    "List 9": ("Care leavers", [*PERSON, DISABILITY, *WORKER, "Eligibility Category",
                                "LA in Touch", "Type of Accommodation",
                                "Suitability of Accommodation", "Activity Status"]),
    "List 10": ("Adoption", ["Child Unique ID", "Family identifier", "Gender", "Ethnicity",
                             "Date of Birth", "Age of Child (Years)", DISABILITY,
                             "Date the Child Entered Care",
                             "Date of Decision that Child Should be Placed for Adoption",
                             "Date of Placement Order",
                             "Date of Matching Child and Prospective Adopters",
                             "Date Placed for Adoption", "Date of Adoption Order",
                             "Date of Decision that Child Should No Longer be Placed for "
                             "Adoption", "Reason Why Child No Longer Placed for Adoption",
                             "Date the child was placed for fostering in FFA or concurrent "
                             "planning placement"]),
    "List 11": ("Adopters", ["Individual adopter identifier", "Family identifier", "Gender",
                             "Ethnicity", "Disability",
                             "Is the (prospective) adopter fostering for adoption?",
                             "Date enquiry received", "Date Stage 1 started",
                             "Date Stage 1 ended", "Date Stage 2 started", "Date Stage 2 ended",
                             "Date application submitted", "Date application approved",
                             "Date adopter matched with child(ren)",
                             "Date child/children placed with adopter(s)",
                             "No. of children placed", "Date of Adoption Order",
                             "Date of leaving adoption process",
                             "Reason for leaving adoption process"]),
}  # fmt: skip
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# A row under the headers of a list Hearth cannot fill, so the sheet says why it is empty.
NOTES: dict[str, str] = {
    "List 2": "Hearth holds no early help assessments: this list is not produced from the "
    "record and must come from the system that holds early help.",
}


@cache
def values(name: str) -> dict[str, str]:
    """One of the template's lettered value sets, code to written value."""
    with CODELIST.open("rb") as f:
        data = tomllib.load(f)
    return {str(r["code"]): r["value"] for r in data[name]}


def letter(i: int) -> str:
    """a … z, then aa, ab …"""
    return LETTERS[i] if i < 26 else LETTERS[i // 26 - 1] + LETTERS[i % 26]


@cache
def lettered(list_name: str, labelled: bool = False, on: dt.date | None = None) -> dict[str, str]:
    """A DfE code list written as the template does: `a) WBRI`, or `f) U6: label`; with
    `on`, only the codes valid on that day are lettered."""
    codes = codelist(list_name)
    choices = codes.choices(on=on) if on else codes.all_choices()
    out = {}
    for i, (code, label) in enumerate(choices):
        out[code] = f"{letter(i)}) {code}: {label}" if labelled else f"{letter(i)}) {code}"
    return out


def source_value(code: str) -> str:
    """Contact or referral source: `a) 1A: Individual` … `u) 10: Unknown`."""
    codes = [c for c, _ in codelist("referral_source").all_choices()]
    if code not in codes:
        return ""
    groups = values("source_group")
    group = groups.get(code) or groups.get(code[:1]) or ""
    return f"{letter(codes.index(code))}) {code}: {group}"


def yn(value: bool | None) -> str:
    return values("yes_no")["U" if value is None else ("Y" if value else "N")]


def day(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def months_before(on: dt.date, months: int) -> dt.date:
    month = on.month - 1 - months
    year, month = on.year + month // 12, month % 12 + 1
    for d in (on.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(on)


def chunks(ids: list[int], size: int = 5000) -> Iterable[list[int]]:
    """Ids a few thousand at a time: SQLite refuses very long IN lists."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


@dataclass
class Lists:
    on: dt.date
    rows: dict[str, list[list[Any]]]

    @property
    def total(self) -> int:
        return sum(len(r) for r in self.rows.values())


class _People:
    """The person columns and allocations, read once for everyone in the lists."""

    def __init__(self, on: dt.date, ids: Iterable[int]) -> None:
        from hearth.people.models import Involvement, Person, PersonDisability

        self.on = on
        self.people: dict[int, dict[str, Any]] = {}
        self.disabled: dict[int, set[str]] = defaultdict(set)
        self.worker: dict[int, tuple[str, str]] = {}
        for part in chunks(sorted(set(ids))):
            for p in Person.objects.filter(pk__in=part).values(
                "pk", "local_id", "sex", "ethnicity", "date_of_birth"
            ):
                self.people[p["pk"]] = dict(p)
            for pid, code in PersonDisability.objects.filter(person_id__in=part).values_list(
                "person_id", "code"
            ):
                self.disabled[pid].add(code)
            for inv in (
                Involvement.objects.filter(person_id__in=part, started__lte=on)
                .exclude(ended__lt=on)
                .order_by("person_id", "started")
                .values("person_id", "team__name", "worker__full_name")
            ):
                self.worker[inv["person_id"]] = (inv["team__name"], inv["worker__full_name"] or "")

    def columns(self, pid: int) -> list[Any]:
        p = self.people[pid]
        born = p["date_of_birth"]
        age = None
        if born:
            age = self.on.year - born.year - ((self.on.month, self.on.day) < (born.month, born.day))
        return [
            p["local_id"],
            values("gender").get(p["sex"], ""),
            lettered("ethnicity").get(p["ethnicity"], ""),
            day(born),
            age,
        ]

    def disability(self, pid: int) -> str:
        codes = self.disabled.get(pid)
        if not codes:
            return yn(None)
        return yn(codes != {"NONE"})

    def allocation(self, pid: int) -> list[str]:
        return list(self.worker.get(pid, ("", "")))


def annex_a_lists(on: dt.date) -> Lists:
    """Every list for an inspection on `on`, as rows under the template's headers."""
    from hearth.care.models import (
        AdopterApplication,
        Adoption,
        CareLeaver,
        CareLeaverContact,
        Episode,
        MissingEpisode,
        Review,
        StatutoryVisit,
        UASCStatus,
    )
    from hearth.care.selectors import annex_a_adopters
    from hearth.casework.models import (
        Assessment,
        CaseNote,
        ChildProtectionPlan,
        ChildSeen,
        CINEpisode,
        CINPlan,
        Section47Enquiry,
    )
    from hearth.frontdoor.models import ContactPerson

    six = months_before(on, 6)
    twelve = months_before(on, 12)
    rows: dict[str, list[list[Any]]] = {name: [] for name in LISTS}

    contacts = _rows(
        ContactPerson.objects.filter(
            role="child", contact__received_at__date__gte=six, contact__received_at__date__lte=on
        )
        .order_by("contact__received_at")
        .values("person_id", "contact__received_at", "contact__referral_source")
    )
    episodes = _rows(
        CINEpisode.objects.filter(referral_date__lte=on)
        .exclude(closure_date__lt=six)
        .order_by("referral_date")
        .values("pk", "person_id", "referral_date", "referral_source", "primary_need_code",
                "closure_date", "closure_reason")
    )  # fmt: skip
    referrals_12: dict[int, int] = defaultdict(int)
    for pid in CINEpisode.objects.filter(
        referral_date__gte=twelve, referral_date__lte=on
    ).values_list("person_id", flat=True):
        referrals_12[pid] += 1
    assessments = _rows(
        Assessment.objects.filter(started_on__lte=on)
        .exclude(authorised_on__lt=six)
        .order_by("started_on")
        .values("pk", "person_id", "started_on", "authorised_on", "outcome")
    )
    seen = set(
        ChildSeen.objects.filter(assessment_id__in=[a["pk"] for a in assessments]).values_list(
            "assessment_id", flat=True
        )
    )
    s47s = _rows(
        Section47Enquiry.objects.filter(started_on__gte=six, started_on__lte=on)
        .order_by("started_on")
        .values("person_id", "started_on", "icpc_required", "icpc_held_on")
    )
    s47_12: dict[int, int] = defaultdict(int)
    icpc_12: dict[int, int] = defaultdict(int)
    for pid, held in Section47Enquiry.objects.filter(
        started_on__gte=twelve, started_on__lte=on
    ).values_list("person_id", "icpc_held_on"):
        s47_12[pid] += 1
        if held and held <= on:
            icpc_12[pid] += 1
    plans = _rows(
        ChildProtectionPlan.objects.filter(start_date__lte=on)
        .exclude(end_date__lt=six)
        .order_by("start_date")
        .values("pk", "person_id", "start_date", "end_date", "initial_category",
                "latest_category", "previous_plans", "last_visit_on", "last_review_on")
    )  # fmt: skip
    plan_starts = {
        (p["person_id"], p["start_date"]) for p in plans if p["start_date"] and p["start_date"]
    }
    on_plan = {p["person_id"] for p in plans if p["end_date"] is None or p["end_date"] > on}
    last_seen: dict[int, dt.datetime] = {}
    for part in chunks(sorted({e["person_id"] for e in episodes})):
        last_seen.update(
            CaseNote.objects.filter(person_id__in=part, child_seen=True, occurred_at__date__lte=on)
            .order_by("occurred_at")
            .values_list("person_id", "occurred_at")
        )
    cin_plan_open = set(
        CINPlan.objects.filter(start_date__lte=on)
        .exclude(end_date__lt=on)
        .values_list("person_id", flat=True)
    )
    care_eps = _rows(
        Episode.objects.filter(start_date__lte=on)
        .exclude(end_date__lt=six)
        .order_by("person_id", "start_date", "pk")
        .values("person_id", "period_id", "period__start_date", "period__permanence_plan",
                "start_date", "legal_status", "category_of_need", "placement_type",
                "placement_provider", "end_date", "reason_ceased", "placement_postcode", "urn",
                "placement__start_date", "placement__carer__la_code")
    )  # fmt: skip
    leavers = _rows(
        CareLeaver.objects.exclude(eligibility="eligible").values("person_id", "eligibility")
    )
    adoptions = _rows(
        Adoption.objects.exclude(adoption_order_on__lt=twelve)
        .exclude(reversed_on__lt=twelve)
        .filter(should_be_placed_on__lte=on)
        .values()
    )
    # List 11: the care app's reading of the list's scope (adopters in the process at
    # some time in the 12 months), one row an adopter.
    adopters = annex_a_adopters(twelve, on)
    references = dict(
        AdopterApplication.objects.filter(
            pk__in={a["family_id"] for a in adoptions if a["family_id"]}
        ).values_list("pk", "reference")
    )
    ids = {c["person_id"] for c in contacts} | {e["person_id"] for e in episodes}
    ids |= {a["person_id"] for a in assessments} | {s["person_id"] for s in s47s}
    ids |= {p["person_id"] for p in plans} | {e["person_id"] for e in care_eps}
    ids |= {c["person_id"] for c in leavers} | {a["person_id"] for a in adoptions}
    people = _People(on, ids)

    for ct in contacts:
        received = ct["contact__received_at"]
        rows["List 1"].append(
            [*people.columns(ct["person_id"]), day(received.date() if received else None),
             source_value(ct["contact__referral_source"])]
        )  # fmt: skip
    for e in episodes:
        pid = e["person_id"]
        if e["referral_date"] >= six:
            nfa = e["closure_date"] is not None and e["closure_date"] <= e["referral_date"]
            rows["List 3"].append(
                [*people.columns(pid), day(e["referral_date"]), source_value(e["referral_source"]),
                 yn(nfa), referrals_12[pid], *people.allocation(pid)]
            )  # fmt: skip
        closed = e["closure_date"] if e["closure_date"] and e["closure_date"] <= on else None
        if closed:
            status = "closed"
        elif pid in on_plan:
            status = "cpp"
        elif pid in cin_plan_open:
            status = "cin"
        else:
            status = "assessment"
        need = e["primary_need_code"]
        reason = e["closure_reason"] if closed else ""
        rows["List 6"].append(
            [*people.columns(pid), people.disability(pid), day(e["referral_date"]),
             f"{need} - {codelist('primary_need').label(need)}" if need else "",
             day(timezone.localtime(last_seen[pid]).date() if pid in last_seen else None),
             day(closed), f"{reason} - {codelist('closure_reason').label(reason)}" if reason
             else "", values("case_status")[status], *people.allocation(pid)]
        )  # fmt: skip
    for a in assessments:
        pid = a["person_id"]
        done = a["authorised_on"] if a["authorised_on"] and a["authorised_on"] <= on else None
        support = None if not done else a["outcome"] in {"cin_plan", "strategy_discussion"}
        rows["List 4"].append(
            [*people.columns(pid), people.disability(pid), day(a["started_on"]),
             yn(a["pk"] in seen), day(done), yn(support), *people.allocation(pid)]
        )  # fmt: skip
    for s in s47s:
        pid = s["person_id"]
        held = s["icpc_held_on"] if s["icpc_held_on"] and s["icpc_held_on"] <= on else None
        result = None if not held else (pid, held) in plan_starts
        rows["List 5"].append(
            [*people.columns(pid), people.disability(pid), day(s["started_on"]),
             yn(None if s["icpc_required"] is None else not s["icpc_required"]), day(held),
             yn(result), s47_12[pid], icpc_12[pid], *people.allocation(pid)]
        )  # fmt: skip
    abuse = values("category_of_abuse")
    for p in plans:
        pid = p["person_id"]
        ended = p["end_date"] if p["end_date"] and p["end_date"] <= on else None
        rows["List 7"].append(
            [*people.columns(pid), people.disability(pid), day(p["start_date"]),
             abuse.get(p["initial_category"], ""), abuse.get(p["latest_category"], ""),
             day(p["last_visit_on"]), yn(True if p["last_visit_on"] else None),
             day(p["last_review_on"]), day(ended), yn(None), p["previous_plans"],
             *people.allocation(pid)]
        )  # fmt: skip
    _list8(rows["List 8"], care_eps, people, on, twelve, Review, StatutoryVisit, MissingEpisode,
           UASCStatus)  # fmt: skip
    contacts_oc3: dict[int, dict[str, Any]] = {
        row["person_id"]: dict(row)
        for row in CareLeaverContact.objects.filter(person_id__in=[x["person_id"] for x in leavers])
        .order_by("birthday")
        .values("person_id", "in_touch", "activity", "accommodation")
    }
    for x in leavers:
        pid = x["person_id"]
        oc3 = contacts_oc3.get(pid, {})
        accom = oc3.get("accommodation", "")
        rows["List 9"].append(
            [*people.columns(pid), people.disability(pid), *people.allocation(pid),
             values("eligibility").get(x["eligibility"], ""), oc3.get("in_touch", ""),
             accom[:1], values("suitability").get(accom[1:], ""), oc3.get("activity", "")]
        )  # fmt: skip
    for ad in adoptions:
        pid = ad["person_id"]
        cols = people.columns(pid)
        rows["List 10"].append(
            [cols[0], references.get(ad["family_id"], ""), cols[1], cols[2], cols[3], cols[4],
             people.disability(pid),
             day(_period_start(care_eps, ad["period_id"])), day(ad["should_be_placed_on"]),
             day(ad["placement_order_on"]), day(ad["matched_on"]), day(ad["placed_on"]),
             day(ad["adoption_order_on"]), day(ad["reversed_on"]), ad["reversed_reason"],
             day(ad["ffa_placed_on"])]
        )  # fmt: skip
    _list11(rows["List 11"], adopters, on)
    return Lists(on=on, rows=rows)


def _list11(out: list[list[Any]], adopters: list[dict[str, Any]], on: dt.date) -> None:
    """One row per individual adopter with the family's dates as they stood on the date,
    in the template's values."""
    reasons = values("adopter_left_reason")

    def upto(value: dt.date | None) -> dt.date | None:
        return value if value and value <= on else None

    for a in adopters:
        codes = set(a["disabilities"])
        left = upto(a["application__left_on"])
        placed = upto(a["application__placed_on"])
        out.append(
            [a["person__local_id"], a["application__reference"],
             values("gender").get(a["person__sex"], ""),
             lettered("ethnicity").get(a["person__ethnicity"], ""),
             yn(None if not codes else codes != {"NONE"}),
             yn(a["application__fostering_for_adoption"]),
             *(day(upto(a[f"application__{k}"])) for k in (
                 "enquiry_on", "stage1_started_on", "stage1_ended_on", "stage2_started_on",
                 "stage2_ended_on", "applied_on", "approved_on", "matched_on")),
             day(placed), a["application__children_placed"] if placed else None,
             day(upto(a["application__adoption_order_on"])), day(left),
             reasons.get(a["application__left_reason"], "") if left else ""]
        )  # fmt: skip


def _rows(rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in rows]


def _period_start(care_eps: list[dict[str, Any]], period_id: int) -> dt.date | None:
    return next((e["period__start_date"] for e in care_eps if e["period_id"] == period_id), None)


def _list8(out: list[list[Any]], care_eps: list[dict[str, Any]], people: _People, on: dt.date,
           twelve: dt.date, review: Any, visit: Any, missing: Any, uasc: Any) -> None:  # fmt: skip
    """Children in care on the date or who left in the 6 months before: one row each."""
    from hearth.care.models import HealthAssessment, IROContact

    by_child: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in care_eps:
        by_child[e["person_id"]].append(e)
    ids = list(by_child)
    last_review = dict(
        review.objects.filter(person_id__in=ids, held_on__lte=on)
        .order_by("held_on")
        .values_list("person_id", "held_on")
    )
    last_visit = dict(
        visit.objects.filter(person_id__in=ids, visited_on__lte=on)
        .order_by("visited_on")
        .values_list("person_id", "visited_on")
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    last_missing: dict[int, dict[str, Any]] = {}
    for m in (
        missing.objects.filter(person_id__in=ids, started_at__date__gte=twelve,
                               started_at__date__lte=on)
        .order_by("started_at")
        .values("person_id", "kind", "interview_offered_at", "interview_accepted")
    ):  # fmt: skip
        counts[(m["person_id"], m["kind"])] += 1
        if m["kind"] == "M":
            last_missing[m["person_id"]] = m
    last_iro = dict(
        IROContact.objects.filter(person_id__in=ids, contact_on__lte=on)
        .order_by("contact_on")
        .values_list("person_id", "contact_on")
    )
    last_health: dict[int, dt.date] = {}
    last_dental: dict[int, dt.date] = {}
    for pid, kind, done in (
        HealthAssessment.objects.filter(person_id__in=ids, done_on__lte=on)
        .filter(kind__in=["initial", "review", "dental"])
        .order_by("done_on")
        .values_list("person_id", "kind", "done_on")
    ):
        (last_dental if kind == "dental" else last_health)[pid] = done
    uasc_ids = set(
        uasc.objects.filter(person_id__in=ids)
        .exclude(ceased_on__lt=twelve)
        .values_list("person_id", flat=True)
    )
    legal = values("legal_status")
    placements = lettered("ssda903_placement_type", labelled=True, on=on)
    for pid, eps in by_child.items():
        current = eps[-1]
        periods = {e["period_id"] for e in eps}
        status_start = current["start_date"]
        for e in reversed(eps[:-1]):
            same = (e["legal_status"], e["period_id"]) == (
                current["legal_status"],
                current["period_id"],
            )
            if not same:
                break
            status_start = e["start_date"]
        ended = current["end_date"] if current["end_date"] and current["end_date"] <= on else None
        moves = {e["placement__start_date"] for e in eps if e["placement__start_date"] and
                 e["placement__start_date"] >= twelve}  # fmt: skip
        la = current["placement__carer__la_code"] or ""
        home_la = la_number()
        m = last_missing.get(pid)
        out.append(
            [*people.columns(pid), yn(pid in uasc_ids), people.disability(pid),
             day(current["period__start_date"]), current["category_of_need"],
             yn(len(periods) > 1), day(status_start),
             legal.get(current["legal_status"], current["legal_status"]),
             day(last_review.get(pid)), day(last_visit.get(pid)),
             values("permanence_plan").get(current["period__permanence_plan"], ""),
             day(last_iro.get(pid)), day(last_health.get(pid)), day(last_dental.get(pid)),
             len(moves), day(ended), current["reason_ceased"] if ended else "",
             day(current["placement__start_date"]),
             placements.get(current["placement_type"], current["placement_type"]),
             current["placement_provider"], current["placement_postcode"], current["urn"],
             values("placement_location")["out" if la and la != home_la else "in"], la,
             counts[(pid, "M")], counts[(pid, "A")],
             yn(None if not m else bool(m["interview_offered_at"])),
             yn(None if not m else m["interview_accepted"]), *people.allocation(pid)]
        )  # fmt: skip


def write_workbook(lists: Lists, path: Path) -> None:
    """The lists as an Excel workbook, one sheet per list with the template's headers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for name, (_title, headers) in LISTS.items():
        sheet = book.create_sheet(name)
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in lists.rows[name]:
            sheet.append(row)
        if name in NOTES and not lists.rows[name]:
            note = WriteOnlyCell(sheet, value=NOTES[name])
            note.font = Font(italic=True)
            sheet.append([note])
    book.save(path)
