"""Who may do what at the front door, in the style of `hearth.accounts.policy`: small
predicates every view, service and (later) API endpoint asks. A refusal looks the same
as "not found" wherever the thing asked for is out of reach.

- Front-door workers (role front door) record and screen contacts, ask partners for
  information, rate and decide.
- Front-door managers (team or service managers of a front-door team) do all that,
  acknowledge flags and authorise decisions. They see the children named in contacts as
  a front-door worker does, because they authorise decisions about them; a restricted
  record stays closed to them unless the people policy opens it.
- Partner agency users see only their own organisation's information requests, and of
  the contact only the identifying details of the people named in it. Of the referrals
  their organisation sent they see the status and the outcome a referrer may be told
  (on the pages, a user their own; through the API, the organisation's), never what
  the front door found or decided in detail.
- Nobody else sees the front door at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hearth.accounts import policy
from hearth.accounts.models import MANAGER_ROLES, Role, ServiceArea
from hearth.frontdoor.models import (
    Contact,
    ContactStatus,
    InformationRequest,
    RecordedVia,
    RequestStatus,
)

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.people.models import Person


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_front_door_worker(user: User) -> bool:
    return _active(user) and user.role == Role.FRONT_DOOR


def is_front_door_manager(user: User) -> bool:
    return (
        _active(user) and user.role in MANAGER_ROLES and user.service_area == ServiceArea.FRONT_DOOR
    )


def is_front_door_staff(user: User) -> bool:
    return is_front_door_worker(user) or is_front_door_manager(user)


def can_view_contact(user: User, contact: Contact) -> bool:
    """Front-door staff see every submitted contact; a draft only its author."""
    if not is_front_door_staff(user):
        return False
    return not contact.is_draft or contact.created_by_id == user.pk


def can_edit_contact(user: User, contact: Contact) -> bool:
    """Details may change until the decision is made (a draft only by its author)."""
    return can_view_contact(user, contact) and contact.status in {
        ContactStatus.DRAFT,
        ContactStatus.AWAITING_DECISION,
    }


def can_decide(user: User, contact: Contact) -> bool:
    return is_front_door_staff(user) and contact.status == ContactStatus.AWAITING_DECISION


def can_acknowledge_flags(user: User, contact: Contact) -> bool:
    return is_front_door_manager(user) and not contact.is_draft


def can_authorise(user: User, contact: Contact) -> bool:
    """A manager other than the one who made the decision: a second pair of eyes."""
    return (
        is_front_door_manager(user)
        and contact.status == ContactStatus.AWAITING_AUTHORISATION
        and contact.decided_by_id != user.pk
    )


def person_access(user: User, person: Person) -> policy.Access:
    """How much of a person named in a contact this user may see on front-door pages."""
    access = policy.person_access(user, person.pk)
    if access is policy.Access.NONE and is_front_door_manager(user) and not person.restricted:
        return policy.Access.FULL
    return access if is_front_door_staff(user) else policy.Access.NONE


def can_view_request(user: User, request: InformationRequest) -> bool:
    """A partner sees their own organisation's requests (open, answered or withdrawn);
    front-door staff see every request on a contact they can see."""
    if _active(user) and user.is_partner:
        return request.organisation_id == user.organisation_id
    return is_front_door_staff(user)


def can_answer_request(user: User, request: InformationRequest) -> bool:
    """Only a user of the organisation asked, while the request is open."""
    return (
        _active(user)
        and user.is_partner
        and request.organisation_id == user.organisation_id
        and request.status == RequestStatus.OPEN
    )


def can_chase_request(user: User, request: InformationRequest) -> bool:
    return is_front_door_staff(user) and request.status == RequestStatus.OPEN


def can_submit_partner_referral(user: User) -> bool:
    return _active(user) and user.is_partner and user.organisation_id is not None


def is_partner_referral_of(user: User, contact: Contact) -> bool:
    """A referral the user's organisation sent (through the partner form or the API)."""
    return (
        _active(user)
        and user.is_partner
        and user.organisation_id is not None
        and contact.recorded_via == RecordedVia.PARTNER
        and contact.partner_organisation_id == user.organisation_id
    )


def can_view_own_referral(user: User, contact: Contact) -> bool:
    """On the partner's pages: a referral they sent themselves, its status and the
    outcome the referrer may be told; never what the front door has found."""
    return is_partner_referral_of(user, contact) and contact.created_by_id == user.pk


def can_add_to_partner_referral(user: User, contact: Contact) -> bool:
    """A photograph or document may follow the referral until the decision is made."""
    return is_partner_referral_of(user, contact) and contact.status != ContactStatus.DECIDED
