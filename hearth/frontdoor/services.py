"""Every write at the front door: one function per action a person takes, keyword-only,
`acting_user` first, in a transaction, permission checked, audited against the record
of each person the contact concerns.

The contact form saves through `contact_draft_save` (as the worker types) and
`contact_submit`; an API records a contact in one call with `contact_record`, and a
partner agency's own referral arrives through `referral_submit_by_partner`. Both are
idempotent by the form token (an API's idempotency key can be passed as the token).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts import policy
from hearth.accounts.models import MANAGER_ROLES, ServiceArea, User
from hearth.accounts.services import notify
from hearth.audit.models import Action
from hearth.audit.services import audit_record, diff, snapshot
from hearth.casework import selectors as casework_selectors
from hearth.casework import services as casework
from hearth.core.codelists import codelist
from hearth.frontdoor import attachments, clock, flags, letters, selectors
from hearth.frontdoor import policy as fd_policy
from hearth.frontdoor.codes import PARTNER_REFERRER, referrer_kind
from hearth.frontdoor.models import (
    REFERRAL_DECISIONS,
    AttachmentKind,
    Consent,
    Contact,
    ContactAttachment,
    ContactCategory,
    ContactFlag,
    ContactMethod,
    ContactPerson,
    ContactStatus,
    Decision,
    InformationRequest,
    Rag,
    RecordedVia,
    RequestChase,
    RequestStatus,
    SubjectRole,
)
from hearth.people import services as people_services
from hearth.people.models import Person, PersonKind
from hearth.timescales.calendar import working_calendar

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from hearth.accounts.models import Organisation, Team

CONTACT_FIELDS = [
    "received_at", "method", "referrer_kind", "referral_source", "referrer_name",
    "referrer_organisation", "referrer_role", "referrer_phone", "referrer_email", "concern",
    "consent", "consent_reason",
]  # fmt: skip
# Fields a caller may set (the source code follows from the referrer kind).
EDITABLE_FIELDS = frozenset(CONTACT_FIELDS) - {"referral_source"}
REFERRAL_SERVICE_AREAS = frozenset({ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION})


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _person_ids(contact: Contact) -> list[int]:
    return list(contact.people.order_by("pk").values_list("person_id", flat=True))


def _audit(
    actor: User | None,
    contact: Contact,
    event: str,
    *,
    action: str = Action.UPDATE,
    obj: Any = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    person_ids: Iterable[int] | None = None,
) -> None:
    """One audit entry for each person the contact concerns, so each child's record
    shows it; one entry without a person while nobody is linked yet."""
    ids: list[int | None] = [*(person_ids if person_ids is not None else _person_ids(contact))]
    payload = {"contact": contact.pk, **(data or {})}
    for person_id in ids or [None]:
        audit_record(
            actor=actor,
            action=action,
            event=event,
            obj=obj if obj is not None else contact,
            person_id=person_id,
            changes=changes,
            data=payload,
        )


def _children(contact: Contact) -> list[ContactPerson]:
    return list(
        contact.people.filter(role=SubjectRole.CHILD).select_related("person").order_by("pk")
    )


def front_door_managers(user: User | None = None) -> list[User]:
    """Who acknowledges flags and authorises decisions: the managers of the user's own
    front-door team, or else every front-door manager."""
    qs = User.objects.filter(
        is_active=True, role__in=MANAGER_ROLES, team__service_area=ServiceArea.FRONT_DOOR
    )
    if user is not None and user.team_id:
        own = list(qs.filter(team_id=user.team_id).exclude(pk=user.pk))
        if own:
            return own
    return list(qs.exclude(pk=user.pk) if user is not None else qs)


def _contact_link(contact: Contact) -> str:
    return reverse("frontdoor:contact", args=[contact.pk])


# --- Recording a contact ---------------------------------------------------------


def _set_fields(contact: Contact, values: dict[str, Any]) -> None:
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not contact fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(contact, name, value if value is not None or name == "received_at" else "")
    if "referrer_kind" in values:
        kind = referrer_kind(contact.referrer_kind)
        contact.referral_source = kind.code if kind else ""


def _set_categories(contact: Contact, codes: Iterable[str], *, new: bool = False) -> list[str]:
    """Set the contact's categories; the ones before. A `new` contact has none yet."""
    wanted = sorted(set(codes))
    valid = codelist("concern_category")
    bad = [c for c in wanted if valid.get(c) is None]
    if bad:
        raise ValidationError({"categories": [f"Unknown concern categories: {', '.join(bad)}"]})
    before = [] if new else sorted(contact.categories.values_list("code", flat=True))
    if before != wanted:
        if not new:
            contact.categories.all().delete()
        ContactCategory.objects.bulk_create(
            [ContactCategory(contact=contact, code=c) for c in wanted]
        )
    return before


