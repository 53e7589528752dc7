"""The SSDA903 children looked after return as the set of CSV files the DfE loader takes.

Tables and column names follow the DfE "Children looked after return 2025 to 2026:
technical specifications" (gov.uk) as carried by csc-validator-be-903 0.1.17
(`lac_validator/config.py`), summarised in shared/reference/statutory.md §2.2. Dates are
DD/MM/YYYY. The return is taken as at 31 March: an episode ending later is open in it.

Children are those looked after at some time in the year (an episode overlapping it),
and care leavers whose 17th to 21st birthday falls in it (OC3). Each table is a list of
rows (dicts keyed by column), small enough at 10,000 children in care to hold at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hearth.returns.cin import Period
from hearth.returns.rules import Finding, rules

COLUMNS: dict[str, list[str]] = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "OC2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR"],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                       "REASON_PLACED_CEASED"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
}  # fmt: skip
# The file names the validator's offline runner expects (statutory.md §4.3).
FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
}
Row = dict[str, str]
# Placement types that need no Ofsted URN (rule 218, 2025/26: csc-validator-be-903 0.1.17
# lac2025_26/rule_218.py); every other placement open in the year needs one.
URN_NOT_NEEDED = frozenset({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4",
                            "Z11", "Z12", "Z13", "Z14"})  # fmt: skip


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value:%d/%m/%Y}"


def parse_day(text: str) -> dt.date:
    d, m, y = (int(x) for x in text.split("/"))
    return dt.date(y, m, d)


def flag(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def postcode(value: str) -> str:
    """A postcode as the return carries it: upper case, one space before the last three
    characters (the DfE derives the placement's LA and distance from it)."""
    compact = value.replace(" ", "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


@dataclass
class Return903:
    year: int
    tables: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    person_ids: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, row: Row) -> None:
        self.tables[table].append({c: row.get(c, "") for c in COLUMNS[table]})

    @property
    def children(self) -> int:
        return len(self.tables["Header"])


def ssda903_return(year: int) -> Return903:
    """Build every table of the return from the care record."""
    from hearth.care.models import (
        Adoption,
        CareLeaverContact,
        Episode,
        HealthYear,
        MissingEpisode,
        PreviousPermanence,
        Review,
        UASCStatus,
    )
    from hearth.people.models import Involvement, Person, Relationship

    period = Period(year)
    start, ref = period.start, period.reference_date
    out = Return903(year)

    episodes = list(
        Episode.objects.filter(start_date__lte=ref)
        .exclude(end_date__lt=start)
        .order_by("person_id", "start_date", "pk")
        .values(
            "person_id", "start_date", "reason_new_episode", "legal_status", "category_of_need",
            "placement_type", "placement_provider", "end_date", "reason_ceased",
            "reason_place_change", "home_postcode", "placement_postcode", "urn",
        )
    )  # fmt: skip
    in_care = {e["person_id"] for e in episodes}
    # Care leavers: contact around a 17th to 21st birthday that falls in the year.
    leavers: list[dict[str, Any]] = []
    for c in CareLeaverContact.objects.values(
        "person_id", "birthday", "in_touch", "activity", "accommodation",
        "person__date_of_birth",
    ):  # fmt: skip
        born = c["person__date_of_birth"]
        if born and period.contains(_birthday(born, c["birthday"])):
            leavers.append(dict(c))
    people_ids = in_care | {c["person_id"] for c in leavers}
    people = {
        p["pk"]: p
        for p in Person.objects.filter(pk__in=people_ids).values(
            "pk", "local_id", "sex", "date_of_birth", "ethnicity", "upn", "upn_unknown"
        )
    }
    out.person_ids = {p["local_id"]: pk for pk, p in people.items()}
    # A looked-after girl who is a mother, and her first child's date of birth. An unborn
    # child (no date of birth yet) does not make her a mother, and must not stand first
    # with a blank MC_DOB (rule 611).
    mothers: dict[int, dt.date | None] = {}
    for rel in (
        Relationship.objects.filter(
            person_id__in=people_ids, kind="child", relative__date_of_birth__isnull=False
        )
        .order_by("relative__date_of_birth")
        .values("person_id", "relative__date_of_birth")
    ):
        mothers.setdefault(rel["person_id"], rel["relative__date_of_birth"])

    def who(pid: int) -> Row:
        p = people[pid]
        return {"CHILD": p["local_id"], "DOB": day(p["date_of_birth"])}

    for pid in sorted(people, key=lambda k: people[k]["local_id"]):
        p = people[pid]
        # Motherhood is asked of girls looked after in the year only (rules 174, 628).
        asked = p["sex"] == "F" and pid in in_care
        mother = ("1" if pid in mothers else "0") if asked else ""
        out.add(
            "Header",
            {
                **who(pid),
                "SEX": p["sex"],
                "ETHNIC": p["ethnicity"],
                "UPN": p["upn"] or p["upn_unknown"],
                "MOTHER": mother,
                "MC_DOB": day(mothers.get(pid)) if asked else "",
            },
        )
    for e in episodes:
        ended = e["end_date"] if e["end_date"] and e["end_date"] <= ref else None
        out.add(
            "Episodes",
            {
                "CHILD": people[e["person_id"]]["local_id"],
                "DECOM": day(e["start_date"]),
                "RNE": e["reason_new_episode"],
                "LS": e["legal_status"],
                "CIN": e["category_of_need"],
                "PLACE": e["placement_type"],
                "PLACE_PROVIDER": e["placement_provider"],
                "DEC": day(ended),
                "REC": e["reason_ceased"] if ended else "",
                "REASON_PLACE_CHANGE": e["reason_place_change"] if ended else "",
                "HOME_POST": postcode(e["home_postcode"]),
                "PL_POST": postcode(e["placement_postcode"]),
                # As recorded: "XXXXXXX" only where the record says so (rule 242); a
                # missing URN is a finding (218), never filled in here.
                "URN": e["urn"],
            },
        )
    for r in (
        Review.objects.filter(person_id__in=in_care, held_on__gte=start, held_on__lte=ref)
        .order_by("person_id", "held_on")
        .values("person_id", "held_on", "participation")
    ):
        out.add(
            "Reviews",
            {**who(r["person_id"]), "REVIEW": day(r["held_on"]), "REVIEW_CODE": r["participation"]},
        )
    for u in UASCStatus.objects.filter(person_id__in=in_care).values("person_id", "ceased_on"):
        out.add(
            "UASC",
            {
                **who(u["person_id"]),
                "SEX": people[u["person_id"]]["sex"],
                "DUC": day(u["ceased_on"]),
            },
        )
    for h in HealthYear.objects.filter(person_id__in=in_care, year_ending=ref).values():
        out.add(
            "OC2",
            {
                **who(h["person_id"]),
                "SDQ_SCORE": "" if h["sdq_score"] is None else str(h["sdq_score"]),
                "SDQ_REASON": h["sdq_reason"],
                "CONVICTED": flag(h["convicted"]),
                "HEALTH_CHECK": flag(h["health_check"]),
                "IMMUNISATIONS": flag(h["immunisations"]),
                "TEETH_CHECK": flag(h["teeth_check"]),
                "HEALTH_ASSESSMENT": flag(h["health_assessment"]),
                "SUBSTANCE_MISUSE": flag(h["substance_misuse"]),
                "INTERVENTION_RECEIVED": flag(h["intervention_received"]),
                "INTERVENTION_OFFERED": flag(h["intervention_offered"]),
            },
        )
    for leaver in leavers:
        out.add(
            "OC3",
            {
                **who(leaver["person_id"]),
                "IN_TOUCH": leaver["in_touch"],
                "ACTIV": leaver["activity"],
                "ACCOM": leaver["accommodation"],
            },
        )
    adoptions = list(Adoption.objects.filter(person_id__in=in_care).values())
    for a in adoptions:
        if period.contains(a["adoption_order_on"]):
            out.add(
                "AD1",
                {
                    **who(a["person_id"]),
                    "DATE_INT": day(a["should_be_placed_on"]),
                    "DATE_MATCH": day(a["matched_on"]),
                    "FOSTER_CARE": flag(a["adopted_by_foster_carer"]),
                    "NB_ADOPTR": str(a["number_of_adopters"] or ""),
                    "SEX_ADOPTR": a["adopter_sex"],
                    "LS_ADOPTR": a["adopter_legal_status"],
                },
            )
        reversed_in_time = a["reversed_on"] is None or a["reversed_on"] >= start
        if a["should_be_placed_on"] <= ref and reversed_in_time:
            reversed_on = a["reversed_on"] if a["reversed_on"] and a["reversed_on"] <= ref else None
            out.add(
                "PlacedAdoption",
                {
                    **who(a["person_id"]),
                    "DATE_PLACED": day(a["should_be_placed_on"]),
                    "DATE_PLACED_CEASED": day(reversed_on),
                    "REASON_PLACED_CEASED": a["reversed_reason"] if reversed_on else "",
                },
            )
    for pp in PreviousPermanence.objects.filter(
        person_id__in=in_care, period__start_date__gte=start, period__start_date__lte=ref
    ).values("person_id", "code", "la_code", "date_text"):
        out.add(
            "PrevPerm",
            {
                **who(pp["person_id"]),
                "PREV_PERM": pp["code"],
                "LA_PERM": pp["la_code"],
                "DATE_PERM": pp["date_text"],
            },
        )
    for m in (
        MissingEpisode.objects.filter(person_id__in=in_care)
        .order_by("person_id", "started_at")
        .values("person_id", "kind", "started_at", "ended_at")
    ):
        started = m["started_at"].date()
        if not period.contains(started):
            continue
        ended = m["ended_at"].date() if m["ended_at"] else None
        out.add(
            "Missing",
            {
                **who(m["person_id"]),
                "MISSING": m["kind"],
                "MIS_START": day(started),
                "MIS_END": day(ended if ended and ended <= ref else None),
            },
        )
    _sw_episodes(out, in_care, who, period, Involvement)
    return out


def _add_years(born: dt.date, years: int) -> dt.date:
    return _birthday(born, years)


def _birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, day=28)


