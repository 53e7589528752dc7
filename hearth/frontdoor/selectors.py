"""Reads for the front door: the dashboard lists, a contact with everything its page
shows, the history panel, the facts the flag rules look at, and partners' requests.
Each page's queries are a fixed number whatever the number of people or contacts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from hearth.accounts import policy
from hearth.casework import selectors as casework
from hearth.frontdoor import flags
from hearth.frontdoor import policy as fd_policy
from hearth.frontdoor.codes import category_label, referrer_kind
from hearth.frontdoor.models import (
    AttachmentKind,
    Contact,
    ContactAttachment,
    ContactFlag,
    ContactPerson,
    ContactStatus,
    InformationRequest,
    RequestStatus,
    SubjectRole,
)
from hearth.people.models import (
    Address,
    HouseholdMember,
    Involvement,
    Person,
    PersonKind,
    Relationship,
    normalise_name,
)

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.casework.models import ChildProtectionPlan, CINEpisode, LookedAfterPeriod

LIST_SIZE = 50
HISTORY_MONTHS = 12
SIBLING_KINDS = frozenset({"sibling", "half_sibling", "step_sibling"})
ADULT_KINDS = frozenset({"parent", "step_parent", "carer", "grandparent", "aunt_uncle"})


# --- Referrers --------------------------------------------------------------------


def referrer_text(contact: Contact) -> str:
    """Who made the contact, in words: 'Joan Hughes, Oak School (School)'."""
    kind = referrer_kind(contact.referrer_kind)
    label = kind.label if kind else "Not recorded"
    if kind and kind.anonymous:
        return "Anonymous"
    who = ", ".join(p for p in (contact.referrer_name, contact.referrer_organisation) if p)
    return f"{who} ({label})" if who else label


def referrer_key(contact: Contact) -> str:
    """The same for two contacts from the same referrer. An anonymous or unnamed
    referrer is counted as someone new each time: two anonymous calls about the same
    injury are two voices until someone knows otherwise."""
    kind = referrer_kind(contact.referrer_kind)
    if not contact.referrer_name.strip() or (kind and kind.anonymous):
        return f"contact:{contact.pk}"
    return (
        f"{normalise_name(contact.referrer_name)}|{normalise_name(contact.referrer_organisation)}"
    )


# --- Flags ------------------------------------------------------------------------


def _contact_fact(
    contact: Contact, codes: frozenset[str], photographs: int = 0
) -> flags.ContactFact:
    assert contact.received_at is not None
    return flags.ContactFact(
        contact_id=contact.pk,
        received_at=contact.received_at,
        referrer=referrer_text(contact),
        referrer_key=referrer_key(contact),
        categories=codes,
        photographs=photographs,
    )


def _photographs(contact_ids: Iterable[int]) -> dict[int, int]:
    """How many photographs came with each of these contacts (one query)."""
    rows = (
        ContactAttachment.objects.filter(
            contact_id__in=list(contact_ids), kind=AttachmentKind.PHOTO
        )
        .values_list("contact_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def _earlier_links(person_ids: list[int], exclude_contact: int) -> QuerySet[ContactPerson]:
    """Links of these people to other submitted contacts, with the contact and its
    categories (two queries when evaluated)."""
    return (
        ContactPerson.objects.filter(person_id__in=person_ids, contact__received_at__isnull=False)
        .exclude(contact_id=exclude_contact)
        .exclude(contact__status=ContactStatus.DRAFT)
        .select_related("contact")
        .prefetch_related("contact__categories")
        .order_by("-contact__received_at", "-contact_id")
    )


def flag_facts(contact: Contact) -> tuple[list[flags.ChildFacts], flags.ContactFact]:
    """What the flag rules need about the children named in a submitted contact."""
    links = list(
        contact.people.filter(role=SubjectRole.CHILD).select_related("person").order_by("pk")
    )
    codes = frozenset(contact.categories.values_list("code", flat=True))
    ids = [link.person_id for link in links]
    earlier_links = list(_earlier_links(ids, contact.pk))
    photographs = _photographs({contact.pk, *(link.contact_id for link in earlier_links)})
    current = _contact_fact(contact, codes, photographs.get(contact.pk, 0))
    earlier: dict[int, list[flags.ContactFact]] = defaultdict(list)
    for link in earlier_links:
        other_codes = frozenset(c.code for c in link.contact.categories.all())
        earlier[link.person_id].append(
            _contact_fact(link.contact, other_codes, photographs.get(link.contact_id, 0))
        )
    episodes = casework.cin_episodes_for(ids)
    plans = casework.protection_plans_for(ids)
    looked_after = casework.looked_after_periods_for(ids)
    children = [
        flags.ChildFacts(
            person_id=link.person_id,
            name=link.person.display_name,
            date_of_birth=link.person.date_of_birth,
            expected_date_of_birth=link.person.expected_date_of_birth,
            not_independently_mobile=link.not_independently_mobile,
            earlier_contacts=earlier[link.person_id],
            episodes=[
                flags.EpisodeFact(e.referral_date, e.closure_date) for e in episodes[link.person_id]
            ],
            protection_plans=[
                flags.PeriodFact(p.start_date, p.end_date) for p in plans[link.person_id]
            ],
            looked_after=[
                flags.PeriodFact(p.start_date, p.end_date) for p in looked_after[link.person_id]
            ],
        )
        for link in links
    ]
    return children, current


def preview_flags(contact: Contact) -> list[flags.Finding]:
    """The flags a draft would raise when submitted, shown while it is being typed."""
    if contact.received_at is None or not contact.pk:
        return []
    children, current = flag_facts(contact)
    return flags.evaluate(children, current)


# --- The history panel -----------------------------------------------------------


@dataclass
class ContactSummary:
    contact_id: int
    reference: str
    received_at: dt.datetime
    referrer: str
    categories: list[str]
    codes: frozenset[str]
    status: str
    decision: str
    same_kind: bool = False


@dataclass
class RelativeSummary:
    person: Person
    relation: str
    open_teams: list[str] = field(default_factory=list)
    closed_involvements: int = 0
    contacts_12m: int = 0
    last_contact: dt.datetime | None = None
    open_episode: CINEpisode | None = None
    on_plan: bool = False
    looked_after: bool = False

    @property
    def known(self) -> bool:
        return bool(
            self.open_teams
            or self.closed_involvements
            or self.contacts_12m
            or self.open_episode
            or self.on_plan
            or self.looked_after
        )


@dataclass
class PersonHistory:
    link: ContactPerson
    person: Person
    access: policy.Access
    contacts: list[ContactSummary] = field(default_factory=list)
    contacts_12m: int = 0
    episodes: list[CINEpisode] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    plans: list[ChildProtectionPlan] = field(default_factory=list)
    looked_after: list[LookedAfterPeriod] = field(default_factory=list)
    relatives: list[RelativeSummary] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.access is policy.Access.FULL

    @property
    def same_kind(self) -> list[ContactSummary]:
        return [c for c in self.contacts if c.same_kind]

    @property
    def plan_now(self) -> ChildProtectionPlan | None:
        today = timezone.localdate()
        return next((p for p in self.plans if p.current_on(today)), None)

    @property
    def looked_after_now(self) -> LookedAfterPeriod | None:
        today = timezone.localdate()
        return next((p for p in self.looked_after if p.current_on(today)), None)

    @property
    def open_involvements(self) -> list[Involvement]:
        return [i for i in self.involvements if i.ended is None]

    @property
    def closed_involvements(self) -> list[Involvement]:
        return [i for i in self.involvements if i.ended is not None]


def _openable(user: User, people: list[Person]) -> set[int]:
    """Which of these people the user may see on front-door pages (one query)."""
    if not people:
        return set()
    visible = set(
        policy.visible_people(
            user, Person.objects.filter(pk__in=[p.pk for p in people])
        ).values_list("pk", flat=True)
    )
    if fd_policy.is_front_door_manager(user):
        visible |= {p.pk for p in people if not p.restricted}
    return visible


def history_for(user: User, contact: Contact, links: list[ContactPerson]) -> list[PersonHistory]:
    """Everything known about each person named in the contact, and about the children's
    brothers and sisters and the adults in their household: earlier contacts (and how
    many in the last 12 months), referrals, involvement, child protection plans and
    periods in care now and before. People the user may not open show as restricted.
    A fixed number of queries for any number of people."""
    people = [link.person for link in links]
    openable = _openable(user, people)
    histories = []
    for link in links:
        if link.person_id in openable:
            access = policy.Access.FULL
        elif link.person.restricted and fd_policy.is_front_door_staff(user):
            access = policy.Access.NEEDS_REASON
        else:
            access = policy.Access.NONE
        histories.append(PersonHistory(link=link, person=link.person, access=access))
    shown = [h for h in histories if h.open]
    if not shown:
        return histories
    child_ids = [h.person.pk for h in shown if h.link.role == SubjectRole.CHILD]

    # Relatives: brothers and sisters, and adults who care for the child or live with them.
    relatives: dict[int, dict[int, tuple[Person, str]]] = defaultdict(dict)
    for rel in Relationship.objects.filter(person_id__in=child_ids).select_related("relative"):
        if rel.kind in SIBLING_KINDS or rel.kind in ADULT_KINDS:
            relatives[rel.person_id][rel.relative_id] = (rel.relative, rel.label)
    memberships = list(
        HouseholdMember.objects.filter(person_id__in=child_ids, left__isnull=True).values_list(
            "person_id", "household_id"
        )
    )
    household_ids = {h for _, h in memberships}
    members = HouseholdMember.objects.filter(
        household_id__in=household_ids, left__isnull=True
    ).select_related("person")
    by_household: dict[int, list[Person]] = defaultdict(list)
    for m in members:
        by_household[m.household_id].append(m.person)
    for child_id, household_id in memberships:
        for member in by_household[household_id]:
            if member.pk == child_id or member.pk in relatives[child_id]:
                continue
            if member.kind == PersonKind.ADULT:
                relatives[child_id][member.pk] = (member, "Adult in the household")
            else:
                relatives[child_id][member.pk] = (member, "Child in the household")
    linked_ids = {h.person.pk for h in histories}
    relative_people = {
        pk: person for rels in relatives.values() for pk, (person, _) in rels.items()
    }
    for pk in linked_ids:
        relative_people.pop(pk, None)  # named in the contact: shown in their own right
    relative_open = _openable(user, list(relative_people.values()))

    ids = [h.person.pk for h in shown] + [pk for pk in relative_people if pk in relative_open]
    since = flags.months_before(timezone.now(), HISTORY_MONTHS)
    this_codes = {c.code for c in contact.categories.all()}
    earlier: dict[int, list[ContactSummary]] = defaultdict(list)
    for other in _earlier_links(ids, contact.pk):
        c = other.contact
        assert c.received_at is not None
        codes = frozenset(cat.code for cat in c.categories.all())
        earlier[other.person_id].append(
            ContactSummary(
                contact_id=c.pk,
                reference=c.reference,
                received_at=c.received_at,
                referrer=referrer_text(c),
                categories=[category_label(code) for code in sorted(codes)],
                codes=codes,
                status=c.get_status_display(),
                decision=c.get_decision_display() if c.decision else "",
                same_kind=bool(codes & this_codes),
            )
        )
    episodes = casework.cin_episodes_for(ids)
    plans = casework.protection_plans_for(ids)
    looked_after = casework.looked_after_periods_for(ids)
    involvements: dict[int, list[Involvement]] = defaultdict(list)
    for inv in (
        Involvement.objects.filter(person_id__in=ids)
        .select_related("team", "worker")
        .order_by("-started", "-pk")
    ):
        involvements[inv.person_id].append(inv)
    today = timezone.localdate()

    for h in shown:
        pk = h.person.pk
        h.contacts = earlier[pk]
        h.contacts_12m = sum(1 for c in h.contacts if c.received_at >= since)
        h.episodes = episodes[pk]
        h.plans = plans[pk]
        h.looked_after = looked_after[pk]
        h.involvements = involvements[pk]
        for rel_id, (person, label) in relatives.get(pk, {}).items():
            if rel_id in linked_ids:
                continue
            if rel_id not in relative_open:
                stand_in = Person(pk=rel_id, family_name="Restricted record", restricted=True)
                h.relatives.append(RelativeSummary(person=stand_in, relation=label))
                continue
            invs = involvements[rel_id]
            open_episode = next((e for e in episodes[rel_id] if e.is_open), None)
            rel_contacts = earlier[rel_id]
            h.relatives.append(
                RelativeSummary(
                    person=person,
                    relation=label,
                    open_teams=[i.team.name for i in invs if i.ended is None],
                    closed_involvements=sum(1 for i in invs if i.ended is not None),
                    contacts_12m=sum(1 for c in rel_contacts if c.received_at >= since),
                    last_contact=rel_contacts[0].received_at if rel_contacts else None,
                    open_episode=open_episode,
                    on_plan=any(p.current_on(today) for p in plans[rel_id]),
                    looked_after=any(p.current_on(today) for p in looked_after[rel_id]),
                )
            )
    return histories


# --- Contacts ---------------------------------------------------------------------


def contact_for_page(user: User, pk: int) -> Contact | None:
    """The contact with everything its page shows, or None if the user may not see it."""
    contact = (
        Contact.objects.filter(pk=pk)
        .select_related(
            "created_by",
            "submitted_by",
            "rag_set_by",
            "decided_by",
            "authorised_by",
            "referred_to_team",
            "partner_organisation",
        )
        .prefetch_related(
            "categories",
            Prefetch(
                "people",
                queryset=ContactPerson.objects.select_related("person", "cin_episode").order_by(
                    "role", "pk"
                ),
            ),
            Prefetch(
                "flags",
                queryset=ContactFlag.objects.select_related("person", "acknowledged_by"),
            ),
            "attachments",
            Prefetch(
                "requests",
                queryset=InformationRequest.objects.select_related(
                    "organisation", "sent_by", "responded_by"
                ).prefetch_related("chases"),
            ),
        )
        .first()
    )
    if contact is None or not fd_policy.can_view_contact(user, contact):
        return None
    return contact


def contact_for_edit(user: User, pk: int) -> Contact | None:
    contact = (
        Contact.objects.filter(pk=pk)
        .prefetch_related(
            "categories",
            "attachments",
            Prefetch(
                "people",
                queryset=ContactPerson.objects.select_related("person").order_by("role", "pk"),
            ),
        )
        .first()
    )
    if contact is None or not fd_policy.can_view_contact(user, contact):
        return None
    return contact


def _with_children(qs: QuerySet[Contact]) -> QuerySet[Contact]:
    return qs.prefetch_related(
        Prefetch(
            "people",
            queryset=ContactPerson.objects.filter(role=SubjectRole.CHILD)
            .select_related("person")
            .order_by("pk"),
            to_attr="children",
        )
    ).annotate(
        open_flags=Count("flags", filter=Q(flags__acknowledged_at__isnull=True), distinct=True)
    )


TIMELINESS_DAYS = 28
LATE_LIST_SIZE = 10


@dataclass
class Timeliness:
    """How the one-working-day decision clock has been kept lately: decisions
    authorised in the last `days` days, and those authorised after they were due."""

    days: int
    decided: int
    late: int
    late_contacts: list[Contact]

    @property
    def in_time_percent(self) -> int | None:
        if not self.decided:
            return None
        return round(100 * (self.decided - self.late) / self.decided)


def timeliness(now: dt.datetime, days: int = TIMELINESS_DAYS) -> Timeliness:
    """Two queries whatever the number of decisions."""
    recent = Contact.objects.filter(
        status=ContactStatus.DECIDED, authorised_at__gte=now - dt.timedelta(days=days)
    )
    late = Q(authorised_at__gt=F("decision_due_at"))
    counts = recent.aggregate(decided=Count("pk"), late=Count("pk", filter=late))
    return Timeliness(
        days=days,
        decided=counts["decided"],
        late=counts["late"],
        late_contacts=list(
            _with_children(recent.filter(late)).order_by("-authorised_at", "-pk")[:LATE_LIST_SIZE]
        ),
    )


@dataclass
class Dashboard:
    drafts: list[Contact]
    new: list[Contact]
    new_count: int
    awaiting_decision: list[Contact]
    awaiting_decision_count: int
    awaiting_authorisation: list[Contact]
    awaiting_authorisation_count: int
    flags: list[ContactFlag]
    flags_count: int
    overdue_requests: list[InformationRequest]
    overdue_requests_count: int
    timeliness: Timeliness


def dashboard(user: User) -> Dashboard:
    """The front door's worklists, each sorted by what is due first and capped."""
    now = timezone.now()
    open_contacts = Contact.objects.filter(status=ContactStatus.AWAITING_DECISION)
    new = open_contacts.filter(rag="")
    rated = open_contacts.exclude(rag="")
    waiting = Contact.objects.filter(status=ContactStatus.AWAITING_AUTHORISATION)
    flag_qs = ContactFlag.objects.filter(acknowledged_at__isnull=True).exclude(
        contact__status=ContactStatus.DRAFT
    )
    overdue = InformationRequest.objects.filter(status=RequestStatus.OPEN, due_at__lt=now)
    counts = {
        "new": new.count(),
        "rated": rated.count(),
        "waiting": waiting.count(),
        "flags": flag_qs.count(),
        "overdue": overdue.count(),
    }
    return Dashboard(
        drafts=list(
            Contact.objects.filter(created_by=user, status=ContactStatus.DRAFT).order_by(
                "-updated_at"
            )[:LIST_SIZE]
        ),
        new=list(_with_children(new).order_by("decision_due_at", "pk")[:LIST_SIZE]),
        new_count=counts["new"],
        awaiting_decision=list(_with_children(rated).order_by("decision_due_at", "pk")[:LIST_SIZE]),
        awaiting_decision_count=counts["rated"],
        awaiting_authorisation=list(
            _with_children(waiting)
            .select_related("decided_by")
            .order_by("decided_at", "pk")[:LIST_SIZE]
        ),
        awaiting_authorisation_count=counts["waiting"],
        flags=list(
            flag_qs.select_related("contact", "person").order_by("raised_at", "pk")[:LIST_SIZE]
        ),
        flags_count=counts["flags"],
        overdue_requests=list(
            overdue.select_related("organisation", "contact").order_by("due_at", "pk")[:LIST_SIZE]
        ),
        overdue_requests_count=counts["overdue"],
        timeliness=timeliness(now),
    )


