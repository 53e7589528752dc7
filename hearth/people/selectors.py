"""Reads of people's records: search, the person page, the family and its diagram,
and who has viewed and changed a record."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.text import capfirst

from hearth.accounts import policy
from hearth.audit.models import Action, AuditEvent
from hearth.people.identifiers import looks_like_postcode, normalise_nhs_number, normalise_postcode
from hearth.people.models import (
    GENERATION,
    Address,
    DuplicateCandidate,
    DuplicateStatus,
    HouseholdMember,
    Involvement,
    Person,
    PersonName,
    Relationship,
    normalise_name,
)

if TYPE_CHECKING:
    from hearth.accounts.models import User

_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %m %Y")


@dataclass
class SearchTerms:
    """What a search box's text was understood to mean."""

    given: str = ""
    family: str = ""
    date_of_birth: dt.date | None = None
    nhs_number: str = ""
    upn: str = ""
    local_id: str = ""
    postcode: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.given, self.family, self.date_of_birth, self.nhs_number, self.upn,
                        self.local_id, self.postcode))  # fmt: skip


def parse_search(text: str) -> SearchTerms:
    """Read a name, date of birth, NHS number, UPN, local id or postcode from free text."""
    terms = SearchTerms()
    rest = (text or "").strip()
    for pattern in (r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b", r"\b\d{4}-\d{2}-\d{2}\b"):
        match = re.search(pattern, rest)
        if match:
            for fmt in _DATE_FORMATS:
                try:
                    terms.date_of_birth = dt.datetime.strptime(match.group(), fmt).date()  # noqa: DTZ007
                    break
                except ValueError:
                    continue
            if terms.date_of_birth is None:
                terms.notes.append(f"“{match.group()}” is not a real date, so it was not used")
            rest = rest.replace(match.group(), " ")
    nhs = re.search(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b", rest)
    if nhs:
        terms.nhs_number = normalise_nhs_number(nhs.group())
        rest = rest.replace(nhs.group(), " ")
    upn = re.search(r"\b[A-Za-z]\d{11}[0-9A-Za-z]\b", rest)
    if upn:
        terms.upn = upn.group().upper()
        rest = rest.replace(upn.group(), " ")
    local = re.search(r"\bHRT\d{1,8}\b", rest, re.IGNORECASE)
    if local:
        terms.local_id = local.group().upper()
        rest = rest.replace(local.group(), " ")
    postcode = re.search(r"\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b", rest)
    if postcode and looks_like_postcode(postcode.group()):
        terms.postcode = normalise_postcode(postcode.group())
        rest = rest.replace(postcode.group(), " ")
    words = [normalise_name(w) for w in re.split(r"[\s,]+", rest) if normalise_name(w)]
    if len(words) == 1:
        terms.family = words[0]
    elif len(words) > 1:
        terms.given, terms.family = words[0], words[-1]
    return terms


def _prefix(column: str, value: str) -> Q:
    """`column` starts with `value`, as a range so both databases use the index."""
    return Q(**{f"{column}__gte": value, f"{column}__lt": value + "\uffff"})


def search_people(user: User, terms: SearchTerms) -> QuerySet[Person]:
    """People matching the terms that are in the user's scope, best-ordered.

    Restricted records in scope are included so a worker learns one exists; the page
    shows them without details.
    """
    qs = Person.objects.filter(merged_into__isnull=True)  # merged records are not found
    if terms.nhs_number:
        qs = qs.filter(nhs_number=terms.nhs_number)
    if terms.upn:
        qs = qs.filter(Q(upn=terms.upn) | Q(former_upn=terms.upn))
    if terms.local_id:
        qs = qs.filter(local_id=terms.local_id)
    if terms.date_of_birth:
        qs = qs.filter(
            Q(date_of_birth=terms.date_of_birth) | Q(expected_date_of_birth=terms.date_of_birth)
        )
    if terms.family:
        other = PersonName.objects.filter(
            _prefix("family_name_norm", terms.family), person_id=OuterRef("pk")
        )
        if terms.given:
            other = other.filter(_prefix("given_name_norm", terms.given))
        current = _prefix("family_name_norm", terms.family)
        if terms.given:
            current &= _prefix("given_name_norm", terms.given)
        qs = qs.filter(current | Q(Exists(other)))
    if terms.postcode:
        qs = qs.filter(
            Exists(Address.objects.filter(person_id=OuterRef("pk"), postcode=terms.postcode))
        )
    qs = policy.people_in_scope(user, qs)
    return qs.order_by("family_name_norm", "given_name_norm", "date_of_birth", "pk")


def merged_survivor(person_id: int) -> int | None:
    """The record a merged record's history now lives on (following later merges),
    or None if the record was never merged."""
    seen: set[int] = set()
    current = person_id
    while True:
        target = Person.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if target is None or target in seen:
            return None if current == person_id else current
        seen.add(current)
        current = target


def _restricted_stand_in(person: Person) -> Person:
    """What someone who may not open a restricted record sees of it: that it exists."""
    return Person(pk=person.pk, family_name="Restricted record", restricted=True)


def conceal_restricted_relatives(user: User, person: Person) -> None:
    """Replace the relatives and household members on a loaded record page that are
    restricted and not open to the user with stand-ins that show no name, sex or date
    of birth (at most one query, and none when no relative is restricted)."""
    current = getattr(person, "current_households", [])  # set by person_for_page's prefetch
    memberships = [m for h in current for m in h.household.members.all()]
    relationships = list(person.relationships.all())
    restricted = {r.relative_id for r in relationships if r.relative.restricted} | {
        m.person_id for m in memberships if m.person.restricted and m.person_id != person.pk
    }
    if not restricted:
        return
    open_ids = set(
        policy.visible_people(user, Person.objects.filter(pk__in=restricted)).values_list(
            "pk", flat=True
        )
    )
    hidden = restricted - open_ids
    for rel in relationships:
        if rel.relative_id in hidden:
            rel.relative = _restricted_stand_in(rel.relative)
    for member in memberships:
        if member.person_id in hidden:
            member.person = _restricted_stand_in(member.person)


def person_for_page(user: User, person_id: int) -> Person | None:
    """The person with everything the record page shows, in a fixed number of queries;
    restricted relatives the user may not open appear only as restricted records."""
    # A relationship left on a record merged into another is shown by the survivor.
    relationships = (
        Relationship.objects.filter(relative__merged_into__isnull=True)
        .select_related("relative")
        .order_by("kind", "relative__date_of_birth")
    )
    person = (
        policy.visible_people(user, Person.objects.filter(pk=person_id))
        .prefetch_related(
            "disabilities",
            "other_names",
            "addresses",
            Prefetch("relationships", queryset=relationships),
            Prefetch("involvements", queryset=Involvement.objects.select_related("team", "worker")),
            Prefetch(
                "household_memberships",
                queryset=HouseholdMember.objects.filter(left__isnull=True)
                .select_related("household")
                .prefetch_related(
                    Prefetch(
                        "household__members",
                        queryset=HouseholdMember.objects.filter(
                            left__isnull=True, person__merged_into__isnull=True
                        ).select_related("person"),
                    )
                ),
                to_attr="current_households",
            ),
        )
        .first()
    )
    if person is not None:
        conceal_restricted_relatives(user, person)
    return person


@dataclass(frozen=True)
class FamilyBox:
    person_id: int
    label: str
    name: str
    detail: str
    x: int
    y: int
    is_subject: bool = False


@dataclass(frozen=True)
class FamilyDiagram:
    width: int
    height: int
    boxes: list[FamilyBox]
    subject: FamilyBox


BOX_W, BOX_H, GAP_X, GAP_Y = 150, 54, 20, 46


def family_diagram(person: Person, relationships: list[Relationship]) -> FamilyDiagram:
    """Lay the person and their relatives out by generation for a simple drawn diagram."""
    rows: dict[int, list[tuple[str, Person]]] = {g: [] for g in range(-2, 3)}
    for rel in relationships:
        rows[GENERATION.get(rel.kind, 0)].append((rel.label, rel.relative))
    rows[0].insert(len(rows[0]) // 2, ("This person", person))
    used = [g for g in range(-2, 3) if rows[g]]
    widest = max(len(rows[g]) for g in used)
    width = widest * (BOX_W + GAP_X) + GAP_X
    boxes: list[FamilyBox] = []
    subject: FamilyBox | None = None
    for level, g in enumerate(used):
        row = rows[g]
        offset = (width - len(row) * (BOX_W + GAP_X) + GAP_X) // 2
        for i, (label, p) in enumerate(row):
            born = p.date_of_birth or p.expected_date_of_birth
            box = FamilyBox(
                person_id=p.pk,
                label=label,
                name=p.display_name,
                detail=f"born {born:%Y}" if born else "date of birth unknown",
                x=offset + i * (BOX_W + GAP_X),
                y=GAP_Y // 2 + level * (BOX_H + GAP_Y),
                is_subject=p.pk == person.pk,
            )
            boxes.append(box)
            if box.is_subject:
                subject = box
    assert subject is not None
    return FamilyDiagram(
        width=width, height=len(used) * (BOX_H + GAP_Y), boxes=boxes, subject=subject
    )


def record_access_history(person_id: int, limit: int = 200) -> list[AuditEvent]:
    """Who has viewed and changed a person's record, newest first."""
    return list(
        AuditEvent.objects.filter(person_id=person_id)
        .exclude(action=Action.SEARCH)
        .order_by("-at", "-id")[:limit]
    )


def involvement_summary(person: Person) -> list[dict[str, Any]]:
    return [
        {"team": inv.team.name, "worker": inv.worker.full_name if inv.worker else "Not allocated",
         "reason": inv.reason, "started": inv.started, "ended": inv.ended}
        for inv in person.involvements.all()
    ]  # fmt: skip


# --- The duplicate review queue ----------------------------------------------------


def _visible(user: User, column: str) -> Exists:
    """Whether the person in `column` of the outer row is one the user may open."""
    return Exists(policy.visible_people(user, Person.objects.filter(pk=OuterRef(column))))


def duplicate_queue(
    user: User, *, status: str = DuplicateStatus.OPEN, household: str = ""
) -> QuerySet[DuplicateCandidate]:
    """The pairs a reviewer may see, most likely first: both records must be ones the
    user may open (so restricted records appear only to those named on them), and a
    pair still to decide must have neither record merged since."""
    status = status or DuplicateStatus.OPEN
    qs = DuplicateCandidate.objects.filter(status=status)
    if status in (DuplicateStatus.OPEN, DuplicateStatus.UNDONE):
        qs = qs.filter(person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
    if household in ("yes", "no"):
        qs = qs.filter(same_household=household == "yes")
    qs = qs.filter(_visible(user, "person_a_id"), _visible(user, "person_b_id"))
    return qs.select_related("person_a", "person_b", "reviewed_by").order_by(
        "-match_probability", "id"
    )


def duplicate_for_review(user: User, pk: int) -> DuplicateCandidate | None:
    """One pair, if the user may open both records."""
    return (
        DuplicateCandidate.objects.filter(pk=pk)
        .filter(_visible(user, "person_a_id"), _visible(user, "person_b_id"))
        .select_related("person_a", "person_b", "reviewed_by")
        .first()
    )


def linked_records(person_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many rows of each kind anywhere in Hearth point at each person (contacts,
    CIN episodes, ...): one query per kind, whatever the apps installed."""
    from hearth.people.merge import person_links

    out: dict[int, dict[str, int]] = {pk: {} for pk in person_ids}
    for link in person_links():
        label = capfirst(str(link.model._meta.verbose_name_plural))
        if link.field.name != "person":
            label = f"{label} ({link.field.verbose_name})"
        counts = (
            link.model._base_manager.filter(**{f"{link.field.attname}__in": person_ids})
            .values_list(link.field.attname)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for pk, n in counts:
            out[pk][label] = n
    return out


@dataclass(frozen=True)
class CompareRow:
    label: str
    a: list[str]
    b: list[str]

    @property
    def sides(self) -> tuple[list[str], list[str]]:
        return self.a, self.b

    @property
    def differs(self) -> bool:
        return sorted(self.a) != sorted(self.b)


def _facts(person: Person, linked: dict[str, int]) -> dict[str, list[str]]:
    born = person.date_of_birth or person.expected_date_of_birth
    addresses = list(person.addresses.all())
    current = [str(a) for a in addresses if a.is_current]
    return {
        "Name": [person.display_name],
        "Other names": [f"{n} ({n.get_kind_display().lower()})" for n in person.other_names.all()],
        "Date of birth": [f"{born:%d/%m/%Y}" + (" (expected)" if not person.date_of_birth else "")]
        if born
        else [],
        "Sex": [person.get_sex_display()],
        "NHS number": [person.nhs_number] if person.nhs_number else [],
        "UPN": [person.upn] if person.upn else [],
        "Hearth ID": [person.local_id],
        "Current address": current,
        "Earlier addresses": [str(a) for a in addresses if not a.is_current],
        "Relationships": [
            f"{r.label}: {r.relative.display_name}" for r in person.relationships.all()
        ],
        "Household": [m.household.name for m in getattr(person, "current_households", [])],
        "Involvements": [
            f"{i.team.name}" + (" (ended)" if i.ended else "") for i in person.involvements.all()
        ],
        "Linked records": [f"{label}: {n}" for label, n in sorted(linked.items())],
    }


def duplicate_comparison(a: Person, b: Person) -> list[CompareRow]:
    """The two records side by side, field by field (differences are marked on the page)."""
    linked = linked_records([a.pk, b.pk])
    fa, fb = _facts(a, linked[a.pk]), _facts(b, linked[b.pk])
    return [CompareRow(label, fa[label], fb[label]) for label in fa]
