"""Casework pages: the case section of a child's record and the forms for each step of
the statutory process. Views parse the request, ask the casework policy, call a selector
or a service, and render. Someone who may not open the child's record gets "not found";
someone who may read but not change it gets "forbidden"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from hearth.accounts import policy as accounts_policy
from hearth.accounts.models import User
from hearth.casework import forms as cf
from hearth.casework import selectors, services
from hearth.casework.models import (
    Assessment,
    CaseAction,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    Conference,
    ConferenceKind,
    EpisodeClosure,
    Section47Enquiry,
    StrategyDiscussion,
    Task,
)
from hearth.casework.policy import CaseAccess, case_access
from hearth.core.codelists import codelist
from hearth.core.forms import apply_service_errors
from hearth.core.models import ConflictError
from hearth.people.models import Involvement, Person
from hearth.people.services import person_view_record

Done = Callable[[dict[str, Any]], Any]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _gate(request: HttpRequest, person_id: int, need: str = "view") -> CaseAccess:
    """The user's access to the child's case, or the refusal: not found when the record
    is out of their reach, the break-glass page when it is restricted, forbidden when
    they may read but not do this."""
    access = case_access(_user(request), person_id)
    if not access.view:
        if access.access is accounts_policy.Access.NEEDS_REASON:
            raise _BreakGlassError(person_id)
        raise Http404
    if not getattr(access, need):
        raise PermissionDenied
    return access


class _BreakGlassError(Exception):
    def __init__(self, person_id: int) -> None:
        self.person_id = person_id


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _BreakGlassError as e:
            return redirect("people:break_glass", pk=e.person_id)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _case_url(person_id: int) -> str:
    return reverse("casework:case", args=[person_id])


def _submit(request: HttpRequest, form: forms.Form, act: Done, success: str) -> bool:
    """Run the service on a valid POST; on refusal put the reasons on the form (what was
    typed stays in it). True when it worked."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        act(form.cleaned_data)
    except ConflictError as e:
        form.add_error(None, str(e))
        return False
    except ValidationError as e:
        apply_service_errors(form, e)
        return False
    messages.success(request, success)
    return True


def _page(
    request: HttpRequest,
    person: Person,
    form: forms.Form,
    title: str,
    *,
    button: str,
    template: str = "casework/form.html",
    **extra: Any,
) -> HttpResponse:
    context = {"person": person, "form": form, "title": title, "button": button, **extra}
    return render(request, template, context)


def _form_view(
    request: HttpRequest,
    person: Person,
    form: forms.Form,
    act: Done,
    *,
    title: str,
    success: str,
    button: str = "Save",
    **extra: Any,
) -> HttpResponse:
    if _submit(request, form, act, success):
        return redirect(_case_url(person.pk))
    return _page(request, person, form, title, button=button, **extra)


def _worker_name(person_id: int) -> str:
    involvement = (
        Involvement.objects.filter(person_id=person_id, ended__isnull=True, worker__isnull=False)
        .select_related("worker")
        .order_by("-started")
        .first()
    )
    return involvement.worker.full_name if involvement and involvement.worker else ""


# --- The case section -------------------------------------------------------------------------


@_guarded
def case(request: HttpRequest, person_id: int) -> HttpResponse:
    access = _gate(request, person_id)
    person = get_object_or_404(Person, pk=person_id)
    person_view_record(acting_user=_user(request), person=person, page="casework")
    found = selectors.case_for_page(person_id)
    labels = {
        "source": codelist("referral_source"),
        "need": codelist("primary_need"),
        "closure": codelist("closure_reason"),
        "category": codelist("category_of_abuse"),
        "factor": codelist("assessment_factor"),
    }
    return render(
        request,
        "casework/case.html",
        {"person": person, "case": found, "access": access, "labels": labels},
    )


# --- Episode ----------------------------------------------------------------------------------


