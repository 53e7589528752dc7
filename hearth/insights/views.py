"""The indicators dashboard and each indicator's chart and drill-down: for team
managers, service managers and performance officers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hearth.accounts.models import Role, Team, User
from hearth.frontdoor import policy as fd_policy
from hearth.insights import indicators, selectors, services
from hearth.insights.forms import FilterForm, ReferenceForm
from hearth.workforce import policy

CHART_WIDTH = 600
CHART_HEIGHT = 200


def _filters(request: HttpRequest) -> tuple[FilterForm, selectors.Period, list[Team] | None]:
    user: User = request.user  # type: ignore[assignment]
    if not policy.can_view_insights(user):
        raise Http404
    # A team manager starts from their own team; others from the whole service.
    own = user.team_id if user.role == Role.TEAM_MANAGER else None
    form = FilterForm(request.GET or None, initial={"period": "12m", "team": own})
    team_id, period_code = own, "12m"
    if form.is_valid():
        team_id = form.cleaned_data["team"]
        period_code = form.cleaned_data["period"] or "12m"
    teams = list(Team.objects.filter(pk=team_id)) if team_id else None
    return form, selectors.period_for(period_code), teams


def dashboard(request: HttpRequest) -> HttpResponse:
    form, period, teams = _filters(request)
    refs = selectors.references()
    rows = [(f, refs.get(f.code)) for f in selectors.dashboard(period, teams)]
    return render(
        request,
        "insights/dashboard.html",
        {
            "form": form,
            "period": period,
            "teams": teams,
            "rows": rows,
            "query": request.GET.urlencode(),
        },
    )


def _chart(points: list[tuple[Any, indicators.Figure]]) -> dict[str, Any]:
    """Bars for an inline SVG (no script); the table beside it carries the same figures."""
    values = [float(f.value) if f.value is not None else 0.0 for _, f in points]
    top = max([*values, 1.0])
    gap = CHART_WIDTH / max(len(points), 1)
    bars = []
    for i, ((month, fig), v) in enumerate(zip(points, values, strict=True)):
        h = round(v / top * (CHART_HEIGHT - 30))
        bars.append(
            {
                "x": round(i * gap + 4),
                "y": CHART_HEIGHT - 20 - h,
                "w": round(gap - 8),
                "h": h,
                "label": month.strftime("%b"),
                "lx": round(i * gap + gap / 2),
                "value": fig.shown,
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "base": CHART_HEIGHT - 20}


def detail(request: HttpRequest, code: str) -> HttpResponse:
    if code not in indicators.ORDER:
        raise Http404
    form, period, teams = _filters(request)
    user: User = request.user  # type: ignore[assignment]
    fig = selectors.dashboard(period, teams)[indicators.ORDER.index(code)]
    points = selectors.series(code, period, teams)
    page = Paginator(selectors.behind(code, period, teams), 50).get_page(request.GET.get("page"))
    ids: list[int] = []
    for row in page.object_list:
        person_id = getattr(row, "person_id", None)
        if person_id:
            ids.append(person_id)
        for link in getattr(getattr(row, "people", None), "all", lambda: [])():
            ids.append(link.person_id)
    return render(
        request,
        "insights/detail.html",
        {
            "form": form,
            "fig": fig,
            "ref": selectors.references().get(code),
            "points": points,
            "chart": _chart(points),
            "page": page,
            "visible": selectors.visible_ids(user, ids),
            # Contacts open only to front-door staff: others see the reference alone.
            "contact_links": fd_policy.is_front_door_staff(user),
            "period": period,
            "teams": teams,
            "code": code,
            "kind": "sql" if code in indicators.INDICATORS else code,
            "person_rows": code in indicators.INDICATORS
            and bool(indicators.INDICATORS[code].person_field),
            "query": request.GET.urlencode(),
            "can_set_reference": services.can_set_references(user),
        },
    )


@require_http_methods(["GET", "POST"])
def reference(request: HttpRequest, code: str) -> HttpResponse:
    """A performance officer sets the England figure an indicator is compared with."""
    user: User = request.user  # type: ignore[assignment]
    if code not in indicators.ORDER or not services.can_set_references(user):
        raise Http404
    current = selectors.references().get(code)
    initial = (
        {"value": current.value, "year": current.year, "source": current.source} if current else {}
    )
    form = ReferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.reference_set(acting_user=user, indicator=code, **form.cleaned_data)
        messages.success(request, "England figure saved")
        return redirect("insights:detail", code=code)
    title = indicators.figure_title(code)
    return render(request, "insights/reference.html", {"form": form, "code": code, "title": title})
