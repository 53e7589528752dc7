"""Children in care: periods of care and their SSDA903 episodes, placements with carers
and providers, reviews, visits, health, education, missing episodes, care leavers and
adoption.

    PeriodOfCare ─┬─ Episode (one SSDA903 `Episodes` row each; written by the services)
                  ├─ Placement ── Carer (the household or setting)  ── CarerNotice
                  │              └─ StatutoryVisit
                  ├─ Review (reg 33), IROContact
                  ├─ HealthAssessment, EducationPlan (PEP)
                  ├─ MissingEpisode
                  ├─ Adoption, PreviousPermanence
                  └─ PlacementDecision
    Person ─┬─ UASCStatus, HealthYear (OC2), CareLeaver ── CareLeaverContact (OC3)
            └─ CareTask
    AdopterApplication (a prospective adopter family) ─┬─ Adopter (one or two people)
                                                       └─ Adoption.family (the children)

SSDA903 column names are given in each model's docstring and field help_text, so the
returns app can write the CSV files straight from these rows (see
reference/statutory.md section 2.2 for the columns). Codes are stored as the DfE codes
themselves and checked against the code lists in `hearth/core/codelists/ssda903_*.toml`
(with validity dates) by the services; rules that look across rows (episodes in order,
no overlaps) live in `hearth.care.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from hearth.core.models import Versioned


def _user_fk(related_name: str = "+") -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _person_fk(related_name: str = "+") -> models.ForeignKey[Any, Any]:
    return models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name=related_name)


def _code(max_length: int = 6, help_text: str = "", **kw: Any) -> models.CharField[Any, Any]:
    return models.CharField(max_length=max_length, blank=True, help_text=help_text, **kw)


# --- Period of care and episodes -------------------------------------------------------


class PermanencePlan(models.TextChoices):
    """Ofsted ILACS Annex A list 8, "What is the permanence plan for this child?"."""

    RETURN_HOME = "return_home", "Return to family"
    ADOPTION = "adoption", "Adoption"
    SGO_CAO = "sgo_cao", "Special guardianship or child arrangements order"
    SUPPORTED_LIVING = "supported_living", "Supported living in the community"
    RESIDENTIAL = "residential", "Long-term residential placement"
    LONG_TERM_FOSTERING = "long_term_fostering", "Long-term fostering"
    OTHER = "other", "Other"


class PeriodOfCare(Versioned):
    """One period of being looked after, from the day the child started to be looked
    after (the DECOM of its first episode, RNE "S") to the day they ceased (the DEC of
    its last episode, whose REC is not X1).

    SSDA903: `CIN` (category of need) is set at the start of the period and does not
    change; it is copied onto every episode. `HOME_POST` is the child's home postcode
    when the period started. Annex A list 8: permanence plan. The care plan is due 10
    working days after the first placement (reg 4), the first review 20 working days
    after the start (reg 33). This row is the source of truth for "looked after";
    `casework.LookedAfterPeriod` is kept in step through the casework service.
    """

    person = _person_fk("care_periods")
    start_date = models.DateField(help_text="SSDA903 DECOM of the first episode")
    end_date = models.DateField(null=True, blank=True, help_text="SSDA903 DEC of the last episode")
    reason_ceased = _code(3, "SSDA903 REC of the last episode")
    category_of_need = models.CharField(max_length=2, help_text="SSDA903 CIN (N1–N8)")
    home_postcode = models.CharField(max_length=8, blank=True, help_text="SSDA903 HOME_POST")
    permanence_plan = models.CharField(max_length=20, choices=PermanencePlan.choices, blank=True)
    care_plan_on = models.DateField(null=True, blank=True, help_text="The care plan was made")
    casework_period_id = models.BigIntegerField(
        null=True, blank=True, help_text="casework.LookedAfterPeriod kept in step"
    )
    # Due dates (derived; recomputed by the services from the facts above and below).
    care_plan_due_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    health_assessment_due_on = models.DateField(null=True, blank=True)
    pep_due_on = models.DateField(null=True, blank=True)
    last_review_on = models.DateField(null=True, blank=True)
    reviews_held = models.PositiveSmallIntegerField(default=0)
    created_by = _user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(end_date__isnull=True),
                name="care_one_open_period",
            )
        ]
        indexes = [
            models.Index(fields=["person", "start_date"], name="care_period_person"),
            models.Index(
                fields=["review_due_on"],
                condition=models.Q(end_date__isnull=True),
                name="care_period_review_due",
            ),
        ]

    def __str__(self) -> str:
        return f"In care from {self.start_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def clean(self) -> None:
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": ["The end date must be on or after the start"]})


class Episode(models.Model):
    """One row of the SSDA903 `Episodes` table. Written only by the care services,
    which start a new row whenever the legal status, the placement or the carer changes.

    Mapping to the SSDA903 columns:
        CHILD                 person.local_id
        DECOM                 start_date
        RNE                   reason_new_episode (S, L, P, T, B, U)
        LS                    legal_status
        CIN                   category_of_need
        PLACE                 placement_type
        PLACE_PROVIDER        placement_provider (blank for T0–T4 and Z11–Z14)
        DEC                   end_date
        REC                   reason_ceased (X1 when another episode follows the same day)
        REASON_PLACE_CHANGE   reason_place_change (on the episode that ends, when the
                              placement changes)
        HOME_POST             home_postcode (district part written by the return)
        PL_POST               placement_postcode
        URN                   urn ("XXXXXXX" where none applies)
    """

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="episodes")
    person = _person_fk("care_episodes")
    placement = models.ForeignKey(
        "care.Placement", on_delete=models.PROTECT, related_name="episodes"
    )
    start_date = models.DateField(help_text="SSDA903 DECOM")
    reason_new_episode = models.CharField(max_length=1, help_text="SSDA903 RNE")
    legal_status = models.CharField(max_length=2, help_text="SSDA903 LS")
    category_of_need = models.CharField(max_length=2, help_text="SSDA903 CIN")
    placement_type = models.CharField(max_length=3, help_text="SSDA903 PLACE")
    placement_provider = _code(3, "SSDA903 PLACE_PROVIDER")
    end_date = models.DateField(null=True, blank=True, help_text="SSDA903 DEC")
    reason_ceased = _code(3, "SSDA903 REC")
    reason_place_change = _code(6, "SSDA903 REASON_PLACE_CHANGE")
    home_postcode = models.CharField(max_length=8, blank=True, help_text="SSDA903 HOME_POST")
    placement_postcode = models.CharField(max_length=8, blank=True, help_text="SSDA903 PL_POST")
    urn = models.CharField(max_length=8, blank=True, help_text="SSDA903 URN")

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [
            models.Index(fields=["person", "start_date"], name="care_episode_person"),
            models.Index(fields=["period", "start_date"], name="care_episode_period"),
        ]

    def __str__(self) -> str:
        codes = f"{self.reason_new_episode} {self.legal_status} {self.placement_type}"
        return f"{self.start_date:%d/%m/%Y} {codes}"

    def as_ssda903(self) -> dict[str, str]:
        """The row as written in the SSDA903 Episodes CSV (dates DD/MM/YYYY)."""

        def day(value: dt.date | None) -> str:
            return f"{value:%d/%m/%Y}" if value else ""

        return {
            "DECOM": day(self.start_date),
            "RNE": self.reason_new_episode,
            "LS": self.legal_status,
            "CIN": self.category_of_need,
            "PLACE": self.placement_type,
            "PLACE_PROVIDER": self.placement_provider,
            "DEC": day(self.end_date),
            "REC": self.reason_ceased,
            "REASON_PLACE_CHANGE": self.reason_place_change,
            "HOME_POST": self.home_postcode,
            "PL_POST": self.placement_postcode,
            "URN": self.urn,
        }


class LegalStatus(models.Model):
    """One legal status the child held during a period (SSDA903 LS); a new row when it
    changes. The episodes are derived from these and the placements."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="statuses")
    person = _person_fk("care_legal_statuses")
    code = models.CharField(max_length=2, help_text="SSDA903 LS")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    recorded_by = _user_fk()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date", "pk"]

    def __str__(self) -> str:
        return f"{self.code} from {self.start_date:%d/%m/%Y}"