def _episode(request: HttpRequest, pk: int, need: str = "edit") -> tuple[CINEpisode, Person]:
    episode = get_object_or_404(CINEpisode.objects.select_related("person"), pk=pk)
    _gate(request, episode.person_id, need)
    return episode, episode.person


@_guarded
def episode_need(request: HttpRequest, pk: int) -> HttpResponse:
    episode, person = _episode(request, pk)
    form = cf.PrimaryNeedForm(
        request.POST or None,
        on=episode.referral_date,
        initial={"primary_need_code": episode.primary_need_code},
    )
    return _form_view(
        request,
        person,
        form,
        lambda d: services.cin_episode_update(
            acting_user=_user(request), episode=episode, primary_need_code=d["primary_need_code"]
        ),
        title="Primary need",
        success="Primary need saved",
    )


_REASON_FOR_OUTCOME = {"nfa": "RC8", "early_help": "RC9"}


@_guarded
def closure_request(request: HttpRequest, pk: int) -> HttpResponse:
    episode, person = _episode(request, pk)
    closure = EpisodeClosure.objects.filter(episode=episode).first()
    if closure is not None:
        initial: dict[str, Any] = {
            "closure_date": closure.closure_date,
            "closure_reason": closure.closure_reason,
            "checklist": [n for n, _ in EpisodeClosure.CHECKLIST if getattr(closure, n)],
            "note": closure.note,
        }
    else:
        last = episode.assessments.filter(authorised_on__isnull=False).first()
        initial = {
            "closure_date": timezone.localdate(),
            "closure_reason": _REASON_FOR_OUTCOME.get(last.outcome, "") if last else "",
        }
    form = cf.ClosureRequestForm(request.POST or None, initial=initial)
    return _form_view(
        request,
        person,
        form,
        lambda d: services.episode_closure_request(
            acting_user=_user(request),
            episode=episode,
            closure_date=d["closure_date"],
            closure_reason=d["closure_reason"],
            checklist=dict.fromkeys(d["checklist"], True),
            note=d["note"],
        ),
        title="Ask to close the episode",
        success="Closure sent to a manager to sign off",
        button="Send to a manager",
        closure=closure,
    )


@_guarded
def closure_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    episode, person = _episode(request, pk, need="manage")
    closure = get_object_or_404(
        EpisodeClosure.objects.select_related("requested_by"), episode=episode
    )
    form = cf.ClosureSignOffForm(request.POST or None)
    return _form_view(
        request,
        person,
        form,
        lambda d: services.episode_closure_sign_off(
            acting_user=_user(request),
            closure=closure,
            approve=cf.yes(d["approve"]),
            note=d["note"],
        ),
        title="Sign off the closure",
        success="Closure decision recorded",
        template="casework/closure_sign_off.html",
        closure=closure,
        episode=episode,
        labels={"closure": codelist("closure_reason")},
        recent_closure=services.recent_closure(episode, closure.closure_date),
    )


# --- Assessment -------------------------------------------------------------------------------


def _date_form(request: HttpRequest, label: str, initial: Any = None) -> cf.DateOnlyForm:
    return cf.DateOnlyForm(request.POST or None, label=label, initial={"day": initial})


@_guarded
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    episode, person = _episode(request, pk)
    form = _date_form(request, "Date the assessment started", timezone.localdate())
    if _submit(
        request,
        form,
        lambda d: services.assessment_start(
            acting_user=_user(request), episode=episode, started_on=d["day"]
        ),
        "Assessment started",
    ):
        created = episode.assessments.order_by("-pk").first()
        assert created is not None
        return redirect("casework:assessment", pk=created.pk)
    return _page(request, person, form, "Start an assessment", button="Start the assessment")


def _assessment(request: HttpRequest, pk: int, need: str) -> tuple[Assessment, CaseAccess]:
    assessment = get_object_or_404(
        Assessment.objects.select_related("episode", "person", "authorised_by").prefetch_related(
            "seen"
        ),
        pk=pk,
    )
    return assessment, _gate(request, assessment.person_id, need)


