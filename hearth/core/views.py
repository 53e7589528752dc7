"""The home page: what is waiting for the signed-in user."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.core import selectors


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "core/home.html", selectors.home_for(user))  # type: ignore[arg-type]


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