# --- Carers and providers ------------------------------------------------------------------


class CarerKind(models.TextChoices):
    FOSTER = "foster", "Foster carer household"
    CONNECTED = "connected", "Connected person (family or friends) carer"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SUPPORTED = "supported", "Supported accommodation"
    SECURE = "secure", "Secure children's home"
    ADOPTERS = "adopters", "Adopters"
    PARENT = "parent", "Parent or person with parental responsibility"
    OTHER = "other", "Other setting"


class ApprovalStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    TEMPORARY = "temporary", "Temporarily approved (connected person, reg 24)"
    IN_ASSESSMENT = "assessment", "In assessment"
    ON_HOLD = "on_hold", "On hold"
    RESIGNED = "resigned", "Resigned or deregistered"


class Carer(Versioned):
    """A foster household, connected-person carer, children's home or supported
    accommodation provider, with what the placement search needs: approval (ages,
    number of children, sibling groups), skills, vacancies, location.

    SSDA903: `provider_code` is PLACE_PROVIDER (PR0–PR5), `urn` the Ofsted URN of the
    setting, `postcode` PL_POST. A connected person's temporary approval (reg 24) runs
    to `temporary_approval_until` (16 weeks, extendable once by 8).
    """

    reference = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=CarerKind.choices)
    provider_code = models.CharField(max_length=3, help_text="SSDA903 PLACE_PROVIDER")
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    registered_on = models.DateField(null=True, blank=True)
    approval_status = models.CharField(
        max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.APPROVED
    )
    approved_on = models.DateField(null=True, blank=True)
    temporary_approval_until = models.DateField(null=True, blank=True)
    age_from = models.PositiveSmallIntegerField(default=0)
    age_to = models.PositiveSmallIntegerField(default=17)
    places = models.PositiveSmallIntegerField(default=1, help_text="Children approved for")
    vacancies = models.PositiveSmallIntegerField(default=0, help_text="Places free now")
    siblings = models.BooleanField("Takes sibling groups", default=False)
    skills = models.JSONField(default=list, blank=True, help_text="Needs the carer can meet")
    postcode = models.CharField(max_length=8, blank=True)
    related_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The relative or friend, for a connected-person carer",
    )
    la_code = models.CharField("LA of placement", max_length=3, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(
                fields=["kind", "vacancies"],
                condition=models.Q(vacancies__gt=0),
                name="care_carer_vacant",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.age_to < self.age_from:
            raise ValidationError({"age_to": ["The upper age must not be below the lower"]})
        if self.vacancies > self.places:
            raise ValidationError({"vacancies": ["There cannot be more vacancies than places"]})


# --- Placements --------------------------------------------------------------------------


class VisitBasis(models.TextChoices):
    """Which reg 28 visiting pattern applies (SI 2010/959 reg 28)."""

    STANDARD = "standard", "Standard"
    WITH_PARENTS_REG19 = "parents_reg19", "With parents before the assessment (reg 19)"
    WITH_PARENTS_CARE_ORDER = "parents_care_order", "With parents when a care order is made"
    ICO_WITH_PARENTS = "ico_parents", "With parents under an interim care order"
    CONNECTED_TEMPORARY = "connected_temporary", "Connected person, temporary approval (reg 24)"


class Placement(Versioned):
    """Where and with whom the child lives, from `start_date` to `end_date`. A change of
    carer or setting is a new placement; a change of placement type with the same
    carer (foster to long-term foster, say) is a new placement with `same_carer`.

    SSDA903: PLACE (placement_type), PLACE_PROVIDER, PL_POST (postcode), URN. The facts
    reg 28 visits depend on: `intended_until_18` (long-term: meant to last until the
    child is 18) and `visit_basis`.
    """

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="placements")
    person = _person_fk("care_placements")
    carer = models.ForeignKey(
        Carer, null=True, blank=True, on_delete=models.PROTECT, related_name="placements"
    )
    placement_type = models.CharField(max_length=3, help_text="SSDA903 PLACE")
    provider_code = models.CharField(max_length=3, blank=True, help_text="SSDA903 PLACE_PROVIDER")
    postcode = models.CharField(max_length=8, blank=True, help_text="SSDA903 PL_POST")
    urn = models.CharField(max_length=8, blank=True, help_text="SSDA903 URN")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = _code(6, "SSDA903 REASON_PLACE_CHANGE when a new placement follows")
    same_carer = models.BooleanField(default=False, help_text="Same carer(s) as before (RNE T/U)")
    intended_until_18 = models.BooleanField(
        null=True, blank=True, help_text="Meant to last until the child is 18 (reg 28(3))"
    )
    visit_basis = models.CharField(
        max_length=20, choices=VisitBasis.choices, default=VisitBasis.STANDARD
    )
    placement_plan_on = models.DateField(null=True, blank=True)
    last_visit_on = models.DateField(null=True, blank=True)
    # Due dates (derived).
    placement_plan_due_on = models.DateField(null=True, blank=True)
    visit_due_on = models.DateField(null=True, blank=True)
    visit_problem = models.CharField(
        max_length=200, blank=True, help_text="Why the visit schedule cannot be computed"
    )
    created_by = _user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [
            models.Index(fields=["person", "start_date"], name="care_placement_person"),
            models.Index(
                fields=["visit_due_on"],
                condition=models.Q(end_date__isnull=True),
                name="care_placement_visit_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_type} from {self.start_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class NoticeReason(models.TextChoices):
    BEHAVIOUR = "CREQB", "The child's behaviour"
    OTHER = "CREQO", "Another reason"
    CLOSE = "CLOSE", "The carer is resigning or the provision is closing"


class CarerNotice(models.Model):
    """A carer's notice on a placement: the date, the reason and the notice period; it
    starts a placement-move task due when the notice runs out."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="notices")
    person = _person_fk("+")
    given_on = models.DateField()
    reason = models.CharField(max_length=6, choices=NoticeReason.choices)
    notice_days = models.PositiveSmallIntegerField(default=28)
    ends_on = models.DateField()
    details = models.TextField(blank=True)
    recorded_by = _user_fk()
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Notice given {self.given_on:%d/%m/%Y}"


class CareTask(models.Model):
    """Work the care service must do for a child by a date (a placement move after a
    carer's notice, a return home interview). Hearth's casework `Task` has no service
    other apps may call to create one, so care keeps its own."""

    class Kind(models.TextChoices):
        PLACEMENT_MOVE = "placement_move", "Find a new placement"
        RETURN_INTERVIEW = "return_interview", "Offer a return home interview"

    person = _person_fk("care_tasks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    due_at = models.DateTimeField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    assigned_to = _user_fk("care_tasks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["person", "due_on"], name="care_task_person")]

    def __str__(self) -> str:
        return f"{self.title} by {self.due_on:%d/%m/%Y}"


class StatutoryVisit(models.Model):
    """A social worker's visit to a child in care (reg 28), seen alone or not."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="visits")
    person = _person_fk("care_visits")
    visited_on = models.DateField()
    seen = models.BooleanField(default=True)
    seen_alone = models.BooleanField(default=False)
    child_views = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    visited_by = _user_fk()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["person", "visited_on"], name="care_visit_person")]

    def __str__(self) -> str:
        return f"Visit {self.visited_on:%d/%m/%Y}"


class PlacementDecision(models.Model):
    """What the fostering team decided after a placement search, and why; the ranked
    list they saw is kept with it."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="decisions")
    person = _person_fk("+")
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.PROTECT)
    kin_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField()
    ranking = models.JSONField(default=list)
    decided_by = _user_fk()
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Placement decision {self.decided_at:%d/%m/%Y}"


# --- Reviews ---------------------------------------------------------------------------------


class Review(models.Model):
    """A looked-after child's review (reg 33), chaired by the reviewing officer.

    SSDA903 `Reviews`: REVIEW (held_on), REVIEW_CODE (participation, PN0–PN7).
    """

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="reviews")
    person = _person_fk("care_reviews")
    held_on = models.DateField(help_text="SSDA903 REVIEW")
    participation = models.CharField(max_length=3, help_text="SSDA903 REVIEW_CODE")
    chair = _user_fk("chaired_care_reviews")
    child_views = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    next_due_on = models.DateField(null=True, blank=True)
    recorded_by = _user_fk()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "pk"]
        indexes = [models.Index(fields=["person", "held_on"], name="care_review_person")]

    def __str__(self) -> str:
        return f"Review {self.held_on:%d/%m/%Y}"


class IROContact(models.Model):
    """The reviewing officer's own contact with the child (Annex A list 8, "Date of
    Last IRO Visit / Contact to the Child")."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="iro_contacts")
    person = _person_fk("+")
    contact_on = models.DateField()
    officer = _user_fk()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-contact_on"]

    def __str__(self) -> str:
        return f"IRO contact {self.contact_on:%d/%m/%Y}"


# --- Health and education ------------------------------------------------------------------


class HealthKind(models.TextChoices):
    INITIAL = "initial", "Initial health assessment"
    REVIEW = "review", "Review health assessment"
    DENTAL = "dental", "Dental check"
    IMMUNISATIONS = "immunisations", "Immunisations up to date"
    SDQ = "sdq", "Strengths and difficulties questionnaire"


class HealthAssessment(models.Model):
    """A health event for a child in care: IHA, RHA, dental check, immunisation check,
    SDQ score. The OC2 summary for a year is `HealthYear`."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="health")
    person = _person_fk("care_health")
    kind = models.CharField(max_length=15, choices=HealthKind.choices)
    done_on = models.DateField()
    sdq_score = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = _user_fk()

    class Meta:
        ordering = ["-done_on"]
        indexes = [models.Index(fields=["person", "kind", "done_on"], name="care_health_person")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on:%d/%m/%Y}"


class HealthYear(models.Model):
    """SSDA903 `OC2` for a child looked after 12 months or more at 31 March.

    CHILD, DOB from the person; SDQ_SCORE, SDQ_REASON, CONVICTED, HEALTH_CHECK,
    IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE,
    INTERVENTION_RECEIVED, INTERVENTION_OFFERED (0/1 flags; blank where not applicable).
    """

    person = _person_fk("care_health_years")
    year_ending = models.DateField(help_text="31 March of the collection year")
    sdq_score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="SDQ_SCORE")
    sdq_reason = _code(4, "SDQ_REASON (SDQ1–SDQ5)")
    convicted = models.BooleanField(null=True, blank=True, help_text="CONVICTED")
    health_check = models.BooleanField(null=True, blank=True, help_text="HEALTH_CHECK")
    immunisations = models.BooleanField(null=True, blank=True, help_text="IMMUNISATIONS")
    teeth_check = models.BooleanField(null=True, blank=True, help_text="TEETH_CHECK")
    health_assessment = models.BooleanField(null=True, blank=True, help_text="HEALTH_ASSESSMENT")
    substance_misuse = models.BooleanField(null=True, blank=True, help_text="SUBSTANCE_MISUSE")
    intervention_received = models.BooleanField(
        null=True, blank=True, help_text="INTERVENTION_RECEIVED"
    )
    intervention_offered = models.BooleanField(
        null=True, blank=True, help_text="INTERVENTION_OFFERED"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year_ending"], name="care_one_oc2_per_year")
        ]

    def __str__(self) -> str:
        return f"OC2 {self.year_ending:%Y}"


class EducationPlan(models.Model):
    """A personal education plan (PEP) meeting: started within 10 working days of
    coming into care, reviewed each term. School and UPN as known on the day."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="peps")
    person = _person_fk("care_peps")
    held_on = models.DateField()
    school = models.CharField(max_length=150, blank=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = _user_fk()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"PEP {self.held_on:%d/%m/%Y}"


# --- Missing episodes ----------------------------------------------------------------


class MissingEpisode(models.Model):
    """SSDA903 `Missing`: MISSING (M missing, A away without authorisation),
    MIS_START, MIS_END. A return home interview is offered within 72 hours of return
    (Annex A list 8 asks whether it was offered and accepted)."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="missing")
    person = _person_fk("care_missing")
    kind = models.CharField(max_length=1, help_text="SSDA903 MISSING (M or A)")
    started_at = models.DateTimeField(help_text="SSDA903 MIS_START (date)")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="SSDA903 MIS_END (date)")
    interview_due_at = models.DateTimeField(null=True, blank=True)
    interview_offered_at = models.DateTimeField(null=True, blank=True)
    interview_accepted = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = _user_fk()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["person", "started_at"], name="care_missing_person")]

    def __str__(self) -> str:
        return f"{self.kind} from {self.started_at:%d/%m/%Y}"


# --- UASC ----------------------------------------------------------------------------------


class UASCStatus(models.Model):
    """SSDA903 `UASC`: an unaccompanied asylum-seeking child; DUC is the date UASC
    status ceased (blank while it continues)."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="uasc_status"
    )
    started_on = models.DateField()
    ceased_on = models.DateField(null=True, blank=True, help_text="SSDA903 DUC")

    def __str__(self) -> str:
        return "UASC"


# --- Adoption and permanence ------------------------------------------------------------


class Adoption(models.Model):
    """The adoption journey of a child in care.

    SSDA903 `PlacedAdoption`: DATE_PLACED (should_be_placed_on, the agency decision
    maker's decision that the child should be placed for adoption), DATE_PLACED_CEASED
    (reversed_on), REASON_PLACED_CEASED (reversed_reason, RD1–RD4).
    SSDA903 `AD1`: DATE_INT (should_be_placed_on), DATE_MATCH (matched_on),
    FOSTER_CARE (adopted_by_foster_carer), NB_ADOPTR (number_of_adopters), SEX_ADOPTR
    (adopter_sex, M1 F1 MM FF MF), LS_ADOPTR (adopter_legal_status, L0 L11 L12 L2 L3 L4).
    Annex A list 10 adds the placement order, placed-for-adoption and adoption order
    dates, and the date placed in a fostering-for-adoption placement.
    """

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="adoptions")
    person = _person_fk("care_adoptions")
    should_be_placed_on = models.DateField(help_text="SSDA903 DATE_PLACED / DATE_INT")
    placement_order_on = models.DateField(null=True, blank=True)
    matched_on = models.DateField(null=True, blank=True, help_text="SSDA903 DATE_MATCH")
    placed_on = models.DateField(null=True, blank=True)
    ffa_placed_on = models.DateField(null=True, blank=True)
    adoption_order_on = models.DateField(null=True, blank=True)
    reversed_on = models.DateField(null=True, blank=True, help_text="SSDA903 DATE_PLACED_CEASED")
    reversed_reason = _code(3, "SSDA903 REASON_PLACED_CEASED")
    adopted_by_foster_carer = models.BooleanField(null=True, blank=True, help_text="FOSTER_CARE")
    number_of_adopters = models.PositiveSmallIntegerField(null=True, blank=True)
    adopter_sex = _code(2, "SSDA903 SEX_ADOPTR")
    adopter_legal_status = _code(3, "SSDA903 LS_ADOPTR")
    adopters = models.ForeignKey(
        Carer, null=True, blank=True, on_delete=models.PROTECT, related_name="adoptions"
    )
    family = models.ForeignKey(
        "AdopterApplication",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_adoptions",
        help_text="The adopters matched with the child (Annex A lists 10 and 11 share it)",
    )

    class Meta:
        ordering = ["-should_be_placed_on"]

    def __str__(self) -> str:
        return f"Adoption decision {self.should_be_placed_on:%d/%m/%Y}"


