"""Merging two records of one person, and undoing it.

A merge keeps every history: each row anywhere in Hearth that points at the merged
record (addresses, names, relationships, involvements, contacts, CIN episodes, ...,
found through Django's related objects, so an app added later is covered without
changing this module) is moved to the survivor, and the merge records exactly which
rows moved. The merged record's own row stays, marked `merged_into`, hidden from
search and matching; its page sends people to the survivor. Undoing the merge moves
exactly those rows back.

Not every row can move. Before each move the row is checked against its table's
constraints as if it already pointed at the survivor:

- a check constraint it would break (a relationship between the two records would
  become one between the survivor and itself): left on the merged record;
- a unique constraint it would break that has no condition (the survivor already has
  the same relationship, disability, named user): a fact the survivor already holds,
  left on the merged record;
- a unique constraint with a condition (one open CIN episode per child): two
  different things that cannot both be current, so the merge is refused with a reason
  and nothing is changed; a person decides which one ends first.

Household memberships and addresses have no such constraint but can be duplicated the
same way (both records in one household, or at one address): `SAME_FACT` names the
fields that make two such rows the same fact.

Everything here is a service: permission checked through hearth/accounts/policy.py,
one transaction, audited (hearth/audit/services.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from hearth.accounts import policy
from hearth.accounts.models import Role
from hearth.audit.models import Action
from hearth.audit.services import audit_record
from hearth.people.matching import match_keys_rebuild
from hearth.people.models import (
    DuplicateCandidate,
    DuplicateStatus,
    NameKind,
    Person,
    PersonMatchKey,
    PersonMerge,
    PersonName,
)

if TYPE_CHECKING:
    from hearth.accounts.models import User

# Who works the duplicate review queue: the front door (who create most records) and
# team managers.
REVIEWER_ROLES = frozenset({Role.FRONT_DOOR, Role.TEAM_MANAGER})

# A pair still to decide: never reviewed, or merged and the merge undone.
REVIEWABLE = (DuplicateStatus.OPEN, DuplicateStatus.UNDONE)

# Tables never moved: derived data rebuilt after a merge, and the records of duplicate
# review and merging themselves.
NOT_MOVED = frozenset({"people.personmatchkey", "people.duplicatecandidate", "people.personmerge"})

# Rows with no unique constraint that are still one fact twice when both records have
# them: the survivor keeps its own, the merged record keeps the other.
SAME_FACT: dict[str, tuple[str, ...]] = {
    "people.householdmember": ("household_id", "left"),
    "people.address": ("line1", "postcode", "moved_in", "moved_out"),
    "people.personname": ("kind", "given_name_norm", "family_name_norm"),
}

# Why a merge is refused, in words, for the constraints with conditions we know of.
REFUSALS: dict[str, str] = {
    "one_open_cin_episode": (
        "Both records have an open child in need episode. Close one of them, then merge"
    ),
}


class MergeRefusedError(ValidationError):
    """The merge cannot be done as things stand; the message says why."""


@dataclass(frozen=True)
class Link:
    """A foreign key somewhere in Hearth that points at a person."""

    model: type[models.Model]
    field: models.ForeignKey[Any, Any]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def person_links() -> list[Link]:
    """Every foreign key to Person in every installed app, hidden ones included
    (relationships' `relative`), except the person's own `merged_into` and NOT_MOVED."""
    links = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or not (rel.one_to_many or rel.one_to_one):
            continue
        model = rel.related_model
        if model is Person or model._meta.label_lower in NOT_MOVED:
            continue
        links.append(Link(model, rel.field))  # type: ignore[arg-type]
    return sorted(links, key=lambda link: (link.label, link.field.name))


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


# --- Permission -------------------------------------------------------------------


def can_review_duplicates(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and not user.is_partner
        and user.role in REVIEWER_ROLES
    )


def can_merge(user: User, survivor_id: int, merged_id: int) -> bool:
    """A reviewer who may change both records."""
    return (
        can_review_duplicates(user)
        and policy.can_edit_person(user, survivor_id)
        and policy.can_edit_person(user, merged_id)
    )


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


# --- Moving rows ------------------------------------------------------------------


def _blocked_by(obj: models.Model) -> tuple[str, str] | None:
    """Whether `obj`, as it now is (pointing at the survivor), can be saved: None if
    so, else ("keep", why) to leave it on the merged record or ("refuse", why)."""
    model = type(obj)
    for constraint in model._meta.constraints:
        try:
            constraint.validate(model, obj)
        except ValidationError:
            if isinstance(constraint, models.UniqueConstraint) and constraint.condition is not None:
                name = constraint.name or ""
                return "refuse", REFUSALS.get(
                    name,
                    f"Both records have a {model._meta.verbose_name} that each person can "
                    f"have only one of at a time ({name})",
                )
            if isinstance(constraint, models.CheckConstraint):
                return "keep", "links the two records to each other"
            return "keep", "the survivor already has the same"
    try:
        obj.validate_unique()
    except ValidationError:
        return "keep", "the survivor already has the same"
    return None


def _same_fact(link: Link, survivor: Person) -> set[tuple[Any, ...]]:
    fields = SAME_FACT.get(link.label)
    if not fields:
        return set()
    rows = link.model._base_manager.filter(**{link.field.attname: survivor.pk})
    return {tuple(values) for values in rows.values_list(*fields)}


def _move(link: Link, merged: Person, survivor: Person) -> tuple[list[int], list[dict[str, Any]]]:
    """Move the rows of one link from the merged record to the survivor; returns the
    ids moved and the rows left behind (with why)."""
    attname = link.field.attname
    manager = link.model._base_manager
    rows = list(manager.filter(**{attname: merged.pk}).order_by("pk"))
    if not rows:
        return [], []
    fields = SAME_FACT.get(link.label)
    survivor_has = _same_fact(link, survivor)
    moving: list[int] = []
    kept: list[dict[str, Any]] = []
    for obj in rows:
        if fields and tuple(getattr(obj, f) for f in fields) in survivor_has:
            kept.append({"model": link.label, "field": link.field.name, "id": obj.pk,
                         "reason": "the survivor already has the same"})  # fmt: skip
            continue
        setattr(obj, attname, survivor.pk)
        blocked = _blocked_by(obj)
        if blocked is None:
            moving.append(obj.pk)
        elif blocked[0] == "refuse":
            raise MergeRefusedError(blocked[1])
        else:
            kept.append({"model": link.label, "field": link.field.name, "id": obj.pk,
                         "reason": blocked[1]})  # fmt: skip
    if moving:
        manager.filter(pk__in=moving).update(**{attname: survivor.pk})
    return moving, kept


def _names_to_add(merged: Person, survivor: Person) -> list[PersonName]:
    """The merged record's name, if the survivor's differs, as an alias of the survivor:
    a later search by that name still finds the person."""
    if (merged.given_name_norm, merged.family_name_norm) == (
        survivor.given_name_norm,
        survivor.family_name_norm,
    ):
        return []
    if not merged.family_name_norm:
        return []
    if PersonName.objects.filter(
        person=survivor,
        given_name_norm=merged.given_name_norm,
        family_name_norm=merged.family_name_norm,
    ).exists():
        return []
    return [
        PersonName(
            person=survivor,
            kind=NameKind.ALIAS,
            given_name=merged.given_name,
            family_name=merged.family_name,
        )
    ]


def _lock_pair(first_id: int, second_id: int) -> dict[int, Person]:
    """Both records, locked (PostgreSQL; SQLite's IMMEDIATE transactions already queue
    writers) in id order so two merges of one pair cannot deadlock."""
    people = Person.objects.select_for_update().filter(pk__in=[first_id, second_id]).order_by("pk")
    found = {p.pk: p for p in people}
    if len(found) != 2:
        raise MergeRefusedError("One of the records no longer exists")
    return found


# --- Services ---------------------------------------------------------------------


@transaction.atomic
def person_merge(
    *,
    acting_user: User,
    survivor: Person,
    merged: Person,
    candidate: DuplicateCandidate | None = None,
) -> PersonMerge:
    """Merge `merged` into `survivor`: every row pointing at `merged` moves to
    `survivor` (or is left, with a reason, where it would duplicate a fact); `merged`
    is kept, marked as merged, hidden from search and matching. Refused with
    MergeRefusedError (nothing changed) if either record has been merged meanwhile."""
    if survivor.pk == merged.pk:
        raise MergeRefusedError("A record cannot be merged into itself")
    _require(can_merge(acting_user, survivor.pk, merged.pk))
    locked = _lock_pair(survivor.pk, merged.pk)
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if merged.merged_into_id or survivor.merged_into_id:
        raise MergeRefusedError("One of these records has already been merged")
    if merged.restricted and not survivor.restricted:
        raise MergeRefusedError(
            "The record to merge is restricted and the other is not: merge into the "
            "restricted record instead, so its details stay restricted"
        )
    moved: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for link in person_links():
        ids, left = _move(link, merged, survivor)
        if ids:
            moved.append({"model": link.label, "field": link.field.name, "ids": ids})
        kept += left
    added = []
    for name in _names_to_add(merged, survivor):
        name.save()
        added.append({"model": "people.personname", "id": name.pk})
    if candidate is None:
        # Merged from elsewhere than the queue: the pair's open candidate is decided too.
        low, high = sorted((survivor.pk, merged.pk))
        candidate = DuplicateCandidate.objects.filter(
            person_a_id=low, person_b_id=high, status__in=REVIEWABLE
        ).first()
    now = timezone.now()
    claimed = Person.objects.filter(pk=merged.pk, merged_into__isnull=True).update(
        merged_into=survivor, merged_at=now, version=F("version") + 1
    )
    if claimed != 1:
        raise MergeRefusedError("One of these records has already been merged")
    Person.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    merge = PersonMerge.objects.create(
        survivor=survivor, merged=merged, candidate=candidate, moved=moved, kept=kept,
        added=added, merged_by=acting_user, merged_at=now,
    )  # fmt: skip
    if candidate is not None:
        done = DuplicateCandidate.objects.filter(pk=candidate.pk, status__in=REVIEWABLE).update(
            status=DuplicateStatus.MERGED, reviewed_by=acting_user, reviewed_at=now
        )
        if done != 1:
            raise MergeRefusedError("This pair has already been decided by someone else")
    # The survivor is found by everything it now has; the merged record by nothing.
    match_keys_rebuild([survivor.pk])
    PersonMatchKey.objects.filter(person_id=merged.pk).delete()
    summary = {
        "merge": merge.pk,
        "survivor": survivor.pk,
        "merged": merged.pk,
        "moved": {e["model"] + "." + e["field"]: len(e["ids"]) for e in moved},
        "kept": len(kept),
    }
    for person_id in (survivor.pk, merged.pk):
        audit_record(
            actor=acting_user, action=Action.UPDATE, event="people.person.merge", obj=merge,
            person_id=person_id, data=summary,
        )  # fmt: skip
    return merge


@transaction.atomic
def person_merge_undo(*, acting_user: User, merge: PersonMerge) -> PersonMerge:
    """Put every row the merge moved back on the merged record, remove what it added,
    and show the merged record again. Refused if already undone, or if the survivor
    has since been merged into another record (undo that first)."""
    _require(
        can_review_duplicates(acting_user)
        and policy.can_edit_person(acting_user, merge.survivor_id)
    )
    locked = _lock_pair(merge.survivor_id, merge.merged_id)
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    if merge.undone_at is not None or merged.merged_into_id != survivor.pk:
        raise MergeRefusedError("This merge has already been undone")
    if survivor.merged_into_id:
        raise MergeRefusedError(
            "The record this was merged into has since been merged into another: undo that "
            "merge first"
        )
    for entry in merge.moved:
        model = _model(entry["model"])
        attname = model._meta.get_field(entry["field"]).attname  # type: ignore[union-attr]
        try:
            with transaction.atomic():
                model._base_manager.filter(pk__in=entry["ids"], **{attname: survivor.pk}).update(
                    **{attname: merged.pk}
                )
        except IntegrityError as e:
            raise MergeRefusedError(
                f"A {model._meta.verbose_name} that was moved has changed since, so it cannot "
                f"go back as it was ({e})"
            ) from e
    for entry in merge.added:
        _model(entry["model"])._base_manager.filter(pk=entry["id"]).delete()
    now = timezone.now()
    Person.objects.filter(pk=merged.pk).update(
        merged_into=None, merged_at=None, version=F("version") + 1
    )
    Person.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    merge.undone_by, merge.undone_at = acting_user, now
    merge.save(update_fields=["undone_by", "undone_at"])
    if merge.candidate_id:
        DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
            status=DuplicateStatus.UNDONE, reviewed_by=acting_user, reviewed_at=now
        )
    match_keys_rebuild([survivor.pk, merged.pk])
    data = {"merge": merge.pk, "survivor": survivor.pk, "merged": merged.pk,
            "moved_back": merge.rows_moved}  # fmt: skip
    for person_id in (survivor.pk, merged.pk):
        audit_record(
            actor=acting_user, action=Action.UPDATE, event="people.person.merge_undo",
            obj=merge, person_id=person_id, data=data,
        )  # fmt: skip
    return merge


@transaction.atomic
def duplicate_merge(
    *, acting_user: User, candidate: DuplicateCandidate, survivor_id: int
) -> PersonMerge:
    """The reviewer chose "merge into this one": the reviewer picked which of the pair survives."""
    if survivor_id not in (candidate.person_a_id, candidate.person_b_id):
        raise ValidationError({"survivor": ["Choose one of the two records to keep"]})
    merged_id = (
        candidate.person_b_id if survivor_id == candidate.person_a_id else candidate.person_a_id
    )
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status not in REVIEWABLE:
        raise MergeRefusedError("This pair has already been decided")
    return person_merge(
        acting_user=acting_user,
        survivor=Person.objects.get(pk=survivor_id),
        merged=Person.objects.get(pk=merged_id),
        candidate=candidate,
    )


NOT_DUPLICATE_MIN_REASON = 10


@transaction.atomic
def duplicate_dismiss(
    *, acting_user: User, candidate: DuplicateCandidate, reason: str
) -> DuplicateCandidate:
    """The reviewer said "not the same person", and why (twins, a parent and son
    of one name)."""
    _require(
        can_review_duplicates(acting_user)
        and policy.person_access(acting_user, candidate.person_a_id) is policy.Access.FULL
        and policy.person_access(acting_user, candidate.person_b_id) is policy.Access.FULL
    )
    reason = reason.strip()
    if len(reason) < NOT_DUPLICATE_MIN_REASON:
        raise ValidationError(
            {
                "reason": [
                    "Say why these are not the same person (at least "
                    f"{NOT_DUPLICATE_MIN_REASON} characters)"
                ]
            }
        )
    now = timezone.now()
    done = DuplicateCandidate.objects.filter(pk=candidate.pk, status__in=REVIEWABLE).update(
        status=DuplicateStatus.NOT_DUPLICATE,
        reviewed_by=acting_user,
        reviewed_at=now,
        review_reason=reason,
    )
    if done != 1:
        raise MergeRefusedError("This pair has already been decided by someone else")
    candidate.refresh_from_db()
    for person_id in (candidate.person_a_id, candidate.person_b_id):
        audit_record(
            actor=acting_user, action=Action.UPDATE, event="people.duplicate.not_duplicate",
            obj=candidate, person_id=person_id,
            data={"pair": [candidate.person_a_id, candidate.person_b_id], "reason": reason},
        )  # fmt: skip
    return candidate
