"""Front-door pages. Views parse the request, ask the front-door policy, call a
selector or a service, and render; every page refuses anyone it is not for with 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from hearth.accounts.models import User
from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.core.forms import apply_service_errors
from hearth.core.models import ConflictError
from hearth.frontdoor import clock, letters, selectors, services
from hearth.frontdoor import policy as fd_policy
from hearth.frontdoor.codes import category_label, referrer_kind
from hearth.frontdoor.forms import (
    SERVICE_FIELD,
    AttachmentForm,
    AuthoriseForm,
    ContactForm,
    DecisionForm,
    FlagAcknowledgeForm,
    RatingForm,
    RequestsForm,
    ResponseForm,
    initial_from_contact,
    raw_form_data,
)
from hearth.frontdoor.models import (
    REFERRAL_DECISIONS,
    Contact,
    ContactAttachment,
    ContactFlag,
    ContactPerson,
    InformationRequest,
    SubjectRole,
)
from hearth.people.forms import AddressForm, PersonForm
from hearth.people.matching import MatchQuery, people_match
from hearth.people.models import Person
from hearth.people.selectors import parse_search, search_people
from hearth.timescales.calendar import working_calendar

PAGE_SIZE = 25
SEARCH_LIMIT = 10


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _staff(request: HttpRequest) -> User:
    user = _user(request)
    if not fd_policy.is_front_door_staff(user):
        raise Http404
    return user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Dashboard -----------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    board = selectors.dashboard(user)
    now, cal = timezone.now(), working_calendar()  # one reading of closure days per page
    for c in [*board.new, *board.awaiting_decision, *board.awaiting_authorisation]:
        due = c.decision_due_at
        c.clock = clock.clock(due, now=now, calendar=cal) if due else None  # type: ignore[attr-defined]
    for c in board.timeliness.late_contacts:
        if c.decision_due_at and c.authorised_at:  # how late, in working time
            c.lateness = clock.clock(c.decision_due_at, now=c.authorised_at, calendar=cal)  # type: ignore[attr-defined]
    return render(
        request,
        "frontdoor/dashboard.html",
        {"board": board, "is_manager": fd_policy.is_front_door_manager(user), "now": now},
    )


# --- Recording a contact -------------------------------------------------------------


def _token(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        raise Http404 from None


def _children(contact: Contact | None) -> list[tuple[int, str]]:
    if contact is None or not contact.pk:
        return []
    return [
        (link.person_id, link.person.display_name)
        for link in contact.people.all()
        if link.role == SubjectRole.CHILD
    ]


def _candidates(user: User, q: str, contact: Contact | None) -> dict[str, Any]:
    """People the search text may be, best first, with the reasons; people outside the
    user's scope are left out and restricted ones show no details."""
    terms = parse_search(q)
    if not q.strip() or terms.empty:
        return {"searched": False, "q": q}
    query = MatchQuery(
        given_name=terms.given,
        family_name=terms.family,
        date_of_birth=terms.date_of_birth,
        postcode=terms.postcode,
        nhs_number=terms.nhs_number,
    )
    results: list[dict[str, Any]] = [
        {
            "pk": s.candidate.person_id,
            "restricted": s.restricted,
            "name": s.candidate.name,
            "date_of_birth": s.candidate.date_of_birth or s.candidate.expected_date_of_birth,
            "local_id": s.candidate.local_id,
            "label": s.candidate.label.value,
            "score": s.candidate.score,
            "reasons": s.candidate.reasons,
        }
        for s in people_match(user, query, limit=SEARCH_LIMIT)
    ]
    if not results and (terms.local_id or terms.upn or terms.family):
        # Identifiers and name beginnings the matcher has no key for: the plain search.
        for p in search_people(user, terms)[:SEARCH_LIMIT]:
            results.append(
                {
                    "pk": p.pk,
                    "restricted": not getattr(p, "open_to_user", True),
                    "name": p.display_name,
                    "date_of_birth": p.date_of_birth or p.expected_date_of_birth,
                    "local_id": p.local_id,
                    "label": "",
                    "score": None,
                    "reasons": (),
                }
            )
    linked = (
        set(contact.people.values_list("person_id", flat=True)) if contact and contact.pk else set()
    )
    for r in results:
        r["linked"] = r["pk"] in linked
    audit_record(
        actor=user,
        action=Action.SEARCH,
        event="frontdoor.person_search",
        data={"q": q, "results": len(results)},
    )
    return {"searched": True, "q": q, "results": results, "notes": terms.notes}