def chase_list() -> QuerySet[InformationRequest]:
    """Every open information request, the most overdue first."""
    return (
        InformationRequest.objects.filter(status=RequestStatus.OPEN)
        .select_related("organisation", "contact", "sent_by")
        .annotate(chase_count=Count("chases"))
        .order_by("due_at", "pk")
    )


def unacknowledged_flags(contact: Contact) -> QuerySet[ContactFlag]:
    return contact.flags.filter(acknowledged_at__isnull=True)


# --- Partners ---------------------------------------------------------------------


def requests_for_partner(user: User) -> QuerySet[InformationRequest]:
    """A partner user's organisation's requests, open ones first by when they are due."""
    if not user.is_partner or user.organisation_id is None:
        return InformationRequest.objects.none()
    return (
        InformationRequest.objects.filter(organisation_id=user.organisation_id)
        .exclude(status=RequestStatus.WITHDRAWN)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "contact__people",
                queryset=ContactPerson.objects.select_related("person").order_by("role", "pk"),
            )
        )
        .order_by("-status", "due_at", "pk")  # "open" sorts after "answered": reversed
    )


@dataclass
class IdentifyingDetails:
    """What a partner may see of a person named in a request: enough to find them in
    their own systems, nothing about the concern or the case."""

    person_id: int
    role: str
    name: str
    other_names: list[str]
    date_of_birth: dt.date | None
    nhs_number: str
    address: str


