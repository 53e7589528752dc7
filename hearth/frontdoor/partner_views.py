"""The partner referral route's pages: the online multi-agency referral form, "My
referrals" with each one's status and outcome, and a referral's own page where more
files may be sent until the decision. Only signed-in partner agency users; anyone
else, and any referral not their own, is answered 404."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hearth.accounts.models import User
from hearth.core.forms import apply_service_errors
from hearth.core.templatetags.govuk import error_summary
from hearth.frontdoor import partner_selectors as selectors
from hearth.frontdoor import policy as fd_policy
from hearth.frontdoor import services
from hearth.frontdoor.codes import PARTNER_REFERRER
from hearth.frontdoor.forms import AttachmentForm
from hearth.frontdoor.models import Contact
from hearth.frontdoor.partner_forms import (
    MAX_PEOPLE,
    PartnerReferralForm,
    ReportedPersonForm,
    people_forms,
)

PAGE_SIZE = 25


def _partner(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not fd_policy.can_submit_partner_referral(user):
        raise Http404
    return user


def _with_status(contact: Contact) -> Contact:
    contact.referral_status = selectors.referral_status(contact)  # type: ignore[attr-defined]
    contact.outcome = selectors.referral_outcome(contact)  # type: ignore[attr-defined]
    return contact


@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    """My referrals: newest first, each with its status and the outcome when decided."""
    user = _partner(request)
    page = Paginator(selectors.referrals_sent_by(user), PAGE_SIZE).get_page(request.GET.get("page"))
    for contact in page.object_list:
        _with_status(contact)
    return render(request, "frontdoor/partner_referrals.html", {"page": page})


# The main form's fields before the people blocks on the page; the rest come after.
_BEFORE_PEOPLE = ("concern", "categories")


def _summary(form: PartnerReferralForm, people: list[ReportedPersonForm]) -> list[Any]:
    """The error summary in the order of the page (GOV.UK): the form's own messages,
    then each field's as it stands on the page, the people blocks in the middle."""
    order: list[str] = []
    for f, names in [
        (form, [n for n in form.fields if n in _BEFORE_PEOPLE]),
        *[(p, list(p.fields)) for p in people],
        (form, [n for n in form.fields if n not in _BEFORE_PEOPLE]),
    ]:
        order += [f"#{f[n].auto_id}" for n in names]
    where = {href: i for i, href in enumerate(order)}

    def position(item: dict[str, str]) -> int:
        href = item["href"]
        return where.get(href, where.get(href.removesuffix("_0"), -1)) if href else -1

    return sorted(error_summary(form, *people)["items"], key=position)


def _form_page(
    request: HttpRequest,
    form: PartnerReferralForm,
    people: list[ReportedPersonForm],
    token: uuid.UUID,
    *,
    files_dropped: bool = False,
) -> HttpResponse:
    summary = _summary(form, people) if form.is_bound else []
    context: dict[str, Any] = {
        "form": form,
        "people": people,
        "token": token,
        "summary": summary,
        "can_add_person": len(people) < MAX_PEOPLE,
        "files_dropped": files_dropped,
    }
    return render(request, "frontdoor/partner_referral_form.html", context)


def referral_new(request: HttpRequest) -> HttpResponse:
    """The online multi-agency referral form. "Add another person" keeps everything
    typed; a form with errors comes back with them named and nothing typed lost (files
    must be chosen again: a browser cannot be sent them back). The same form sent
    twice makes one referral."""
    user = _partner(request)
    organisation = user.organisation
    assert organisation is not None
    default_kind = PARTNER_REFERRER.get(organisation.kind, "")
    if request.method != "POST":
        form = PartnerReferralForm(default_kind=default_kind)
        return _form_page(request, form, people_forms(count=1), uuid.uuid4())

    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        raise Http404 from None
    done = Contact.objects.filter(token=token).first()
    if done is not None:  # the same form sent again (a double click, or back and resend)
        if not fd_policy.can_view_own_referral(user, done):
            raise Http404
        return redirect("frontdoor:partner_referral", pk=done.pk)

    form = PartnerReferralForm(request.POST, request.FILES, default_kind=default_kind)
    people = people_forms(request.POST)
    if request.POST.get("action") == "add_person":
        if len(people) < MAX_PEOPLE:
            n = len(people)
            people.append(ReportedPersonForm(prefix=f"person-{n}", number=n + 1))
        for f in [form, *people]:
            f.is_valid()
            f.errors.clear()  # not sent yet: nothing is wrong so far
        return _form_page(
            request, form, people, token, files_dropped=bool(request.FILES.getlist("attachments"))
        )

    checked = [f.is_valid() for f in [form, *people]]  # every form, so each shows its errors
    if all(checked):
        try:
            contact = services.referral_submit_by_partner(
                acting_user=user,
                token=token,
                concern=form.cleaned_data["concern"],
                categories=form.cleaned_data["categories"],
                people=[p.value() for p in people if p.number == 1 or not p.is_blank()],
                consent=form.cleaned_data["consent"],
                consent_reason=form.cleaned_data["consent_reason"],
                referrer_kind=form.cleaned_data["referrer_kind"],
                referrer_role=form.cleaned_data["referrer_role"],
                referrer_phone=form.cleaned_data["referrer_phone"],
                files=form.cleaned_data["attachments"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as e:
            apply_service_errors(form, e)  # the rules on people name each person
        else:
            messages.success(request, f"Referral {contact.reference} sent to the front door")
            return redirect("frontdoor:partner_referral", pk=contact.pk)
    return _form_page(
        request, form, people, token, files_dropped=bool(request.FILES.getlist("attachments"))
    )


def _referral_page(
    request: HttpRequest, user: User, contact: Contact, upload_form: AttachmentForm
) -> HttpResponse:
    services.referral_view_record(acting_user=user, contact=contact)
    people = [
        {**p, "date_of_birth": _date(p.get("date_of_birth"))} for p in contact.reported_people
    ]
    context = {
        "referral": _with_status(contact),
        "people": people,
        "files": list(selectors.files_sent(user, contact).select_related("uploaded_by")),
        "can_add_files": fd_policy.can_add_to_partner_referral(user, contact),
        "upload_form": upload_form,
    }
    return render(request, "frontdoor/partner_referral.html", context)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _own_referral(request: HttpRequest, pk: int) -> tuple[User, Contact]:
    user = _partner(request)
    contact = selectors.referral_for_partner(user, pk)
    if contact is None:
        raise Http404
    return user, contact


@require_GET
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    """One of my referrals: its status and outcome, the people as I described them,
    and the files I sent. Never what the front door found."""
    user, contact = _own_referral(request, pk)
    return _referral_page(request, user, contact, AttachmentForm())


@require_POST
def referral_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, contact = _own_referral(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.referral_attachment_add(
                acting_user=user,
                contact=contact,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except PermissionDenied:
            form.add_error(
                None, "The decision on this referral has been made: send anything more to the "
                "front door directly",
            )  # fmt: skip
        except ValidationError as e:
            for message in e.messages:
                form.add_error("file", message)
        else:
            messages.success(request, f"{attachment.original_name} sent with the referral")
            return redirect("frontdoor:partner_referral", pk=contact.pk)
    return _referral_page(request, user, contact, form)
