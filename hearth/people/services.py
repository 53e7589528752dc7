"""Every write to people's records: one function per action, in a transaction,
permission checked, audited with before and after values."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from hearth.accounts import policy
from hearth.accounts.services import managers_of, notify
from hearth.audit.models import Action, AuditEvent
from hearth.audit.services import audit_change, audit_record, diff, snapshot
from hearth.people.identifiers import validate_nhs_number, validate_postcode, validate_upn
from hearth.people.matching import match_keys_rebuild
from hearth.people.models import (
    Address,
    BreakGlass,
    ExternalId,
    Involvement,
    NameKind,
    Person,
    PersonDisability,
    PersonKind,
    PersonName,
    PersonShare,
    Relationship,
    RelationshipKind,
    inverse_kind,
)

if TYPE_CHECKING:
    from hearth.accounts.models import Organisation, Team, User

PERSON_FIELDS = [
    "kind", "given_name", "middle_names", "family_name", "preferred_name", "date_of_birth",
    "expected_date_of_birth", "date_of_death", "sex", "ethnicity", "first_language", "nhs_number",
    "upn", "former_upn", "upn_unknown", "phone", "email",
]  # fmt: skip
ADDRESS_FIELDS = ["line1", "line2", "town", "postcode", "moved_in", "moved_out"]
LOCAL_ID_PREFIX = "HRT"


def next_local_ids(count: int) -> list[str]:
    """Local person ids: HRT followed by a zero-padded number (CIN LAchildID ≤ 20 characters)."""
    last = Person.objects.aggregate(m=Max("local_id"))["m"]
    start = (
        int(last[len(LOCAL_ID_PREFIX) :]) + 1 if last and last.startswith(LOCAL_ID_PREFIX) else 1
    )
    return [f"{LOCAL_ID_PREFIX}{n:08d}" for n in range(start, start + count)]


def _clean_identifiers(values: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    for field, validate in (
        ("nhs_number", validate_nhs_number),
        ("upn", validate_upn),
        ("former_upn", validate_upn),
    ):
        if values.get(field):
            try:
                values[field] = validate(values[field])
            except ValidationError as e:
                errors[field] = e.messages
    if values.get("upn") and values.get("upn_unknown"):
        errors["upn_unknown"] = ["Leave the reason the UPN is unknown blank when a UPN is given"]
    kind = values.get("kind")
    if kind == PersonKind.UNBORN and not values.get("expected_date_of_birth"):
        errors["expected_date_of_birth"] = ["Enter the expected date of birth of an unborn child"]
    born, died = values.get("date_of_birth"), values.get("date_of_death")
    if born and died and died < born:
        errors["date_of_death"] = [
            "The date of death must be the same as or after the date of birth"
        ]
    if born and born > timezone.localdate():
        errors["date_of_birth"] = ["The date of birth must be today or in the past"]
    if errors:
        raise ValidationError(errors)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


MERGED = "This record was merged into another record: make the change on that one"


def _not_merged(*person_ids: int) -> None:
    """A record merged into another takes no new details (they would be hidden with it)."""
    if Person.objects.filter(pk__in=person_ids, merged_into__isnull=False).exists():
        raise ValidationError(MERGED)


@transaction.atomic
def person_create(
    *,
    acting_user: User,
    disabilities: list[str] | None = None,
    relative_of: Person | None = None,
    relationship: str = "",
    **values: Any,
) -> Person:
    """Add a person, optionally as `relationship` to `relative_of`.

    The new record must be one the user can open afterwards (through their scope, or
    as a relative of a child their team works with); otherwise nothing is saved.
    """
    _require(acting_user.role in policy.EDITING_ROLES)
    _clean_identifiers(values)
    person = Person(local_id=next_local_ids(1)[0], **values)
    person.full_clean()
    person.save()
    match_keys_rebuild([person.pk])  # so the "people it may be" search finds them at once
    if disabilities:
        PersonDisability.objects.bulk_create(
            [PersonDisability(person=person, code=c) for c in disabilities]
        )
    audit_change(actor=acting_user, obj=person, before=None, person_id=person.pk)
    if relative_of is not None and relationship:
        # `person` is `relationship` to `relative_of`.
        relationship_add(
            acting_user=acting_user, person=relative_of, relative=person, kind=relationship
        )
    _require(policy.person_access(acting_user, person.pk) is policy.Access.FULL)
    return person


@transaction.atomic
def person_update(
    *,
    acting_user: User,
    person: Person,
    expected_version: int,
    disabilities: list[str] | None = None,
    **values: Any,
) -> Person:
    """Change a person's details; refused if someone else saved since `expected_version`."""
    _require(policy.can_edit_person(acting_user, person.pk))
    _not_merged(person.pk)
    _clean_identifiers({"kind": person.kind, **values})
    before = snapshot(person, PERSON_FIELDS)
    before_disabilities = sorted(person.disabilities.values_list("code", flat=True))
    for field, value in values.items():
        setattr(person, field, value)
    person.full_clean(exclude=["local_id", "version"])
    person.set_search_names()
    person.save_versioned(
        expected_version=expected_version,
        fields=[*values.keys(), "given_name_norm", "family_name_norm"],
    )
    match_keys_rebuild([person.pk])  # names, dates or NHS number may have changed
    changes = diff(before, snapshot(person, PERSON_FIELDS))
    if disabilities is not None and sorted(disabilities) != before_disabilities:
        person.disabilities.all().delete()
        PersonDisability.objects.bulk_create(
            [PersonDisability(person=person, code=c) for c in disabilities]
        )
        changes["disabilities"] = [before_disabilities, sorted(disabilities)]
    if changes:
        audit_record(
            actor=acting_user,
            action=Action.UPDATE,
            event="people.person.update",
            obj=person,
            person_id=person.pk,
            changes=changes,
        )
    return person