def social_worker_ids(user_ids: Iterable[int]) -> dict[int, str]:
    """Workers' Social Work England registration numbers (begin "SW"), by user."""
    from hearth.returns.models import WorkerRegistration

    return dict(
        WorkerRegistration.objects.filter(user_id__in=set(user_ids)).values_list(
            "user_id", "number"
        )
    )


def _sw_episodes(out: Return903, in_care: set[int], who: Any, period: Period, model: Any) -> None:
    """The allocated social workers of each child looked after at 31 March, over the year
    (SWEpisodes; rules SW01, SW12). An allocation that starts the child's work, the first
    in the year or one more than 7 days after the last ended (the case had closed: rules
    SW10STG2/SW10aSTG2 allow no other reason across such a gap), is "FCONTA" (first
    contact). Hearth does not record why a worker changed, so the reason for a handover
    is left blank and listed (SW13STG1). An allocation that begins and ends within the
    child's current one is a second worker alongside, not an episode."""
    ref = period.reference_date
    at_end = {
        pid
        for pid, dec, ls in ((r["CHILD"], r["DEC"], r["LS"]) for r in out.tables["Episodes"])
        if not dec and ls not in {"V3", "V4"}
    }
    ids = {out.person_ids[c] for c in at_end if c in out.person_ids}
    rows = list(
        model.objects.filter(person_id__in=ids & in_care, worker__isnull=False)
        .filter(started__lte=ref)
        .exclude(ended__lt=period.start)
        .order_by("person_id", "started", "pk")
        .values("person_id", "worker_id", "started", "ended")
    )
    numbers = social_worker_ids(r["worker_id"] for r in rows)
    # The latest end of each child's allocations so far (None: one is still open).
    last_end: dict[int, dt.date | None] = {}
    for inv in rows:
        ended = inv["ended"] if inv["ended"] and inv["ended"] <= ref else None
        pid = inv["person_id"]
        seen, before = pid in last_end, last_end.get(pid)
        if seen and ended is not None and (before is None or ended <= before):
            # A second worker alongside the child's social worker, within their allocation
            # (e.g. a duty worker for a few weeks): SWEpisodes has one social worker at a
            # time (rules SW08STG2, SW10STG2), so this is not a change of worker.
            continue
        new_contact = not seen or (
            before is not None and inv["started"] > before + dt.timedelta(days=7)
        )
        out.add(
            "SWEpisodes",
            {
                **who(pid),
                "SW_ID": numbers.get(inv["worker_id"], ""),
                "SW_DECOM": day(inv["started"]),
                "SW_DEC": day(ended),
                "SW_REASON": "FCONTA" if new_contact else "",
            },
        )
        if seen and before is None:
            continue  # an earlier allocation is still open
        last_end[pid] = None if ended is None else max(ended, before or ended)