def request_for_partner(
    user: User, pk: int
) -> tuple[InformationRequest, list[IdentifyingDetails]] | None:
    request = (
        InformationRequest.objects.filter(pk=pk)
        .select_related("organisation", "responded_by")
        .first()
    )
    if request is None or not (user.is_partner and fd_policy.can_view_request(user, request)):
        return None
    links = list(
        ContactPerson.objects.filter(contact_id=request.contact_id)
        .select_related("person")
        .prefetch_related(
            Prefetch("person__addresses", queryset=Address.objects.filter(moved_out__isnull=True)),
            "person__other_names",
        )
        .order_by("role", "pk")
    )
    details = []
    for link in links:
        p = link.person
        if p.restricted:
            # A sealed record's details are never shared this way.
            details.append(
                IdentifyingDetails(
                    p.pk,
                    link.get_role_display(),
                    "Restricted record — ask the front door",
                    [],
                    None,
                    "",
                    "",
                )
            )
            continue
        current = next(iter(p.addresses.all()), None)
        details.append(
            IdentifyingDetails(
                person_id=p.pk,
                role=link.get_role_display(),
                name=" ".join(n for n in (p.given_name, p.middle_names, p.family_name) if n),
                other_names=[str(n) for n in p.other_names.all()],
                date_of_birth=p.date_of_birth or p.expected_date_of_birth,
                nhs_number=p.nhs_number,
                address=str(current) if current else "",
            )
        )
    return request, details