def _set_not_mobile(contact: Contact, person_ids: Iterable[int]) -> list[int]:
    wanted = set(person_ids)
    before = set(
        contact.people.filter(not_independently_mobile=True).values_list("person_id", flat=True)
    )
    if before != wanted:
        contact.people.filter(role=SubjectRole.CHILD).update(not_independently_mobile=False)
        contact.people.filter(role=SubjectRole.CHILD, person_id__in=wanted).update(
            not_independently_mobile=True
        )
    return sorted(before)


def _get_or_create(acting_user: User, token: uuid.UUID) -> Contact:
    found = Contact.objects.select_for_update().filter(token=token).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Contact.objects.create(token=token, created_by=acting_user)
    except IntegrityError:
        # The same form arrived twice at once (an autosave and a click): one contact.
        return Contact.objects.select_for_update().get(token=token)


@transaction.atomic
def contact_draft_save(
    *,
    acting_user: User,
    token: uuid.UUID,
    values: dict[str, Any],
    raw: dict[str, Any] | None = None,
    categories: Iterable[str] | None = None,
    not_mobile: Iterable[int] | None = None,
) -> Contact:
    """Keep what has been typed so far, creating the draft the first time its form
    token is seen. Only the shape of each value is checked (a half-typed date is kept
    in `raw`, the form as typed, and comes back when the draft is opened).

    Once the form has been submitted, a late autosave from it changes nothing.
    """
    _require(fd_policy.is_front_door_staff(acting_user))
    contact = _get_or_create(acting_user, token)
    if not contact.is_draft:
        return contact
    _require(contact.created_by_id == acting_user.pk)
    before = snapshot(contact, CONTACT_FIELDS)
    _set_fields(contact, values)
    contact.draft_data = raw or {}
    contact.updated_at = timezone.now()
    contact.full_clean(exclude=["version", "token", "created_by"])
    contact.save()
    changes = diff(before, snapshot(contact, CONTACT_FIELDS))
    if categories is not None:
        old = _set_categories(contact, categories)
        if old != sorted(set(categories)):
            changes["categories"] = [old, sorted(set(categories))]
    if not_mobile is not None:
        _set_not_mobile(contact, not_mobile)
    if changes:
        _audit(acting_user, contact, "frontdoor.contact.draft", changes=changes)
    return contact


def contact_errors(
    contact: Contact, *, categories: Sequence[str] | None = None
) -> dict[str, list[str]]:
    """Every rule a contact breaks before it can be submitted, by field. `categories`:
    the contact's categories, when the caller has just set them (no need to ask)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if contact.received_at is None:
        add("received_at", "Enter the date and time the contact was received")
    elif contact.received_at > timezone.now() + dt.timedelta(minutes=5):
        add("received_at", "The time the contact was received must be in the past")
    if not contact.method:
        add("method", "Select how the contact was made")
    kind = referrer_kind(contact.referrer_kind)
    if kind is None:
        add("referrer_kind", "Select who made the contact")
    elif not kind.anonymous and kind.key != "unknown" and not contact.referrer_name.strip():
        add("referrer_name", "Enter the referrer's name, or select Anonymous")
    if not contact.concern.strip():
        add("concern", "Enter what the concern is")
    if not (contact.categories.exists() if categories is None else categories):
        add("categories", "Select at least one kind of concern")
    if not contact.consent:
        add("consent", "Select whether consent to share information was given")
    elif contact.consent != Consent.GIVEN and not contact.consent_reason.strip():
        add("consent_reason", "Explain why consent was not given or not sought")
    if not contact.reported_people and not contact.people.filter(role=SubjectRole.CHILD).exists():
        add("people", "Add the child or children the contact is about")
    return errors


def _mark_submitted(acting_user: User, contact: Contact) -> None:
    assert contact.received_at is not None
    contact.status = ContactStatus.AWAITING_DECISION
    contact.submitted_by = acting_user
    contact.submitted_at = timezone.now()
    contact.decision_due_at = clock.decision_due_at(contact.received_at)
    contact.draft_data = {}
    contact.updated_at = contact.submitted_at


def _submit(acting_user: User, contact: Contact) -> None:
    _mark_submitted(acting_user, contact)
    contact.save()


@transaction.atomic
def contact_submit(*, acting_user: User, contact: Contact) -> Contact:
    """Send a draft to the front door's worklist: the decision clock starts and the
    flag rules run. Submitting the same form twice leaves one contact as it was."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not contact.is_draft:
        _require(fd_policy.can_view_contact(acting_user, contact))
        return contact
    _require(fd_policy.can_edit_contact(acting_user, contact))
    errors = contact_errors(contact)
    if errors:
        raise ValidationError(errors)
    _submit(acting_user, contact)
    _audit(
        acting_user,
        contact,
        "frontdoor.contact.submit",
        action=Action.CREATE,
        changes=diff({}, snapshot(contact, [*CONTACT_FIELDS, "decision_due_at"])),
        data={"categories": sorted(contact.categories.values_list("code", flat=True))},
    )
    contact_flags_refresh(acting_user=acting_user, contact=contact)
    return contact