def _form_page(
    request: HttpRequest,
    user: User,
    contact: Contact | None,
    form: ContactForm,
    token: uuid.UUID,
    *,
    q: str = "",
    status: int = 200,
) -> HttpResponse:
    links = list(contact.people.all()) if contact and contact.pk else []
    histories = selectors.history_for(user, contact, links) if contact and links else []
    preview = selectors.preview_flags(contact) if contact and contact.is_draft else []
    if histories:
        services.contact_view_record(
            acting_user=user,
            contact=contact,  # type: ignore[arg-type]
            person_ids=[h.person.pk for h in histories if h.open],
        )
    context = {
        "contact": contact,
        "form": form,
        "token": token,
        "histories": histories,
        "preview_flags": preview,
        "search": _candidates(user, q, contact) if q else {"searched": False, "q": ""},
        "autosave": contact is None or contact.is_draft,
        "action_url": reverse("frontdoor:contact_edit", args=[contact.pk])
        if contact and contact.pk
        else reverse("frontdoor:contact_new"),
    }
    return render(request, "frontdoor/contact_form.html", context, status=status)


def contact_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Record a contact, or carry on with a draft, or correct one before its decision.
    Every button saves a draft first, so nothing typed is lost on the way to linking a
    person or adding one not on record."""
    user = _staff(request)
    contact: Contact | None = None
    if pk is not None:
        contact = selectors.contact_for_edit(user, pk)
        if contact is None:
            raise Http404
        if not fd_policy.can_edit_contact(user, contact):
            return redirect("frontdoor:contact", pk=pk)
    if request.method != "POST":
        if contact is None:
            now = timezone.localtime()
            form = ContactForm(
                initial={"received_date": now.date(), "received_time": f"{now:%H:%M}"}
            )
            return _form_page(request, user, None, form, uuid.uuid4())
        form = ContactForm(initial=initial_from_contact(contact), children=_children(contact))
        return _form_page(request, user, contact, form, contact.token, q=request.GET.get("q", ""))

    token = contact.token if contact else _token(request)
    if contact is None:
        found = Contact.objects.filter(token=token).first()
        if found is not None:  # an autosave has already made the draft
            if not fd_policy.can_view_contact(user, found):
                raise Http404
            if not found.is_draft:  # the same form submitted twice
                return redirect("frontdoor:contact", pk=found.pk)
            contact = selectors.contact_for_edit(user, found.pk)
    form = ContactForm(request.POST, children=_children(contact))
    form.is_valid()
    action = request.POST.get("action", "save_draft")
    q = request.POST.get("q", "").strip()

    if contact is None or contact.is_draft:
        try:
            contact = services.contact_draft_save(
                acting_user=user,
                token=token,
                values=form.values(),
                raw=raw_form_data(request.POST),
                categories=form.categories_value(),
                not_mobile=form.not_mobile_value(),
            )
        except PermissionDenied:
            raise Http404 from None
        if not contact.is_draft:
            return redirect("frontdoor:contact", pk=contact.pk)
    elif action == "submit":
        return _update(request, user, contact, form)

    edit_url = reverse("frontdoor:contact_edit", args=[contact.pk])
    if request.POST.get("link"):
        _link(request, user, contact, request.POST["link"])
        return redirect(f"{edit_url}#people")
    if request.POST.get("unlink"):
        _unlink(request, user, contact, request.POST["unlink"])
        return redirect(f"{edit_url}#people")
    if action == "attachments":  # saved first, then to the upload on the contact's page
        return redirect(reverse("frontdoor:contact", args=[contact.pk]) + "#attachments")
    if action in {"new_child", "new_adult"}:
        role = "child" if action == "new_child" else "adult"
        url = reverse("frontdoor:person_new", args=[contact.pk])
        return redirect(f"{url}?role={role}&q={q}")
    if action == "search":
        if not contact.is_draft:
            contact = selectors.contact_for_edit(user, contact.pk)
            return _form_page(request, user, contact, form, token, q=q)
        return redirect(f"{edit_url}?q={q}#people" if q else f"{edit_url}#people")
    if action == "submit":
        contact = selectors.contact_for_edit(user, contact.pk)
        assert contact is not None
        form = ContactForm(request.POST, children=_children(contact))
        if form.is_valid():
            try:
                services.contact_submit(acting_user=user, contact=contact)
            except ValidationError as e:
                apply_service_errors(form, e, SERVICE_FIELD)
            else:
                messages.success(request, f"Contact {contact.reference} recorded")
                return redirect("frontdoor:contact", pk=contact.pk)
        else:
            # Say everything still missing at once, not only the mistyped dates.
            for name, msgs in services.contact_errors(contact).items():
                target = SERVICE_FIELD.get(name, name)
                if target not in form.errors:
                    for m in msgs:
                        form.add_error(target if target in form.fields else None, m)
        return _form_page(request, user, contact, form, token, q=q)
    if form.errors:
        contact = selectors.contact_for_edit(user, contact.pk)
        return _form_page(request, user, contact, form, token, q=q)
    messages.success(request, "Draft saved")
    return redirect(edit_url)


def _update(request: HttpRequest, user: User, contact: Contact, form: ContactForm) -> HttpResponse:
    if form.is_valid():
        try:
            version = int(request.POST.get("version", "-1"))
        except ValueError:
            version = -1  # treated as a stale edit
        try:
            services.contact_update(
                acting_user=user,
                contact=contact,
                expected_version=version,
                values=form.values(),
                categories=form.categories_value(),
                not_mobile=form.not_mobile_value(),
            )
        except ConflictError as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            apply_service_errors(form, e, SERVICE_FIELD)
        else:
            messages.success(request, f"Contact {contact.reference} saved")
            return redirect("frontdoor:contact", pk=contact.pk)
    fresh = selectors.contact_for_edit(user, contact.pk)
    return _form_page(request, user, fresh, form, contact.token)


def _link(request: HttpRequest, user: User, contact: Contact, value: str) -> None:
    person = Person.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if person is None:
        messages.error(request, "That person could not be found")
        return
    try:
        link = services.contact_person_link(acting_user=user, contact=contact, person=person)
    except PermissionDenied:
        messages.error(
            request,
            "You cannot add this record: it is restricted or outside what you may see. "
            "Open it from People first if you may.",
        )
    else:
        messages.success(
            request, f"{person.display_name} added as {link.get_role_display().lower()}"
        )


def _unlink(request: HttpRequest, user: User, contact: Contact, value: str) -> None:
    link = (
        ContactPerson.objects.filter(pk=int(value), contact=contact).first()
        if value.isdigit()
        else None
    )
    if link is None:
        return
    services.contact_person_unlink(acting_user=user, contact=contact, link=link)
    messages.success(request, "Removed from the contact")


@require_POST
def contact_autosave(request: HttpRequest) -> HttpResponse:
    """The form as typed, saved a moment after each change (HTMX). Without JavaScript
    the Save draft button does the same through the form's own address."""
    user = _staff(request)
    token = _token(request)
    existing = selectors.contact_for_edit(user, pk) if (
        pk := Contact.objects.filter(token=token).values_list("pk", flat=True).first()
    ) else None  # fmt: skip
    form = ContactForm(request.POST, children=_children(existing))
    form.is_valid()
    try:
        contact = services.contact_draft_save(
            acting_user=user,
            token=token,
            values=form.values(),
            raw=raw_form_data(request.POST),
            categories=form.categories_value(),
            not_mobile=form.not_mobile_value(),
        )
    except PermissionDenied:
        raise Http404 from None
    if not _is_htmx(request):
        return redirect("frontdoor:contact_edit", pk=contact.pk)
    response = render(request, "frontdoor/_autosave_status.html", {"contact": contact})
    if contact.is_draft:
        response["HX-Replace-Url"] = reverse("frontdoor:contact_edit", args=[contact.pk])
    return response


