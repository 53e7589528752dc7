"""The letter (or email) telling a referrer their concern was heard and what happened
in general terms. Written from the record, never typed: it names no child and gives no
detail of the family or the case — only that the concern was received, when, and the
category of the outcome. Referrers want to know they were heard (DESIGN: referrers)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from hearth.frontdoor.codes import referrer_kind
from hearth.frontdoor.models import Contact, Decision

OUTCOME_WORDS: dict[str, str] = {
    Decision.NO_FURTHER_ACTION: "no further action by children's social care is needed",
    Decision.INFORMATION_ADVICE: "information and advice have been given",
    Decision.EARLY_HELP: "early help services are being offered",
    # A strategy discussion is case detail: the referrer hears only that a children's
    # social care team is taking the concern forward, as for any referral.
    Decision.REFERRAL: "a children's social care team is taking the concern forward",
    Decision.STRATEGY_DISCUSSION: "a children's social care team is taking the concern forward",
}


def authority_name() -> str:
    return str(getattr(settings, "HEARTH_AUTHORITY_NAME", "") or "The council")


def can_write_to(contact: Contact) -> bool:
    kind = referrer_kind(contact.referrer_kind)
    return bool(contact.referrer_name.strip()) and not (kind and kind.anonymous)


def outcome_letter(contact: Contact, *, authority: str = "") -> str:
    """The text to send; empty for an anonymous or unnamed referrer. `authority` is
    the council's name (by default the setting HEARTH_AUTHORITY_NAME)."""
    if not can_write_to(contact) or not contact.decision or contact.received_at is None:
        return ""
    received = timezone.localtime(contact.received_at)
    authority = authority or authority_name()
    return (
        f"Dear {contact.referrer_name.strip()},\n\n"
        f"Thank you for contacting {authority} children's services on "
        f"{received.day} {received:%B %Y}. We received your concern and our front door "
        "team has considered it.\n\n"
        f"The outcome: {OUTCOME_WORDS[contact.decision]}.\n\n"
        "We cannot share details about a child or family. If you are worried about a "
        "child again, please contact us again straight away. If a child is in immediate "
        "danger, call 999.\n\n"
        f"Our reference: {contact.reference}\n\n"
        f"Front door team\n{authority}"
    )