# --- Files -----------------------------------------------------------------------------------


def _csv(table: str, rows: Iterable[Row]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS[table], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_folder(ret: Return903, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, rows in ret.tables.items():
        path = folder / FILE_NAMES[table]
        path.write_text(_csv(table, rows), encoding="utf-8")
        paths.append(path)
    return paths


def write_zip(ret: Return903, path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for table, rows in ret.tables.items():
            z.writestr(FILE_NAMES[table], _csv(table, rows))


def continuously_looked_after(ret: Return903) -> set[str]:
    """Children looked after for at least 12 months at 31 March (excluding short breaks):
    those owed an OC2 row."""
    ref = Period(ret.year).reference_date
    year_before = dt.date(ref.year - 1, 3, 31)
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for r in ret.tables["Episodes"]:
        if r["LS"] in {"V3", "V4"}:
            continue
        start = parse_day(r["DECOM"])
        end = parse_day(r["DEC"]) if r["DEC"] else None
        spans[r["CHILD"]].append((start, end))
    out = set()
    for child, rows in spans.items():
        rows.sort()
        # Walk back from the open episode while episodes join without a gap.
        if rows[-1][1] is not None:
            continue
        begun = rows[-1][0]
        for start, end in reversed(rows[:-1]):
            if end == begun:
                begun = start
            else:
                break
        if begun <= year_before:
            out.add(child)
    return out


# --- Hearth's own checks (missing mandatory items; the DfE rule codes) -----------------------


def check_903(ret: Return903) -> list[Finding]:
    """Items the return cannot do without, found before the file goes anywhere."""
    from hearth.core.codelists import codelist

    table = {c: r for c, r in rules("ssda903").items() if r.applies_to(ret.year)}
    ref = Period(ret.year).reference_date
    sexes = {c for c, _ in codelist("sex").choices(on=ref)}
    ethnicities = {c for c, _ in codelist("ethnicity").choices(on=ref)}
    found: list[Finding] = []

    def hit(code: str, child: str, detail: str) -> None:
        if code in table:
            found.append(
                Finding(code, child, table[code].message, detail, ret.person_ids.get(child))
            )

    # Rule 442 asks a UPN of a child with an episode in the year under a legal status
    # other than short breaks (V3, V4): not of a care leaver returned for OC3 alone.
    upn_asked = {r["CHILD"] for r in ret.tables["Episodes"] if r["LS"] not in {"V3", "V4"}}
    for row in ret.tables["Header"]:
        child = row["CHILD"]
        if row["SEX"] not in sexes:
            hit("101", child, row["SEX"] or "blank")
        if not row["DOB"]:
            hit("102", child, "blank")
        if row["ETHNIC"] not in ethnicities:
            hit("103", child, row["ETHNIC"] or "blank")
        if not row["UPN"] and child in upn_asked:
            hit("442", child, "no UPN and no reason it is unknown")
    with_prev = {r["CHILD"] for r in ret.tables["PrevPerm"]}
    start = Period(ret.year).start
    for row in ret.tables["Episodes"]:
        if row["RNE"] == "S" and parse_day(row["DECOM"]) >= start and row["CHILD"] not in with_prev:
            hit("630", row["CHILD"], f"period of care from {row['DECOM']}")
    # Rule 210 as the DfE condition reads (and csc-validator-be-903 0.1.17 applies it,
    # lac2022_23/rule_210.py): "If <UPN> = 'UN4' then no episode <DECOM> must be >=
    # 24/03/YYYY". Its message speaks of children looked after for more than a week at
    # 31 March; the condition is what both checkers test.
    un4 = {r["CHILD"] for r in ret.tables["Header"] if r["UPN"] == "UN4"}
    week_before = ref - dt.timedelta(days=7)
    for row in ret.tables["Episodes"]:
        if row["CHILD"] in un4 and parse_day(row["DECOM"]) >= week_before:
            hit("210", row["CHILD"], f"UN4, and an episode from {row['DECOM']}")
            un4.discard(row["CHILD"])
    # Rule 406: no distance for a child who is or was UASC. The DfE derives the distance
    # from the two postcodes, so one of them (the home one: the child's home is abroad)
    # must be blank.
    uasc = {r["CHILD"] for r in ret.tables["UASC"]}
    for row in ret.tables["Episodes"]:
        if row["CHILD"] in uasc and row["HOME_POST"] and row["PL_POST"]:
            hit("406", row["CHILD"], f"episode from {row['DECOM']}: home postcode given")
    for row in ret.tables["Episodes"]:
        ended = parse_day(row["DEC"]) if row["DEC"] else None
        if not row["URN"] and row["PLACE"] not in URN_NOT_NEEDED and (not ended or ended >= start):
            hit("218", row["CHILD"], f"{row['PLACE']} placement from {row['DECOM']}: no URN")
    open_at_end: dict[str, bool] = defaultdict(bool)
    for row in ret.tables["Episodes"]:
        if not row["DEC"] and row["LS"] not in {"V3", "V4"}:
            open_at_end[row["CHILD"]] = True
    with_worker = {r["CHILD"] for r in ret.tables["SWEpisodes"] if r["SW_ID"]}
    born = {r["CHILD"]: r["DOB"] for r in ret.tables["Header"]}
    for row in ret.tables["OC2"]:
        dob = parse_day(born[row["CHILD"]]) if born.get(row["CHILD"]) else None
        if row["HEALTH_CHECK"] and dob and _add_years(dob, 5) <= ref:
            hit("546", row["CHILD"], "health check recorded for a child of 5 or over")
    with_oc2 = {r["CHILD"] for r in ret.tables["OC2"]}
    for child in sorted(continuously_looked_after(ret) - with_oc2):
        hit("191", child, "no OC2 health and offending data for the year")
    for child, still in open_at_end.items():
        if still and child not in with_worker:
            hit("SW17STG2", child, "no social worker with a registration number")
    for row in ret.tables["SWEpisodes"]:
        # SW09STG2: an allocation ended less than 3 days after it began (the message says
        # 24 hours; csc-validator-be-903 0.1.17, lac2025_26/rule_SW09STG2.py, and its own
        # tests count 2 days as too short, so Hearth agrees with it).
        if row["SW_DEC"] and parse_day(row["SW_DEC"]) < parse_day(row["SW_DECOM"]) + dt.timedelta(
            days=3
        ):
            hit("SW09STG2", row["CHILD"], f"worker from {row['SW_DECOM']} to {row['SW_DEC']}")
        if not row["SW_REASON"]:
            hit("SW13STG1", row["CHILD"], f"worker from {row['SW_DECOM']}: reason not recorded")
        sw = row["SW_ID"]
        if sw and (sw[:2] not in {"SW", "XX"} or len(sw) < 4):
            hit("SW02STG1", row["CHILD"], sw)
    return found
