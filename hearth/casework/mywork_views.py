"""My work (a social worker's home page) and a team's overdue list. Thin: ask the
selectors in `mywork` and `selectors`, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hearth.accounts.models import User
from hearth.casework import mywork, selectors, services


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def my_work(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_partner:
        raise Http404
    now = timezone.now()
    context = {
        "notifications": list(user.notifications.filter(read_at__isnull=True)[:10]),
        "work": mywork.my_work(user, now=now),
        "today": timezone.localdate(now),
        "rendered_at": now.isoformat(),
        "teams": list(selectors.teams_overseen(user)),
    }
    return render(request, "casework/my_work.html", context)


@require_POST
def my_work_seen(request: HttpRequest) -> HttpResponse:
    """Mark the new information as seen, up to the moment the page showing it was made
    (what arrived after that stays new)."""
    try:
        seen_at = dt.datetime.fromisoformat(request.POST.get("seen_at", ""))
        if timezone.is_naive(seen_at):
            raise ValueError
        services.my_work_mark_seen(acting_user=_user(request), seen_at=seen_at)
    except (ValueError, ValidationError):
        messages.error(request, "That page was out of date: nothing was marked as seen")
    else:
        messages.success(request, "New information marked as seen")
    return redirect("casework:my_work")


def team_overdue(request: HttpRequest) -> HttpResponse:
    """The overdue list of a team the user oversees (their own, or one chosen from their
    service area)."""
    user = _user(request)
    teams = list(selectors.teams_overseen(user))
    if not teams:
        raise PermissionDenied
    chosen = request.GET.get("team", "")
    team = next((t for t in teams if str(t.pk) == chosen), None)
    if chosen and team is None:
        raise Http404
    team = team or next((t for t in teams if t.pk == user.team_id), teams[0])
    today = timezone.localdate()
    return render(
        request,
        "casework/team_overdue.html",
        {
            "team": team,
            "teams": teams,
            "today": today,
            "work": selectors.team_overdue(team.pk, today=today),
        },
    )