class PreviousPermanence(models.Model):
    """SSDA903 `PrevPerm`, recorded when a period of care starts: PREV_PERM (P1 adoption,
    P2 SGO, P3 residence order or CAO, P4 unknown, Z1 none), LA_PERM (the authority
    that made it), DATE_PERM (kept as text: the DfE accepts a partial date such as
    "zz/zz/2019")."""

    period = models.OneToOneField(
        PeriodOfCare, on_delete=models.CASCADE, related_name="previous_permanence"
    )
    person = _person_fk("+")
    code = models.CharField(max_length=2, help_text="SSDA903 PREV_PERM")
    la_code = models.CharField(max_length=3, blank=True, help_text="SSDA903 LA_PERM")
    date_text = models.CharField(max_length=10, blank=True, help_text="SSDA903 DATE_PERM")

    def __str__(self) -> str:
        return self.code


# --- Care leavers ------------------------------------------------------------------------


class Eligibility(models.TextChoices):
    """Children (Leaving Care) Act 2000 categories, as in Annex A list 9."""

    ELIGIBLE = "eligible", "Eligible (in care, 16 or 17)"
    RELEVANT = "relevant", "Relevant"
    FORMER_RELEVANT = "former_relevant", "Former relevant"
    QUALIFYING = "qualifying", "Qualifying"