@transaction.atomic
def contact_update(
    *,
    acting_user: User,
    contact: Contact,
    expected_version: int,
    values: dict[str, Any],
    categories: Iterable[str] | None = None,
    not_mobile: Iterable[int] | None = None,
) -> Contact:
    """Correct a submitted contact before its decision; refused if someone else saved
    since `expected_version`. The decision clock and the flags follow the new facts."""
    _require(fd_policy.can_edit_contact(acting_user, contact) and not contact.is_draft)
    before = snapshot(contact, [*CONTACT_FIELDS, "decision_due_at"])
    _set_fields(contact, values)
    if categories is not None:
        old = _set_categories(contact, categories)
    if not_mobile is not None:
        _set_not_mobile(contact, not_mobile)
    errors = contact_errors(contact)
    if errors:
        raise ValidationError(errors)  # the transaction undoes the category change
    assert contact.received_at is not None
    contact.decision_due_at = clock.decision_due_at(contact.received_at)
    contact.updated_at = timezone.now()
    contact.save_versioned(
        expected_version=expected_version,
        fields=[*CONTACT_FIELDS, "decision_due_at", "updated_at"],
    )
    changes = diff(before, snapshot(contact, [*CONTACT_FIELDS, "decision_due_at"]))
    if categories is not None and old != sorted(set(categories)):
        changes["categories"] = [old, sorted(set(categories))]
    if changes:
        _audit(acting_user, contact, "frontdoor.contact.update", changes=changes)
    contact_flags_refresh(acting_user=acting_user, contact=contact)
    return contact


@transaction.atomic
def contact_record(
    *,
    acting_user: User,
    token: uuid.UUID | None = None,
    values: dict[str, Any],
    categories: Iterable[str],
    people: Sequence[tuple[Person, str]] = (),
    not_mobile: Iterable[int] = (),
) -> Contact:
    """Record and submit a contact in one call: the path for an API. `people` is
    (person, role) pairs. The same token twice returns the first contact unchanged."""
    contact = contact_draft_save(
        acting_user=acting_user, token=token or uuid.uuid4(), values=values, categories=categories
    )
    if not contact.is_draft:
        return contact
    for person, role in people:
        contact_person_link(acting_user=acting_user, contact=contact, person=person, role=role)
    _set_not_mobile(contact, not_mobile)
    return contact_submit(acting_user=acting_user, contact=contact)


