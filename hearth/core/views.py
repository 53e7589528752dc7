"""The home page: what is waiting for the signed-in user."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.core import selectors

View = Callable[[HttpRequest], HttpResponse]

# A role's own home page, registered by the app above core that provides it (casework
# gives social workers "My work"): core never imports those apps.
HOME_VIEWS: dict[str, View] = {}


def register_home(role: str, view: View) -> None:
    HOME_VIEWS[role] = view


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = HOME_VIEWS.get(getattr(user, "role", ""))
    if own is not None:
        return own(request)
    return render(request, "core/home.html", selectors.home_for(user))  # type: ignore[arg-type]


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
