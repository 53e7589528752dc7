"""Report pages, the manager's lists and manual chronology entries. Views parse the
request, ask the policy (through the services' predicates), call a selector or a
service, and render. Someone who may not read the child's case gets "not found"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.accounts.models import MANAGER_ROLES, Role, User
from hearth.casework import policy as case_policy
from hearth.casework.models import Assessment, Conference
from hearth.core.forms import apply_service_errors
from hearth.core.models import ConflictError
from hearth.documents import selectors, services
from hearth.documents.forms import (
    ChronologyEntryForm,
    DecisionForm,
    ReportForm,
    ShareForm,
    SubmitForm,
)
from hearth.documents.models import Report, ReportKind
from hearth.documents.pdf import html_to_pdf
from hearth.documents.sections import sections_for
from hearth.people.models import Person


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _report(request: HttpRequest, pk: int) -> Report:
    report = get_object_or_404(
        Report.objects.annotate(deadline=selectors.deadline()).select_related(
            "person",
            "author",
            "submitted_to",
            "decided_by",
            "shared_with",
            "assessment__episode",
            "conference__chair",
        ),
        pk=pk,
    )
    if not services.can_read(_user(request), report):
        raise Http404
    return report


def _fresh(pk: int) -> Report:
    """The report as saved now (after a refused save), with its deadline."""
    return Report.objects.annotate(deadline=selectors.deadline()).get(pk=pk)


def _managers(user: User) -> QuerySet[User]:
    if user.team_id is None:
        return User.objects.none()
    return User.objects.filter(
        team_id=user.team_id, role__in=list(MANAGER_ROLES), is_active=True
    ).exclude(pk=user.pk)


def _officers() -> QuerySet[User]:
    return User.objects.filter(role=Role.REVIEWING_OFFICER, is_active=True).order_by("full_name")


def _report_page(request: HttpRequest, report: Report, **forms: Any) -> HttpResponse:
    user = _user(request)
    sections = sections_for(report.kind)
    initial: dict[str, Any] = {**report.sections, "version": report.version}
    form = forms.pop("form", None) or ReportForm(sections=sections, initial=initial)
    managers = _managers(user)
    submit = forms.pop("submit", None) or SubmitForm(
        managers=managers, initial={"manager": report.submitted_to_id}
    )
    context = {
        "person": report.person,
        "report": report,
        "form": form,
        "submit_form": submit,
        "decision_form": forms.pop("decision", None) or DecisionForm(),
        "share_form": forms.pop("share", None)
        or ShareForm(
            officers=_officers(),
            initial={"recipient": report.conference.chair_id if report.conference else None},
        ),
        "sections": [(s, report.text(s.key)) for s in sections],
        "versions": [
            (v, [(s.heading, v.sections.get(s.key, "")) for s in sections])
            for v in report.versions.select_related("by").order_by("-number")
        ],
        "can_write": services.can_write(user, report),
        "can_decide": services.can_decide(user, report),
        "can_share": services.can_share(user, report),
        "conflict": forms.pop("conflict", None),
        "all_errors": [f for f in (form, submit) if f.errors],
    }
    return render(request, "documents/report.html", context)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report: its sections (a form while a draft), deadline, state and history.
    A save over someone else's newer version is refused and both texts are shown."""
    item = _report(request, pk)
    user = _user(request)
    if request.method != "POST":
        services.report_viewed(acting_user=user, report=item)
        return _report_page(request, item)
    if not services.can_write(user, item):
        raise PermissionDenied
    sections = sections_for(item.kind)
    form = ReportForm(request.POST, sections=sections)
    submitting = request.POST.get("action") == "submit"
    submit = SubmitForm(request.POST if submitting else None, managers=_managers(user))
    if not form.is_valid() or (submitting and not submit.is_valid()):
        return _report_page(request, item, form=form, submit=submit)
    version = form.cleaned_data["version"] or -1
    try:
        if submitting:
            services.report_submit(
                acting_user=user,
                report=item,
                expected_version=version,
                sections=form.texts(),
                manager=submit.cleaned_data["manager"],
            )
            messages.success(request, "Report sent to the manager")
        else:
            services.report_save(
                acting_user=user, report=item, expected_version=version, sections=form.texts()
            )
            messages.success(request, "Draft saved")
    except ConflictError as e:
        current = _fresh(item.pk)
        form.add_error(None, str(e))
        data = form.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(current.version)
        form.data = data
        return _report_page(request, current, form=form, submit=submit, conflict=current)
    except ValidationError as e:
        apply_service_errors(form, e)
        return _report_page(request, _fresh(item.pk), form=form, submit=submit)
    return redirect("documents:report", pk=item.pk)