class CareLeaver(models.Model):
    """A young person owed leaving-care services: eligibility, personal adviser,
    pathway plan and its reviews. Birthday contacts are `CareLeaverContact` rows."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="care_leaver"
    )
    eligibility = models.CharField(max_length=20, choices=Eligibility.choices)
    personal_adviser = _user_fk("care_leavers")
    pathway_plan_on = models.DateField(null=True, blank=True)
    pathway_review_due_on = models.DateField(null=True, blank=True)
    left_care_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Care leaver ({self.get_eligibility_display()})"


class CareLeaverContact(models.Model):
    """Contact around a birthday from 17 to 21 (SSDA903 `OC3`): IN_TOUCH, ACTIV, ACCOM
    (letter and suitability digit, e.g. "U1")."""

    person = _person_fk("care_leaver_contacts")
    birthday = models.PositiveSmallIntegerField(help_text="Which birthday (17 to 21)")
    contact_on = models.DateField()
    in_touch = models.CharField(max_length=4, help_text="SSDA903 IN_TOUCH")
    activity = _code(2, "SSDA903 ACTIV")
    accommodation = _code(2, "SSDA903 ACCOM")
    recorded_by = _user_fk()

    class Meta:
        ordering = ["birthday"]
        constraints = [
            models.UniqueConstraint(fields=["person", "birthday"], name="care_one_oc3_per_birthday")
        ]

    def __str__(self) -> str:
        return f"Contact at {self.birthday}"


class LeftAdoptionReason(models.TextChoices):
    """Ofsted ILACS Annex A list 11, reason for leaving the adoption process."""

    WITHDREW = "1", "Adopter withdrew"
    ON_HOLD = "2", "Process put on hold"
    REFUSED = "3", "Application refused"


class AdopterApplication(models.Model):
    """A household's journey through the adoption agency (Ofsted ILACS Annex A list 11:
    one row per individual adopter, who share this family's dates). `household` is the
    adopters' entry on the carers register once approved."""

    household = models.ForeignKey(
        Carer, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    reference = models.CharField("Family identifier", max_length=20, unique=True)
    fostering_for_adoption = models.BooleanField(default=False)
    enquiry_on = models.DateField()
    stage1_started_on = models.DateField(null=True, blank=True)
    stage1_ended_on = models.DateField(null=True, blank=True)
    stage2_started_on = models.DateField(null=True, blank=True)
    stage2_ended_on = models.DateField(null=True, blank=True)
    applied_on = models.DateField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    matched_on = models.DateField(null=True, blank=True)
    placed_on = models.DateField(null=True, blank=True)
    children_placed = models.PositiveSmallIntegerField(null=True, blank=True)
    adoption_order_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=1, choices=LeftAdoptionReason.choices, blank=True)

    class Meta:
        ordering = ["-enquiry_on"]

    def __str__(self) -> str:
        return f"Adopters {self.reference}"


class Adopter(models.Model):
    """An individual prospective adopter (Annex A list 11: gender, ethnicity and
    disability come from their person record)."""

    application = models.ForeignKey(
        AdopterApplication, on_delete=models.CASCADE, related_name="adopters"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "person"], name="care_one_adopter")
        ]

    def __str__(self) -> str:
        return f"Adopter {self.person_id}"