@_guarded
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment: its due date and days remaining always in view, the child's voice
    first. A save over someone else's newer version is refused and both texts shown."""
    item, access = _assessment(request, pk, "view")
    user = _user(request)
    day = item.authorised_on or item.started_on
    initial = {name: getattr(item, name) for name in Assessment.TEXT_FIELDS}
    initial.update(factors=item.factors, outcome=item.outcome, version=item.version)
    form = cf.AssessmentForm(request.POST or None, on=day, initial=initial)
    conflict = None
    if request.method == "POST":
        if not access.edit or item.is_authorised:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.assessment_update(
                    acting_user=user,
                    assessment=item,
                    expected_version=d["version"] or -1,
                    **{name: d[name] for name in Assessment.TEXT_FIELDS},
                    factors=d["factors"],
                    outcome=d["outcome"],
                )
            except ConflictError as e:
                # Keep what this person typed in the form; show what was saved beside it,
                # and let them save again over it once they have merged the two.
                conflict = Assessment.objects.get(pk=item.pk)
                form.add_error(None, str(e))
                data = form.data.copy()  # type: ignore[attr-defined]
                data["version"] = str(conflict.version)
                form.data = data
            except ValidationError as e:
                apply_service_errors(form, e)
            else:
                messages.success(request, "Assessment saved")
                return redirect("casework:assessment", pk=item.pk)
    else:
        person_view_record(acting_user=user, person=item.person, page="assessment")
    return render(
        request,
        "casework/assessment.html",
        {
            "person": item.person,
            "assessment": item,
            "form": form,
            "access": access,
            "conflict": conflict,
            "missing": services.assessment_missing(item),
            "factor_labels": codelist("assessment_factor"),
        },
    )


@_guarded
def assessment_seen(request: HttpRequest, pk: int) -> HttpResponse:
    item, _ = _assessment(request, pk, "edit")
    form = cf.ChildSeenForm(request.POST or None)
    if _submit(
        request,
        form,
        lambda d: services.assessment_child_seen(
            acting_user=_user(request), assessment=item, seen_on=d["seen_on"], alone=d["alone"]
        ),
        "Visit recorded",
    ):
        return redirect("casework:assessment", pk=item.pk)
    return _page(request, item.person, form, "Record when the child was seen", button="Save")


@_guarded
def assessment_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    item, _ = _assessment(request, pk, "manage")
    form = _date_form(request, "Date authorised", timezone.localdate())
    if _submit(
        request,
        form,
        lambda d: services.assessment_authorise(
            acting_user=_user(request), assessment=item, authorised_on=d["day"]
        ),
        "Assessment authorised",
    ):
        return redirect("casework:assessment", pk=item.pk)
    return _page(request, item.person, form, "Authorise the assessment", button="Authorise")


# --- Strategy discussion and section 47 -----------------------------------------------------


def _strategy_rows(episode: CINEpisode) -> list[dict[str, Any]]:
    """Who is already involved (earlier meetings), else the allocated worker."""
    known = selectors.agencies_known(episode)
    if known:
        return known
    name = _worker_name(episode.person_id)
    return [{"name": name, "agency": "social_care", "role": "Social worker"}] if name else []


@_guarded
def strategy_new(request: HttpRequest, pk: int) -> HttpResponse:
    episode, person = _episode(request, pk)
    form = cf.StrategyForm(
        request.POST or None,
        rows={"attendees": _strategy_rows(episode)},
        initial={"held_on": timezone.localdate()},
    )
    return _form_view(
        request,
        person,
        form,
        lambda d: services.strategy_discussion_record(
            acting_user=_user(request), episode=episode, **form.values()
        ),
        title="Record a strategy discussion",
        success="Strategy discussion recorded",
        template="casework/rows_form.html",
    )


