"""Care pages: the child's care summary, starting a period of care, a carer's notice
and the move that follows, reviews, visits, the carers register and the placement
search. Views parse, ask the care policy, call a selector or service, render. Someone
who may not open the child's record gets "not found"; someone who may read but not do
this gets "forbidden"."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import User
from hearth.care import forms as cf
from hearth.care import policy, search, selectors, services
from hearth.care.models import (
    AdopterApplication,
    CareLeaver,
    Carer,
    CarerKind,
    PeriodOfCare,
    Placement,
)
from hearth.core.codelists import codelist
from hearth.core.forms import apply_service_errors
from hearth.core.models import ConflictError
from hearth.people.models import Person
from hearth.people.services import person_view_record

Done = Callable[[dict[str, Any]], Any]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _gate(request: HttpRequest, person_id: int, need: str = "view") -> policy.CareAccess:
    access = policy.care_access(_user(request), person_id)
    if not access.view:
        raise Http404
    if not getattr(access, need):
        raise PermissionDenied
    return access


def _summary_url(person_id: int) -> str:
    return reverse("care:summary", args=[person_id])


def _form_view(
    request: HttpRequest,
    person: Person,
    form: forms.Form,
    act: Done,
    *,
    title: str,
    success: str,
    button: str = "Save",
    template: str = "care/form.html",
    **extra: Any,
) -> HttpResponse:
    """Run the service on a valid POST; on refusal the reasons go on the form and what
    was typed stays in it."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ConflictError as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, success)
            return redirect(_summary_url(person.pk))
    context = {"person": person, "form": form, "title": title, "button": button, **extra}
    return render(request, template, context)


def _record(
    request: HttpRequest,
    person: Person,
    form: forms.Form,
    service: Callable[..., Any],
    **page: Any,
) -> HttpResponse:
    """Most care records: the form's fields are the service's arguments by name, and the
    service (a partial naming the period or placement) is told who is acting."""
    return _form_view(
        request, person, form, lambda d: service(acting_user=_user(request), **d), **page
    )


def _facts(d: dict[str, Any]) -> services.PlacementFacts:
    return services.PlacementFacts(
        placement_type=d["placement_type"],
        carer=d["carer"],
        provider_code=d.get("provider_code") or "",
        postcode=d.get("postcode") or "",
        intended_until_18=cf.tri_state(d.get("intended_until_18") or ""),
        visit_basis=d.get("visit_basis") or "standard",
    )


# --- The child's care summary -------------------------------------------------------------


def summary(request: HttpRequest, person_id: int) -> HttpResponse:
    access = _gate(request, person_id)
    person = get_object_or_404(Person, pk=person_id)
    person_view_record(acting_user=_user(request), person=person, page="care")
    found = selectors.care_summary(person_id)
    labels = {
        "ls": codelist("ssda903_legal_status"),
        "place": codelist("ssda903_placement_type"),
        "pn": codelist("ssda903_review_participation"),
        "need": codelist("primary_need"),
        "rec": codelist("ssda903_reason_ceased"),
    }
    return render(
        request,
        "care/summary.html",
        {
            "person": person,
            "care": found,
            "labels": labels,
            "can_edit": access.edit,
            "can_review": access.review,
        },
    )


# --- Starting, moving, ending ----------------------------------------------------------


def start(request: HttpRequest, person_id: int) -> HttpResponse:
    _gate(request, person_id, "edit")
    person = get_object_or_404(Person, pk=person_id)
    home = person.addresses.filter(moved_out__isnull=True).order_by("-moved_in").first()
    initial = {
        "start_date": timezone.localdate(),
        "home_postcode": home.postcode if home else "",
        "carer": request.GET.get("carer", ""),
    }
    form = cf.StartForm(request.POST or None, initial=initial)
    return _form_view(
        request,
        person,
        form,
        lambda d: services.care_period_start(
            acting_user=_user(request),
            person=person,
            start_date=d["start_date"],
            legal_status=d["legal_status"],
            category_of_need=d["category_of_need"],
            home_postcode=d["home_postcode"],
            placement=_facts(d),
            uasc=d["uasc"],
            previous_permanence=d["previous_permanence"],
        ),
        title="Start a period of care",
        success="Period of care started",
        button="Start the period of care",
    )


def _period(request: HttpRequest, pk: int, need: str = "edit") -> PeriodOfCare:
    period = get_object_or_404(PeriodOfCare.objects.select_related("person"), pk=pk)
    _gate(request, period.person_id, need)
    return period


def _placement(request: HttpRequest, pk: int) -> Placement:
    placement = get_object_or_404(
        Placement.objects.select_related("person", "period", "carer"), pk=pk
    )
    _gate(request, placement.person_id, "edit")
    return placement


