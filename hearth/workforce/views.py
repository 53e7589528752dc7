"""The team manager's pages: team and capacity, worker profiles and leave, the
allocations meeting, reallocation, duty, the team brief, supervision and the sign-off
queue. Views parse, ask the workforce policy, call a selector or service, render.
A page about a team or worker outside the user's reach answers "not found"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hearth.accounts import policy as accounts_policy
from hearth.accounts.models import Team, User
from hearth.core.forms import apply_service_errors
from hearth.people.models import Involvement, Person
from hearth.workforce import forms as wf
from hearth.workforce import policy, selectors, services
from hearth.workforce.models import INTEREST_LABELS, Leave, Supervision, SupervisionKind


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _team(request: HttpRequest) -> Team:
    raw = request.GET.get("team") or request.POST.get("team")
    team = selectors.team_for(_user(request), int(raw) if raw and raw.isdigit() else None)
    if team is None:
        raise Http404
    return team


def _worker(request: HttpRequest, pk: int) -> User:
    worker = get_object_or_404(User.objects.select_related("team"), pk=pk)
    if not policy.can_view_worker(_user(request), worker):
        raise Http404
    return worker


def _team_url(name: str, team: Team, *args: Any) -> str:
    return f"{reverse(name, args=args)}?team={team.pk}"


def _ctx(request: HttpRequest, team: Team, **extra: Any) -> dict[str, Any]:
    return {"team": team, "teams": policy.managed_teams(_user(request)), **extra}


# --- Team page and profiles ---------------------------------------------------------------------


def team(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not policy.managed_teams(user) and user.role in policy.CASE_HOLDING_ROLES:
        # A worker's "team" page is their own profile (caseload, leave, duty).
        return redirect("workforce:worker", pk=user.pk)
    t = _team(request)
    loads = selectors.caseloads(selectors.team_workers(t))
    for load, due in zip(loads, selectors.supervision_due([c.worker for c in loads]), strict=True):
        load.supervision = due
    others = [m for m in selectors.team_members(t) if m.role not in policy.CASE_HOLDING_ROLES]
    leave_today = selectors.on_leave([m.pk for m in others], timezone.localdate())
    return render(
        request,
        "workforce/team.html",
        _ctx(request, t, loads=loads, others=others, leave_today=leave_today),
    )


@require_http_methods(["GET", "POST"])
def worker(request: HttpRequest, pk: int) -> HttpResponse:
    w = _worker(request, pk)
    user = _user(request)
    manages = policy.manages_worker(user, w)
    load = selectors.caseloads([w])[0]
    form = _profile_form(request.POST or None, load.profile, manages)
    leave_form = wf.LeaveForm(prefix="leave")
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(acting_user=user, worker=w, **form.cleaned_data)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, "Profile saved")
            return redirect("workforce:worker", pk=w.pk)
    return _worker_page(request, w, load, form, leave_form, manages)


def _profile_form(data: Any, profile: Any, manages: bool) -> wf.ProfileForm:
    """The profile form, filled from the record. Hours, limits and supervision frequency
    are the manager's to set: a worker's own form has only interests, goals, languages."""
    initial = {
        "fte": profile.fte,
        "interests": profile.interests,
        "career_goals": profile.career_goals,
        "languages": ", ".join(profile.languages),
        "max_caseload_weight": profile.max_caseload_weight,
        "supervision_every_days": profile.supervision_every_days,
    }
    form = wf.ProfileForm(data, initial=initial, prefix="profile")
    if not manages:
        for name in ("fte", "max_caseload_weight", "supervision_every_days"):
            del form.fields[name]
    return form


def _worker_page(
    request: HttpRequest,
    w: User,
    load: selectors.Caseload,
    form: forms.Form,
    leave_form: forms.Form,
    manages: bool,
) -> HttpResponse:
    due = selectors.supervision_due([w])[0]
    on_duty = (
        w.team is not None
        and request.user.pk == w.pk
        and selectors.duty_worker(w.team, timezone.localdate()) == w
    )
    leave = list(
        Leave.objects.filter(user=w, end__gte=timezone.localdate() - dt.timedelta(days=90))
    )
    interests = [INTEREST_LABELS.get(i, i) for i in load.profile.interests]
    return render(
        request,
        "workforce/worker.html",
        {
            "w": w,
            "load": load,
            "form": form,
            "leave_form": leave_form,
            "manages": manages,
            "due": due,
            "leave": leave,
            "interests": interests,
            "on_duty": on_duty,
        },
    )


@require_http_methods(["POST"])
def leave_add(request: HttpRequest, pk: int) -> HttpResponse:
    w = _worker(request, pk)
    user = _user(request)
    leave_form = wf.LeaveForm(request.POST, prefix="leave")
    if leave_form.is_valid():
        try:
            services.leave_add(acting_user=user, worker=w, **leave_form.cleaned_data)
        except ValidationError as e:
            apply_service_errors(leave_form, e)
        else:
            messages.success(request, "Leave booked")
            return redirect("workforce:worker", pk=w.pk)
    load = selectors.caseloads([w])[0]
    manages = policy.manages_worker(user, w)
    form = _profile_form(None, load.profile, manages)
    return _worker_page(request, w, load, form, leave_form, manages)


# --- Allocations --------------------------------------------------------------------------------


def _choices(item: selectors.WorkItem) -> list[tuple[int, str]]:
    return [(c.load.worker.pk, c.load.worker.full_name) for c in item.candidates]


def _allocate_form(
    item: selectors.WorkItem, failed: tuple[int, wf.AllocateForm] | None
) -> wf.AllocateForm:
    """The form that failed (with what was typed), else a fresh one with the first
    ranked worker chosen."""
    if failed and failed[0] == item.involvement.pk:
        return failed[1]
    first = item.candidates[0].load.worker.pk if item.candidates else None
    return wf.AllocateForm(
        workers=_choices(item), prefix=f"i{item.involvement.pk}", initial={"worker": first}
    )


@require_http_methods(["GET", "POST"])
def allocations(request: HttpRequest) -> HttpResponse:
    t = _team(request)
    user = _user(request)
    items = selectors.work_items(t)
    failed: tuple[int, wf.AllocateForm] | None = None
    if request.method == "POST":
        inv_id = int(request.POST.get("involvement", "0") or 0)
        item = next((i for i in items if i.involvement.pk == inv_id), None)
        inv = Involvement.objects.filter(pk=inv_id, team=t).select_related("person", "team").first()
        if inv is None:
            raise Http404
        if item is None:
            # Allocated meanwhile (or beyond the list): say so plainly.
            current = inv.worker.full_name if inv.worker else "someone else"
            messages.error(
                request,
                f"{inv.person.display_name} has already been allocated to {current}. "
                "Nothing has been changed.",
            )
            return redirect(_team_url("workforce:allocations", t))
        form = wf.AllocateForm(request.POST, workers=_choices(item), prefix=f"i{inv_id}")
        if form.is_valid():
            try:
                a = services.case_allocate(
                    acting_user=user,
                    involvement=inv,
                    worker=User.objects.get(pk=form.cleaned_data["worker"]),
                    reason=form.cleaned_data["reason"],
                    over_capacity_reason=form.cleaned_data["over_capacity_reason"],
                )
            except services.AlreadyAllocatedError as e:
                messages.error(request, e.messages[0])
                return redirect(_team_url("workforce:allocations", t))
            except ValidationError as e:
                apply_service_errors(form, e)
            else:
                messages.success(
                    request, f"{inv.person.display_name} allocated to {a.worker.full_name}"
                )
                return redirect(_team_url("workforce:allocations", t))
        failed = (inv_id, form)
    rows: list[tuple[selectors.WorkItem, forms.Form]] = []
    for item in items:
        rows.append((item, _allocate_form(item, failed)))
    context = _ctx(request, t, rows=rows, failed=failed[1] if failed else None)
    context["long_leave"] = selectors.long_leave(t)
    return render(request, "workforce/allocations.html", context)


def allocation_history(request: HttpRequest) -> HttpResponse:
    t = _team(request)
    history = list(selectors.allocation_history(t)[:100])
    return render(request, "workforce/history.html", _ctx(request, t, history=history))


@require_http_methods(["GET", "POST"])
def reallocate(request: HttpRequest, pk: int) -> HttpResponse:
    w = _worker(request, pk)
    user = _user(request)
    if not policy.manages_worker(user, w) or w.team is None:
        raise Http404
    items = selectors.reallocation_list(w)
    failed: tuple[int, wf.AllocateForm] | None = None
    if request.method == "POST":
        inv_id = int(request.POST.get("involvement", "0") or 0)
        item = next((i for i in items if i.involvement.pk == inv_id), None)
        if item is None:
            messages.error(request, "That child has already been reallocated.")
            return redirect("workforce:reallocate", pk=w.pk)
        form = wf.AllocateForm(request.POST, workers=_choices(item), prefix=f"i{inv_id}")
        if form.is_valid():
            try:
                services.case_allocate(
                    acting_user=user,
                    involvement=item.involvement,
                    worker=User.objects.get(pk=form.cleaned_data["worker"]),
                    reason=form.cleaned_data["reason"] or f"{w.full_name} on leave",
                    over_capacity_reason=form.cleaned_data["over_capacity_reason"],
                    expected_worker_id=w.pk,
                )
            except services.AlreadyAllocatedError as e:
                messages.error(request, e.messages[0])
                return redirect("workforce:reallocate", pk=w.pk)
            except ValidationError as e:
                apply_service_errors(form, e)
            else:
                messages.success(request, f"{item.person.display_name} reallocated")
                return redirect("workforce:reallocate", pk=w.pk)
        failed = (inv_id, form)
    rows: list[tuple[selectors.WorkItem, forms.Form]] = []
    for item in items:
        rows.append((item, _allocate_form(item, failed)))
    return render(
        request,
        "workforce/reallocate.html",
        {"w": w, "rows": rows, "failed": failed[1] if failed else None, "team": w.team},
    )


# --- Duty and the brief -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def duty(request: HttpRequest) -> HttpResponse:
    t = _team(request)
    user = _user(request)
    members = selectors.team_members(t)
    choices = [(m.pk, m.full_name) for m in members]
    today = timezone.localdate()
    form = wf.DutyForm(request.POST or None, workers=choices, initial={"day": today})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["worker"]
        try:
            services.duty_set(
                acting_user=user,
                team=t,
                day=form.cleaned_data["day"],
                worker=User.objects.get(pk=chosen) if chosen else None,
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, "Duty rota saved")
            return redirect(_team_url("workforce:duty", t))
    rota = selectors.duty_rota(t, today)
    return render(request, "workforce/duty.html", _ctx(request, t, rota=rota, form=form))


def duty_today(request: HttpRequest) -> HttpResponse:
    """The duty worker's view: for the team's managers and whoever is on duty today."""
    user = _user(request)
    raw = request.GET.get("team")
    t = Team.objects.filter(pk=int(raw)).first() if raw and raw.isdigit() else user.team
    if t is None:
        raise Http404
    today = timezone.localdate()
    on_duty = selectors.duty_worker(t, today)
    if not (policy.manages_team(user, t) or (on_duty is not None and on_duty.pk == user.pk)):
        raise Http404
    view = selectors.duty_view(t)
    return render(
        request, "workforce/duty_today.html", {"team": t, "on_duty": on_duty, "view": view}
    )


def brief(request: HttpRequest) -> HttpResponse:
    t = _team(request)
    return render(request, "workforce/brief.html", _ctx(request, t, brief=selectors.team_brief(t)))


# --- Supervision --------------------------------------------------------------------------------


def supervision_list(request: HttpRequest) -> HttpResponse:
    t = _team(request)
    due = selectors.supervision_due(selectors.team_workers(t))
    return render(request, "workforce/supervision_list.html", _ctx(request, t, due=due))


def worker_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    w = _worker(request, pk)
    user = _user(request)
    records = [
        (s, s.kind == SupervisionKind.CASE or policy.can_read_personal_supervision(user, s))
        for s in selectors.supervisions_of(w)
    ]
    return render(
        request,
        "workforce/worker_supervision.html",
        {
            "w": w,
            "records": records,
            "due": selectors.supervision_due([w])[0],
            "manages": policy.manages_worker(user, w),
        },
    )


def _supervision_forms(
    request: HttpRequest, w: User, user: User
) -> tuple[wf.SupervisionForm, list[wf.DiscussionForm]]:
    """The session's form and one part per child that may be discussed (the worker's
    children whose records the supervisor may open)."""
    children = (
        Person.objects.filter(involvements__worker=w, involvements__ended__isnull=True)
        .distinct()
        .order_by("family_name", "given_name")
    )
    visible = [(p.pk, p.display_name) for p in accounts_policy.visible_people(user, children)]
    owners = [(w.pk, w.full_name), (user.pk, user.full_name)]
    data = request.POST or None
    form = wf.SupervisionForm(data, initial={"held_on": timezone.localdate()})
    parts = [
        wf.DiscussionForm(data, children=visible, owners=owners, prefix=f"d{i}")
        for i in range(wf.DISCUSSIONS_PER_SESSION)
    ]
    return form, parts


def _discussions(parts: list[wf.DiscussionForm]) -> list[dict[str, Any]]:
    found = []
    owners = User.objects.in_bulk(
        [p.cleaned_data["action_owner"] for p in parts if p.cleaned_data.get("action_owner")]
    )
    people = Person.objects.in_bulk(
        [p.cleaned_data["person"] for p in parts if p.cleaned_data.get("person")]
    )
    for part in parts:
        d = part.cleaned_data
        if not d.get("person"):
            continue
        actions = []
        if d.get("action"):
            actions.append(
                {
                    "description": d["action"],
                    "owner": owners[d["action_owner"]],
                    "due_on": d["action_due_on"],
                }
            )
        found.append(
            {
                "person": people[d["person"]],
                "reflection": d["reflection"],
                "decisions": d["decisions"],
                "actions": actions,
            }
        )
    return found


@require_http_methods(["GET", "POST"])
def supervision_new(request: HttpRequest, pk: int) -> HttpResponse:
    w = _worker(request, pk)
    user = _user(request)
    if not policy.manages_worker(user, w):
        raise PermissionDenied
    form, parts = _supervision_forms(request, w, user)
    # Check every part (not stopping at the first), so each shows its own errors.
    checks = [form.is_valid(), *(p.is_valid() for p in parts)]
    if request.method == "POST" and all(checks):
        data = form.cleaned_data
        case = data["kind"] == SupervisionKind.CASE
        try:
            services.supervision_record(
                acting_user=user,
                worker=w,
                held_on=data["held_on"],
                kind=data["kind"],
                personal={k: data[k] for k in services.PERSONAL_FIELDS},
                discussions=_discussions(parts) if case else [],
            )
        except ValidationError as e:
            apply_service_errors(
                parts[0] if case and "person" in getattr(e, "error_dict", {}) else form, e
            )
        else:
            messages.success(request, "Supervision recorded")
            return redirect("workforce:worker_supervision", pk=w.pk)
    return render(
        request, "workforce/supervision_form.html", {"w": w, "form": form, "parts": parts}
    )


def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sup = get_object_or_404(Supervision.objects.select_related("worker__team", "supervisor"), pk=pk)
    user = _user(request)
    if sup.kind == SupervisionKind.PERSONAL:
        if not policy.can_read_personal_supervision(user, sup):
            raise Http404
        discussions = []
    else:
        if not policy.can_view_worker(user, sup.worker):
            raise Http404
        discussions = [
            d
            for d in sup.discussions.select_related("person").prefetch_related("actions__owner")
            if accounts_policy.person_access(user, d.person_id) is accounts_policy.Access.FULL
        ]
    return render(
        request, "workforce/supervision_detail.html", {"s": sup, "discussions": discussions}
    )


def child_supervision(request: HttpRequest, person_id: int) -> HttpResponse:
    """Case supervision decisions about one child: part of the child's record."""
    user = _user(request)
    if user.is_partner or accounts_policy.person_access(user, person_id) is not (
        accounts_policy.Access.FULL
    ):
        raise Http404
    person = get_object_or_404(Person, pk=person_id)
    decisions = selectors.case_decisions_for(person_id)
    return render(
        request, "workforce/child_supervision.html", {"person": person, "decisions": decisions}
    )


# --- Sign-off -----------------------------------------------------------------------------------


def sign_off(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_manager:
        raise Http404
    items = selectors.sign_off_queue(user)
    return render(request, "workforce/sign_off.html", {"items": items})