@require_POST
@login_required
def report_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as typed, saved a moment after each change (HTMX). Without JavaScript
    the Save draft button does the same."""
    item = _report(request, pk)
    user = _user(request)
    if not item.is_editable:  # (`_report` has checked the user may read it)
        # Submitted since the page was opened, often by this same person a moment ago
        # (the last autosave can land after the Submit button's own post): say so.
        state = item.get_state_display().lower()
        text = f"Not saved here: the report is now {state} and can no longer change."
        return render(request, "documents/_autosave_status.html", {"report": item, "error": text})
    if not services.can_write(user, item):
        raise PermissionDenied
    form = ReportForm(request.POST, sections=sections_for(item.kind))
    form.is_valid()
    status: dict[str, Any] = {"report": item}
    try:
        saved = services.report_save(
            acting_user=user,
            report=item,
            expected_version=form.cleaned_data.get("version") or -1,
            sections=form.texts(),
        )
        status["report"] = saved
    except ConflictError:
        status["conflict"] = True
    except ValidationError as e:
        status["error"] = " ".join(e.messages)
    status["oob"] = "conflict" not in status and "error" not in status
    return render(request, "documents/_autosave_status.html", status)


@require_POST
@login_required
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = _report(request, pk)
    user = _user(request)
    if not services.can_decide(user, item):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.report_approve(
                    acting_user=user, report=item, comments=form.cleaned_data["comments"]
                )
                messages.success(request, "Report approved")
            else:
                services.report_return(
                    acting_user=user, report=item, comments=form.cleaned_data["comments"]
                )
                messages.success(request, "Report returned to the author")
            return redirect("documents:report", pk=item.pk)
        except ValidationError as e:
            apply_service_errors(form, e)
    return _report_page(request, item, decision=form)


@require_POST
@login_required
def report_share(request: HttpRequest, pk: int) -> HttpResponse:
    item = _report(request, pk)
    user = _user(request)
    if not services.can_share(user, item):
        raise PermissionDenied
    form = ShareForm(request.POST, officers=_officers())
    if form.is_valid():
        try:
            services.report_share(
                acting_user=user, report=item, recipient=form.cleaned_data["recipient"]
            )
            messages.success(request, "Report shared")
            return redirect("documents:report", pk=item.pk)
        except ValidationError as e:
            apply_service_errors(form, e)
    return _report_page(request, item, share=form)


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-off report as a PDF, for those who may read the child's case."""
    item = _report(request, pk)
    if not item.is_signed_off:
        raise Http404
    services.report_viewed(acting_user=_user(request), report=item, pdf=True)
    html = render_to_string(
        "documents/report_pdf.html",
        {
            "report": item,
            "person": item.person,
            "sections": [(s, item.text(s.key)) for s in sections_for(item.kind)],
        },
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"{item.person.local_id}-{item.kind}-report.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _start(
    request: HttpRequest,
    *,
    kind: str,
    person: Person,
    existing: Report | None,
    about: str,
    **target: Any,
) -> HttpResponse:
    user = _user(request)
    if not case_policy.can_view_case(user, person.pk):
        raise Http404
    if existing is not None:
        return redirect("documents:report", pk=existing.pk)
    can_edit = case_policy.can_edit_case(user, person.pk)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            created = services.report_start(acting_user=user, kind=kind, **target)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("casework:case", person_id=person.pk)
        return redirect("documents:report", pk=created.pk)
    return render(
        request,
        "documents/report_start.html",
        {
            "person": person,
            "kind_label": ReportKind(kind).label,
            "about": about,
            "can_edit": can_edit,
            "sections": sections_for(kind),
        },
    )


@login_required
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.select_related("person", "episode"), pk=pk)
    return _start(
        request,
        kind=ReportKind.ASSESSMENT,
        person=assessment.person,
        existing=Report.objects.filter(kind=ReportKind.ASSESSMENT, assessment=assessment).first(),
        about=str(assessment),
        assessment=assessment,
    )


@login_required
def conference_report(request: HttpRequest, pk: int) -> HttpResponse:
    conference = get_object_or_404(
        Conference.objects.select_related("person", "section47", "plan"), pk=pk
    )
    kind = ReportKind.ICPC if conference.is_initial else ReportKind.REVIEW
    return _start(
        request,
        kind=kind,
        person=conference.person,
        existing=Report.objects.filter(conference=conference).first(),
        about=str(conference),
        conference=conference,
    )


@login_required
def sign_off(request: HttpRequest) -> HttpResponse:
    """The reports waiting for this manager's decision, oldest deadline first."""
    user = _user(request)
    if user.is_partner:
        raise Http404
    return render(
        request, "documents/sign_off.html", {"reports": selectors.awaiting_sign_off(user)}
    )


@login_required
def shared(request: HttpRequest) -> HttpResponse:
    """Reports shared with this chair or reviewing officer."""
    user = _user(request)
    if user.is_partner:
        raise Http404
    return render(request, "documents/shared.html", {"reports": selectors.shared_with(user)})


@login_required
def missing(request: HttpRequest) -> HttpResponse:
    """The manager's list: children of their team whose case lacks something."""
    user = _user(request)
    if user.is_partner or user.team is None:
        raise Http404
    return render(
        request,
        "documents/missing.html",
        {"team": user.team, "rows": selectors.missing_items_for_team(user.team)},
    )


@login_required
def chronology_entry_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """Add an event the record does not hold to the child's chronology."""
    user = _user(request)
    if not case_policy.can_view_case(user, person_id):
        raise Http404
    if not case_policy.can_edit_case(user, person_id):
        raise PermissionDenied
    person = get_object_or_404(Person, pk=person_id)
    form = ChronologyEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chronology_entry_add(acting_user=user, person=person, **form.cleaned_data)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, "Added to the chronology")
            return redirect(reverse("casework:chronology", args=[person.pk]))
    return render(request, "documents/chronology_entry.html", {"person": person, "form": form})
