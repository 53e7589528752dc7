"""People pages: search, the person's record, editing details and addresses, the
record-access history and opening a restricted record. Views parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hearth.accounts import policy
from hearth.accounts.models import User
from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.core.codelists import codelist
from hearth.core.forms import apply_service_errors
from hearth.core.models import ConflictError
from hearth.people import merge as merging
from hearth.people import selectors, services
from hearth.people.forms import (
    AddressForm,
    BreakGlassForm,
    DuplicateFilterForm,
    MergeForm,
    NotDuplicateForm,
    PersonForm,
)
from hearth.people.models import (
    Address,
    DuplicateCandidate,
    DuplicateStatus,
    Person,
    PersonMerge,
)

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _refuse(user: User, pk: int) -> HttpResponse:
    """Why a user may not do something to a record: not found if out of scope, the
    break-glass page if restricted, otherwise forbidden."""
    access = policy.person_access(user, pk)
    if access is policy.Access.NONE:
        raise Http404
    if access is policy.Access.NEEDS_REASON:
        return redirect("people:break_glass", pk=pk)
    raise PermissionDenied


def search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_partner:
        raise Http404
    text = request.GET.get("q", "").strip()
    terms = selectors.parse_search(text)
    page = None
    if text and not terms.empty:
        paginator = Paginator(selectors.search_people(user, terms), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        audit_record(
            actor=user,
            action=Action.SEARCH,
            event="people.search",
            data={"q": text, "results": paginator.count},
        )
    context = {
        "q": text,
        "terms": terms,
        "page": page,
        "can_create": user.role in policy.EDITING_ROLES,
        "can_review_duplicates": merging.can_review_duplicates(user),
    }
    return render(request, "people/search.html", context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (moved := _to_survivor(request, pk)) is not None:
        return moved
    access = policy.person_access(user, pk)
    if access is policy.Access.NONE:
        raise Http404
    if access is policy.Access.NEEDS_REASON:
        return redirect("people:break_glass", pk=pk)
    if access is policy.Access.SHARED:
        shared = get_object_or_404(Person.objects.prefetch_related("addresses"), pk=pk)
        services.person_view_record(acting_user=user, person=shared, page="shared")
        return render(request, "people/shared_detail.html", {"person": shared})
    person = selectors.person_for_page(user, pk)
    if person is None:
        raise Http404
    services.person_view_record(acting_user=user, person=person)
    relationships = list(person.relationships.all())
    context: dict[str, Any] = {
        "person": person,
        "relationships": relationships,
        "diagram": selectors.family_diagram(person, relationships),
        "addresses": list(person.addresses.all()),
        "other_names": list(person.other_names.all()),
        "disabilities": [codelist("disability").label(d.code) for d in person.disabilities.all()],
        "ethnicity": codelist("ethnicity").label(person.ethnicity) if person.ethnicity else "",
        "language": codelist("language").label(person.first_language)
        if person.first_language
        else "",
        "upn_unknown": codelist("upn_unknown").label(person.upn_unknown)
        if person.upn_unknown
        else "",
        "involvements": selectors.involvement_summary(person),
        # `current_households` is set by the prefetch in selectors.person_for_page.
        "households": [m.household for m in getattr(person, "current_households", [])],
        "can_edit": user.role in policy.EDITING_ROLES,
        "can_read_audit": user.role in policy.AUDIT_READER_ROLES,
    }
    return render(request, "people/detail.html", context)


def _to_survivor(request: HttpRequest, pk: int) -> HttpResponse | None:
    """A merged record's pages lead to the record it was merged into, for whoever may
    see that one (to anyone else the old record is not found)."""
    survivor = selectors.merged_survivor(pk)
    if survivor is None:
        return None
    if policy.person_access(_user(request), survivor) is policy.Access.NONE:
        raise Http404
    messages.info(request, "That record was merged into this one")
    return redirect("people:detail", pk=survivor)


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if (moved := _to_survivor(request, pk)) is not None:
        return moved
    if not policy.can_edit_person(user, pk):
        return _refuse(user, pk)
    person = get_object_or_404(Person.objects.prefetch_related("disabilities"), pk=pk)
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    initial["version"] = person.version
    initial["disabilities"] = [d.code for d in person.disabilities.all()]
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or -1  # no version: treated as a stale edit
        try:
            services.person_update(
                acting_user=user, person=person, expected_version=version, **data
            )
        except ConflictError as e:
            person.refresh_from_db()  # show the record as saved, not the refused values
            form.add_error(None, str(e))
        except ValidationError as e:
            person.refresh_from_db()
            apply_service_errors(form, e)
        else:
            messages.success(request, "Details saved")
            return redirect("people:detail", pk=pk)
    return render(request, "people/edit.html", {"person": person, "form": form})


def create(request: HttpRequest) -> HttpResponse:
    """Add a person, optionally as a relative of someone already on record
    (`?related_to=<id>`), which is how a worker adds a child's family members."""
    user = _user(request)
    if user.role not in policy.EDITING_ROLES:
        raise PermissionDenied
    related_to = None
    related_id = request.GET.get("related_to", "")
    if related_id.isdigit():
        if not policy.can_edit_person(user, int(related_id)):
            return _refuse(user, int(related_id))
        related_to = get_object_or_404(Person, pk=int(related_id))
    form = PersonForm(
        request.POST or None, initial={"kind": "child", "sex": "U"}, relative_of=related_to
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        relationship = data.pop("relationship", "")
        try:
            person = services.person_create(
                acting_user=user, relative_of=related_to, relationship=relationship, **data
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        except PermissionDenied:
            form.add_error(
                None,
                "You can only add people your team works with: add them from the record of a "
                "child your team works with, as a relative",
            )
        else:
            messages.success(request, f"{person.display_name} added")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/create.html", {"form": form, "related_to": related_to})


def address_form(request: HttpRequest, pk: int, address_id: int | None = None) -> HttpResponse:
    user = _user(request)
    if (moved := _to_survivor(request, pk)) is not None:
        return moved
    if not policy.can_edit_person(user, pk):
        return _refuse(user, pk)
    person = get_object_or_404(Person, pk=pk)
    address = get_object_or_404(Address, pk=address_id, person=person) if address_id else None
    initial: dict[str, Any] = {}
    if address:
        initial = {f: getattr(address, f) for f in services.ADDRESS_FIELDS}
        initial["version"] = address.version
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            if address:
                services.address_update(
                    acting_user=user,
                    address=address,
                    expected_version=version or -1,  # no version: treated as a stale edit
                    **data,
                )
            else:
                services.address_add(acting_user=user, person=person, **data)
        except ConflictError as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, "Address saved")
            return redirect("people:detail", pk=pk)
    return render(
        request, "people/address_form.html", {"person": person, "form": form, "address": address}
    )


def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has viewed and changed this record (managers)."""
    user = _user(request)
    if not policy.can_read_audit(user, pk):
        return _refuse(user, pk)
    person = get_object_or_404(Person, pk=pk)
    services.person_view_record(acting_user=user, person=person, page="access_history")
    events = selectors.record_access_history(pk)
    return render(request, "people/history.html", {"person": person, "events": events})


def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not policy.can_break_glass(user, pk):
        if policy.person_access(user, pk) is policy.Access.NONE:
            raise Http404
        return redirect("people:detail", pk=pk)
    person = get_object_or_404(Person, pk=pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass(
                acting_user=user, person=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            return redirect("people:detail", pk=pk)
    return render(request, "people/break_glass.html", {"person": person, "form": form})


# --- The duplicate review queue ----------------------------------------------------


def _reviewer(request: HttpRequest) -> User:
    """The signed-in user if they work the duplicate queue; partners are told nothing
    exists, other staff that they may not."""
    user = _user(request)
    if user.is_partner:
        raise Http404
    if not merging.can_review_duplicates(user):
        raise PermissionDenied
    return user


def duplicates(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    filters = DuplicateFilterForm(request.GET or None)
    status, household = DuplicateStatus.OPEN.value, ""
    if filters.is_valid():
        status = filters.cleaned_data["status"] or status
        household = filters.cleaned_data["household"]
    queue = selectors.duplicate_queue(user, status=status, household=household)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "status": DuplicateStatus(status)}
    return render(request, "people/duplicates.html", context)


def _pair_or_404(user: User, pk: int) -> DuplicateCandidate:
    candidate = selectors.duplicate_for_review(user, pk)
    if candidate is None:
        raise Http404
    return candidate


def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """Two records side by side, with "merge into this one" and "not the same person"."""
    user = _reviewer(request)
    candidate = _pair_or_404(user, pk)
    a = selectors.person_for_page(user, candidate.person_a_id)
    b = selectors.person_for_page(user, candidate.person_b_id)
    if a is None or b is None:
        raise Http404
    choices = [(p.pk, f"Keep {p.display_name} ({p.local_id})") for p in (a, b)]
    merge_form = MergeForm(
        request.POST if request.POST.get("action") == "merge" else None, choices=choices
    )
    dismiss_form = NotDuplicateForm(
        request.POST if request.POST.get("action") == "not_duplicate" else None
    )
    if request.method == "POST":
        try:
            if merge_form.is_bound and merge_form.is_valid():
                done = merging.duplicate_merge(
                    acting_user=user,
                    candidate=candidate,
                    survivor_id=merge_form.cleaned_data["survivor"],
                )
                messages.success(request, "Records merged. You can undo this below.")
                return redirect("people:merge", pk=done.pk)
            if dismiss_form.is_bound and dismiss_form.is_valid():
                merging.duplicate_dismiss(
                    acting_user=user,
                    candidate=candidate,
                    reason=dismiss_form.cleaned_data["reason"],
                )
                messages.success(request, "Marked as not the same person")
                return redirect("people:duplicates")
        except merging.MergeRefusedError as e:
            form = merge_form if merge_form.is_bound else dismiss_form
            form.add_error(None, e.messages[0])
        except ValidationError as e:
            apply_service_errors(dismiss_form if dismiss_form.is_bound else merge_form, e)
    else:
        for person in (a, b):
            services.person_view_record(acting_user=user, person=person, page="duplicate_review")
    context = {
        "candidate": candidate,
        "a": a,
        "b": b,
        "rows": selectors.duplicate_comparison(a, b),
        "merge_form": merge_form,
        "dismiss_form": dismiss_form,
        "decided": candidate.status not in merging.REVIEWABLE,
        "merge": candidate.merges.filter(undone_at__isnull=True).first(),
    }
    return render(request, "people/duplicate.html", context)


def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What a merge moved and left, with "undo this merge"."""
    user = _reviewer(request)
    done = get_object_or_404(PersonMerge.objects.select_related("survivor", "merged"), pk=pk)
    if not policy.can_edit_person(user, done.survivor_id):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            merging.person_merge_undo(acting_user=user, merge=done)
        except merging.MergeRefusedError as e:
            error = e.messages[0]
        else:
            messages.success(request, "Merge undone: both records are as they were")
            return redirect("people:merge", pk=pk)
    return render(request, "people/merge.html", {"merge": done, "error": error})
