"""Persons (children, unborn children, adults), their names, identifiers, addresses,
relationships and households, and who works with them."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone

from hearth.core.models import Versioned


def normalise_name(value: str) -> str:
    """Lower case, accents and punctuation removed: the form names are searched by."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(c for c in decomposed if c.isalpha() or c == " ")
    return " ".join(letters.lower().split())


class PersonKind(models.TextChoices):
    CHILD = "child", "Child"
    UNBORN = "unborn", "Unborn child"
    ADULT = "adult", "Adult"


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Person(Versioned):
    local_id = models.CharField("Local person ID", max_length=20, unique=True)
    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.CHILD)
    given_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    given_name_norm = models.CharField(max_length=100, blank=True, editable=False)
    family_name_norm = models.CharField(max_length=100, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, blank=True)
    first_language = models.CharField(max_length=3, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    former_upn = models.CharField("Former UPN", max_length=13, blank=True)
    upn_unknown = models.CharField("Reason UPN unknown", max_length=3, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    restricted = models.BooleanField(
        default=False, help_text="Sealed: open only to the users named on the record."
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set when this record was found to be a duplicate and merged into another: the
    # row stays (its history moved to the survivor, recorded in PersonMerge so the
    # merge can be undone) but is hidden from search and matching.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["family_name_norm", "given_name_norm"]
        indexes = [
            models.Index(fields=["family_name_norm", "date_of_birth"], name="person_family_dob"),
            models.Index(fields=["date_of_birth", "given_name_norm"], name="person_dob_given"),
            # Search matches a date against the expected date of an unborn child too;
            # without this the OR of the two dates scans every person.
            models.Index(fields=["expected_date_of_birth"], name="person_expected_dob"),
            models.Index(fields=["nhs_number"], name="person_nhs"),
            models.Index(fields=["upn"], name="person_upn"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="unborn") | models.Q(expected_date_of_birth__isnull=False),
                name="unborn_has_expected_date",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.set_search_names()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def set_search_names(self) -> None:
        self.given_name_norm = normalise_name(self.given_name)
        self.family_name_norm = normalise_name(self.family_name)

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.given_name
        if self.kind == PersonKind.UNBORN and not given:
            return f"Unborn child of the {self.family_name} family"
        return f"{given} {self.family_name}".strip()

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class PersonDisability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    code = models.CharField(max_length=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "code"], name="one_row_per_disability")
        ]


class NameKind(models.TextChoices):
    PREVIOUS = "previous", "Previous name"
    ALIAS = "alias", "Also known as"
    BIRTH = "birth", "Name at birth"


class PersonName(models.Model):
    """A name the person has had or is known by, searched as well as the current one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=10, choices=NameKind.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    given_name_norm = models.CharField(max_length=100, blank=True, editable=False)
    family_name_norm = models.CharField(max_length=100, editable=False)
    used_until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["family_name_norm"], name="othername_family")]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        self.given_name_norm = normalise_name(self.given_name)
        self.family_name_norm = normalise_name(self.family_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Address(Versioned):
    """Where a person lived from one date to another (to is blank for now)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField("Address line 1", max_length=150)
    line2 = models.CharField("Address line 2", max_length=150, blank=True)
    town = models.CharField("Town or city", max_length=100)
    postcode = models.CharField(max_length=8)
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-moved_in"]
        indexes = [models.Index(fields=["postcode"], name="address_postcode")]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)

    @property
    def is_current(self) -> bool:
        return self.moved_out is None


class Household(models.Model):
    """People living together; membership has dates so moves keep their history."""

    name = models.CharField(max_length=150)

    def __str__(self) -> str:
        return self.name


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_memberships"
    )
    joined = models.DateField(null=True, blank=True)
    left = models.DateField(null=True, blank=True)


class RelationshipKind(models.TextChoices):
    """What the relative is to the person."""

    PARENT = "parent", "Parent"
    CHILD = "child", "Child"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    STEP_SIBLING = "step_sibling", "Step-sibling"
    STEP_PARENT = "step_parent", "Step-parent"
    STEP_CHILD = "step_child", "Stepchild"
    GRANDPARENT = "grandparent", "Grandparent"
    GRANDCHILD = "grandchild", "Grandchild"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    NIECE_NEPHEW = "niece_nephew", "Niece or nephew"
    COUSIN = "cousin", "Cousin"
    PARTNER = "partner", "Partner"
    FORMER_PARTNER = "former_partner", "Former partner"
    CARER = "carer", "Carer"
    CARED_FOR = "cared_for", "Cared for"
    OTHER = "other", "Other"


INVERSE_KIND: dict[str, str] = {
    "parent": "child", "child": "parent", "step_parent": "step_child", "step_child": "step_parent",
    "grandparent": "grandchild", "grandchild": "grandparent", "aunt_uncle": "niece_nephew",
    "niece_nephew": "aunt_uncle", "carer": "cared_for", "cared_for": "carer",
}  # fmt: skip

# How to name a relative of a given sex: (female, male, not known).
GENDERED_LABELS: dict[str, tuple[str, str, str]] = {
    "parent": ("Mother", "Father", "Parent"),
    "child": ("Daughter", "Son", "Child"),
    "sibling": ("Sister", "Brother", "Sibling"),
    "half_sibling": ("Half-sister", "Half-brother", "Half-sibling"),
    "step_sibling": ("Stepsister", "Stepbrother", "Step-sibling"),
    "step_parent": ("Stepmother", "Stepfather", "Step-parent"),
    "step_child": ("Stepdaughter", "Stepson", "Stepchild"),
    "grandparent": ("Grandmother", "Grandfather", "Grandparent"),
    "grandchild": ("Granddaughter", "Grandson", "Grandchild"),
    "aunt_uncle": ("Aunt", "Uncle", "Aunt or uncle"),
    "niece_nephew": ("Niece", "Nephew", "Niece or nephew"),
}

