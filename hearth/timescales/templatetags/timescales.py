"""`{% due %}`: a due date with its status and, in a details component, its rule.

    {% load timescales %}
    {% due "cp.icpc" c.strategy_discussion_on date=c.icpc_due_on met=c.held_on %}
    {% due "cp.review" c.held_on last=c.last_review_on date=c.review_due_on %}

`date` is the stored due date (what lists sort by); without it the date is worked out.
`met` is when it was done; `last` counts a repeating rule from its last occurrence;
`missed` is what to say instead of the status when the chance to meet it has passed
(a report never sent before the conference it was for).

`{% due_status task.due_on met=task.done_on as status %}` gives how a stored date stands
today (status.text, status.colour) where the rule is explained elsewhere on the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from hearth.timescales.engine import DueStatus, Timescales, timescales

register = template.Library()


def _timescales(context: template.Context) -> Timescales:
    # One reading of closures and local targets per request, however many dates a
    # page shows.
    request = context.get("request")
    if request is None:
        return timescales()
    ts = getattr(request, "_hearth_timescales", None)
    if ts is None:
        ts = timescales()
        request._hearth_timescales = ts
    return ts


def _day(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.inclusion_tag("timescales/due.html", takes_context=True)
def due(
    context: template.Context,
    code: str,
    start: dt.date | dt.datetime | None,
    date: dt.date | dt.datetime | None = None,
    met: dt.date | dt.datetime | None = None,
    last: dt.date | dt.datetime | None = None,
    missed: str = "",
) -> dict[str, Any]:
    if start is None and last is None:
        return {"due": None, "date": _day(date)}
    ts = _timescales(context)
    if last is not None:
        worked_out = ts.next_due(code, last)
    else:
        assert start is not None  # checked above
        worked_out = ts.due_date(code, start)
    shown = _day(date) or worked_out.date
    return {
        "due": worked_out,
        "date": shown,
        "met": _day(met),
        "status": DueStatus("missed", missed, "orange", 0)
        if missed
        else ts.status(shown, met_on=_day(met)),
    }


@register.simple_tag(takes_context=True)
def due_status(
    context: template.Context,
    date: dt.date | dt.datetime | None,
    met: dt.date | dt.datetime | None = None,
) -> DueStatus | None:
    day = _day(date)
    if day is None:
        return None
    return _timescales(context).status(day, met_on=_day(met))
