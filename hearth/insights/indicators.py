"""The service's indicators, each computed by aggregates in SQL over a period and,
optionally, a set of teams; each can list the children (or workers) behind it and give
a monthly series for its chart.

Definitions follow the DfE measures where one exists (timescales in
`hearth/timescales/rules/`, cited to Working Together 2023):

- contacts received, and the share decided as referrals (front door);
- decisions within 1 working day: the decision made by the contact's due time;
- re-referrals within 12 months: referrals (CIN episodes opened) in the period with an
  earlier referral of the same child in the 365 days before (DfE "Characteristics of
  children in need": re-referral within 12 months of a previous referral);
- assessments within 45 working days of referral: authorised on or before their due date;
- initial conferences within 15 working days of the strategy discussion;
- children on a plan seen within timescale: plans running at the period's end whose
  next visit is not overdue;
- plans lasting 2 years or more: plans ended in the period, 730 days or longer;
- second or subsequent plans: plans started in the period for a child with an earlier one;
- caseload average and spread, share of agency staff, supervision on time: the workforce
  measured at the period's end.

Team filter: children whose record the teams have worked with (any involvement), or
contacts referred to the teams, or the teams' workers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from hearth.accounts.models import EmploymentType, Team, User
from hearth.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    Section47Enquiry,
)
from hearth.frontdoor.models import REFERRAL_DECISIONS, Contact, ContactStatus
from hearth.people.models import Involvement
from hearth.workforce import policy as workforce_policy
from hearth.workforce import selectors as workforce

REREFERRAL_DAYS = 365
LONG_PLAN_DAYS = 730


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def months(self) -> list[tuple[dt.date, dt.date]]:
        """The calendar months the period touches, each clipped to the period."""
        found = []
        first = self.start.replace(day=1)
        while first <= self.end:
            nxt = (first + dt.timedelta(days=32)).replace(day=1)
            found.append((max(first, self.start), min(nxt - dt.timedelta(days=1), self.end)))
            first = nxt
        return found


@dataclass
class Figure:
    code: str
    title: str
    value: Decimal | None
    unit: str  # "%" or "" (a count) or "children"
    numerator: int | None = None
    denominator: int | None = None
    detail: str = ""
    better: str = "higher"  # which way is better, in words for the reader

    @property
    def shown(self) -> str:
        if self.value is None:
            return "No data"
        if self.unit == "%":
            return f"{self.value:.1f}%"
        return f"{self.value:.1f}" if self.value != int(self.value) else f"{int(self.value):,}"


def _share(hit: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(hit) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def _worked_with(teams: Sequence[Team] | None, ref: str = "person_id") -> Q:
    if teams is None:
        return Q()
    return Q(Exists(Involvement.objects.filter(person_id=OuterRef(ref), team__in=list(teams))))


@dataclass
class Indicator:
    """One ratio (or count) over rows dated in the period."""

    code: str
    title: str
    rows: Callable[[Period, Sequence[Team] | None], QuerySet[Any]]
    date_field: str
    hit: Q | Callable[[Period], Q] | None  # None: a count, not a share
    person_field: str = "person_id"
    better: str = "higher"
    explain: str = ""
    snapshot: bool = False  # measured at the period's end, not over it

    def _hit(self, period: Period) -> Q | None:
        return self.hit(period) if callable(self.hit) else self.hit

    def figure(self, period: Period, teams: Sequence[Team] | None) -> Figure:
        qs = self.rows(period, teams)
        hit = self._hit(period)
        if hit is None:
            total = qs.count()
            return Figure(self.code, self.title, Decimal(total), "", None, total, self.explain)
        agg = qs.aggregate(total=Count("pk"), hit=Count("pk", filter=hit))
        return Figure(
            self.code,
            self.title,
            _share(agg["hit"], agg["total"]),
            "%",
            agg["hit"],
            agg["total"],
            self.explain,
            self.better,
        )

    def series(self, period: Period, teams: Sequence[Team] | None) -> list[tuple[dt.date, Figure]]:
        if self.snapshot:
            return [
                (start, self.figure(Period(start, end), teams)) for start, end in period.months()
            ]
        hit = self._hit(period)
        qs = self.rows(period, teams).annotate(month=TruncMonth(self.date_field))
        grouped = (
            qs.order_by()
            .values("month")
            .annotate(total=Count("pk"), hit=Count("pk", filter=hit) if hit else Count("pk"))
        )
        by_month = {_as_date(r["month"]): r for r in grouped}
        out = []
        for start, _end in period.months():
            r = by_month.get(start.replace(day=1), {"total": 0, "hit": 0})
            if hit is None:
                fig = Figure(self.code, self.title, Decimal(r["total"]), "", None, r["total"])
            else:
                fig = Figure(
                    self.code, self.title, _share(r["hit"], r["total"]), "%", r["hit"], r["total"]
                )
            out.append((start, fig))
        return out

    def behind(self, period: Period, teams: Sequence[Team] | None) -> QuerySet[Any]:
        """The rows behind the figure, each marked `counted` when in the numerator."""
        qs = self.rows(period, teams)
        hit = self._hit(period)
        if hit is not None:
            qs = qs.annotate(
                counted=Case(
                    When(hit, then=Value(True)), default=Value(False), output_field=BooleanField()
                )
            )
        return qs


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _moment_in(field: str, period: Period) -> Q:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _contacts(period: Period, teams: Sequence[Team] | None) -> QuerySet[Contact]:
    qs = Contact.objects.exclude(status=ContactStatus.DRAFT).filter(
        _moment_in("received_at", period)
    )
    return qs if teams is None else qs.filter(referred_to_team__in=list(teams))


def _decided(period: Period, teams: Sequence[Team] | None) -> QuerySet[Contact]:
    qs = Contact.objects.filter(decided_at__isnull=False).filter(_moment_in("decided_at", period))
    return qs if teams is None else qs.filter(referred_to_team__in=list(teams))


def _referrals(period: Period, teams: Sequence[Team] | None) -> QuerySet[CINEpisode]:
    earlier = (
        CINEpisode.objects.filter(
            person_id=OuterRef("person_id"), referral_date__lt=OuterRef("referral_date")
        )
        .order_by("-referral_date")
        .values("referral_date")[:1]
    )
    return (
        CINEpisode.objects.filter(_in("referral_date", period))
        .filter(_worked_with(teams))
        .annotate(previous_referral=Subquery(earlier))
        .annotate(
            gap=ExpressionWrapper(
                F("referral_date") - F("previous_referral"), output_field=DurationField()
            )
        )
    )


def _assessments(period: Period, teams: Sequence[Team] | None) -> QuerySet[Assessment]:
    return Assessment.objects.filter(_in("authorised_on", period)).filter(_worked_with(teams))


def _icpcs(period: Period, teams: Sequence[Team] | None) -> QuerySet[Section47Enquiry]:
    return Section47Enquiry.objects.filter(_in("icpc_held_on", period)).filter(_worked_with(teams))


def _plans_running(period: Period, teams: Sequence[Team] | None) -> QuerySet[ChildProtectionPlan]:
    day = period.end
    return ChildProtectionPlan.objects.filter(
        Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))
    ).filter(_worked_with(teams))


def _plans_ended(period: Period, teams: Sequence[Team] | None) -> QuerySet[ChildProtectionPlan]:
    return (
        ChildProtectionPlan.objects.filter(_in("end_date", period))
        .filter(_worked_with(teams))
        .annotate(
            lasted=ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
        )
    )


def _plans_started(period: Period, teams: Sequence[Team] | None) -> QuerySet[ChildProtectionPlan]:
    earlier = ChildProtectionPlan.objects.filter(
        person_id=OuterRef("person_id"), start_date__lt=OuterRef("start_date")
    )
    return (
        ChildProtectionPlan.objects.filter(_in("start_date", period))
        .filter(_worked_with(teams))
        .annotate(had_earlier=Exists(earlier))
    )


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in [
        Indicator(
            "contacts", "Contacts received", _contacts, "received_at", None, person_field="",
            explain="Contacts submitted in the period (drafts excluded).",
        ),
        Indicator(
            "contact_referrals", "Contacts becoming referrals", _decided, "decided_at",
            Q(decision__in=list(REFERRAL_DECISIONS)), person_field="",
            better="neither", explain="Decided contacts whose decision was a referral.",
        ),
        Indicator(
            "decisions_1wd", "Decisions within 1 working day", _decided, "decided_at",
            Q(decided_at__lte=F("decision_due_at")), person_field="",
            explain="Working Together 2023, ch. 3: decide within one working day.",
        ),
        Indicator(
            "rereferrals", "Re-referrals within 12 months", _referrals, "referral_date",
            Q(gap__lte=dt.timedelta(days=REREFERRAL_DAYS)), better="lower",
            explain="Referrals with an earlier referral of the same child in the 365 days before.",
        ),
        Indicator(
            "assessments_45wd", "Assessments within 45 working days", _assessments,
            "authorised_on", Q(authorised_on__lte=F("assessment_due_on")),
            explain="Authorised within 45 working days of referral (Working Together 2023).",
        ),
        Indicator(
            "icpc_15wd", "Initial conferences within 15 working days", _icpcs, "icpc_held_on",
            Q(icpc_held_on__lte=F("icpc_due_on")),
            explain="Held within 15 working days of the strategy discussion.",
        ),
        Indicator(
            "cp_visits", "Children on plans seen within timescale", _plans_running,
            "start_date", lambda p: Q(next_visit_due_on__gte=p.end), snapshot=True,
            explain="Plans running at the end of the period whose next visit is not overdue.",
        ),
        Indicator(
            "plans_2y", "Plans lasting 2 years or more", _plans_ended, "end_date",
            Q(lasted__gte=dt.timedelta(days=LONG_PLAN_DAYS)), better="lower",
            explain="Child protection plans ended in the period that lasted 730 days or more.",
        ),
        Indicator(
            "second_plans", "Second or subsequent plans", _plans_started, "start_date",
            Q(had_earlier=True) | Q(previous_plans__gt=0), better="lower",
            explain="Plans started in the period for a child who had a plan before.",
        ),
    ]
}  # fmt: skip


# --- The workforce, measured at the period's end ----------------------------------------------


def case_holders(teams: Sequence[Team] | None) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True, role__in=list(workforce_policy.CASE_HOLDING_ROLES))
    return qs if teams is None else qs.filter(team__in=list(teams))


def caseload_figure(period: Period, teams: Sequence[Team] | None) -> Figure:
    """Children per case-holding worker on the period's last day: average, and the
    spread from least to most (work open that day, by the worker now holding it).
    Counted per worker in SQL; only the counts come back."""
    day = period.end
    holders = case_holders(teams)
    workers = holders.count()
    if not workers:
        return Figure("caseload", "Average caseload", None, "children", better="neither")
    counts = list(
        Involvement.objects.filter(
            Q(ended__isnull=True) | Q(ended__gt=day),
            worker__in=holders,
            started__lte=day,
            person__kind__in=workforce.CHILD_KINDS,
        )
        .order_by()
        .values("worker_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("n", flat=True)
    )
    low = min(counts) if len(counts) == workers else 0
    high = max(counts, default=0)
    average = Decimal(sum(counts)) / Decimal(workers)
    return Figure(
        "caseload",
        "Average caseload",
        average.quantize(Decimal("0.1")),
        "children",
        None,
        workers,
        f"From {low} to {high} children across {workers} workers.",
        better="neither",
    )


def agency_figure(period: Period, teams: Sequence[Team] | None) -> Figure:
    agg = case_holders(teams).aggregate(
        total=Count("pk"), hit=Count("pk", filter=Q(employment_type=EmploymentType.AGENCY))
    )
    return Figure(
        "agency",
        "Share of agency staff",
        _share(agg["hit"], agg["total"]),
        "%",
        agg["hit"],
        agg["total"],
        "Social workers and senior practitioners employed through an agency.",
        better="lower",
    )


@dataclass(frozen=True)
class SupervisionRow:
    name: str
    team: str
    last: dt.date | None
    every_days: int
    on_time: bool


def supervision_on_time(
    period: Period, teams: Sequence[Team] | None
) -> tuple[list[SupervisionRow], Figure]:
    """Workers whose last supervision by the period's end is within their frequency
    (their own, else monthly; fortnightly while newly qualified). One query of plain
    values: each worker's name, ASYE end, own frequency and last supervision."""
    from hearth.workforce.models import Supervision, WorkforceSettings

    day = period.end
    conf = WorkforceSettings.current()
    last = (
        Supervision.objects.filter(worker_id=OuterRef("pk"), held_on__lte=day)
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    rows = []
    for name, team, asye_until, own, held in (
        case_holders(teams)
        .annotate(last=Subquery(last))
        .order_by("full_name", "pk")
        .values_list(
            "full_name",
            "team__name",
            "asye_until",
            "worker_profile__supervision_every_days",
            "last",
        )
    ):
        asye = asye_until is not None and asye_until >= day
        every = own or (conf.asye_supervision_days if asye else conf.supervision_days)
        held = _as_date(held) if held is not None else None
        ok = held is not None and (day - held).days <= every
        rows.append(SupervisionRow(name, team or "", held, every, ok))
    hit = sum(1 for r in rows if r.on_time)
    return rows, Figure(
        "supervision",
        "Supervision on time",
        _share(hit, len(rows)),
        "%",
        hit,
        len(rows),
        "Workers supervised within their frequency (monthly; fortnightly while newly qualified).",
    )


WORKFORCE_FIGURES: dict[str, Callable[[Period, Sequence[Team] | None], Figure]] = {
    "caseload": caseload_figure,
    "agency": agency_figure,
    "supervision": lambda p, t: supervision_on_time(p, t)[1],
}
ORDER = [*INDICATORS, *WORKFORCE_FIGURES]


def figure(code: str, period: Period, teams: Sequence[Team] | None) -> Figure:
    if code in INDICATORS:
        return INDICATORS[code].figure(period, teams)
    return WORKFORCE_FIGURES[code](period, teams)


def dashboard(period: Period, teams: Sequence[Team] | None) -> list[Figure]:
    return [figure(code, period, teams) for code in ORDER]


# Employment type has no history: the share of agency staff is today's only.
CURRENT_ONLY = frozenset({"agency"})


def series(code: str, period: Period, teams: Sequence[Team] | None) -> list[tuple[dt.date, Figure]]:
    if code in INDICATORS:
        return INDICATORS[code].series(period, teams)
    if code in CURRENT_ONLY:
        return [(period.months()[-1][0], figure(code, period, teams))]
    return [(start, figure(code, Period(start, end), teams)) for start, end in period.months()]


TITLES = {
    **{code: i.title for code, i in INDICATORS.items()},
    "caseload": "Average caseload",
    "agency": "Share of agency staff",
    "supervision": "Supervision on time",
}


def figure_title(code: str) -> str:
    return TITLES[code]
