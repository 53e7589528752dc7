"""What the indicator pages read: the figures (cached a few minutes, since each is an
aggregate over the whole authority), the national references, and the rows behind a
figure for its drill-down, with the children this user may not open left unnamed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from hearth.accounts import policy
from hearth.accounts.models import Team, User
from hearth.insights import indicators
from hearth.insights.indicators import Figure, Period
from hearth.insights.models import NationalReference

CACHE_SECONDS = 300
PERIODS = [
    ("3m", "Last 3 months"),
    ("6m", "Last 6 months"),
    ("12m", "Last 12 months"),
    ("fy", "This financial year (from 1 April)"),
]


def period_for(code: str, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    if code == "fy":
        year = today.year if today.month >= 4 else today.year - 1
        return Period(dt.date(year, 4, 1), today)
    months = {"3m": 3, "6m": 6}.get(code, 12)
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    start = dt.date(year, month, min(today.day, 28)) + dt.timedelta(days=1)
    return Period(start, today)


def _key(kind: str, code: str, period: Period, teams: Sequence[Team] | None) -> str:
    ids = "all" if teams is None else ",".join(str(t.pk) for t in teams)
    return f"insights:{kind}:{code}:{period.start}:{period.end}:{ids}"


def dashboard(period: Period, teams: Sequence[Team] | None) -> list[Figure]:
    return [
        cache.get_or_set(
            _key("fig", code, period, teams),
            lambda code=code: indicators.figure(code, period, teams),  # type: ignore[misc]
            CACHE_SECONDS,
        )
        for code in indicators.ORDER
    ]


def series(code: str, period: Period, teams: Sequence[Team] | None) -> list[tuple[dt.date, Figure]]:
    result: Any = cache.get_or_set(
        _key("series", code, period, teams),
        lambda: indicators.series(code, period, teams),
        CACHE_SECONDS,
    )
    return result


def references() -> dict[str, NationalReference]:
    return {r.indicator: r for r in NationalReference.objects.all()}


def behind(code: str, period: Period, teams: Sequence[Team] | None) -> Any:
    """The rows behind a figure (a queryset for the SQL indicators; a list of workers
    with whether each counts for the workforce ones)."""
    if code in indicators.INDICATORS:
        ind = indicators.INDICATORS[code]
        qs = ind.behind(period, teams)
        if ind.person_field:
            return qs.select_related("person").order_by("-pk")
        return qs.prefetch_related("people__person").order_by("-pk")
    if code == "supervision":
        rows, _ = indicators.supervision_on_time(period, teams)
        return rows
    return list(indicators.case_holders(teams).select_related("team").order_by("full_name"))


def visible_ids(user: User, person_ids: list[int]) -> set[int]:
    from hearth.people.models import Person

    qs = policy.visible_people(user, Person.objects.filter(pk__in=person_ids))
    return set(qs.values_list("pk", flat=True))