def move(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    current = period.placements.filter(end_date__isnull=True).select_related("carer").first()
    notice = current.notices.order_by("-given_on").first() if current else None
    initial = {
        "on": timezone.localdate(),
        "carer": request.GET.get("carer", ""),
        "reason": notice.reason if notice else "",
    }
    form = cf.MoveForm(request.POST or None, initial=initial)
    return _form_view(
        request,
        period.person,
        form,
        lambda d: services.placement_change(
            acting_user=_user(request),
            period=period,
            on=d["on"],
            placement=_facts(d),
            reason=d["reason"],
            legal_status=d["legal_status"],
        ),
        title="Move to a new placement",
        success="The child's placement has been changed",
        button="Record the move",
        current=current,
        notice=notice,
    )


def end(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = cf.EndForm(request.POST or None, initial={"on": timezone.localdate()})
    return _record(
        request,
        period.person,
        form,
        partial(services.care_period_end, period=period),
        title="End the period of care",
        success="Period of care ended",
    )


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk)
    form = cf.NoticeForm(
        request.POST or None, initial={"given_on": timezone.localdate(), "notice_days": 28}
    )
    return _record(
        request,
        placement.person,
        form,
        partial(services.carer_notice_record, placement=placement),
        title="Record the carer's notice",
        success="Notice recorded: a placement move is due when the notice ends",
        button="Record the notice",
    )


def visit(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk)
    form = cf.VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    return _record(
        request,
        placement.person,
        form,
        partial(services.visit_record, placement=placement),
        title="Record a statutory visit",
        success="Visit recorded",
    )


def review(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk, "review")
    form = cf.ReviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    user = _user(request)
    return _form_view(
        request,
        period.person,
        form,
        lambda d: services.review_record(
            acting_user=user,
            period=period,
            held_on=d["held_on"],
            participation=d["participation"],
            chair=user if user.role == "reviewing_officer" else None,
            child_views=d["child_views"],
            decisions=d["decisions"],
        ),
        title="Record a looked-after review",
        success="Review recorded",
        button="Record the review",
        due=period.review_due_on,
    )


# --- Carers register and placement search ------------------------------------------------


def carers(request: HttpRequest) -> HttpResponse:
    if not policy.can_view_register(_user(request)):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    vacant = request.GET.get("vacant") == "1"
    page = Paginator(selectors.carers_page(kind, vacant), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "care/carers.html",
        {
            "page": page,
            "kind": kind,
            "vacant": vacant,
            "kinds": CarerKind.choices,
            "can_edit": policy.can_edit_register(_user(request)),
        },
    )


def carer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not policy.can_edit_register(_user(request)):
        raise PermissionDenied
    instance = get_object_or_404(Carer, pk=pk) if pk else Carer()
    form = cf.CarerForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        carer = form.save(commit=False)
        carer.skills = form.cleaned_data["skills_text"]
        try:
            services.carer_save(acting_user=_user(request), carer=carer)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, f"{carer.name} saved")
            return redirect("care:carers")
    title = instance.name if instance.pk else "Add a carer or provider"
    return render(
        request,
        "care/register_form.html",
        {"form": form, "title": title, "back": reverse("care:carers"),
         "back_label": "Back to carers and providers"},
    )  # fmt: skip


def adopter_families(request: HttpRequest) -> HttpResponse:
    """Prospective adopter families and where each is in the process (Annex A list 11)."""
    if not policy.can_view_register(_user(request)):
        raise PermissionDenied
    stage = request.GET.get("stage", "")
    page = Paginator(selectors.adopter_families(stage), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "care/adopters.html",
        {
            "page": page,
            "stage": stage,
            "stages": selectors.ADOPTER_STAGES,
            "can_edit": policy.can_edit_register(_user(request)),
        },
    )


def adopter_family_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not policy.can_edit_register(_user(request)):
        raise PermissionDenied
    instance = get_object_or_404(AdopterApplication, pk=pk) if pk else AdopterApplication()
    form = cf.AdopterFamilyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        adopters = [p for p in (d["first_adopter"], d["second_adopter"]) if p is not None]
        try:
            family = services.adopter_application_save(
                acting_user=_user(request), application=form.save(commit=False), adopters=adopters
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, f"Adopters {family.reference} saved")
            return redirect("care:adopters")
    title = f"Adopters {instance.reference}" if instance.pk else "Add a prospective adopter family"
    return render(
        request,
        "care/register_form.html",
        {"form": form, "title": title, "back": reverse("care:adopters"),
         "back_label": "Back to adopter families"},
    )  # fmt: skip