@transaction.atomic
def address_add(*, acting_user: User, person: Person, **values: Any) -> Address:
    """Add an address; a new current address ends the previous current one."""
    _require(policy.can_edit_person(acting_user, person.pk))
    _not_merged(person.pk)
    values["postcode"] = validate_postcode(values.get("postcode", ""))
    address = Address(person=person, **values)
    address.full_clean()
    if address.moved_out is None:
        for old in person.addresses.filter(moved_out__isnull=True):
            before = snapshot(old, ADDRESS_FIELDS)
            old.moved_out = address.moved_in or timezone.localdate()
            old.save_versioned(expected_version=old.version, fields=["moved_out"])
            audit_change(actor=acting_user, obj=old, before=before, person_id=person.pk)
    address.save()
    match_keys_rebuild([person.pk])  # the search finds people by every postcode they had
    audit_change(actor=acting_user, obj=address, before=None, person_id=person.pk)
    return address


@transaction.atomic
def address_update(
    *, acting_user: User, address: Address, expected_version: int, **values: Any
) -> Address:
    _require(policy.can_edit_person(acting_user, address.person_id))
    _not_merged(address.person_id)
    if "postcode" in values:
        values["postcode"] = validate_postcode(values["postcode"])
    before = snapshot(address, ADDRESS_FIELDS)
    for field, value in values.items():
        setattr(address, field, value)
    address.full_clean(exclude=["version"])
    if address.moved_in and address.moved_out and address.moved_out < address.moved_in:
        raise ValidationError(
            {"moved_out": ["The date they moved out must be after the date they moved in"]}
        )
    address.save_versioned(expected_version=expected_version, fields=list(values))
    match_keys_rebuild([address.person_id])  # the postcode may have changed
    audit_change(actor=acting_user, obj=address, before=before, person_id=address.person_id)
    return address


