"""The synthetic local authority: teams, staff, families and the work with them.

`generate(children=N, seed=S)` builds a whole authority deterministically from one
`random.Random(seed)`. It is a pipeline of steps (`PIPELINE`) sharing a `Context`: each
step draws from the same random stream, queues rows with `ctx.insert()` (or
`ctx.add()` for model instances), and records the facts later steps need
(`ctx.children`, `ctx.families`, the staff by service area). Later generators
(contacts, casework, care histories) add steps after `step_families`.

Rows carry explicit primary keys (after the largest already in the table) and are
written in large batches inside one transaction (`write_rows`: executemany or COPY
for plain tables, `bulk_create` for others), so 100,000 children with their families
take about a minute on SQLite. Nothing here calls `save()`, so the derived fields
`save()` would fill (the normalised names) are filled here, and the people search's
blocking keys are built once at the end.

Everything is synthetic: names are common names drawn at random, NHS numbers come from
the 999 test range, UPNs carry a local authority number (999) that no authority has,
postcodes are in an area (HT) that does not exist, phone numbers are in Ofcom's drama
range. About 1% of children also get a second, mistyped record; `SyntheticTruth` says
which records are the same child, for scoring duplicate detection.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import operator
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple, Protocol, TypeVar

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from hearth.accounts.models import EmploymentType, Role, ServiceArea, Team, User
from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.care.schedules import age_on
from hearth.demo import data
from hearth.demo.care import step_care
from hearth.demo.casework import step_casework
from hearth.demo.contacts import step_contacts
from hearth.demo.data import Heritage
from hearth.demo.models import SyntheticTruth
from hearth.demo.workforce import step_workforce
from hearth.people.identifiers import nhs_check_digit, upn_check_letter
from hearth.people.matching import match_keys_rebuild
from hearth.people.models import (
    Address,
    Household,
    HouseholdMember,
    Involvement,
    NameKind,
    Person,
    PersonDisability,
    PersonKind,
    PersonName,
    Relationship,
    inverse_kind,
    normalise_name,
)
from hearth.people.services import LOCAL_ID_PREFIX, next_local_ids
from hearth.returns.models import WorkerRegistration
from hearth.timescales.calendar import add_months

YEAR = 365.2425

# Children in need at 31 March 2025 per 10,000 children under 18 in England: 330.3
# (402,400 children). DfE, "Children in need", reporting year 2025,
# https://explore-education-statistics.service.gov.uk/find-statistics/children-in-need/2025
CIN_RATE_PER_10K = 330.3

# Share of children with an open involvement (allocated to a worker), and the service
# areas that hold those families: England's mix of the children in need at 31 March.
# Children looked after are about 18% of them: the issue's "about 60 children in care
# per 10,000" over England's 330.3 children in need per 10,000 (above); 20% of the
# families, as a family in care has no unborn child on the work, and a few in the care
# team are not looked after today (measured by `step_measures`). England's own rate
# is 67 per 10,000 (81,770 children, 20.3% of the children in need; DfE "Children looked
# after in England including adoptions", reporting year 2025, https://explore-education-
# statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-
# adoptions/2025), and local authorities run from 27 to 184. Children on a child
# protection plan are "roughly one in every eight children in need" (12.5%; nearly
# 50,000 at 31 March 2025, DfE "Children in need" 2025, as reported at
# https://www.socialworktoday.co.uk/News/calls-to-better-support-parents-as-children-in-need-numbers-rise).
# The rest are assessed or on a child in need plan. The shares are of families; the
# measured rates come out in `step_measures`.
OPEN_SHARE = 0.275
FRONT_DOOR_SHARE = 0.01
OPEN_AREAS = (
    (ServiceArea.ASSESSMENT, 0.675),
    (ServiceArea.CHILD_PROTECTION, 0.125),
    (ServiceArea.CHILDREN_IN_CARE, 0.2),
)
CHILD_AREAS = (
    ServiceArea.ASSESSMENT,
    ServiceArea.CHILD_PROTECTION,
    ServiceArea.CHILDREN_IN_CARE,
    ServiceArea.LEAVING_CARE,
)
REASONS: dict[str, str] = {
    ServiceArea.FRONT_DOOR: "Contact being screened",
    ServiceArea.ASSESSMENT: "Child and family assessment",
    ServiceArea.CHILD_PROTECTION: "Child protection plan",
    ServiceArea.CHILDREN_IN_CARE: "Looked after child",
    ServiceArea.LEAVING_CARE: "Care leaver: pathway plan",
}
# Caseload limits drawn per worker: an experienced social worker carries 16-22 children
# (about 18 on average with the rest), newly qualified (ASYE) workers a protected 10-14.
CAP_SOCIAL_WORKER = (16, 22)
CAP_ASYE = (10, 14)
CAP_SENIOR = (10, 14)
SOCIAL_WORKERS_PER_TEAM = 6  # with a senior practitioner and a manager: a team of 8
FRONT_DOOR_PER_TEAM = 10
AGENCY_SHARE = 0.15
ASYE_SHARE = 0.10
DUPLICATE_SHARE = 0.01
GRANDPARENT_SHARE = 0.55  # families with grandparents on record
AUNT_SHARE = 0.25
STAFF_EMAIL_DOMAIN = "staff.hearth.test"
# Social Work England numbers are "SW" and up to six digits; the demo's start "SW9" and
# run to eight digits, past any number issued (SSDA903 rule SW02STG1 asks only for
# the "SW" and four characters).
SWE_NUMBER_BASE = 90_000_000
# Families per write: large enough that the database sees few, big statements.
FAMILIES_PER_BATCH = 2000
SQLITE_CACHE_KIB = 256 * 1024

TEAM_LABELS: dict[str, str] = {
    ServiceArea.FRONT_DOOR: "Front Door (MASH)",
    ServiceArea.ASSESSMENT: "Assessment Team",
    ServiceArea.CHILD_PROTECTION: "Child Protection Team",
    ServiceArea.CHILDREN_IN_CARE: "Children in Care Team",
    ServiceArea.LEAVING_CARE: "Leaving Care Team",
    ServiceArea.FOSTERING: "Fostering Team",
}
REVIEWING_TEAM_LABEL = "Independent Reviewing Service"

# Rows are written parents first; models added by later steps are written after these.
WRITE_ORDER: tuple[type[models.Model], ...] = (
    Team,
    User,
    Household,
    Person,
    PersonName,
    PersonDisability,
    Address,
    HouseholdMember,
    Relationship,
    Involvement,
    SyntheticTruth,
)

M = TypeVar("M", bound=models.Model)


class Writer(Protocol):
    """Where progress goes: a text stream, or a management command's stdout."""

    def write(self, text: str, /) -> Any: ...
    def flush(self) -> Any: ...


Pending = dict[str, Any] | models.Model  # a row's values by field (attname), or an instance


@dataclass
class Summary:
    """What a run created."""

    seed: int
    teams: int = 0
    staff: int = 0
    social_workers: int = 0
    families: int = 0
    persons: int = 0
    children: int = 0
    unborn: int = 0
    adults: int = 0
    duplicates: int = 0
    relationships: int = 0
    addresses: int = 0
    households: int = 0
    other_names: int = 0
    open_involvements: int = 0
    closed_involvements: int = 0
    match_keys: int = 0
    contacts: int = 0
    referrals: int = 0
    cin_episodes: int = 0
    contact_flags: int = 0
    information_requests: int = 0
    assessments: int = 0
    strategy_discussions: int = 0
    child_protection_plans: int = 0
    cin_plans: int = 0
    case_notes: int = 0
    # The synthetic authority's child population (derived: see `step_measures`) and the
    # rates and shares the casework and children in care issues ask for.
    children_in_need: int = 0
    child_population: int = 0
    children_in_care: int = 0
    in_care_per_10k: float = 0.0
    referrals_in_year: int = 0
    referrals_assessed_pct: float = 0.0
    referrals_s47_pct: float = 0.0
    referrals_plan_pct: float = 0.0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        return [
            f"{name.replace('_', ' ')}: {value:,.1f}"
            if isinstance(value, float)
            else f"{name.replace('_', ' ')}: {value:,}"
            for name, value in self.counts()
        ]

    def rates(self) -> str:
        """The realism figures in one line, for the commands and the benchmark."""
        return (
            f"{self.in_care_per_10k:.1f} children in care per 10,000 children "
            f"({self.children_in_care:,} of a derived population of "
            f"{self.child_population:,}); of {self.referrals_in_year:,} referrals in the "
            f"year, {self.referrals_assessed_pct:.0f}% assessed, "
            f"{self.referrals_s47_pct:.0f}% to a section 47 enquiry, "
            f"{self.referrals_plan_pct:.0f}% to a plan"
        )

    def counts(self) -> list[tuple[str, int | float]]:
        return [(k, v) for k, v in asdict(self).items() if k not in {"seed", "seconds"}]


