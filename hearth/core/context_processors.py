"""Values every page's layout needs: the primary navigation for the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"primary_navigation": []}
    items = [("Home", reverse("core:home"))]
    if not user.is_partner:
        items.append(("People", reverse("people:search")))
    if user.role == "front_door" or (
        user.role in {"team_manager", "service_manager"} and user.service_area == "front_door"
    ):
        items.append(("Front door", reverse("frontdoor:dashboard")))
    if user.role in {"team_manager", "service_manager"} and user.team_id:
        items.append(("Team", reverse("workforce:team")))
    elif user.role in {"social_worker", "senior_practitioner"} and user.team_id:
        items.append(("My caseload", reverse("workforce:worker", args=[user.pk])))
    if not user.is_partner and (
        user.role == "reviewing_officer"
        or user.service_area in {"children_in_care", "leaving_care", "fostering"}
    ):
        items.append(("Children in care", reverse("care:children")))
    if not user.is_partner and user.service_area == "fostering":
        items.append(("Carers", reverse("care:carers")))
    if user.role in {"team_manager", "service_manager", "performance_officer"}:
        items.append(("Indicators", reverse("insights:dashboard")))
    if user.role == "performance_officer":
        items.append(("Returns", reverse("returns:index")))
    if user.role in {"team_manager", "service_manager", "senior_practitioner"} and user.team_id:
        items.append(("Overdue work", reverse("casework:team_overdue")))
    if user.is_partner:
        items.append(("Requests for information", reverse("frontdoor:partner_requests")))
        items.append(("My referrals", reverse("frontdoor:partner_referrals")))
    if user.is_superuser or user.role == "administrator":
        items.append(("Administration", reverse("admin:index")))
    path = request.path
    nav = []
    for label, href in items:
        current = path == href or (href != "/" and path.startswith(href))
        nav.append({"text": label, "href": href, "current": current})
    return {"primary_navigation": nav}