# Generation of the relative relative to the person, for the family diagram.
GENERATION: dict[str, int] = {
    "grandparent": -2, "parent": -1, "step_parent": -1, "aunt_uncle": -1, "carer": -1,
    "child": 1, "step_child": 1, "niece_nephew": 1, "cared_for": 1, "grandchild": 2,
}  # fmt: skip


def inverse_kind(kind: str) -> str:
    return INVERSE_KIND.get(kind, kind)


class Relationship(models.Model):
    """`relative` is `kind` to `person`. Stored in both directions (the service writes
    the reciprocal row), so a person's family is one indexed lookup."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(
        default=False, help_text="The relative has parental responsibility for the person."
    )
    started = models.DateField(null=True, blank=True)
    ended = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="one_relationship_of_a_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("relative")), name="not_own_relative"
            ),
        ]
        indexes = [models.Index(fields=["relative"], name="relationship_relative")]

    def __str__(self) -> str:
        return f"{self.relative} is {self.label} of {self.person}"

    @property
    def label(self) -> str:
        labels = GENDERED_LABELS.get(self.kind)
        if not labels:
            return self.get_kind_display()
        return {"F": labels[0], "M": labels[1]}.get(self.relative.sex, labels[2])


class ExternalId(models.Model):
    """A person's id in another system, e.g. the one an authority migrates from."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_ids")
    system = models.CharField(max_length=50)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="external_id_unique")
        ]


class Involvement(models.Model):
    """A team working with a person (and the allocated worker, if any).

    Access follows the work: staff see the people their team is involved with.
    Casework and allocation write these through the people services.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="involvements")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
    )
    reason = models.CharField(max_length=200, blank=True)
    started = models.DateField()
    ended = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started"]
        indexes = [
            models.Index(fields=["team", "ended", "person"], name="involvement_team_open"),
            models.Index(fields=["person", "ended"], name="involvement_person_open"),
            models.Index(fields=["worker", "ended"], name="involvement_worker_open"),
        ]


class PersonShare(models.Model):
    """A person's identifying details shared with a partner organisation."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shares"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "person"], name="share_org_person")]


class RestrictedAccess(models.Model):
    """A user named on a restricted record, who may open it without giving a reason."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="named_users")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="named_once")]


class BreakGlass(models.Model):
    """Someone not named on a restricted record opened it, giving a reason."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="glass_breaks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["person", "user", "expires_at"], name="breakglass_open")]


class PersonMatchKey(models.Model):
    """One blocking key of a person for the "people it may be" search.

    Derived data, rebuilt by `hearth.people.matching.match_keys_rebuild` whenever a
    person's names, dates or addresses change; never edited by hand. The search looks
    its query's keys up in one indexed query (key first, person second, so the index
    alone answers it).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="matchkey_key_person")]

    def __str__(self) -> str:
        return self.key


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "To review"
    MERGED = "merged", "Merged"
    NOT_DUPLICATE = "not_duplicate", "Not the same person"
    UNDONE = "undone", "Merge undone"


class DuplicateCandidate(models.Model):
    """Two records the batch duplicate detection (`hearth people dedupe`, Splink) thinks
    may be one person, waiting for a person to decide. Nothing is merged automatically.

    The pair is stored lower id first, once; a later run updates the scores of an open
    pair and leaves a reviewed one as it was decided.
    """

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    # The comparison levels that drove the score: [{"field", "level", "weight"}, ...].
    reasons = models.JSONField(default=list)
    # Living together (a household, an address or a recorded relationship in common):
    # brothers, sisters and twins look alike, so such pairs are labelled for the reviewer.
    same_household = models.BooleanField(default=False)
    status = models.CharField(
        max_length=15, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(default=timezone.now)
    scored_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "-match_probability", "id"], name="duplicate_status_prob"
            ),
            models.Index(fields=["person_b"], name="duplicate_person_b"),
        ]

    def __str__(self) -> str:
        return f"Possible duplicate {self.person_a_id} / {self.person_b_id}"

    @property
    def pair(self) -> tuple[Person, Person]:
        return self.person_a, self.person_b


class PersonMerge(models.Model):
    """One record (`merged`) merged into another (`survivor`): exactly which rows were
    moved, so that undoing it puts every one back, and which were left on the merged
    record and why (a relationship between the two, or a fact the survivor already has).
    """

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    # [{"model": "app_label.model", "field": "person", "ids": [1, 2]}, ...]
    moved = models.JSONField(default=list)
    # [{"model": ..., "field": ..., "id": 3, "reason": "..."}, ...]
    kept = models.JSONField(default=list)
    # Rows the merge added (the merged record's names, as other names of the survivor,
    # so a search by them still finds the person): removed again by an undo.
    added = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [
            models.Index(fields=["merged", "undone_at"], name="merge_merged_open"),
            models.Index(fields=["survivor", "undone_at"], name="merge_survivor_open"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} merged into {self.survivor_id}"

    @property
    def rows_moved(self) -> int:
        return sum(len(entry["ids"]) for entry in self.moved)