def placement_search(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    person = period.person
    home = person.addresses.filter(moved_out__isnull=True).order_by("-moved_in").first()
    # Needs the record already shows, so nobody types them again.
    age = person.age
    needs = [
        *(["babies"] if age is not None and age < 2 else []),
        *(["teenagers"] if age is not None and age >= 13 else []),
        *(["disability"] if person.disabilities.exclude(code="NONE").exists() else []),
    ]
    form = cf.SearchForm(
        request.GET or None,
        initial={
            "siblings": 1,
            "needs": ", ".join(needs),
            "near": period.home_postcode or (home.postcode if home else ""),
        },
    )
    options: list[search.Option] = []
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        req = search.Request(
            age=person.age,
            siblings=d["siblings"],
            needs=tuple(d["needs"]),
            near=d["near"] or "",
            school=d["school"] or "",
        )
        options = search.placement_search(req, timezone.localdate())
    decision = cf.DecisionForm(request.POST or None)
    if request.method == "POST" and decision.is_valid():
        choice = decision.cleaned_data["choice"]
        carer = Carer.objects.filter(reference=choice).first()
        kin = None
        if choice.startswith("kin-"):
            kin = Person.objects.filter(pk=int(choice[4:])).first()
        try:
            services.placement_decision_record(
                acting_user=_user(request),
                period=period,
                reasons=decision.cleaned_data["reasons"],
                carer=carer,
                kin_person=kin,
                ranking=[o.as_dict() for o in options],
            )
        except ValidationError as e:
            apply_service_errors(decision, e)
        else:
            messages.success(request, "Decision recorded")
            if carer is not None:
                return redirect(f"{reverse('care:move', args=[period.pk])}?carer={carer.reference}")
            return redirect(_summary_url(person.pk))
    return render(
        request,
        "care/search.html",
        {
            "person": person,
            "period": period,
            "form": form,
            "options": options,
            "kin": search.kinship_options(person.pk),
            "decision": decision,
        },
    )


# --- Other records ----------------------------------------------------------------------


def _moment(day: Any, time_: Any) -> Any:
    import datetime as dt

    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time_))