@_guarded
def strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = get_object_or_404(
        StrategyDiscussion.objects.select_related("episode", "person").prefetch_related(
            "attendees", "actions"
        ),
        pk=pk,
    )
    _gate(request, discussion.person_id, "edit")
    held = timezone.localtime(discussion.held_at)
    attendees = [
        {"name": a.name, "agency": a.agency, "role": a.role,
         "information_shared": a.information_shared}
        for a in discussion.attendees.all()
    ]  # fmt: skip
    form = cf.StrategyForm(
        request.POST or None,
        rows={"attendees": attendees},
        initial={
            "held_on": held.date(),
            "held_time": f"{held:%H:%M}",
            "decision": discussion.decision,
            "cp_medical": discussion.cp_medical,
            "summary": discussion.summary,
            "version": discussion.version,
        },
    )
    return _form_view(
        request,
        discussion.person,
        form,
        lambda d: services.strategy_discussion_update(
            acting_user=_user(request),
            discussion=discussion,
            expected_version=d["version"] or -1,
            **form.values(),
        ),
        title="Change the strategy discussion",
        success="Strategy discussion saved",
        template="casework/rows_form.html",
        existing_actions=list(discussion.actions.all()),
    )


@_guarded
def s47_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_object_or_404(Section47Enquiry.objects.select_related("episode"), pk=pk)
    _gate(request, enquiry.person_id, "edit")
    person = get_object_or_404(Person, pk=enquiry.person_id)

    def yn(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    form = cf.Section47OutcomeForm(
        request.POST or None,
        initial={
            "completed_on": enquiry.completed_on or timezone.localdate(),
            "concerns_substantiated": yn(enquiry.concerns_substantiated),
            "likely_significant_harm": yn(enquiry.likely_significant_harm),
            "icpc_required": yn(enquiry.icpc_required),
        },
    )
    return _form_view(
        request,
        person,
        form,
        lambda d: services.section47_complete(
            acting_user=_user(request),
            enquiry=enquiry,
            completed_on=d["completed_on"],
            concerns_substantiated=cf.yes(d["concerns_substantiated"]),
            likely_significant_harm=cf.yes(d["likely_significant_harm"]),
            icpc_required=cf.yes(d["icpc_required"]),
        ),
        title="Section 47 enquiry outcome",
        success="Section 47 outcome recorded",
    )


# --- Conferences ------------------------------------------------------------------------------


def _conference_form(
    request: HttpRequest, episode: CINEpisode, initial: dict[str, Any], rows: dict[str, Any]
) -> cf.ConferenceForm:
    return cf.ConferenceForm(
        request.POST or None, initial=initial, rows=rows, chairs=selectors.reviewing_officers()
    )


def _report_rows(episode: CINEpisode) -> list[dict[str, Any]]:
    name = _worker_name(episode.person_id)
    rows = [{"author": name, "agency": "social_care"}] if name else []
    for known in selectors.agencies_known(episode):
        if known["agency"] != "social_care":
            rows.append({"author": known["name"], "agency": known["agency"]})
    return rows


def _schedule(
    request: HttpRequest,
    episode: CINEpisode,
    *,
    kind: str,
    scheduled_on: Any,
    chair: User | None,
    title: str,
    section47: Section47Enquiry | None = None,
    plan: ChildProtectionPlan | None = None,
) -> HttpResponse:
    form = _conference_form(
        request,
        episode,
        initial={"scheduled_on": scheduled_on, "chair": chair},
        rows={"invitees": selectors.agencies_known(episode), "reports": _report_rows(episode)},
    )
    return _form_view(
        request,
        episode.person,
        form,
        lambda d: services.conference_schedule(
            acting_user=_user(request),
            episode=episode,
            kind=kind,
            scheduled_on=d["scheduled_on"],
            chair=d["chair"],
            invitees=form.rows("invitees"),
            reports=form.rows("reports"),
            section47=section47,
            plan=plan,
        ),
        title=title,
        success="Conference date set",
        template="casework/rows_form.html",
    )


@_guarded
def icpc_new(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_object_or_404(Section47Enquiry.objects.select_related("episode__person"), pk=pk)
    _gate(request, enquiry.person_id, "conference")
    return _schedule(
        request,
        enquiry.episode,
        kind=ConferenceKind.INITIAL,
        scheduled_on=enquiry.icpc_target_on or enquiry.icpc_due_on,
        chair=None,
        title="Set the initial child protection conference",
        section47=enquiry,
    )


@_guarded
def review_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ChildProtectionPlan.objects.select_related("episode__person"), pk=pk)
    _gate(request, plan.person_id, "conference")
    if plan.episode is None:
        raise Http404
    last = plan.conferences.exclude(chair=None).order_by("-scheduled_on").first()
    return _schedule(
        request,
        plan.episode,
        kind=ConferenceKind.REVIEW,
        scheduled_on=plan.review_target_on or plan.review_due_on,
        chair=last.chair if last else None,
        title="Set the review conference",
        plan=plan,
    )


def _conference(request: HttpRequest, pk: int) -> Conference:
    conference = get_object_or_404(
        Conference.objects.select_related("episode__person", "section47", "plan").prefetch_related(
            "invitees", "reports"
        ),
        pk=pk,
    )
    _gate(request, conference.person_id, "conference")
    return conference


@_guarded
def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    form = _conference_form(
        request,
        conference.episode,
        initial={
            "scheduled_on": conference.scheduled_on,
            "chair": conference.chair_id,
            "version": conference.version,
        },
        rows={
            "invitees": [{"name": i.name, "agency": i.agency} for i in conference.invitees.all()],
            "reports": [
                {"id": r.pk, "author": r.author, "agency": r.agency}
                for r in conference.reports.all()
            ],
        },
    )
    return _form_view(
        request,
        conference.episode.person,
        form,
        lambda d: services.conference_update(
            acting_user=_user(request),
            conference=conference,
            expected_version=d["version"] or -1,
            scheduled_on=d["scheduled_on"],
            chair=d["chair"],
            invitees=form.rows("invitees"),
            reports=form.rows("reports"),
        ),
        title=f"Change the {conference.get_kind_display().lower()}",
        success="Conference saved: report deadlines moved with it",
        template="casework/rows_form.html",
    )


@_guarded
def conference_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(request, pk)
    invitees, reports = list(conference.invitees.all()), list(conference.reports.all())
    latest = conference.plan.latest_category if conference.plan else ""
    form = cf.ConferenceOutcomeForm(
        request.POST or None,
        invitees=invitees,
        reports=reports,
        initial={"held_on": conference.scheduled_on, "category": latest},
    )
    return _form_view(
        request,
        conference.episode.person,
        form,
        lambda d: services.conference_record(
            acting_user=_user(request),
            conference=conference,
            held_on=d["held_on"],
            plan_decided=cf.yes(d["plan_decided"]),
            category=d["category"],
            decision_note=d["decision_note"],
            attendance=form.attendance(),
            reports_received=form.received(),
        ),
        title=f"Record the {conference.get_kind_display().lower()}",
        success="Conference outcome recorded",
        button="Record the outcome",
    )


# --- Plans ------------------------------------------------------------------------------------


@_guarded
def core_group_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ChildProtectionPlan.objects.select_related("person"), pk=pk)
    _gate(request, plan.person_id, "edit")
    form = cf.MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _form_view(
        request,
        plan.person,
        form,
        lambda d: services.core_group_record(
            acting_user=_user(request), plan=plan, held_on=d["held_on"], notes=d["notes"]
        ),
        title="Record a core group meeting",
        success="Core group recorded",
    )