@transaction.atomic
def referral_submit_by_partner(
    *,
    acting_user: User,
    token: uuid.UUID,
    concern: str,
    categories: Iterable[str],
    people: Sequence[dict[str, Any]],
    consent: str,
    consent_reason: str = "",
    referrer_kind: str = "",
    referrer_name: str | None = None,
    referrer_email: str | None = None,
    referrer_role: str = "",
    referrer_phone: str = "",
    received_at: dt.datetime | None = None,
    files: Sequence[UploadedFile] = (),
    audit_data: dict[str, Any] | None = None,
    on_created: Callable[[Contact], None] | None = None,
) -> Contact:
    """A partner agency's own referral (the partner form or API): it arrives straight
    on the front door's worklist. The partner cannot search Hearth's records, so the
    people are kept as described (`people`: dicts of given_name, family_name,
    date_of_birth, address, nhs_number, role) for the front door to link. The referrer
    is the acting user unless `referrer_name` / `referrer_email` say otherwise (an
    organisation's system sending for one of its staff). `files` are checked before
    anything is kept: one bad file refuses the whole referral, so nothing is half-sent.
    `audit_data` is added to the referral's audit entry (the API's call details), and
    `on_created` is called with the new referral in the same transaction, before it is
    audited (the API keeps its idempotency key with it; if it raises, nothing is kept).
    The same token twice returns the first referral."""
    _require(fd_policy.can_submit_partner_referral(acting_user))
    organisation = acting_user.organisation
    assert organisation is not None
    contact = Contact(
        token=token,
        created_by=acting_user,
        recorded_via=RecordedVia.PARTNER,
        partner_organisation=organisation,
        received_at=received_at or timezone.now(),
        method=ContactMethod.ONLINE_FORM,
        referrer_name=acting_user.full_name if referrer_name is None else referrer_name.strip(),
        referrer_organisation=organisation.name,
        referrer_role=referrer_role,
        referrer_phone=referrer_phone,
        referrer_email=acting_user.email if referrer_email is None else referrer_email.strip(),
        concern=concern,
        consent=consent,
        consent_reason=consent_reason,
        reported_people=[{k: _plain(v) for k, v in p.items()} for p in people],
    )
    _set_fields(contact, {"referrer_kind": referrer_kind or PARTNER_REFERRER[organisation.kind]})
    # Saved as submitted at once: if anything below is wrong, the whole is undone.
    _mark_submitted(acting_user, contact)
    try:
        # The user and organisation are the caller's own rows: no need to look them up.
        contact.full_clean(
            exclude=["version", "token", "created_by", "submitted_by", "partner_organisation"]
        )
        with transaction.atomic():
            contact.save()
    except (ValidationError, IntegrityError):
        # The same token again (sent twice, or twice at once): the first referral. Asked
        # only when saving fails, so a new referral costs no look-up.
        existing = Contact.objects.filter(token=token).first()
        if existing is None:
            raise
        _require(existing.created_by_id == acting_user.pk)
        return existing
    codes = sorted(set(categories))
    _set_categories(contact, codes, new=True)
    errors = contact_errors(contact, categories=codes)
    errors.pop("people", None)
    if problems := reported_people_errors(people):
        errors["people"] = problems
    checked: list[_CheckedUpload] = []
    for upload in files:
        try:
            checked.append(_attachment_check(upload))
        except ValidationError as e:
            name = upload.name or "A file"
            errors.setdefault("attachments", []).extend(f"{name}: {m}" for m in e.messages)
    if errors:
        raise ValidationError(errors)
    for item in checked:
        _attachment_save(acting_user, contact, item, "")
    notify(
        recipients=front_door_managers(),
        text=f"New referral {contact.reference} from {organisation.name}",
        link=_contact_link(contact),
    )
    if on_created is not None:
        on_created(contact)
    # Audited last: the audit log's chain is locked from its first entry to the commit,
    # so every other writer waits only for this referral's last few statements.
    _audit(
        acting_user,
        contact,
        "frontdoor.contact.partner_referral",
        action=Action.CREATE,
        data={"organisation": organisation.pk, **(audit_data or {})},
        person_ids=[],  # nobody is linked yet: the front door links the people later
    )
    return contact


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def reported_people_errors(people: Sequence[dict[str, Any]]) -> list[str]:
    """What is wrong with the people a partner describes: at least one child, each
    person a child or an adult with a name, no date of birth in the future."""
    if not people:
        return ["Tell us about the child or children the referral is about"]
    errors = []
    if not any(p.get("role") == SubjectRole.CHILD for p in people):
        errors.append("Tell us about at least one child")
    today = timezone.localdate()
    for number, p in enumerate(people, start=1):
        if p.get("role") not in SubjectRole.values:
            errors.append(f"Person {number}: select whether they are a child or an adult")
        if not any(str(p.get(k) or "").strip() for k in ("given_name", "family_name")):
            errors.append(f"Person {number}: enter their first name or last name")
        born = p.get("date_of_birth")
        if isinstance(born, dt.date) and born > today:
            errors.append(f"Person {number}: the date of birth must be today or in the past")
    return errors


# --- The people a contact concerns ------------------------------------------------


@transaction.atomic
def contact_person_link(
    *, acting_user: User, contact: Contact, person: Person, role: str = ""
) -> ContactPerson:
    """Name a child or adult on the contact by linking their one record. A restricted
    record must be opened first (breaking the glass) by someone who may."""
    _require(fd_policy.can_edit_contact(acting_user, contact))
    _require(fd_policy.person_access(acting_user, person) is policy.Access.FULL)
    if not role:
        role = SubjectRole.ADULT if person.kind == PersonKind.ADULT else SubjectRole.CHILD
    if role not in SubjectRole.values:
        raise ValidationError({"role": ["Select child or adult"]})
    link, created = ContactPerson.objects.get_or_create(
        contact=contact, person=person, defaults={"role": role, "added_by": acting_user}
    )
    if created:
        _audit(
            acting_user,
            contact,
            "frontdoor.contact.person_link",
            action=Action.CREATE,
            obj=link,
            data={"role": role},
            person_ids=[person.pk],
        )
        contact_flags_refresh(acting_user=acting_user, contact=contact)
    return link


@transaction.atomic
def contact_person_unlink(*, acting_user: User, contact: Contact, link: ContactPerson) -> None:
    _require(fd_policy.can_edit_contact(acting_user, contact) and link.contact_id == contact.pk)
    _audit(
        acting_user,
        contact,
        "frontdoor.contact.person_unlink",
        action=Action.DELETE,
        obj=link,
        data={"role": link.role},
        person_ids=[link.person_id],
    )
    link.delete()
    contact_flags_refresh(acting_user=acting_user, contact=contact)


@transaction.atomic
def contact_person_create(
    *,
    acting_user: User,
    contact: Contact,
    role: str,
    person_values: dict[str, Any],
    address: dict[str, Any] | None = None,
) -> ContactPerson:
    """Add someone not yet on record (through the people services) and link them."""
    _require(fd_policy.can_edit_contact(acting_user, contact))
    person = people_services.person_create(acting_user=acting_user, **person_values)
    if address:
        people_services.address_add(acting_user=acting_user, person=person, **address)
    return contact_person_link(acting_user=acting_user, contact=contact, person=person, role=role)