@transaction.atomic
def relationship_add(
    *,
    acting_user: User | None,
    person: Person,
    relative: Person,
    kind: str,
    parental_responsibility: bool = False,
) -> Relationship:
    """Record that `relative` is `kind` to `person`, and the reciprocal relationship."""
    if acting_user is not None:
        _require(policy.can_edit_person(acting_user, person.pk))
    if person.pk == relative.pk:
        raise ValidationError("A person cannot be their own relative")
    _not_merged(person.pk, relative.pk)
    forward = Relationship.objects.create(
        person=person, relative=relative, kind=kind, parental_responsibility=parental_responsibility
    )
    Relationship.objects.create(person=relative, relative=person, kind=inverse_kind(kind))
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        event="people.relationship.create",
        obj=forward,
        person_id=person.pk,
        data={"relative": relative.pk, "kind": kind, "pr": parental_responsibility},
    )
    return forward


@transaction.atomic
def involvement_start(
    *,
    acting_user: User | None,
    person: Person,
    team: Team,
    worker: User | None,
    reason: str,
    started: dt.date,
) -> Involvement:
    involvement = Involvement.objects.create(
        person=person, team=team, worker=worker, reason=reason, started=started
    )
    audit_change(actor=acting_user, obj=involvement, before=None, person_id=person.pk)
    return involvement


@transaction.atomic
def involvement_allocate(
    *,
    acting_user: User | None,
    involvement_id: int,
    worker: User,
    expected_worker_id: int | None,
) -> Involvement | None:
    """Set the allocated worker of an open involvement, only if it is still held by
    `expected_worker_id` (None: unallocated). A conditional update, so of two managers
    allocating the same child at once exactly one succeeds; the other gets None.
    The caller (workforce) checks who may allocate and to whom."""
    changed = Involvement.objects.filter(
        pk=involvement_id, ended__isnull=True, worker_id=expected_worker_id
    ).update(worker=worker)
    if not changed:
        return None
    involvement = Involvement.objects.get(pk=involvement_id)
    audit_change(
        actor=acting_user,
        obj=involvement,
        before={"worker_id": expected_worker_id},
        person_id=involvement.person_id,
    )
    return involvement


@transaction.atomic
def person_share(
    *,
    acting_user: User,
    person: Person,
    organisation: Organisation,
    reason: str,
    expires_at: dt.datetime | None = None,
) -> PersonShare:
    """Share a person's identifying details with a partner organisation."""
    _require(
        policy.person_access(acting_user, person.pk) is policy.Access.FULL
        and not acting_user.is_partner
    )
    share = PersonShare.objects.create(
        person=person,
        organisation=organisation,
        shared_by=acting_user,
        reason=reason,
        expires_at=expires_at,
    )
    audit_change(actor=acting_user, obj=share, before=None, person_id=person.pk)
    return share


def person_view_record(*, acting_user: User, person: Person, page: str = "record") -> None:
    """Log that someone looked at a person's record."""
    audit_record(
        actor=acting_user,
        action=Action.VIEW,
        event=f"people.person.view.{page}",
        obj=person,
        person_id=person.pk,
    )


@transaction.atomic
def break_glass(*, acting_user: User, person: Person, reason: str) -> BreakGlass:
    """Open a restricted record with a reason: logged, and the user's managers told."""
    _require(policy.can_break_glass(acting_user, person.pk))
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": ["Explain why you need to open this record (at least 10 characters)"]}
        )
    glass = BreakGlass.objects.create(
        person=person, user=acting_user, reason=reason, expires_at=policy.break_glass_expiry()
    )
    audit_record(
        actor=acting_user,
        action=Action.BREAK_GLASS,
        event="people.person.break_glass",
        obj=person,
        person_id=person.pk,
        data={"reason": reason},
    )
    notify(
        recipients=managers_of(acting_user),
        text=f"{acting_user.full_name} opened the restricted record {person.local_id}: {reason}",
        link=reverse("people:history", args=[person.pk]),
    )
    return glass