def missing(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = cf.MissingForm(request.POST or None, initial={"started_on": timezone.localdate()})
    return _form_view(
        request,
        period.person,
        form,
        lambda d: services.missing_record(
            acting_user=_user(request),
            period=period,
            kind=d["kind"],
            started_at=_moment(d["started_on"], d["started_time"]),
            ended_at=_moment(d["ended_on"], d["ended_time"]) if d["ended_time"] else None,
            notes=d["notes"],
        ),
        title="Record a missing or away episode",
        success="Recorded: a return home interview is due within 72 hours of return",
    )


def health(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = cf.HealthForm(request.POST or None, initial={"done_on": timezone.localdate()})
    return _record(
        request,
        period.person,
        form,
        partial(services.health_record, period=period),
        title="Record a health assessment or check",
        success="Health record saved",
    )


def pep(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = cf.PepForm(
        request.POST or None,
        initial={"held_on": timezone.localdate(), "upn": period.person.upn},
    )
    return _record(
        request,
        period.person,
        form,
        partial(services.pep_record, period=period),
        title="Record a personal education plan meeting",
        success="PEP recorded",
    )


def care_plan(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = cf.CarePlanForm(
        request.POST or None,
        initial={
            "made_on": period.care_plan_on or timezone.localdate(),
            "permanence_plan": period.permanence_plan,
        },
    )
    return _record(
        request,
        period.person,
        form,
        partial(services.care_plan_record, period=period),
        title="Care plan and permanence plan",
        success="Care plan recorded",
    )


def facts(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement(request, pk)
    known = {True: "yes", False: "no", None: ""}[placement.intended_until_18]
    form = cf.FactsForm(
        request.POST or None,
        initial={
            "intended_until_18": known,
            "visit_basis": placement.visit_basis,
            "placement_plan_on": placement.placement_plan_on,
        },
    )
    return _form_view(
        request,
        placement.person,
        form,
        lambda d: services.placement_facts_update(
            acting_user=_user(request),
            placement=placement,
            intended_until_18=cf.tri_state(d["intended_until_18"] or ""),
            visit_basis=d["visit_basis"],
            placement_plan_on=d["placement_plan_on"],
        ),
        title="The placement's facts for visits and plans",
        success="Placement updated",
    )


def contact(request: HttpRequest, person_id: int) -> HttpResponse:
    _gate(request, person_id, "edit")
    person = get_object_or_404(Person, pk=person_id)
    form = cf.ContactForm(request.POST or None, initial={"contact_on": timezone.localdate()})
    return _form_view(
        request,
        person,
        form,
        lambda d: services.care_leaver_contact_record(
            acting_user=_user(request),
            person=person,
            birthday=d["birthday"],
            contact_on=d["contact_on"],
            in_touch=d["in_touch"],
            activity=d["activity"],
            accommodation=d["accommodation"],
            suitable=cf.tri_state(d["suitable"] or ""),
        ),
        title="Record contact around a birthday",
        success="Contact recorded",
    )


def care_leaver(request: HttpRequest, person_id: int) -> HttpResponse:
    _gate(request, person_id, "edit")
    person = get_object_or_404(Person, pk=person_id)
    row = CareLeaver.objects.filter(person=person).first()
    initial: dict[str, Any] = {}
    if row is not None:
        initial = {"eligibility": row.eligibility, "left_care_on": row.left_care_on,
                   "personal_adviser": row.personal_adviser_id,
                   "pathway_plan_on": row.pathway_plan_on}  # fmt: skip
    form = cf.CareLeaverForm(request.POST or None, initial=initial)
    return _record(
        request,
        person,
        form,
        partial(services.care_leaver_record, person=person),
        title="Leaving care",
        success="Leaving care details saved",
    )


ADOPTION_FIELDS = (
    "placement_order_on", "matched_on", "placed_on", "adoption_order_on", "reversed_on",
    "reversed_reason", "adopter_sex", "adopter_legal_status", "family",
)  # fmt: skip


def adoption(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    current = period.adoptions.filter(reversed_on__isnull=True).first()
    initial: dict[str, Any] = {"should_be_placed_on": timezone.localdate()}
    if current is not None:
        initial = {f: getattr(current, f) for f in ("should_be_placed_on", *ADOPTION_FIELDS)}
        initial["family"] = current.family.reference if current.family else ""
    form = cf.AdoptionForm(request.POST or None, initial=initial)

    def act(d: dict[str, Any]) -> Any:
        values = {f: d[f] if d[f] is not None else None for f in ADOPTION_FIELDS}
        for code in ("reversed_reason", "adopter_sex", "adopter_legal_status"):
            values[code] = d[code] or ""
        values["number_of_adopters"] = None
        if values["adopter_sex"]:
            values["number_of_adopters"] = 1 if values["adopter_sex"] in ("M1", "F1") else 2
        return services.adoption_record(
            acting_user=_user(request),
            period=period,
            should_be_placed_on=d["should_be_placed_on"],
            values=values,
        )

    return _form_view(
        request, period.person, form, act, title="Adoption", success="Adoption record saved"
    )


def iro_contact(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk, "review")
    form = cf.IROContactForm(request.POST or None, initial={"contact_on": timezone.localdate()})
    return _record(
        request,
        period.person,
        form,
        partial(services.iro_contact_record, period=period),
        title="Record your contact with the child",
        success="Contact recorded",
    )


def children(request: HttpRequest) -> HttpResponse:
    """The children in care this user may open, with their next review and visit."""
    user = _user(request)
    if not policy.can_view_register(user):
        raise PermissionDenied
    page = Paginator(selectors.children_in_care_for(user), 50).get_page(request.GET.get("page"))
    return render(request, "care/children.html", {"page": page})


def missing_return(request: HttpRequest, pk: int) -> HttpResponse:
    from hearth.care.models import MissingEpisode

    episode = get_object_or_404(MissingEpisode.objects.select_related("person"), pk=pk)
    _gate(request, episode.person_id, "edit")
    local_end = timezone.localtime(episode.ended_at) if episode.ended_at else None
    form = cf.ReturnForm(
        request.POST or None,
        initial={
            "ended_on": local_end.date() if local_end else None,
            "ended_time": f"{local_end:%H:%M}" if local_end else "",
        },
    )

    def act(d: dict[str, Any]) -> None:
        if d["offered_on"] and (not d["offered_time"] or not d["accepted"]):
            raise ValidationError(
                {"offered_time": ["Enter when it was offered and whether it was accepted"]}
            )
        if episode.ended_at is None:
            if not (d["ended_on"] and d["ended_time"]):
                raise ValidationError({"ended_on": ["Enter the date and time they came back"]})
            services.missing_return_record(
                acting_user=_user(request),
                episode=episode,
                ended_at=_moment(d["ended_on"], d["ended_time"]),
            )
        if d["offered_on"]:
            services.return_interview_record(
                acting_user=_user(request),
                episode=episode,
                offered_at=_moment(d["offered_on"], d["offered_time"]),
                accepted=d["accepted"] == "yes",
            )

    return _form_view(
        request,
        episode.person,
        form,
        act,
        title="The return and the return home interview",
        success="Saved",
    )