# --- Flags ------------------------------------------------------------------------


def contact_flags_refresh(*, acting_user: User | None, contact: Contact) -> list[ContactFlag]:
    """Run the flag rules on a submitted contact. New findings become flags (and the
    front-door managers are told); an unacknowledged flag whose facts have changed
    gets the new reason, or goes if its facts no longer hold (the child was unlinked,
    the date corrected). Acknowledged flags stay as they were: the record of what a
    manager saw. Returns the flags raised now."""
    if contact.status not in {
        ContactStatus.AWAITING_DECISION,
        ContactStatus.AWAITING_AUTHORISATION,
    }:
        return []
    children, current = selectors.flag_facts(contact)
    findings = flags.evaluate(children, current)
    existing = {(f.person_id, f.kind): f for f in contact.flags.all()}
    raised = []
    for finding in findings:
        flag = existing.pop((finding.person_id, finding.kind), None)
        if flag is None:
            flag = ContactFlag.objects.create(
                contact=contact,
                person_id=finding.person_id,
                kind=finding.kind,
                reason=finding.reason,
            )
            raised.append(flag)
            _audit(
                acting_user,
                contact,
                "frontdoor.flag.raise",
                action=Action.CREATE,
                obj=flag,
                data={"kind": flag.kind, "reason": flag.reason},
                person_ids=[flag.person_id],
            )
        elif not flag.acknowledged and flag.reason != finding.reason:
            before = snapshot(flag, ["reason"])
            flag.reason = finding.reason
            flag.save(update_fields=["reason"])
            _audit(
                acting_user,
                contact,
                "frontdoor.flag.update",
                obj=flag,
                changes=diff(before, snapshot(flag, ["reason"])),
                person_ids=[flag.person_id],
            )
    for flag in existing.values():
        if not flag.acknowledged:
            _audit(
                acting_user,
                contact,
                "frontdoor.flag.withdraw",
                action=Action.DELETE,
                obj=flag,
                data={"kind": flag.kind, "reason": flag.reason},
                person_ids=[flag.person_id],
            )
            flag.delete()
    if raised:
        kinds = ", ".join(sorted({f.get_kind_display().lower() for f in raised}))
        notify(
            recipients=front_door_managers(acting_user),
            text=f"Contact {contact.reference} has flags to acknowledge: {kinds}",
            link=_contact_link(contact),
        )
    return raised


@transaction.atomic
def flag_acknowledge(*, acting_user: User, flag: ContactFlag, note: str) -> ContactFlag:
    """A manager has seen the flag and says what they have weighed."""
    _require(fd_policy.can_acknowledge_flags(acting_user, flag.contact))
    flag = ContactFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.acknowledged:
        return flag
    note = note.strip()
    if not note:
        raise ValidationError({"note": ["Say what you have considered about this flag"]})
    flag.acknowledged_by = acting_user
    flag.acknowledged_at = timezone.now()
    flag.acknowledgement_note = note
    flag.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    _audit(
        acting_user,
        flag.contact,
        "frontdoor.flag.acknowledge",
        obj=flag,
        data={"kind": flag.kind, "note": note},
        person_ids=[flag.person_id],
    )
    return flag


# --- Rating and information requests --------------------------------------------


@transaction.atomic
def contact_rate(*, acting_user: User, contact: Contact, rag: str, reason: str = "") -> Contact:
    """Rate the contact's urgency. The rating sets when partners must answer; open
    requests are given the new deadline, counted from when each was sent."""
    _require(fd_policy.can_decide(acting_user, contact))
    if rag not in Rag.values:
        raise ValidationError({"rag": ["Select red, amber or green"]})
    before = snapshot(contact, ["rag", "rag_reason"])
    contact.rag, contact.rag_reason = rag, reason.strip()
    contact.rag_set_by, contact.rag_set_at = acting_user, timezone.now()
    contact.save(update_fields=["rag", "rag_reason", "rag_set_by", "rag_set_at"])
    for request in contact.requests.filter(status=RequestStatus.OPEN):
        due = clock.request_due_at(rag, request.sent_at)
        if due != request.due_at:
            request.due_at = due
            request.save(update_fields=["due_at"])
    _audit(
        acting_user,
        contact,
        "frontdoor.contact.rate",
        changes=diff(before, snapshot(contact, ["rag", "rag_reason"])),
    )
    return contact


AUTOMATIC_CHASE = "Automatic reminder: the response is overdue"
DEFAULT_QUESTION = (
    "Please tell us what your agency knows about the children and adults named: any "
    "current or past involvement, concerns, risks, and the professionals working with them."
)


