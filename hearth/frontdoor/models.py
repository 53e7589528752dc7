"""The front door: contacts (concerns about children as they arrive), the people they
concern, attachments, the flags Hearth raises for a manager, the information asked of
partner agencies, and the decision on what happens next."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from hearth.core.models import Versioned


class ContactStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    AWAITING_AUTHORISATION = "awaiting_authorisation", "Awaiting authorisation"
    DECIDED = "decided", "Decision authorised"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    ONLINE_FORM = "online_form", "Online form"
    IN_PERSON = "in_person", "In person"


class Consent(models.TextChoices):
    GIVEN = "given", "Yes, the family agreed to information being shared"
    REFUSED = "refused", "No, the family was asked and refused"
    NOT_SOUGHT = "not_sought", "No, consent was not sought"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Decision(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    INFORMATION_ADVICE = "information_advice", "Information and advice"
    EARLY_HELP = "early_help", "Early help"
    REFERRAL = "referral", "Referral to children's social care"
    STRATEGY_DISCUSSION = "strategy_discussion", "Immediate strategy discussion"


# Decisions that make the contact a referral: a CIN episode opens and a team takes it.
REFERRAL_DECISIONS = frozenset({Decision.REFERRAL, Decision.STRATEGY_DISCUSSION})


class RecordedVia(models.TextChoices):
    STAFF = "staff", "Recorded by the front door"
    PARTNER = "partner", "Submitted by a partner agency"


class Contact(Versioned):
    """One contact: a concern about one or more children, from when it arrived to the
    authorised decision on it. A draft holds whatever has been typed so far."""

    token = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The form's token: the same form sent twice saves one contact.",
    )
    status = models.CharField(
        max_length=30, choices=ContactStatus.choices, default=ContactStatus.DRAFT
    )
    recorded_via = models.CharField(
        max_length=10, choices=RecordedVia.choices, default=RecordedVia.STAFF
    )
    received_at = models.DateTimeField("When the contact was received", null=True, blank=True)
    method = models.CharField(max_length=20, choices=ContactMethod.choices, blank=True)

    referrer_kind = models.CharField(
        "Who made the contact", max_length=30, blank=True, help_text="referral_source referrers"
    )
    referral_source = models.CharField(
        max_length=3, blank=True, help_text="CIN ReferralSource code, from the referrer kind"
    )
    referrer_name = models.CharField(max_length=150, blank=True)
    referrer_organisation = models.CharField(max_length=150, blank=True)
    referrer_role = models.CharField(max_length=100, blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    referrer_email = models.EmailField(blank=True)
    partner_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partner agency that submitted it, for a partner referral",
    )

    concern = models.TextField("What the concern is", blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, blank=True)
    consent_reason = models.TextField(blank=True)
    draft_data = models.JSONField(
        default=dict, blank=True, help_text="The form as typed, while the contact is a draft"
    )
    reported_people = models.JSONField(
        default=list,
        blank=True,
        help_text="People as a partner described them, before the front door links records",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_due_at = models.DateTimeField(
        null=True, blank=True, help_text="End of the working day after the day of receipt"
    )

    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices, blank=True)
    rag_reason = models.TextField(blank=True)
    rag_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rag_set_at = models.DateTimeField(null=True, blank=True)

    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    referred_to_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorisation_note = models.TextField(blank=True)

    outcome_letter = models.TextField(blank=True)
    outcome_letter_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "decision_due_at"], name="contact_status_due"),
            models.Index(fields=["created_by", "status"], name="contact_author_status"),
        ]

    def __str__(self) -> str:
        return f"Contact {self.reference}"

    @property
    def reference(self) -> str:
        return f"C{self.pk:06d}" if self.pk else "new"

    @property
    def is_draft(self) -> bool:
        return self.status == ContactStatus.DRAFT

    @property
    def is_referral(self) -> bool:
        return self.decision in REFERRAL_DECISIONS


class ContactCategory(models.Model):
    """One category of the concern (code list concern_category)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "code"], name="contact_category_once")
        ]


class SubjectRole(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult"


class ContactPerson(models.Model):
    """A child or adult the contact concerns, linked to their one record."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="contact_links"
    )
    role = models.CharField(max_length=10, choices=SubjectRole.choices)
    not_independently_mobile = models.BooleanField(
        default=False,
        help_text="Recorded on this contact: the child cannot yet crawl, shuffle, cruise or walk",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    cin_episode = models.ForeignKey(
        "casework.CINEpisode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_person_once")
        ]
        indexes = [models.Index(fields=["person", "contact"], name="contactperson_person")]


class FlagKind(models.TextChoices):
    RE_REFERRAL = "re_referral", "Re-referral within 12 months"
    REPEATED_CONTACTS = "repeated_contacts", "Three or more contacts in 6 months"
    INJURY_DIFFERENT_REFERRERS = (
        "injury_different_referrers",
        "Injury concerns from different referrers",
    )
    INJURY_NOT_MOBILE = "injury_not_mobile", "Injury to a baby or a child not yet mobile"
    PROTECTED_CHILD = "protected_child", "Child on a protection plan or looked after"


class ContactFlag(models.Model):
    """Something about a contact a manager must see and acknowledge before the decision
    on it can be authorised. `reason` names the dates and referrers that raised it."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="flags")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=FlagKind.choices)
    reason = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person", "kind"], name="flag_once")
        ]
        indexes = [models.Index(fields=["acknowledged_at", "raised_at"], name="flag_open")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", "Photograph"
    DOCUMENT = "document", "Document"


def attachment_path(instance: ContactAttachment, filename: str) -> str:
    # A random name: nothing the uploader typed reaches the file system.
    return f"frontdoor/contacts/{uuid.uuid4().hex}"


class ContactAttachment(models.Model):
    """A photograph or document sent with a contact. Stored under MEDIA_ROOT (outside
    the web root) and served only through a view that checks who is asking."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300, blank=True)
    metadata_removed = models.BooleanField(
        default=False, help_text="Camera details and location (EXIF) were removed on upload"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for a response"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class InformationRequest(models.Model):
    """A question to a partner agency about the people in a contact. Its users see the
    question and the identifying details they need to search their own systems."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="requests")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="information_requests"
    )
    question = models.TextField()
    due_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    last_chased_at = models.DateTimeField(null=True, blank=True)
    form_token = models.UUIDField(
        help_text="The sending form's token, so a double click sends once"
    )

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form_token", "organisation"], name="request_once")
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_at"], name="request_org_open"),
            models.Index(fields=["status", "due_at"], name="request_open_due"),
        ]

    def __str__(self) -> str:
        return f"Request to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.is_open and self.due_at < now


class RequestChase(models.Model):
    """A reminder sent to a partner about an open request: by a worker, or by Hearth
    itself once a request is overdue (`chased_by` empty)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="chases")
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for Hearth's automatic reminder",
    )
    chased_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["chased_at"]