_ACTION_PARENTS: dict[str, type[Model]] = {
    "strategy-discussions": StrategyDiscussion,
    "cp-plans": ChildProtectionPlan,
    "cin-plans": CINPlan,
}


@_guarded
def action_new(request: HttpRequest, parent: str, pk: int) -> HttpResponse:
    model = _ACTION_PARENTS.get(parent)
    if model is None:
        raise Http404
    owner = get_object_or_404(model._default_manager.select_related("person"), pk=pk)
    _gate(request, owner.person_id, "edit")  # type: ignore[attr-defined]
    form = cf.ActionForm(request.POST or None)
    return _form_view(
        request,
        owner.person,  # type: ignore[attr-defined]
        form,
        lambda d: services.case_action_add(acting_user=_user(request), parent=owner, **d),  # type: ignore[arg-type]
        title="Add an action",
        success="Action added",
    )


@_guarded
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        CaseAction.objects.select_related("person", "strategy_discussion", "cp_plan", "cin_plan"),
        pk=pk,
    )
    _gate(request, action.person_id, "edit")
    form = _date_form(request, "Date it was done", timezone.localdate())
    return _form_view(
        request,
        action.person,
        form,
        lambda d: services.case_action_done(
            acting_user=_user(request), action=action, done_on=d["day"]
        ),
        title=f"Mark done: {action.description}",
        success="Action marked done",
    )