@transaction.atomic
def information_requests_send(
    *,
    acting_user: User,
    contact: Contact,
    organisations: Sequence[Organisation],
    question: str,
    form_token: uuid.UUID,
) -> list[InformationRequest]:
    """Ask partner agencies what they know. Each request is due by the contact's RAG
    rating; the organisations' users are told. A double click sends each one once."""
    _require(fd_policy.can_decide(acting_user, contact))
    errors: dict[str, list[str]] = {}
    if not contact.rag:
        errors["organisations"] = [
            "Give the contact a RAG rating first: it sets when answers are due"
        ]
    elif not organisations:
        errors["organisations"] = ["Select at least one agency to ask"]
    if not question.strip():
        errors["question"] = ["Enter what you are asking"]
    if not contact.people.exists():
        errors.setdefault("organisations", []).append("Add the people the contact is about first")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    due = clock.request_due_at(contact.rag, now)
    sent = []
    for organisation in organisations:
        if InformationRequest.objects.filter(
            form_token=form_token, organisation=organisation
        ).exists():
            continue
        request = InformationRequest.objects.create(
            contact=contact,
            organisation=organisation,
            question=question.strip(),
            due_at=due,
            sent_by=acting_user,
            sent_at=now,
            form_token=form_token,
        )
        sent.append(request)
        _audit(
            acting_user,
            contact,
            "frontdoor.request.send",
            action=Action.CREATE,
            obj=request,
            data={"organisation": organisation.pk, "due_at": due},
        )
        due_text = timezone.localtime(due).strftime("%H:%M on %d/%m/%Y")
        notify(
            recipients=list(organisation.users.filter(is_active=True)),
            text=f"The front door asks for information (due by {due_text})",
            link=reverse("frontdoor:partner_request", args=[request.pk]),
        )
    return sent


@transaction.atomic
def information_request_answer(
    *, acting_user: User, request: InformationRequest, response: str
) -> InformationRequest:
    """A partner agency's answer. Only a user of the organisation asked, once."""
    _require(fd_policy.can_answer_request(acting_user, request))
    request = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.OPEN:
        raise ValidationError({"response": ["This request has already been answered"]})
    if not response.strip():
        raise ValidationError({"response": ["Enter your agency's response"]})
    request.status = RequestStatus.ANSWERED
    request.response = response.strip()
    request.responded_by = acting_user
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "response", "responded_by", "responded_at"])
    _audit(
        acting_user,
        request.contact,
        "frontdoor.request.answer",
        obj=request,
        data={
            "organisation": request.organisation_id,
            "late": request.responded_at > request.due_at,
        },
    )
    notify(
        recipients=[request.sent_by],
        text=f"{request.organisation.name} answered on contact {request.contact.reference}",
        link=_contact_link(request.contact),
    )
    return request


@transaction.atomic
def information_request_chase(
    *, acting_user: User, request: InformationRequest, note: str = ""
) -> RequestChase:
    """Remind the partner of an open request; recorded, and their users are told."""
    _require(fd_policy.can_chase_request(acting_user, request))
    chase = RequestChase.objects.create(request=request, chased_by=acting_user, note=note.strip())
    request.last_chased_at = chase.chased_at
    request.save(update_fields=["last_chased_at"])
    _audit(
        acting_user,
        request.contact,
        "frontdoor.request.chase",
        obj=request,
        data={"organisation": request.organisation_id, "note": chase.note},
    )
    overdue = " (overdue)" if request.due_at < chase.chased_at else ""
    notify(
        recipients=list(request.organisation.users.filter(is_active=True)),
        text=f"Reminder: the front door is waiting for your response{overdue}",
        link=reverse("frontdoor:partner_request", args=[request.pk]),
    )
    return chase


CHASE_EVERY_WORKING_HOURS = 8  # an overdue request is chased again each working day


@transaction.atomic
def information_requests_chase_overdue(*, now: dt.datetime | None = None) -> list[RequestChase]:
    """Hearth's own reminders: every open request past its deadline and not chased in
    the last working day is chased (recorded, audited, the organisation's users told).
    Run by an operator's scheduler (`hearth frontdoor-chase`); safe to run often."""
    now = now or timezone.now()
    cal = working_calendar()
    chases = []
    overdue = (
        InformationRequest.objects.select_for_update()
        .filter(status=RequestStatus.OPEN, due_at__lt=now)
        .select_related("organisation", "contact")
        .order_by("due_at", "pk")
    )
    for request in overdue:
        last = request.last_chased_at
        if last and cal.add_working_hours(last, CHASE_EVERY_WORKING_HOURS) > now:
            continue  # chased within the last working day, by a worker or by Hearth
        chase = RequestChase.objects.create(
            request=request, chased_by=None, chased_at=now, note=AUTOMATIC_CHASE
        )
        request.last_chased_at = now
        request.save(update_fields=["last_chased_at"])
        _audit(
            None,
            request.contact,
            "frontdoor.request.chase",
            obj=request,
            data={"organisation": request.organisation_id, "note": chase.note, "automatic": True},
        )
        due_text = timezone.localtime(request.due_at).strftime("%H:%M on %d/%m/%Y")
        notify(
            recipients=list(request.organisation.users.filter(is_active=True)),
            text=f"Reminder: the front door's request was due by {due_text} (overdue)",
            link=reverse("frontdoor:partner_request", args=[request.pk]),
        )
        chases.append(chase)
    return chases