# Importing from the system an authority migrates from. The import runs as the system
# (no acting user): an operator's command, so there is no permission to check, but
# every write is audited like any other.


class ImportOutcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def person_check(values: dict[str, Any]) -> dict[str, list[str]]:
    """Every rule a person's details break, by field (empty when none): the rules
    `person_create` applies, gathered rather than raised so an import can report them all.
    Normalises the identifiers in `values`."""
    errors: dict[str, list[str]] = {}
    try:
        _clean_identifiers(values)
    except ValidationError as e:
        errors.update(e.message_dict)
    try:
        Person(**values).clean_fields(exclude=["local_id", *errors])
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, messages)
    return errors


def _same_place(address: Address, values: dict[str, Any]) -> bool:
    def key(line1: str, line2: str, town: str, postcode: str) -> tuple[str, ...]:
        return tuple(" ".join(p.casefold().split()) for p in (line1, line2, town, postcode))

    return key(address.line1, address.line2, address.town, address.postcode) == key(
        values["line1"], values.get("line2", ""), values["town"], values["postcode"]
    )


def _import_address(person: Person, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Bring the person's address up to date; the changes, for the person's audit entry.

    An address already on the record (current or past) is not added again, so running
    an old extract after someone recorded a move in Hearth does not move them back.
    """
    values = {**values, "postcode": validate_postcode(values.get("postcode", ""))}
    # Current addresses first, so a matching current one has its move-in date updated.
    known = sorted(person.addresses.all(), key=lambda a: a.moved_out is not None)
    current = [a for a in known if a.moved_out is None]
    for address in known:
        if not _same_place(address, values):
            continue
        moved_in = values.get("moved_in")
        if address.moved_out is None and moved_in and moved_in != address.moved_in:
            before = address.moved_in
            address.moved_in = moved_in
            address.save_versioned(expected_version=address.version, fields=["moved_in"])
            return {"address.moved_in": [_plain_date(before), _plain_date(moved_in)]}
        return {}
    address = Address(person=person, **values)
    address.full_clean()
    for old in current:
        # As address_add does: the new current address ends the old one, never before it began.
        ended = address.moved_in or timezone.localdate()
        old.moved_out = max(ended, old.moved_in) if old.moved_in else ended
        old.save_versioned(expected_version=old.version, fields=["moved_out"])
    address.save()
    return {"address": [str(current[0]) if current else None, str(address)]}


def _plain_date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _import_previous_name(person: Person, family_name: str) -> dict[str, list[Any]]:
    if person.other_names.filter(kind=NameKind.PREVIOUS, family_name__iexact=family_name).exists():
        return {}
    # The current given name goes with it, so a search by the old full name finds them.
    PersonName(
        person=person, kind=NameKind.PREVIOUS, given_name=person.given_name, family_name=family_name
    ).save()
    return {"previous_family_name": [None, family_name]}


@transaction.atomic
def person_import_row(
    *,
    system: str,
    source_id: str,
    values: dict[str, Any],
    address: dict[str, Any] | None = None,
    previous_family_name: str = "",
) -> tuple[Person, ImportOutcome]:
    """Create, or bring up to date, the person another system knows as `source_id`.

    Keyed on ExternalId(system, source_id), so running the same file twice changes
    nothing. Only the fields in `values` are written: a column missing from a file
    leaves what Hearth holds alone. `address` has Address fields (line1, line2, town,
    postcode, moved_in). One audit entry for a created or changed person, none otherwise.
    """
    external = (
        ExternalId.objects.select_for_update()
        .select_related("person")
        .filter(system=system, value=source_id)
        .first()
    )
    if external is None:
        values = dict(values)
        _clean_identifiers(values)
        person = Person(local_id=next_local_ids(1)[0], **values)
        person.full_clean()
        person.save()
        ExternalId.objects.create(person=person, system=system, value=source_id)
        changes = diff({}, snapshot(person, PERSON_FIELDS))
        outcome = ImportOutcome.CREATED
    else:
        person = external.person
        # Rules across fields (date of death after birth) see what the file leaves alone too.
        merged = {**{f: getattr(person, f) for f in PERSON_FIELDS}, **values}
        _clean_identifiers(merged)
        values = {field: merged[field] for field in values}
        before = snapshot(person, values)
        for field, value in values.items():
            setattr(person, field, value)
        person.full_clean(exclude=["local_id", "version"])
        changes = diff(before, snapshot(person, values))
        if changes:
            person.set_search_names()
            person.save_versioned(
                expected_version=person.version,
                fields=[*changes, "given_name_norm", "family_name_norm"],
            )
        outcome = ImportOutcome.UNCHANGED
    if address:
        changes.update(_import_address(person, address))
    if previous_family_name:
        changes.update(_import_previous_name(person, previous_family_name))
    if outcome is ImportOutcome.UNCHANGED and changes:
        outcome = ImportOutcome.UPDATED
    if outcome is not ImportOutcome.UNCHANGED:
        match_keys_rebuild([person.pk])  # keep the "people it may be" search current
        created = outcome is ImportOutcome.CREATED
        audit_record(
            actor=None,
            action=Action.CREATE if created else Action.UPDATE,
            event="people.person.create" if created else "people.person.update",
            obj=person,
            person_id=person.pk,
            changes=changes,
            data={"import": system, "source_id": source_id},
        )
    return person, outcome


@transaction.atomic
def relationship_import(
    *,
    person: Person,
    relative: Person,
    kind: str,
    parental_responsibility: bool | None = None,
) -> ImportOutcome:
    """Record that `relative` is `kind` to `person`, and the reciprocal, unless already
    recorded. `parental_responsibility` None leaves what Hearth holds alone."""
    if person.pk == relative.pk:
        raise ValidationError("A person cannot be their own relative")
    if kind not in RelationshipKind.values:
        raise ValidationError({"kind": [f"{kind!r} is not a kind of relationship"]})
    forward, created = Relationship.objects.get_or_create(
        person=person,
        relative=relative,
        kind=kind,
        defaults={"parental_responsibility": bool(parental_responsibility)},
    )
    _, reciprocal_created = Relationship.objects.get_or_create(
        person=relative, relative=person, kind=inverse_kind(kind)
    )
    if created:
        audit_record(
            actor=None,
            action=Action.CREATE,
            event="people.relationship.create",
            obj=forward,
            person_id=person.pk,
            data={"relative": relative.pk, "kind": kind, "pr": forward.parental_responsibility},
        )
        return ImportOutcome.CREATED
    outcome = ImportOutcome.UPDATED if reciprocal_created else ImportOutcome.UNCHANGED
    if parental_responsibility is not None and (
        forward.parental_responsibility != parental_responsibility
    ):
        before = snapshot(forward, ["parental_responsibility"])
        forward.parental_responsibility = parental_responsibility
        forward.save(update_fields=["parental_responsibility"])
        audit_change(actor=None, obj=forward, before=before, person_id=person.pk)
        outcome = ImportOutcome.UPDATED
    elif reciprocal_created:
        # Only the reverse row was missing (data written outside the services): say so.
        audit_record(
            actor=None,
            action=Action.UPDATE,
            event="people.relationship.update",
            obj=forward,
            person_id=person.pk,
            data={"relative": relative.pk, "kind": kind, "reciprocal_added": True},
        )
    return outcome


def person_import_record(*, system: str, source: str, summary: dict[str, Any]) -> AuditEvent:
    """The one audit entry that says an import ran, from which file, and what it did."""
    return audit_record(
        actor=None,
        action=Action.IMPORT,
        event="people.import",
        data={"system": system, "source": source, **summary},
    )