@_guarded
def cin_plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    episode, person = _episode(request, pk)
    form = _date_form(request, "Date the plan started", timezone.localdate())
    return _form_view(
        request,
        person,
        form,
        lambda d: services.cin_plan_start(
            acting_user=_user(request), episode=episode, start_date=d["day"]
        ),
        title="Start a child in need plan",
        success="Child in need plan started",
    )


def _cin_plan(request: HttpRequest, pk: int) -> CINPlan:
    plan = get_object_or_404(CINPlan.objects.select_related("person"), pk=pk)
    _gate(request, plan.person_id, "edit")
    return plan


@_guarded
def cin_review_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _cin_plan(request, pk)
    form = cf.MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _form_view(
        request,
        plan.person,
        form,
        lambda d: services.cin_review_record(
            acting_user=_user(request), plan=plan, held_on=d["held_on"], notes=d["notes"]
        ),
        title="Record a child in need review",
        success="Review recorded",
    )


@_guarded
def cin_plan_end(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _cin_plan(request, pk)
    form = _date_form(request, "Date the plan ended", timezone.localdate())
    return _form_view(
        request,
        plan.person,
        form,
        lambda d: services.cin_plan_end(acting_user=_user(request), plan=plan, end_date=d["day"]),
        title="End the child in need plan",
        success="Child in need plan ended",
    )


# --- Case notes and visits -------------------------------------------------------------------


@_guarded
def note_new(request: HttpRequest, person_id: int) -> HttpResponse:
    _gate(request, person_id, "edit")
    person = get_object_or_404(Person, pk=person_id)
    now = timezone.localtime()
    form = cf.CaseNoteForm(
        request.POST or None,
        household=selectors.household_names(person_id),
        initial={"occurred_on": now.date(), "occurred_time": f"{now:%H:%M}"},
    )
    return _form_view(
        request,
        person,
        form,
        lambda d: services.case_note_record(
            acting_user=_user(request), person=person, **form.values()
        ),
        title="Record a case note or visit",
        success="Case note saved",
        template="casework/note_form.html",
        author=_user(request),
    )


@_guarded
def escalation_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.select_related("person"), pk=pk, rule_code=selectors.ESCALATION_RULE
    )
    _gate(request, task.person_id, "manage")
    form = _date_form(request, "Date it was dealt with", timezone.localdate())
    return _form_view(
        request,
        task.person,
        form,
        lambda d: services.escalation_done(acting_user=_user(request), task=task, done_on=d["day"]),
        title=f"Mark dealt with: {task.title}",
        success="Escalation marked dealt with",
    )