class ChildFact(NamedTuple):
    """A generated child, for later steps (contacts, casework, care)."""

    person_id: int
    date_of_birth: dt.date | None
    sex: str
    family: int  # index into ctx.families
    team_id: int | None  # the open involvement, if any
    worker_id: int | None
    service_area: str
    name: str = ""
    expected_date_of_birth: dt.date | None = None  # an unborn child's


class WorkFact(NamedTuple):
    """A spell of work with a family: open now (`end` None) or closed before."""

    area: str
    team_id: int
    worker_id: int | None
    start: int  # ordinal
    end: int | None
    children: tuple[int, ...]  # the children (and unborn) involved


class FamilyFact(NamedTuple):
    children: tuple[int, ...]
    carers: tuple[int, ...]  # the adults the children live with
    other_adults: tuple[int, ...]  # parents elsewhere, grandparents
    household_id: int
    postcode: str
    # Oldest first; the open work comes last, followed (when the family's work began
    # more than 40 weeks before an unborn child is due) by the unborn child's own spell
    # of the same work, from when the pregnancy was known.
    work: tuple[WorkFact, ...] = ()


@dataclass
class TeamInfo:
    pk: int
    name: str
    area: str
    manager: int = 0
    social_workers: int = 0
    allocates: bool = True  # families are allocated to its workers


@dataclass
class Worker:
    """A member of staff who carries children: a social worker or senior practitioner."""

    pk: int
    team: TeamInfo
    role: str
    cap: int
    load: int = 0


@dataclass(slots=True)
class P:
    """A person being generated: what the family's other rows need to know."""

    pk: int
    sex: str
    born: int  # date of birth (or expected) as an ordinal
    given: str
    family: str
    heritage: Heritage
    kind: str = PersonKind.ADULT


@dataclass(frozen=True)
class Street:
    name: str
    town: str
    postcodes: tuple[str, ...]


@dataclass
class Context:
    """Everything steps share: the random stream, ids, pending rows and facts."""

    rng: random.Random
    today: dt.date
    target_children: int
    min_persons: int | None
    out: Writer | None
    summary: Summary
    now: dt.datetime
    rows: dict[type[models.Model], list[Pending]] = field(default_factory=dict)
    next_pk: dict[type[models.Model], int] = field(default_factory=dict)
    written: set[type[models.Model]] = field(default_factory=set)
    next_local_id: int = 1
    teams: dict[str, list[TeamInfo]] = field(default_factory=dict)
    team_names: set[str] = field(default_factory=set)
    # Workers who can take more children, by service area.
    open_workers: dict[str, list[Worker]] = field(default_factory=dict)
    area_workers: dict[str, list[Worker]] = field(default_factory=dict)
    front_door_workers: list[tuple[int, int]] = field(default_factory=list)  # (user, team)
    reviewing_team: TeamInfo | None = None
    children: list[ChildFact] = field(default_factory=list)
    families: list[FamilyFact] = field(default_factory=list)
    # Each child's CIN episodes (ids), opened by the front door's referrals.
    cin_episodes: dict[int, list[int]] = field(default_factory=dict)
    # What became of a closed referral the front door's step made, by episode id
    # ("nfa", "assessed", "s47": see contacts.CLOSED_PATHS), for the casework step.
    episode_paths: dict[int, str] = field(default_factory=dict)
    streets: list[Street] = field(default_factory=list)
    first_person: int = 0  # the first person id this run writes
    nhs_next: int = 0
    nhs_offset: int = 0
    upn_serials: dict[tuple[int, int], int] = field(default_factory=dict)
    schools: tuple[int, ...] = ()
    heritages: list[tuple[Heritage, float]] = field(
        default_factory=lambda: [(h, h.weight) for h in data.HERITAGES]
    )

    @property
    def today_ord(self) -> int:
        return self.today.toordinal()

    def pk(self, model: type[models.Model]) -> int:
        """The next primary key for a model: after the largest already in the database."""
        if model not in self.next_pk:
            largest = model._default_manager.aggregate(m=Max("pk"))["m"]
            self.next_pk[model] = (largest or 0) + 1
        value = self.next_pk[model]
        self.next_pk[model] = value + 1
        return value

    def add(self, obj: M) -> M:
        """Queue a model instance (with its primary key set) to be written."""
        self.rows.setdefault(type(obj), []).append(obj)
        return obj

    def insert(self, model: type[models.Model], **values: Any) -> dict[str, Any]:
        """Queue a row by its field values (primary key included; other fields take
        their defaults). Cheaper than an instance where there are hundreds of thousands;
        the returned values may still be changed until the next flush."""
        self.rows.setdefault(model, []).append(values)
        return values

    def flush(self) -> None:
        """Write the pending rows, parents before children."""
        order = [m for m in WRITE_ORDER if m in self.rows]
        order += [m for m in self.rows if m not in WRITE_ORDER]
        for model in order:
            objs = self.rows.pop(model)
            if objs:
                write_rows(model, objs)
                self.written.add(model)

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text + "\n")
            self.out.flush()

    def local_id(self) -> str:
        value = f"{LOCAL_ID_PREFIX}{self.next_local_id:08d}"
        self.next_local_id += 1
        return value

    @property
    def expected_children(self) -> int:
        """About how many children the run will make (to size staff and streets)."""
        if self.min_persons is not None:
            return self.min_persons * 10 // 27  # about 2.7 persons per child
        return self.target_children

    def done(self) -> bool:
        if self.min_persons is not None:
            return self.summary.persons >= self.min_persons
        return self.summary.children >= self.target_children


Step = Callable[[Context], None]

# Field types whose Python values the database drivers take as they are (dates and
# times through the backend's own adapters).
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,  # and the auto, big and positive integer fields
    models.BooleanField,
    models.DateField,  # and DateTimeField
    models.ForeignKey,
    models.JSONField,  # written as its JSON text
    models.UUIDField,  # as hex text where the database has no uuid type
)


