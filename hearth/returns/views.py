"""The performance officers' returns pages: start an export, watch it, download it, and
the data quality page of its findings. Views stay thin: services and selectors do the work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from hearth.returns.forms import ExportForm
from hearth.returns.models import ExportStatus, ReturnExport
from hearth.returns.policy import can_run_returns
from hearth.returns.selectors import export_findings, findings_by_rule, recent_exports
from hearth.returns.services import export_downloaded, export_start

if TYPE_CHECKING:
    from hearth.accounts.models import User

FINDINGS_PER_PAGE = 100


def _officer(request: HttpRequest) -> User:
    """Only performance officers: anyone else is told the page does not exist."""
    user: User = request.user  # type: ignore[assignment]
    if not can_run_returns(user):
        raise Http404
    return user


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    posted = request.POST if request.method == "POST" else None
    form = ExportForm(posted, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        export = export_start(
            acting_user=user,
            kind=data["kind"],
            year=data.get("year") if data["kind"] != "annex_a" else None,
            on_date=data.get("on_date") if data["kind"] == "annex_a" else None,
        )
        return redirect("returns:export", pk=export.pk)
    return render(
        request,
        "returns/index.html",
        {"form": form, "exports": list(recent_exports())},
    )


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    item = get_object_or_404(ReturnExport.objects.select_related("requested_by"), pk=pk)
    context: dict[str, Any] = {"export": item, "running": not item.is_finished}
    if request.headers.get("HX-Request"):
        return render(request, "returns/_progress.html", context)
    return render(request, "returns/export.html", context)


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    user = _officer(request)
    item = get_object_or_404(ReturnExport, pk=pk, status=ExportStatus.DONE)
    path = export_downloaded(acting_user=user, export=item)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
def quality(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    item = get_object_or_404(ReturnExport, pk=pk)
    show = request.GET.get("show", "all")
    queries = {"errors": False, "queries": True}.get(show)
    page = Paginator(export_findings(item, queries=queries), FINDINGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "returns/quality.html",
        {"export": item, "page": page, "rules": findings_by_rule(item), "show": show},
    )