def overdue(request: InformationRequest, now: dt.datetime | None = None) -> bool:
    return request.is_overdue(now or timezone.now())


# --- New information on children (for a worker's "My work") --------------------------

NEWS_SIZE = 50
EXCERPT = 160


@dataclass(frozen=True)
class NewInformation:
    """Something that arrived at the front door about one of a worker's children."""

    person_id: int
    person_name: str
    at: dt.datetime
    what: str  # "New contact to the front door", "Answer from <agency>"
    excerpt: str


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def news_for_children(
    children: Iterable[Person], since: dt.datetime, size: int = NEWS_SIZE
) -> list[NewInformation]:
    """New contacts about these children and partner agencies' answers about them since
    `since`, newest first, at most `size`. Three queries whatever the number of children
    or contacts, each led by an index: the children's contacts, then the new ones among
    them, then the answers to their requests. A draft is not yet news. The caller has
    already limited `children` to those the user may open."""
    names = {c.pk: c.display_name for c in children}
    about: dict[int, list[int]] = defaultdict(list)  # contact: the children it names
    for contact_id, person_id in ContactPerson.objects.filter(
        person_id__in=list(names)
    ).values_list("contact_id", "person_id"):
        about[contact_id].append(person_id)
    if not about:
        return []
    found: list[NewInformation] = []

    def arrived(contact_id: int, at: dt.datetime | None, what: str, text: str) -> None:
        assert at is not None  # the queries below keep only what arrived
        found.extend(
            NewInformation(child, names[child], at, what, _excerpt(text))
            for child in about[contact_id]
        )

    contacts = (
        Contact.objects.filter(pk__in=list(about), submitted_at__gt=since)
        .exclude(status=ContactStatus.DRAFT)
        .only("pk", "submitted_at", "concern")
        .order_by("-submitted_at", "-pk")[:size]
    )
    for contact in contacts:
        arrived(contact.pk, contact.submitted_at, "New contact to the front door", contact.concern)
    answers = (
        InformationRequest.objects.filter(contact_id__in=list(about), responded_at__gt=since)
        .annotate(agency=F("organisation__name"))
        .only("pk", "contact_id", "responded_at", "response")
        .order_by("-responded_at", "-pk")[:size]
    )
    for answer in answers:
        arrived(
            answer.contact_id, answer.responded_at, f"Answer from {answer.agency}", answer.response
        )
    found.sort(key=lambda n: n.at, reverse=True)
    return found[:size]