@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    """The search panel's results as the worker types (HTMX fragment)."""
    user = _staff(request)
    contact = None
    try:
        token = uuid.UUID(request.GET.get("token", ""))
        found = Contact.objects.filter(token=token).first()
        contact = found if found and fd_policy.can_view_contact(user, found) else None
    except ValueError:
        pass
    search = _candidates(user, request.GET.get("q", ""), contact)
    return render(request, "frontdoor/_person_results.html", {"search": search})


def contact_person_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a child or adult who is not on record yet, and name them on the contact."""
    user = _staff(request)
    contact = selectors.contact_for_edit(user, pk)
    if contact is None:
        raise Http404
    if not fd_policy.can_edit_contact(user, contact):
        return redirect("frontdoor:contact", pk=pk)
    role = request.GET.get("role") or request.POST.get("role") or "child"
    role = role if role in SubjectRole.values else "child"
    terms = parse_search(request.GET.get("q", ""))
    initial: dict[str, Any] = {
        "kind": "adult" if role == "adult" else "child",
        "sex": "U",
        "given_name": terms.given.title(),
        "family_name": terms.family.title(),
        "date_of_birth": terms.date_of_birth,
        "nhs_number": terms.nhs_number,
    }
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, initial=initial)
    address = AddressForm(data, prefix="address", initial={"postcode": terms.postcode})
    has_address = data is not None and any(
        data.get(f"address-{f}", "").strip() for f in ("line1", "town", "postcode")
    )
    if request.method == "POST":
        valid = form.is_valid()
        valid = (address.is_valid() if has_address else True) and valid
        if valid:
            values = dict(form.cleaned_data)
            values.pop("version", None)
            values.pop("relationship", None)
            address_values = dict(address.cleaned_data) if has_address else None
            if address_values:
                address_values.pop("version", None)
            try:
                link = services.contact_person_create(
                    acting_user=user,
                    contact=contact,
                    role=role,
                    person_values=values,
                    address=address_values,
                )
            except ValidationError as e:
                apply_service_errors(form, e)
            except PermissionDenied:
                form.add_error(None, "You cannot add people to the record: ask a front-door worker")
            else:
                messages.success(request, f"{link.person.display_name} added to the contact")
                return redirect(reverse("frontdoor:contact_edit", args=[pk]) + "#people")
    return render(
        request,
        "frontdoor/person_new.html",
        {
            "contact": contact,
            "form": form,
            "address": address,
            "role": role,
            "address_errors": address if has_address else None,
        },
    )


# --- The contact page ---------------------------------------------------------------


def _detail(
    request: HttpRequest, user: User, contact: Contact, status: int = 200, **bound: Any
) -> HttpResponse:
    links = list(contact.people.all())
    histories = selectors.history_for(user, contact, links)
    flag_forms = bound.pop("flag_forms", {})
    flags = list(contact.flags.all())
    for flag in flags:
        flag.form = flag_forms.get(flag.pk) or FlagAcknowledgeForm(prefix=f"flag{flag.pk}")  # type: ignore[attr-defined]
    now = timezone.now()
    requests = list(contact.requests.all())
    for r in requests:
        r.overdue = r.is_overdue(now)  # type: ignore[attr-defined]
    decided = contact.authorised_at is not None
    context = {
        "contact": contact,
        "histories": histories,
        "flags": flags,
        "open_flags": [f for f in flags if not f.acknowledged],
        "requests": requests,
        "attachments": list(contact.attachments.all()),
        "categories": [category_label(c.code) for c in contact.categories.all()],
        "referrer": selectors.referrer_text(contact),
        "referrer_kind": referrer_kind(contact.referrer_kind),
        "clock": clock.clock(contact.decision_due_at, now=now)
        if contact.decision_due_at and not decided
        else None,
        "preview_flags": selectors.preview_flags(contact) if contact.is_draft else [],
        "can_edit": fd_policy.can_edit_contact(user, contact),
        "can_decide": fd_policy.can_decide(user, contact),
        "can_acknowledge": fd_policy.can_acknowledge_flags(user, contact),
        "can_authorise": fd_policy.can_authorise(user, contact),
        "is_manager": fd_policy.is_front_door_manager(user),
        "rating_form": bound.get("rating_form")
        or RatingForm(initial={"rag": contact.rag, "reason": contact.rag_reason}),
        "requests_form": bound.get("requests_form")
        or RequestsForm(
            initial={"form_token": uuid.uuid4(), "question": services.DEFAULT_QUESTION}
        ),
        "decision_form": bound.get("decision_form")
        or DecisionForm(
            initial={
                "decision": contact.decision,
                "reason": contact.decision_reason,
                "team": contact.referred_to_team_id or "",
            }
        ),
        "authorise_form": bound.get("authorise_form") or AuthoriseForm(),
        "attachment_form": bound.get("attachment_form") or AttachmentForm(),
        "bound_flag_form": next(iter(flag_forms.values()), None),
        "can_write_letter": letters.can_write_to(contact),
        "referral_decisions": [d.value for d in REFERRAL_DECISIONS],
    }
    services.contact_view_record(
        acting_user=user, contact=contact, person_ids=[h.person.pk for h in histories if h.open]
    )
    return render(request, "frontdoor/contact_detail.html", context, status=status)


def _contact(request: HttpRequest, pk: int) -> tuple[User, Contact]:
    user = _staff(request)
    contact = selectors.contact_for_page(user, pk)
    if contact is None:
        raise Http404
    return user, contact


@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, contact = _contact(request, pk)
    return _detail(request, user, contact)


def _done(message: str, request: HttpRequest, contact: Contact, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("frontdoor:contact", args=[contact.pk]) + anchor)


@require_POST
def contact_rate(request: HttpRequest, pk: int) -> HttpResponse:
    user, contact = _contact(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.contact_rate(
                acting_user=user,
                contact=contact,
                rag=form.cleaned_data["rag"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            return _done(f"Rated {contact.get_rag_display().lower()}", request, contact, "#rating")
    return _detail(request, user, contact, rating_form=form)


@require_POST
def requests_send(request: HttpRequest, pk: int) -> HttpResponse:
    user, contact = _contact(request, pk)
    form = RequestsForm(request.POST)
    if form.is_valid():
        try:
            sent = services.information_requests_send(
                acting_user=user,
                contact=contact,
                organisations=form.chosen(),
                question=form.cleaned_data["question"],
                form_token=form.cleaned_data["form_token"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            names = ", ".join(r.organisation.name for r in sent) or "nobody new"
            return _done(f"Information requested from {names}", request, contact, "#requests")
    return _detail(request, user, contact, requests_form=form)


@require_POST
def contact_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user, contact = _contact(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.contact_decide(
                acting_user=user,
                contact=contact,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                team=form.team_value(),
            )
        except PermissionDenied:
            return redirect("frontdoor:contact", pk=pk)  # already decided (a second click)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            return _done(
                "Decision recorded: it now needs a manager's authorisation",
                request,
                contact,
                "#decision",
            )
    return _detail(request, user, contact, decision_form=form)


@require_POST
def contact_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    user, contact = _contact(request, pk)
    form = AuthoriseForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if request.POST.get("action") == "return":
                services.contact_return(acting_user=user, contact=contact, note=note)
                return _done("Decision sent back to the worker", request, contact, "#decision")
            services.contact_authorise(acting_user=user, contact=contact, note=note)
        except PermissionDenied:
            if contact.authorised_at is None and fd_policy.is_front_door_manager(user):
                form.add_error(None, "You cannot authorise a decision you made yourself")
            else:
                raise Http404 from None
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            return _done("Decision authorised", request, contact, "#decision")
    return _detail(request, user, contact, authorise_form=form)


@require_POST
def flag_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    flag = get_object_or_404(ContactFlag.objects.select_related("contact"), pk=pk)
    contact = selectors.contact_for_page(user, flag.contact_id)
    if contact is None:
        raise Http404
    form = FlagAcknowledgeForm(request.POST, prefix=f"flag{flag.pk}")
    if form.is_valid():
        try:
            services.flag_acknowledge(acting_user=user, flag=flag, note=form.cleaned_data["note"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            return _done("Flag acknowledged", request, contact, "#flags")
    return _detail(request, user, contact, flag_forms={flag.pk: form})


@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, contact = _contact(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                acting_user=user,
                contact=contact,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as e:
            for message in e.messages:
                form.add_error("file", message)
        else:
            return _done(f"{attachment.original_name} added", request, contact, "#attachments")
    return _detail(request, user, contact, attachment_form=form)


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """A stored file, only to someone who may see the contact. Served with its sniffed
    type and a sandbox policy, so even a crafted file cannot run in Hearth's origin."""
    user = _staff(request)
    attachment = get_object_or_404(
        ContactAttachment.objects.select_related("contact"), pk=attachment_id, contact_id=pk
    )
    if not fd_policy.can_view_contact(user, attachment.contact):
        raise Http404
    services.attachment_view_record(acting_user=user, attachment=attachment)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.kind != "photo",
        filename=attachment.original_name,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Chasing partners -----------------------------------------------------------------