def write_rows(model: type[models.Model], pending: Sequence[Pending]) -> None:
    """Insert rows that already carry their primary keys.

    `bulk_create` builds and prepares every value through the model and field API,
    about a minute and a half over the rows of 100,000 children; for tables of plain
    values this fills each row from the field defaults and inserts with executemany
    (SQLite) or COPY (PostgreSQL). Other tables go through `bulk_create`. Like
    `bulk_create`, nothing calls `save()` or sends signals.
    """
    fields = list(model._meta.concrete_fields)
    if not all(isinstance(f, _PLAIN_FIELDS) for f in fields):
        objs = [p if isinstance(p, models.Model) else model(**p) for p in pending]
        # Stay under PostgreSQL's 65,535 parameters per statement; Django lowers this
        # further for SQLite by itself.
        model._default_manager.bulk_create(objs, batch_size=max(1, 60_000 // len(fields)))
        return
    index = {f.attname: i for i, f in enumerate(fields)} | {f.name: i for i, f in enumerate(fields)}
    index["pk"] = index[model._meta.pk.attname]
    defaults = [f.get_default() for f in fields]
    get = operator.attrgetter(*(f.attname for f in fields))
    rows: list[list[Any]] = []
    for item in pending:
        if isinstance(item, models.Model):
            rows.append(list(get(item)))
            continue
        row = defaults.copy()
        for name, value in item.items():
            row[index[name]] = value
        rows.append(row)
    for i, f in enumerate(fields):
        if isinstance(f, models.UUIDField) and not connection.features.has_native_uuid_field:
            for row in rows:
                if row[i] is not None:
                    row[i] = row[i].hex
        if isinstance(f, models.JSONField):
            for row in rows:
                value = row[i]
                if value is not None:
                    # Most are empty lists (a case note's "present"): no need to encode.
                    row[i] = "[]" if value == [] else json.dumps(value)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # The same dates and moments recur, in a column and across columns (a note's
        # occurred_at and created_at): adapt each once.
        adapted: dict[bool, dict[Any, Any]] = {True: {}, False: {}}
        for i, f in enumerate(fields):
            if isinstance(f, models.DateField):
                moment = isinstance(f, models.DateTimeField)
                adapt = (
                    connection.ops.adapt_datetimefield_value
                    if moment
                    else connection.ops.adapt_datefield_value
                )
                seen = adapted[moment]
                for row in rows:
                    value = row[i]
                    if value is not None:
                        if value not in seen:
                            seen[value] = adapt(value)
                        row[i] = seen[value]
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
        cursor.executemany(sql, rows)


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    values = [v for v, _ in weighted]
    weights = [w for _, w in weighted]
    return rng.choices(values, weights)[0]


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _date(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


# ---------------------------------------------------------------------------- staff


def _team(ctx: Context, area: str, label: str | None = None) -> TeamInfo:
    """A new team in a service area, with its manager (and, in teams that hold
    children, a senior practitioner). A labelled team stands apart from allocation."""
    base = label or TEAM_LABELS[area]
    n = 1
    name = base if label else f"{base} {n}"
    while name in ctx.team_names:
        n += 1
        name = f"{base} {n}"
    ctx.team_names.add(name)
    team = TeamInfo(pk=ctx.pk(Team), name=name, area=area, allocates=label is None)
    ctx.add(Team(pk=team.pk, name=name, service_area=area))
    if label is None:
        ctx.teams.setdefault(area, []).append(team)
    ctx.summary.teams += 1
    team.manager = _staff(ctx, team, Role.TEAM_MANAGER, years=(6, 25))
    if area in CHILD_AREAS and label is None:
        _staff(ctx, team, Role.SENIOR_PRACTITIONER, years=(4, 15))
    return team


def _staff(
    ctx: Context,
    team: TeamInfo | None,
    role: str,
    years: tuple[int, int] = (2, 20),
    asye: bool = False,
) -> int:
    """A member of staff; social workers and senior practitioners in teams that hold
    children join the pool that families are allocated from."""
    rng = ctx.rng
    heritage = _pick(rng, ctx.heritages)
    sex = "F" if rng.random() < 0.8 else "M"  # the profession is about 80% women
    given = rng.choice(heritage.female if sex == "F" else heritage.male)
    family = rng.choice(heritage.surnames)
    pk = ctx.pk(User)
    social_work = role not in {Role.PERFORMANCE_OFFICER, Role.FRONT_DOOR}
    if asye:
        qualified = ctx.today_ord - rng.randint(10, 330)
        asye_until: int | None = qualified + 365
    else:
        qualified = ctx.today_ord - int(rng.uniform(*years) * YEAR)
        asye_until = None
    agency = social_work and role != Role.SERVICE_MANAGER and rng.random() < AGENCY_SHARE
    email_name = ".".join(normalise_name(f"{given} {family}").split())
    ctx.add(
        User(
            pk=pk,
            email=f"{email_name}.{pk}@{STAFF_EMAIL_DOMAIN}",
            full_name=f"{given} {family}",
            role=role,
            team_id=team.pk if team else None,
            employment_type=EmploymentType.AGENCY if agency else EmploymentType.PERMANENT,
            qualified_on=_date(qualified) if social_work else None,
            asye_until=_date(asye_until),
            password="!unusable-synthetic-staff",  # no one signs in as these
            date_joined=ctx.now,
        )
    )
    if social_work:
        # Derived from the key, not drawn, so the random stream (and the rest of the
        # authority) is the same as before the numbers were added.
        ctx.insert(
            WorkerRegistration,
            pk=ctx.pk(WorkerRegistration),
            user_id=pk,
            number=f"SW{SWE_NUMBER_BASE + pk}",
        )
    ctx.summary.staff += 1
    if role == Role.SOCIAL_WORKER:
        ctx.summary.social_workers += 1
        if team is not None:
            team.social_workers += 1
    carries = role in {Role.SOCIAL_WORKER, Role.SENIOR_PRACTITIONER}
    if team is not None and carries and team.area in CHILD_AREAS and team.allocates:
        limits = (
            CAP_ASYE if asye else CAP_SOCIAL_WORKER if role == Role.SOCIAL_WORKER else CAP_SENIOR
        )
        worker = Worker(pk=pk, team=team, role=role, cap=rng.randint(*limits))
        ctx.open_workers.setdefault(team.area, []).append(worker)
        ctx.area_workers.setdefault(team.area, []).append(worker)
    return pk


def _hire_social_worker(ctx: Context, area: str) -> Worker:
    """Another social worker for a service area: in its smallest team, or a new team
    once every team has its complement."""
    team = min(ctx.teams[area], key=lambda t: t.social_workers)
    if team.social_workers >= SOCIAL_WORKERS_PER_TEAM:
        team = _team(ctx, area)
    _staff(ctx, team, Role.SOCIAL_WORKER, asye=ctx.rng.random() < ASYE_SHARE)
    return ctx.area_workers[area][-1]


def _allocate(ctx: Context, area: str, children: int) -> Worker:
    """A worker in the area with room for a sibling group, hiring one if none has."""
    pool = ctx.open_workers[area]
    fits = [w for w in pool if w.cap - w.load >= children]
    # Senior practitioners take the families no social worker has room for.
    social = [w for w in fits if w.role == Role.SOCIAL_WORKER]
    fits = social or fits
    worker = ctx.rng.choice(fits) if fits else _hire_social_worker(ctx, area)
    worker.load += children
    if worker.load >= worker.cap and worker in pool:
        pool.remove(worker)
    return worker


def step_staff(ctx: Context) -> None:
    """The authority's teams and the staff who are not hired as caseloads grow."""
    ctx.team_names = set(Team.objects.values_list("name", flat=True))
    n = ctx.expected_children
    for _ in range(max(1, math.ceil(n / 25_000))):
        _team(ctx, ServiceArea.FRONT_DOOR)
    for area, count in (
        (ServiceArea.ASSESSMENT, 2),
        (ServiceArea.CHILD_PROTECTION, 2),
        (ServiceArea.CHILDREN_IN_CARE, 1),
        (ServiceArea.LEAVING_CARE, 1),
    ):
        for _ in range(count):
            team = _team(ctx, area)
            _staff(ctx, team, Role.SOCIAL_WORKER, asye=ctx.rng.random() < ASYE_SHARE)
    fostering = _team(ctx, ServiceArea.FOSTERING)
    for _ in range(max(2, n // 5000)):
        # Supervising social workers: their caseload is foster carers, not children.
        _staff(ctx, fostering, Role.SOCIAL_WORKER)
    # Reviewing officers and conference chairs: about 60 children in care each.
    reviewing = _team(ctx, ServiceArea.CHILDREN_IN_CARE, label=REVIEWING_TEAM_LABEL)
    ctx.reviewing_team = reviewing
    for _ in range(max(2, round(n / 700))):
        _staff(ctx, reviewing, Role.REVIEWING_OFFICER, years=(8, 25))
    mash = ctx.teams[ServiceArea.FRONT_DOOR]
    for i in range(max(4, round(n / 2500))):
        team = mash[min(i // FRONT_DOOR_PER_TEAM, len(mash) - 1)]
        ctx.front_door_workers.append((_staff(ctx, team, Role.FRONT_DOOR), team.pk))
    for service in ServiceArea.values:
        _staff(ctx, ctx.teams[service][0], Role.SERVICE_MANAGER, years=(10, 30))
    for _ in range(max(1, n // 50_000)):
        _staff(ctx, None, Role.PERFORMANCE_OFFICER)


# --------------------------------------------------------------------- identifiers


def _nhs_number(ctx: Context) -> str:
    """A valid NHS number from the 999 test range, never the same one twice in a run."""
    while ctx.nhs_next < 1_000_000:
        # Multiplying by a number coprime to 10^6 visits every six-digit tail once.
        tail = (ctx.nhs_next * 7919 + ctx.nhs_offset) % 1_000_000
        ctx.nhs_next += 1
        body = f"{data.NHS_TEST_PREFIX}{tail:06d}"
        check = nhs_check_digit(body)
        if check is not None:
            return f"{body}{check}"
    return ""  # the test range is used up: leave the rest without one


def _upn(ctx: Context, born: int) -> str:
    """A valid UPN: check letter, LA 999, school, year of entry, serial."""
    entry_year = (dt.date.fromordinal(born).year + 5) % 100
    school = ctx.rng.choice(ctx.schools)
    for _ in range(len(ctx.schools) + 1):
        serial = ctx.upn_serials.get((school, entry_year), 0)
        if serial < 1000:
            ctx.upn_serials[(school, entry_year)] = serial + 1
            body = f"{data.UPN_LA_NUMBER}{school:04d}{entry_year:02d}{serial:03d}"
            return upn_check_letter(body) + body
        school = ctx.schools[(ctx.schools.index(school) + 1) % len(ctx.schools)]
    return ""


def upn_for(ctx: Context, born: dt.date) -> str:
    """A new UPN (LA 999, never used before in the run) for someone born on `born`, for a
    later step that finds a person should have one: a young person leaving care had one
    as a child in care (SSDA903 rule 442). Only after `step_families` (the schools)."""
    return _upn(ctx, born.toordinal())


def _streets(ctx: Context, count: int) -> list[Street]:
    """The authority's streets, each with one to three postcodes of its own."""
    rng = ctx.rng
    names = [
        (f"{stem} {suffix}", town, districts)
        for stem in data.STREET_STEMS
        for suffix in data.STREET_SUFFIXES
        for town, districts in data.TOWNS
    ]
    rng.shuffle(names)
    letters = data.POSTCODE_UNIT_LETTERS
    used: set[str] = set()
    streets: list[Street] = []
    for name, town, districts in names[:count]:
        district = rng.choice(districts)
        codes = {
            f"{data.POSTCODE_AREA}{district} {rng.randint(0, 9)}"
            f"{rng.choice(letters)}{rng.choice(letters)}"
            for _ in range(rng.randint(1, 3))
        }
        fresh = tuple(sorted(codes - used))
        used |= codes
        if fresh:
            streets.append(Street(name, town, fresh))
    return streets


@dataclass(frozen=True)
class Home:
    line1: str
    line2: str
    town: str
    postcode: str


def _home(ctx: Context) -> Home:
    rng = ctx.rng
    street = rng.choice(ctx.streets)
    number = rng.randint(1, 180)
    postcode = street.postcodes[number % len(street.postcodes)]
    if rng.random() < 0.18:
        block = f"Flat {rng.randint(1, 40)}, {rng.choice(data.BLOCK_NAMES)} House"
        return Home(block, f"{number} {street.name}", street.town, postcode)
    return Home(f"{number} {street.name}", "", street.town, postcode)


def _typo(rng: random.Random, name: str) -> str:
    """The name as it might be mistyped: a known variant, or one letter wrong."""
    if name in data.VARIANT_SPELLINGS and rng.random() < 0.5:
        return data.VARIANT_SPELLINGS[name]
    letters = list(name)
    positions = [i for i in range(1, len(letters)) if letters[i].isalpha()]
    if not positions:
        return name + "e"
    i = rng.choice(positions)
    op = rng.randrange(4)
    if op == 0 and i + 1 < len(letters) and letters[i + 1] != letters[i]:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    elif op == 1 and len(positions) > 2:
        del letters[i]
    elif op == 2:
        letters.insert(i, letters[i])
    else:
        vowels = "aeiou"
        pool = vowels if letters[i] in vowels else "bdfghlmnprstvwy"
        letters[i] = rng.choice([c for c in pool if c != letters[i]])
    result = "".join(letters)
    return result if result != name else name + "e"


# -------------------------------------------------------------------------- families


class _Family:
    """One family being built: its people, home history and the rows that link them."""

    def __init__(self, ctx: Context, index: int) -> None:
        self.ctx = ctx
        self.index = index
        self.household_id = 0
        self.postcode = ""
        # This family's rows not yet written, for the few later touches (a surname
        # change, a duplicate copying an address).
        self.rows: dict[int, dict[str, Any]] = {}
        self.given_names: set[str] = set()  # first letters of the children's, kept apart
        self.current_home: dict[int, dict[str, Any]] = {}

    # People ----------------------------------------------------------------
    def person(
        self,
        *,
        kind: str,
        sex: str,
        born: int,
        given: str,
        family: str,
        heritage: Heritage,
        ethnicity: str,
        language: str,
        middle: str = "",
    ) -> P:
        ctx = self.ctx
        rng = ctx.rng
        pk = ctx.pk(Person)
        values: dict[str, Any] = {}
        if kind == PersonKind.UNBORN:
            values["expected_date_of_birth"] = _date(born)
        else:
            values["date_of_birth"] = _date(born)
            if rng.random() < (0.97 if kind == PersonKind.CHILD else 0.55):
                values["nhs_number"] = _nhs_number(ctx)
        if kind == PersonKind.CHILD:
            if (
                age_on(dt.date.fromordinal(born), ctx.today) >= 5
            ):  # whole birthdays, as the returns count
                if rng.random() < 0.94:
                    values["upn"] = _upn(ctx, born)
                else:
                    # Not UN4 ("newly ... UPN not yet known"): a reason for weeks, not
                    # years (SSDA903 rule 210 refuses it after a week in care).
                    values["upn_unknown"] = rng.choice(("UN2", "UN3"))
            else:
                values["upn_unknown"] = data.UPN_NOT_OF_SCHOOL_AGE
            # About 6% with a disability, the rest recorded as having none (no draw from
            # the random stream for NONE, so a seed gives the same people as before).
            codes = [data.NO_DISABILITY]
            if rng.random() < 0.06:
                codes = rng.sample(data.DISABILITY_CODES, rng.randint(1, 2))
            for code in codes:
                ctx.insert(PersonDisability, pk=ctx.pk(PersonDisability), person_id=pk, code=code)
        elif kind == PersonKind.ADULT and rng.random() < 0.45:
            values["phone"] = f"07700 900{rng.randint(0, 999):03d}"
        self.rows[pk] = ctx.insert(
            Person,
            pk=pk,
            local_id=ctx.local_id(),
            kind=kind,
            given_name=given,
            middle_names=middle,
            family_name=family,
            given_name_norm=normalise_name(given),
            family_name_norm=normalise_name(family),
            sex=sex,
            ethnicity=ethnicity,
            first_language=language,
            created_at=ctx.now,
            **values,
        )
        summary = ctx.summary
        summary.persons += 1
        if kind == PersonKind.CHILD:
            summary.children += 1
        elif kind == PersonKind.UNBORN:
            summary.unborn += 1
        else:
            summary.adults += 1
        return P(pk, sex, born, given, family, heritage, kind)

    def adult(
        self, heritage: Heritage, sex: str, born: int, family: str = "", avoid: str = ""
    ) -> P:
        """An adult; `avoid` is a given name they must not share (a sister's)."""
        rng = self.ctx.rng
        names = heritage.female if sex == "F" else heritage.male
        given = rng.choice(names)
        if given == avoid and len(set(names) - {avoid}) > 0:
            # Redrawn only on a clash, so every other family draws as before.
            given = rng.choice([n for n in names if n != avoid])
        middle = rng.choice(names) if rng.random() < 0.3 else ""
        return self.person(
            kind=PersonKind.ADULT,
            sex=sex,
            born=born,
            given=given,
            family=family or rng.choice(heritage.surnames),
            heritage=heritage,
            ethnicity=_pick(rng, heritage.ethnicity),
            language=_pick(rng, heritage.languages),
            middle="" if middle == given else middle,
        )

    def child(
        self,
        born: int,
        surname: str,
        parents: tuple[Heritage, Heritage],
        ethnicity: str,
        language: str,
    ) -> P:
        rng = self.ctx.rng
        sex = "M" if rng.random() < 0.51 else "F"
        heritage = rng.choice(parents)
        names = heritage.female if sex == "F" else heritage.male
        given = rng.choice(names)
        for _ in range(20):
            # Brothers and sisters (twins too) have clearly different given names: not
            # the same, not a variant spelling, not the same first four letters.
            taken = self.given_names
            if given[:4] not in taken and data.VARIANT_SPELLINGS.get(given, "")[:4] not in taken:
                break
            given = rng.choice(names)
        self.given_names.add(given[:4])
        middle = rng.choice(names) if rng.random() < 0.45 else ""
        if language != "ENG" and rng.random() < 0.5:
            language = "ENG"  # children born here often speak English first
        return self.person(
            kind=PersonKind.CHILD,
            sex=sex,
            born=born,
            given=given,
            family=surname,
            heritage=heritage,
            ethnicity=ethnicity,
            language=language,
            middle="" if middle == given else middle,
        )

    def rename(self, person: P, surname: str) -> None:
        """A new surname for someone whose row is not written yet."""
        person.family = surname
        row = self.rows[person.pk]
        row["family_name"] = surname
        row["family_name_norm"] = normalise_name(surname)

    def name(self, person: P, kind: str, family: str, until: int | None) -> None:
        """A name the person had before (or at birth), searched as well as the current one."""
        ctx = self.ctx
        ctx.insert(
            PersonName,
            pk=ctx.pk(PersonName),
            person_id=person.pk,
            kind=kind,
            given_name=person.given,
            family_name=family,
            given_name_norm=normalise_name(person.given),
            family_name_norm=normalise_name(family),
            used_until=_date(None if until is None else min(until, ctx.today_ord - 1)),
        )
        ctx.summary.other_names += 1

    # Links -----------------------------------------------------------------
    def relate(self, person: P, relative: P, kind: str, pr: bool = False) -> None:
        """`relative` is `kind` to `person`, stored both ways as the people service does."""
        ctx = self.ctx
        ctx.insert(
            Relationship,
            pk=ctx.pk(Relationship),
            person_id=person.pk,
            relative_id=relative.pk,
            kind=kind,
            parental_responsibility=pr,
        )
        ctx.insert(
            Relationship,
            pk=ctx.pk(Relationship),
            person_id=relative.pk,
            relative_id=person.pk,
            kind=inverse_kind(kind),
        )
        ctx.summary.relationships += 2

    def homes(self, since: int, moves: int) -> list[tuple[Home, int]]:
        """Where a household lived: (address, moved in), oldest first."""
        rng = self.ctx.rng
        latest = self.ctx.today_ord - 30
        dates = sorted(rng.randint(since + 1, latest) for _ in range(moves) if latest > since + 1)
        return [(_home(self.ctx), d) for d in [since, *dates]]

    def household(
        self, name: str, members: list[tuple[P, int, int | None]], homes: list[tuple[Home, int]]
    ) -> int:
        """A household, its members (joined, left) and each member's addresses: those
        of `homes` that overlap the member's own time in the household."""
        ctx = self.ctx
        hh = ctx.pk(Household)
        ctx.insert(Household, pk=hh, name=name)
        ctx.summary.households += 1
        for person, joined, left in members:
            ctx.insert(
                HouseholdMember,
                pk=ctx.pk(HouseholdMember),
                household_id=hh,
                person_id=person.pk,
                joined=_date(joined),
                left=_date(left),
            )
            for i, (home, moved_in) in enumerate(homes):
                moved_out = homes[i + 1][1] if i + 1 < len(homes) else None
                start = max(moved_in, joined)
                end = (
                    moved_out
                    if left is None
                    else left
                    if moved_out is None
                    else min(moved_out, left)
                )
                if end is not None and end <= start:
                    continue
                address = ctx.insert(
                    Address,
                    pk=ctx.pk(Address),
                    person_id=person.pk,
                    line1=home.line1,
                    line2=home.line2,
                    town=home.town,
                    postcode=home.postcode,
                    moved_in=_date(start),
                    moved_out=_date(end),
                )
                if end is None:
                    self.current_home[person.pk] = address
                ctx.summary.addresses += 1
        return hh

    def involve(
        self, person: P, team: int, worker: int | None, area: str, start: int, end: int | None
    ) -> None:
        ctx = self.ctx
        if person.kind != PersonKind.UNBORN:
            start = max(start, person.born)  # nobody's involvement starts before birth
        ctx.insert(
            Involvement,
            pk=ctx.pk(Involvement),
            person_id=person.pk,
            team_id=team,
            worker_id=worker,
            reason=REASONS[area],
            started=_date(start),
            ended=_date(end),
        )
        if end is None:
            ctx.summary.open_involvements += 1
        else:
            ctx.summary.closed_involvements += 1

    def duplicate(self, kid: P, mother: P) -> None:
        """A second record of `kid` with the errors real duplicates have: a typo in a
        name, day and month swapped, identifiers missing."""
        ctx = self.ctx
        rng = ctx.rng
        given, family, born = kid.given, kid.family, kid.born
        changed = False
        if rng.random() < 0.5:
            given, changed = _typo(rng, given), True
        if rng.random() < 0.3:
            family, changed = _typo(rng, family), True
        day = dt.date.fromordinal(born)
        if rng.random() < 0.35 and day.day <= 12 and day.day != day.month:
            born, changed = dt.date(day.year, day.day, day.month).toordinal(), True
        elif rng.random() < 0.1:
            born, changed = born + rng.choice((-1, 1)), True
        if not changed:
            given = _typo(rng, given)
        born = min(born, ctx.today_ord - 1)
        original = self.rows[kid.pk]
        pk = ctx.pk(Person)
        ctx.insert(
            Person,
            pk=pk,
            local_id=ctx.local_id(),
            kind=PersonKind.CHILD,
            given_name=given,
            family_name=family,
            given_name_norm=normalise_name(given),
            family_name_norm=normalise_name(family),
            date_of_birth=_date(born),
            sex=kid.sex,
            ethnicity=original["ethnicity"] if rng.random() < 0.5 else data.ETHNICITY_NOT_OBTAINED,
            nhs_number=original.get("nhs_number", "") if rng.random() < 0.25 else "",
            created_at=ctx.now,
        )
        ctx.summary.persons += 1
        ctx.summary.duplicates += 1
        copy = P(pk, kid.sex, born, given, family, kid.heritage, PersonKind.CHILD)
        home = self.current_home.get(kid.pk)
        if home is not None and rng.random() < 0.5:
            ctx.insert(
                Address,
                pk=ctx.pk(Address),
                person_id=pk,
                line1=home["line1"],
                line2=home["line2"],
                town=home["town"],
                postcode=home["postcode"],
            )
            ctx.summary.addresses += 1
        if rng.random() < 0.3:
            self.relate(copy, mother, "parent", pr=True)
        for person_id in (kid.pk, pk):
            ctx.insert(
                SyntheticTruth, pk=ctx.pk(SyntheticTruth), person_id=person_id, identity=kid.pk
            )


def step_families(ctx: Context) -> None:
    """Families with children until the authority has the children asked for."""
    n = ctx.expected_children
    ctx.streets = _streets(ctx, int(_clamp(n / 15, 300, 6000)))  # ~15 homes a postcode
    ctx.schools = tuple(sorted(ctx.rng.sample(range(2001, 4999), max(40, n // 1500))))
    ctx.nhs_offset = ctx.rng.randrange(1_000_000)
    ctx.nhs_next = Person.objects.count()  # a later run carries on past an earlier one
    ctx.next_local_id = int(next_local_ids(1)[0][len(LOCAL_ID_PREFIX) :])
    ctx.first_person = ctx.pk(Person)
    ctx.next_pk[Person] = ctx.first_person  # peeked at, not taken
    progress = max(1, n // 10)
    reported = 0
    since_flush = 0
    while not ctx.done():
        _one_family(ctx)
        since_flush += 1
        if since_flush >= FAMILIES_PER_BATCH:
            ctx.flush()
            since_flush = 0
        if ctx.summary.children - reported >= progress:
            reported = ctx.summary.children
            ctx.say(f"  {reported:,} children, {ctx.summary.persons:,} persons")
    ctx.flush()


STRUCTURES = (
    ("couple", 0.42),  # both parents at home
    ("separated", 0.30),  # mother at home, father elsewhere
    ("step", 0.16),  # mother and a new partner at home, father elsewhere
    ("unknown_father", 0.07),
    ("single_father", 0.05),  # father at home, mother elsewhere
)
CHILDREN_PER_FAMILY = ((1, 38), (2, 33), (3, 18), (4, 11))
YEARS_BETWEEN_CHILDREN = ((1, 10), (2, 30), (3, 28), (4, 16), (5, 10), (6, 6))


def _one_family(ctx: Context) -> None:  # one family's story, told in order
    rng = ctx.rng
    today = ctx.today_ord
    fam = _Family(ctx, len(ctx.families))
    ctx.summary.families += 1

    # Who the family are.
    structure = _pick(rng, STRUCTURES)
    separated = structure in {"separated", "step", "single_father"}
    mh: Heritage = _pick(rng, ctx.heritages)
    fh: Heritage = _pick(rng, ctx.heritages) if rng.random() < 0.1 else mh
    n_children = _pick(rng, CHILDREN_PER_FAMILY)
    gaps = [_pick(rng, YEARS_BETWEEN_CHILDREN) for _ in range(n_children - 1)]
    if gaps and rng.random() < 0.04:
        gaps[rng.randrange(len(gaps))] = 0  # twins
    while sum(gaps) > 16:
        gaps.pop()
    eldest = today - rng.randint(int(sum(gaps) * YEAR) + 20, int(18 * YEAR) - 2)
    births = [eldest]
    for gap in gaps:
        born = births[-1] if gap == 0 else births[-1] + int(gap * YEAR) + rng.randint(-90, 90)
        births.append(min(born, today - 1))

    mother_born = eldest - int(_clamp(rng.gauss(26.5, 5.5), 16, 43) * YEAR) - rng.randint(0, 364)
    father_born = mother_born - int(_clamp(rng.gauss(2.5, 3.5), -5, 15) * YEAR)
    father_born = min(father_born, eldest - int(17 * YEAR))  # no father younger than 17
    family_start = eldest - rng.randint(0, int(4 * YEAR))
    married = rng.random() < (0.5 if structure == "couple" else 0.35 if separated else 0)
    wedding = family_start - rng.randint(0, 700)

    # Surnames: the mother's at birth, whether she took the father's, the children's.
    birth_surname = rng.choice(mh.surnames)
    father_surname = rng.choice(fh.surnames)
    if structure == "unknown_father":
        child_surname = birth_surname
    elif married:
        child_surname = father_surname
    else:
        roll = rng.random()
        double = roll >= 0.9 and father_surname != birth_surname
        double = double and "-" not in father_surname + birth_surname
        child_surname = (
            f"{father_surname}-{birth_surname}"
            if double
            else father_surname
            if roll < 0.6
            else birth_surname
        )
    took_name = married and rng.random() < 0.85
    mother_surname = father_surname if took_name else birth_surname
    mother_names: list[tuple[str, str, int]] = []  # (kind, surname, used until)
    if took_name:
        mother_names.append((NameKind.BIRTH, birth_surname, wedding))
    mother = fam.adult(mh, "F", mother_born, mother_surname)
    father = (
        fam.adult(fh, "M", father_born, father_surname) if structure != "unknown_father" else None
    )

    # Separation, and a new partner.
    separation = 0
    if separated:
        separation = rng.randint(min(births[-1] + 120, today - 200), today - 120)
        if took_name and rng.random() < 0.4:
            # She went back to her own name: the married one becomes a previous name.
            mother_names = [(NameKind.PREVIOUS, mother_surname, separation)]
            mother_surname = birth_surname
    partner = None
    partner_start = 0
    if structure == "step":
        ph: Heritage = mh if rng.random() < 0.85 else _pick(rng, ctx.heritages)
        partner_born = mother_born - int(_clamp(rng.gauss(2, 5), -8, 15) * YEAR)
        partner_start = rng.randint(separation + 60, max(separation + 61, today - 60))
        partner_born = min(partner_born, partner_start - int(18 * YEAR))
        partner = fam.adult(ph, "M", partner_born)
        if rng.random() < 0.35 and mother_surname != partner.family:
            # She married her new partner and took his name.
            kind = NameKind.BIRTH if mother_surname == birth_surname else NameKind.PREVIOUS
            mother_names.append((kind, mother_surname, partner_start + 200))
            mother_surname = partner.family
    if mother_surname != mother.family:
        fam.rename(mother, mother_surname)
    for name_kind, surname, until in mother_names:
        fam.name(mother, name_kind, surname, until)

    # Children.
    ethnicity = (
        _pick(rng, mh.ethnicity)
        if fh is mh
        else data.MIXED_ETHNICITY.get(frozenset({mh.key, fh.key}), "MOTH")
    )
    language = _pick(rng, mh.languages)
    kids = [fam.child(born, child_surname, (mh, fh), ethnicity, language) for born in births]
    half: list[P] = []
    if partner is not None and rng.random() < 0.35:
        first = partner_start + rng.randint(280, 900)
        for k in range(rng.choice((1, 1, 2))):
            born = first + k * int(2 * YEAR)
            if born < today - 1:
                parents = (mh, partner.heritage)
                half.append(fam.child(born, partner.family, parents, ethnicity, language))
    if partner is not None and mother_surname == partner.family and rng.random() < 0.3:
        # The children took their stepfather's surname too.
        for kid in kids:
            fam.name(kid, NameKind.PREVIOUS, kid.family, partner_start + 400)
            fam.rename(kid, partner.family)
    everyone = kids + half
    unborn = None
    if structure != "single_father" and rng.random() < 0.04 and (today - mother_born) < 43 * YEAR:
        unborn_father = partner or (father if structure == "couple" else None)
        unborn = fam.person(
            kind=PersonKind.UNBORN,
            sex="U",
            born=today + rng.randint(20, 240),
            given="",
            family=unborn_father.family if unborn_father else mother.family,
            heritage=mh,
            ethnicity=data.ETHNICITY_NOT_OBTAINED,  # asked once the baby is born
            language="",
        )

    # Relationships, stored both ways.
    father_pr = married or rng.random() < 0.9  # on the birth certificate
    for kid in kids:
        fam.relate(kid, mother, "parent", pr=True)
        if father is not None:
            fam.relate(kid, father, "parent", pr=father_pr)
        if partner is not None:
            fam.relate(kid, partner, "step_parent", pr=rng.random() < 0.05)
    for kid in half:
        assert partner is not None
        fam.relate(kid, mother, "parent", pr=True)
        fam.relate(kid, partner, "parent", pr=True)
    first_ids = {kid.pk for kid in kids}
    for i, a in enumerate(everyone):
        for b in everyone[i + 1 :]:
            same_father = (a.pk in first_ids) == (b.pk in first_ids)
            fam.relate(a, b, "sibling" if same_father else "half_sibling")
    if unborn is not None:
        fam.relate(unborn, mother, "parent", pr=True)
        if partner is not None:
            fam.relate(unborn, partner, "parent")
        elif father is not None and structure == "couple":
            fam.relate(unborn, father, "parent")
        for kid in everyone:
            full = (kid.pk not in first_ids) if partner else structure == "couple"
            fam.relate(unborn, kid, "sibling" if full else "half_sibling")
    if father is not None:
        fam.relate(mother, father, "former_partner" if separated else "partner")
    if partner is not None:
        fam.relate(mother, partner, "partner")

    # Grandparents, each side in their own home, and an aunt or uncle: the relatives
    # who are asked first when a child cannot live at home.
    relative_homes: list[list[P]] = []
    maternal: list[P] = []
    if rng.random() < GRANDPARENT_SHARE:
        sides: list[tuple[P, list[P], str, float, float]] = [
            (mother, everyone, birth_surname, 0.8, 0.4)
        ]
        if father is not None:
            sides.append((father, kids, father_surname, 0.35, 0.15))
        for parent, grandchildren, surname, grandmother, grandfather in sides:
            gm_born = parent.born - int(_clamp(rng.gauss(26, 5), 16, 42) * YEAR)
            couple: list[P] = []
            for sex, born, share in (
                ("F", gm_born, grandmother),
                ("M", gm_born - 600, grandfather),
            ):
                if rng.random() < share and (today - born) < 92 * YEAR:
                    own = sex == "M" or rng.random() < 0.7  # most share the family name
                    gp = fam.adult(parent.heritage, sex, born, surname if own else "")
                    fam.relate(parent, gp, "parent")
                    for kid in grandchildren:
                        fam.relate(kid, gp, "grandparent")
                    couple.append(gp)
            if len(couple) == 2:
                fam.relate(couple[0], couple[1], "partner")
            if couple:
                relative_homes.append(couple)
                if parent is mother:
                    maternal = couple
    if rng.random() < AUNT_SHARE:
        sex = "F" if rng.random() < 0.6 else "M"
        born = mother_born + rng.choice((-1, 1)) * rng.randint(300, int(8 * YEAR))
        born = min(born, today - int(18 * YEAR))
        surname = birth_surname if sex == "M" or rng.random() < 0.5 else ""
        aunt = fam.adult(mh, sex, born, surname, avoid=mother.given)
        fam.relate(mother, aunt, "sibling")
        for gp in maternal:
            fam.relate(aunt, gp, "parent")
        for kid in everyone:
            fam.relate(kid, aunt, "aunt_uncle")
        relative_homes.append([aunt])

    # Households and addresses.
    resident = father if structure == "single_father" else mother
    other = mother if structure == "single_father" else father
    assert resident is not None
    homes = fam.homes(family_start, _pick(rng, ((0, 45), (1, 25), (2, 18), (3, 12))))
    members: list[tuple[P, int, int | None]] = [(resident, family_start, None)]
    if other is not None:
        members.append((other, family_start, separation or None))
    if partner is not None:
        members.append((partner, partner_start, None))
    members += [(kid, kid.born, None) for kid in everyone]
    fam.household_id = fam.household(f"{resident.family} household", members, homes)
    fam.postcode = homes[-1][0].postcode
    if other is not None and separated:
        other_homes = fam.homes(separation, _pick(rng, ((0, 60), (1, 30), (2, 10))))
        fam.household(f"{other.family} household", [(other, separation, None)], other_homes)
    for couple in relative_homes:
        since = min(couple[0].born + int(rng.uniform(22, 45) * YEAR), today - 400)
        fam.household(
            f"{couple[0].family} household",
            [(gp, since, None) for gp in couple],
            [(_home(ctx), since)],
        )

    # The work with the family: open now, and closed before.
    subjects = everyone + ([unborn] if unborn is not None else [])
    allocated, open_start = _work(ctx, fam, everyone, subjects)
    work: list[WorkFact] = []
    if rng.random() < 0.22:
        work = _history(ctx, fam, everyone, open_start)
    if allocated:
        # Young people of 16 and 17 in care have a leaving care adviser of their own;
        # the family's work is the children's team's.
        values = list(allocated.values())
        team_id, worker_id, area = next(
            (v for v in values if v[2] != ServiceArea.LEAVING_CARE), values[0]
        )
        assert team_id is not None
        joins = {kid.pk: _joins(kid, open_start) for kid in subjects if kid.pk in allocated}
        on_time = tuple(pk for pk in allocated if joins[pk] == open_start)
        work.append(WorkFact(area, team_id, worker_id, open_start, None, on_time))
        for pk, joined in joins.items():
            if joined != open_start:  # an unborn child, from when the pregnancy was known
                work.append(WorkFact(area, team_id, worker_id, joined, None, (pk,)))

    # A second, mistyped record of a child: the duplicates a front door creates.
    for kid in everyone:
        if rng.random() < DUPLICATE_SHARE:
            fam.duplicate(kid, mother)

    for kid in subjects:
        team_id, worker_id, area = allocated.get(kid.pk, (None, None, ""))
        birthday = _date(kid.born)
        is_child = kid.kind == PersonKind.CHILD
        name = (
            f"{kid.given} {kid.family}" if kid.given else f"Unborn child of the {kid.family} family"
        )
        ctx.children.append(
            ChildFact(
                kid.pk,
                birthday if is_child else None,
                kid.sex,
                fam.index,
                team_id,
                worker_id,
                area,
                name,
                None if is_child else birthday,
            )
        )
    carers = tuple(p.pk for p in (resident, partner) if p is not None)
    others = [other] if other is not None and separated else []
    others += [relative for home in relative_homes for relative in home]
    ctx.families.append(
        FamilyFact(
            children=tuple(p.pk for p in subjects),
            carers=carers,
            other_adults=tuple(p.pk for p in others),
            household_id=fam.household_id,
            postcode=fam.postcode,
            work=tuple(work),
        )
    )


OPEN_FOR: dict[str, tuple[int, int]] = {  # how long ago open work started, in days
    ServiceArea.ASSESSMENT: (1, 120),
    ServiceArea.CHILD_PROTECTION: (30, 900),
    ServiceArea.CHILDREN_IN_CARE: (30, 2500),
}
# Open assessment-team work that is a child in need plan, referred months to years ago
# (casework.CLOSING_BEFORE_DAYS), rather than an assessment under way or just done.
CIN_PLAN_SHARE = 0.7
CIN_PLAN_FOR = (366, 1400)
Allocation = dict[int, tuple[int | None, int | None, str]]  # person: (team, worker, area)
# An unborn child's referral is at most 40 weeks before the expected date of birth (CIN
# census rule 8606). Work with a family that began earlier takes the unborn child on when
# the pregnancy becomes known, here 26 weeks before the expected date (after the 12-week
# scan); one not known yet is not on the work.
PREBIRTH_LIMIT = 40 * 7
PREGNANCY_KNOWN = 26 * 7


def _joins(kid: P, start: int) -> int:
    """When `kid` joins work with the family that started on `start`."""
    if kid.kind == PersonKind.UNBORN and start < kid.born - PREBIRTH_LIMIT:
        return kid.born - PREGNANCY_KNOWN
    return start


def _work(
    ctx: Context, fam: _Family, everyone: list[P], subjects: list[P]
) -> tuple[Allocation, int]:
    """Open work with the family, if any: the children (and any unborn child) allocated
    together to one worker. Returns who is allocated and when the work started."""
    rng = ctx.rng
    today = ctx.today_ord
    allocated: Allocation = {}
    roll = rng.random()
    if roll < FRONT_DOOR_SHARE:
        worker, team = rng.choice(ctx.front_door_workers)
        start = today - rng.randint(0, 4)
        for kid in subjects:
            fam.involve(kid, team, worker, ServiceArea.FRONT_DOOR, _joins(kid, start), None)
            allocated[kid.pk] = (team, worker, ServiceArea.FRONT_DOOR)
        return allocated, start
    if roll >= FRONT_DOOR_SHARE + OPEN_SHARE:
        return allocated, today
    area = _pick(rng, OPEN_AREAS)
    span = OPEN_FOR[area]
    if area == ServiceArea.ASSESSMENT and rng.random() < CIN_PLAN_SHARE:
        span = CIN_PLAN_FOR
    start = today - rng.randint(*span)
    group = [kid for kid in subjects if _joins(kid, start) <= today]
    worker_: Worker | None = None
    if area == ServiceArea.CHILDREN_IN_CARE:
        # Unborn children are not in care; young people of 16 and 17 in care have a
        # leaving care personal adviser of their own.
        group = [kid for kid in everyone if today - kid.born < 16 * YEAR]
        census = dt.date(ctx.today.year, 3, 31).toordinal()  # the last 31 March
        census = census if census <= today else dt.date(ctx.today.year - 1, 3, 31).toordinal()
        for kid in everyone:
            if today - kid.born >= 16 * YEAR:
                adviser = _allocate(ctx, ServiceArea.LEAVING_CARE, 1)
                since = max(start, kid.born + int(16 * YEAR))
                if start < since and since > census:
                    # Still 15 at the last 31 March: the children in care team's worker
                    # had them then (SSDA903 SW17STG2). Only then, as Hearth records no
                    # reason for a change of worker (SW_REASON, rule SW13STG1) that a
                    # handover within the return's year would need.
                    worker_ = worker_ or _allocate(ctx, area, len(group))
                    fam.involve(kid, worker_.team.pk, worker_.pk, area, start, since)
                fam.involve(kid, adviser.team.pk, adviser.pk, ServiceArea.LEAVING_CARE, since, None)
                allocated[kid.pk] = (adviser.team.pk, adviser.pk, ServiceArea.LEAVING_CARE)
    if group:
        worker_ = worker_ or _allocate(ctx, area, len(group))
        for kid in group:
            fam.involve(kid, worker_.team.pk, worker_.pk, area, _joins(kid, start), None)
            allocated[kid.pk] = (worker_.team.pk, worker_.pk, area)
    return allocated, start


def _history(ctx: Context, fam: _Family, everyone: list[P], open_start: int) -> list[WorkFact]:
    """Earlier work with the family, closed: one or two episodes before any open one.
    Returns them oldest first."""
    rng = ctx.rng
    end_by = open_start - 30
    begin = min(kid.born for kid in everyone)
    spells: list[WorkFact] = []
    for _ in range(rng.choice((1, 1, 2))):
        if end_by - begin < 60:
            break
        start = rng.randint(begin, end_by - 40)
        end = min(start + rng.randint(20, 300), end_by)
        area = ServiceArea.ASSESSMENT if rng.random() < 0.7 else ServiceArea.CHILD_PROTECTION
        past = rng.choice(ctx.area_workers[area])
        involved = []
        for kid in everyone:
            if kid.born < end:
                fam.involve(kid, past.team.pk, past.pk, area, start, end)
                involved.append(kid.pk)
        spells.insert(0, WorkFact(area, past.team.pk, past.pk, start, end, tuple(involved)))
        end_by = start - 30
    return spells


# -------------------------------------------------------------------------- running


def step_record(ctx: Context) -> None:
    """One audit entry for the whole run (not one per row)."""
    audit_record(
        actor=None,
        action=Action.IMPORT,
        event="demo.generate",
        data={
            "seed": ctx.summary.seed,
            "children_requested": ctx.target_children,
            "today": ctx.today,
            **dict(ctx.summary.counts()),
        },
    )


def step_match_keys(ctx: Context) -> None:
    """The blocking keys of the people just written, for the "people it may be" search
    (bulk writes skip the services that keep them). Last, after every name and address."""
    if not ctx.first_person:
        return
    ctx.say("  blocking keys for the people search")
    if connection.vendor == "postgresql":
        # Check the deferred foreign keys of everything written so far now, and those
        # of the keys as they go in: PostgreSQL will not build an index (the rebuild
        # makes one) on a table with checks still pending in the transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if ctx.first_person == 1:
        written = match_keys_rebuild()  # nobody was on record before: build them all at once
    else:
        written = match_keys_rebuild(range(ctx.first_person, ctx.next_pk[Person]))
    ctx.summary.match_keys = written


def step_measures(ctx: Context) -> None:
    """The run's realism figures, counted from what was written (this run's people only).

    The demo's children are the children known to children's services, not an
    authority's whole child population; "per 10,000 children" needs that population. It
    is derived as England's: the children in need today (an open CIN episode) are
    `CIN_RATE_PER_10K` in every 10,000 children, so the population is their number
    divided by that rate. The referral shares are of the CIN episodes that began in the
    year before `today` (a referral opens one): how many have an assessment, a section 47
    enquiry, and a child protection or child in need plan.
    """
    from hearth.care.models import PeriodOfCare
    from hearth.casework.models import (
        Assessment,
        ChildProtectionPlan,
        CINEpisode,
        CINPlan,
        Section47Enquiry,
    )

    if not ctx.first_person:
        return
    s, today = ctx.summary, ctx.today
    ours = CINEpisode.objects.filter(person_id__gte=ctx.first_person)
    open_ = ours.filter(referral_date__lte=today).filter(
        models.Q(closure_date__isnull=True) | models.Q(closure_date__gt=today)
    )
    s.children_in_need = open_.values("person_id").distinct().count()
    s.child_population = round(s.children_in_need * 10_000 / CIN_RATE_PER_10K)
    s.children_in_care = (
        PeriodOfCare.objects.filter(
            person_id__gte=ctx.first_person,
            start_date__lte=today,
            person__date_of_birth__gt=add_months(today, -18 * 12),  # under 18 today
        )
        .filter(models.Q(end_date__isnull=True) | models.Q(end_date__gt=today))
        .values("person_id")
        .distinct()
        .count()
    )
    if s.child_population:
        s.in_care_per_10k = round(s.children_in_care * 10_000 / s.child_population, 1)
    year = ours.filter(referral_date__gt=today - dt.timedelta(days=365), referral_date__lte=today)
    s.referrals_in_year = year.count()

    def share(*related: type[models.Model]) -> float:
        found = models.Q()
        for model in related:
            found |= models.Q(
                models.Exists(model._default_manager.filter(episode=models.OuterRef("pk")))
            )
        return round(100 * year.filter(found).count() / max(1, s.referrals_in_year), 1)

    s.referrals_assessed_pct = share(Assessment)
    s.referrals_s47_pct = share(Section47Enquiry)
    s.referrals_plan_pct = share(ChildProtectionPlan, CINPlan)
    ctx.say(f"  {s.rates()}")


# Each area's history is written in a module of its own, in this order.
PIPELINE: list[Step] = [
    step_staff,
    step_families,
    step_contacts,
    step_casework,
    step_care,
    step_workforce,
    step_measures,
    step_match_keys,
]


def generate(
    *,
    children: int,
    seed: int,
    out: Writer | None = None,
    today: dt.date | None = None,
    min_persons: int | None = None,
    steps: Sequence[Step] | None = None,
) -> Summary:
    """Generate a synthetic local authority with about `children` children.

    Deterministic for a seed (and `today`, which ages are counted from). With
    `min_persons`, families are added until there are that many persons instead.
    """
    started = time.perf_counter()
    ctx = Context(
        rng=random.Random(seed),
        today=today or timezone.localdate(),
        target_children=children,
        min_persons=min_persons,
        out=out,
        summary=Summary(seed=seed),
        now=timezone.now(),
    )
    if connection.vendor == "sqlite":
        # Indexes of a million-row table outgrow SQLite's default 2 MB page cache; with
        # room for them, the bulk inserts stop re-reading pages (for this connection).
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    with transaction.atomic():
        for step in steps if steps is not None else PIPELINE:
            step(ctx)
            ctx.flush()
        _reset_sequences(ctx)
        step_record(ctx)
    ctx.summary.seconds = round(time.perf_counter() - started, 2)
    return ctx.summary


def _reset_sequences(ctx: Context) -> None:
    """Rows written with explicit keys leave PostgreSQL's sequences behind: move them on."""
    statements = connection.ops.sequence_reset_sql(no_style(), sorted(ctx.written, key=str))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