# --- Attachments -------------------------------------------------------------------


@dataclass(frozen=True)
class _CheckedUpload:
    name: str
    found: attachments.Sniffed
    stored: bytes
    metadata_removed: bool


def _attachment_check(upload: UploadedFile) -> _CheckedUpload:
    """A file's type and the bytes to keep (photographs without their metadata), or a
    ValidationError saying what is wrong. Nothing is written yet."""
    if upload.size is not None and upload.size > attachments.max_bytes():
        # Refused before it is read in: too big is too big, whatever it holds.
        raise ValidationError(attachments.too_big_message(), code="too_big")
    data = upload.read()
    found, stored = attachments.check_upload(data, name=upload.name or "")
    name = (upload.name or f"file.{found.extension}")[:200]
    return _CheckedUpload(name, found, stored, metadata_removed=stored is not data)


def _attachment_save(
    acting_user: User, contact: Contact, checked: _CheckedUpload, description: str
) -> ContactAttachment:
    attachment = ContactAttachment(
        contact=contact,
        original_name=checked.name,
        content_type=checked.found.content_type,
        kind=checked.found.kind,
        size=len(checked.stored),
        description=description.strip()[:300],
        metadata_removed=checked.metadata_removed,
        uploaded_by=acting_user,
    )
    extension = checked.found.extension
    attachment.file.save(f"upload.{extension}", ContentFile(checked.stored), save=False)
    attachment.save()
    _audit(
        acting_user,
        contact,
        "frontdoor.attachment.add",
        action=Action.CREATE,
        obj=attachment,
        data={"name": checked.name, "type": attachment.content_type, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def attachment_add(
    *, acting_user: User, contact: Contact, upload: UploadedFile, description: str = ""
) -> ContactAttachment:
    """Keep a photograph or document with the contact, checked by its bytes and size;
    photographs lose their metadata (GPS position included) before they are stored."""
    _require(
        fd_policy.can_view_contact(acting_user, contact) and contact.status != ContactStatus.DECIDED
    )
    attachment = _attachment_save(acting_user, contact, _attachment_check(upload), description)
    if attachment.kind == AttachmentKind.PHOTO:
        # The flags name the photographs sent with each report.
        contact_flags_refresh(acting_user=acting_user, contact=contact)
    return attachment


@transaction.atomic
def referral_attachment_add(
    *, acting_user: User, contact: Contact, upload: UploadedFile, description: str = ""
) -> ContactAttachment:
    """A partner sends a photograph or document with their organisation's referral,
    until the decision on it is made; checked and cleaned as the front door's own."""
    _require(fd_policy.can_add_to_partner_referral(acting_user, contact))
    return _attachment_save(acting_user, contact, _attachment_check(upload), description)


def attachment_view_record(*, acting_user: User, attachment: ContactAttachment) -> None:
    _audit(
        acting_user,
        attachment.contact,
        "frontdoor.attachment.view",
        action=Action.VIEW,
        obj=attachment,
    )


def request_view_record(
    *, acting_user: User, request: InformationRequest, person_ids: list[int]
) -> None:
    """Log that a partner looked at the identifying details on a request."""
    ids: list[int | None] = [*person_ids]
    for person_id in ids or [None]:
        audit_record(
            actor=acting_user,
            action=Action.VIEW,
            event="frontdoor.request.view",
            obj=request,
            person_id=person_id,
            data={"organisation": request.organisation_id},
        )


def referral_view_record(*, acting_user: User, contact: Contact) -> None:
    """Log that a partner looked at their own referral's page. It shows only what they
    sent and its status, so it names no person's record."""
    _audit(acting_user, contact, "frontdoor.referral.view", action=Action.VIEW, person_ids=[])


def contact_view_record(*, acting_user: User, contact: Contact, person_ids: list[int]) -> None:
    """Log that someone looked at a contact and the history of the people in it."""
    _audit(
        acting_user, contact, "frontdoor.contact.view", action=Action.VIEW, person_ids=person_ids
    )


# --- Deciding ----------------------------------------------------------------------


@transaction.atomic
def contact_decide(
    *,
    acting_user: User,
    contact: Contact,
    decision: str,
    reason: str,
    team: Team | None = None,
) -> Contact:
    """Record what happens next. Not final until a manager authorises it."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _require(fd_policy.can_decide(acting_user, contact))
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = ["Select what happens next"]
    if not reason.strip():
        errors["reason"] = ["Explain the decision"]
    if decision in REFERRAL_DECISIONS:
        if team is None or team.service_area not in REFERRAL_SERVICE_AREAS:
            errors["team"] = ["Select the team that will take the referral"]
        children = [link.person for link in _children(contact)]
        if not children:
            errors.setdefault("decision", []).append("Link the child's record before referring")
        open_now = casework_selectors.cin_episodes_for(c.pk for c in children)
        for child in children:
            episode = next((e for e in open_now[child.pk] if e.is_open), None)
            if episode is not None:
                errors.setdefault("decision", []).append(
                    f"{child.display_name} already has an open child in need episode "
                    f"(referred {episode.referral_date.day} {episode.referral_date:%B %Y}): "
                    "pass the concern to the team that holds it rather than refer again"
                )
    if errors:
        raise ValidationError(errors)
    before = snapshot(contact, ["status", "decision", "decision_reason", "referred_to_team_id"])
    contact.decision = decision
    contact.decision_reason = reason.strip()
    contact.referred_to_team = team if decision in REFERRAL_DECISIONS else None
    contact.decided_by, contact.decided_at = acting_user, timezone.now()
    contact.status = ContactStatus.AWAITING_AUTHORISATION
    contact.save()
    _audit(
        acting_user,
        contact,
        "frontdoor.contact.decide",
        changes=diff(before, snapshot(contact, list(before))),
    )
    notify(
        recipients=front_door_managers(acting_user),
        text=f"Decision on contact {contact.reference} is waiting for your authorisation",
        link=_contact_link(contact),
    )
    return contact


@transaction.atomic
def contact_return(*, acting_user: User, contact: Contact, note: str) -> Contact:
    """The manager does not agree: the contact goes back for a new decision."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _require(fd_policy.can_authorise(acting_user, contact))
    if not note.strip():
        raise ValidationError({"note": ["Say why the decision needs to change"]})
    before = snapshot(contact, ["status", "authorisation_note"])
    contact.status = ContactStatus.AWAITING_DECISION
    contact.authorisation_note = note.strip()
    contact.save(update_fields=["status", "authorisation_note"])
    _audit(
        acting_user,
        contact,
        "frontdoor.contact.return",
        changes=diff(before, snapshot(contact, list(before))),
    )
    if contact.decided_by is not None:
        notify(
            recipients=[contact.decided_by],
            text=f"Decision on contact {contact.reference} returned: {note.strip()}",
            link=_contact_link(contact),
        )
    return contact


@transaction.atomic
def contact_authorise(*, acting_user: User, contact: Contact, note: str = "") -> Contact:
    """A manager makes the decision final. Every flag must have been acknowledged.
    A referral (or strategy discussion) opens a child in need episode for each child,
    with the referral date and source, and starts the chosen team's involvement; the
    referrer's letter is written from the record."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _require(fd_policy.can_authorise(acting_user, contact))
    waiting = list(selectors.unacknowledged_flags(contact).select_related("person"))
    if waiting:
        names = "; ".join(f"{f.get_kind_display()} ({f.person.display_name})" for f in waiting)
        raise ValidationError(
            {"note": [f"Acknowledge every flag before authorising. Still to acknowledge: {names}"]}
        )
    now = timezone.now()
    assert contact.received_at is not None
    if contact.decision in REFERRAL_DECISIONS:
        assert contact.referred_to_team is not None
        referral_date = timezone.localtime(contact.received_at).date()
        decided_as = contact.get_decision_display().lower()
        strategy_needed_on = None
        if contact.decision == Decision.STRATEGY_DISCUSSION:
            # The discussion is due from the front door's decision that one is needed
            # (rule cp.strategy_discussion), not from the manager's later sign-off.
            decided_on = timezone.localdate(contact.decided_at or now)
            strategy_needed_on = max(decided_on, referral_date)
        for link in contact.people.filter(role=SubjectRole.CHILD).select_related("person"):
            link.cin_episode = casework.cin_episode_open(
                acting_user=acting_user,
                person=link.person,
                referral_date=referral_date,
                referral_source=contact.referral_source,
                strategy_needed_on=strategy_needed_on,
            )
            link.save(update_fields=["cin_episode"])
            people_services.involvement_start(
                acting_user=acting_user,
                person=link.person,
                team=contact.referred_to_team,
                worker=None,
                reason=f"Referral from contact {contact.reference}: {decided_as}",
                started=timezone.localdate(),
            )
    before = snapshot(contact, ["status", "authorisation_note"])
    contact.status = ContactStatus.DECIDED
    contact.authorised_by, contact.authorised_at = acting_user, now
    contact.authorisation_note = note.strip()
    contact.outcome_letter = letters.outcome_letter(contact)
    contact.outcome_letter_at = now if contact.outcome_letter else None
    contact.save()
    _audit(
        acting_user,
        contact,
        "frontdoor.contact.authorise",
        changes=diff(before, snapshot(contact, list(before))),
        data={"decision": contact.decision},
    )
    if contact.decided_by is not None:
        notify(
            recipients=[contact.decided_by],
            text=f"Decision on contact {contact.reference} authorised",
            link=_contact_link(contact),
        )
    return contact
