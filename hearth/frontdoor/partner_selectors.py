"""Reads for the partner referral route: the referrals a partner agency sent, each with
the status and the outcome a referrer may be told (`hearth.frontdoor.letters`), never
what the front door found, whom it linked or what exactly it decided.

Statuses, as the referrer sees them:

- received: on the front door's list, nobody has started on it yet;
- being screened: a worker has linked a record or rated it, or a decision waits for a
  manager's authorisation;
- decided: the decision is authorised; the outcome is given in the letter's words
  (a strategy discussion reads as any referral: "a team is taking it forward").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from hearth.frontdoor import letters
from hearth.frontdoor import policy as fd_policy
from hearth.frontdoor.models import (
    Contact,
    ContactAttachment,
    ContactPerson,
    ContactStatus,
    RecordedVia,
)

if TYPE_CHECKING:
    from hearth.accounts.models import User


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    BEING_SCREENED = "being_screened", "Being screened"
    DECIDED = "decided", "Decided"


def _partner_referrals() -> QuerySet[Contact]:
    linked = ContactPerson.objects.filter(contact_id=OuterRef("pk"))
    return (
        Contact.objects.filter(recorded_via=RecordedVia.PARTNER)
        .exclude(status=ContactStatus.DRAFT)
        .annotate(screening_started=Exists(linked))
        .order_by("-received_at", "-pk")
    )


def referrals_sent_by(user: User) -> QuerySet[Contact]:
    """A partner user's own referrals, newest first ("My referrals")."""
    if not (user.is_authenticated and user.is_active and user.is_partner):
        return Contact.objects.none()
    return _partner_referrals().filter(
        created_by_id=user.pk, partner_organisation_id=user.organisation_id
    )


def referrals_of_organisation(user: User) -> QuerySet[Contact]:
    """Every referral the user's organisation sent, newest first (the API's view)."""
    if not (user.is_authenticated and user.is_active and user.is_partner):
        return Contact.objects.none()
    return _partner_referrals().filter(partner_organisation_id=user.organisation_id)


def referral_for_partner(user: User, pk: int, *, organisation_wide: bool = False) -> Contact | None:
    """One referral if this partner may see it; None (shown as not found) otherwise,
    whether it does not exist, is another organisation's, or is not a referral."""
    qs = referrals_of_organisation(user) if organisation_wide else referrals_sent_by(user)
    contact = qs.filter(pk=pk).first()
    if contact is None:
        return None
    allowed = (
        fd_policy.is_partner_referral_of(user, contact)
        if organisation_wide
        else fd_policy.can_view_own_referral(user, contact)
    )
    return contact if allowed else None


def referral_status(contact: Contact, *, screening_started: bool | None = None) -> ReferralStatus:
    """`screening_started`: whether anyone is linked yet, if the caller knows (the
    selectors above annotate it); otherwise it is looked up."""
    if contact.status == ContactStatus.DECIDED:
        return ReferralStatus.DECIDED
    started = screening_started
    if started is None:
        started = getattr(contact, "screening_started", None)
    if started is None:
        started = contact.people.exists()
    if contact.status == ContactStatus.AWAITING_DECISION and not (started or contact.rag_set_at):
        return ReferralStatus.RECEIVED
    return ReferralStatus.BEING_SCREENED


def referral_outcome(contact: Contact) -> str:
    """The outcome in the words of the referrer's letter; blank until it is authorised."""
    if contact.status != ContactStatus.DECIDED or not contact.decision:
        return ""
    words = letters.OUTCOME_WORDS[contact.decision]
    return words[0].upper() + words[1:]


def files_sent(user: User, contact: Contact) -> QuerySet[ContactAttachment]:
    """The photographs and documents the user's organisation sent with a referral (not
    those the front door added)."""
    if user.organisation_id is None:
        return ContactAttachment.objects.none()
    mine = contact.attachments.filter(uploaded_by__organisation_id=user.organisation_id)
    return mine.order_by("uploaded_at", "pk")