@require_GET
def chase_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    page = Paginator(selectors.chase_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for r in page.object_list:
        r.overdue = r.is_overdue(now)  # type: ignore[attr-defined]
    return render(request, "frontdoor/chase_list.html", {"page": page})


@require_POST
def request_chase(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    info = get_object_or_404(
        InformationRequest.objects.select_related("organisation", "contact"), pk=pk
    )
    if not fd_policy.can_view_contact(user, info.contact):
        raise Http404
    try:
        services.information_request_chase(
            acting_user=user, request=info, note=request.POST.get("note", "")
        )
    except PermissionDenied:
        messages.error(request, f"The request to {info.organisation.name} is no longer open")
    else:
        messages.success(request, f"{info.organisation.name} chased")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("frontdoor:chase_list")
    return redirect(target)


# --- Partners -----------------------------------------------------------------------------


@require_GET
def partner_requests(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_partner:
        raise Http404
    page = Paginator(selectors.requests_for_partner(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for r in page.object_list:
        r.overdue = r.is_overdue(now)  # type: ignore[attr-defined]
    return render(request, "frontdoor/partner_requests.html", {"page": page})


def partner_request(request: HttpRequest, pk: int) -> HttpResponse:
    """One request as the partner sees it: the question and who it is about, nothing
    of the concern or the case; and the form to answer it."""
    user = _user(request)
    found = selectors.request_for_partner(user, pk)
    if found is None:
        raise Http404
    info, people = found
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_answer(
                acting_user=user, request=info, response=form.cleaned_data["response"]
            )
        except PermissionDenied:
            form.add_error(None, "This request is no longer open")
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, "Response sent to the front door")
            return redirect("frontdoor:partner_requests")
    services.request_view_record(
        acting_user=user, request=info, person_ids=[p.person_id for p in people]
    )
    return render(
        request,
        "frontdoor/partner_request.html",
        {
            "info": info,
            "people": people,
            "form": form,
            "can_answer": fd_policy.can_answer_request(user, info),
            "overdue": info.is_overdue(timezone.now()),
        },
    )
