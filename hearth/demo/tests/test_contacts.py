"""A year at the synthetic authority's front door: the volumes the issue names, referrals
opening CIN episodes with their date and source, repeat contacts, flags that the front
door's own rules agree with, partners' requests on their deadlines, and a worklist
that is still within its clock when the data is made."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count, F

from hearth.accounts.models import Role, ServiceArea
from hearth.casework.models import CINEpisode
from hearth.core.codelists import codelist
from hearth.demo.generator import Summary, generate
from hearth.frontdoor import clock, services
from hearth.frontdoor.models import (
    REFERRAL_DECISIONS,
    Contact,
    ContactFlag,
    ContactPerson,
    ContactStatus,
    Decision,
    FlagKind,
    InformationRequest,
    RequestStatus,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 6, 3)  # a Wednesday
NOW = dt.datetime(2026, 6, 3, 11, 0, tzinfo=LONDON)


@pytest.fixture
def authority() -> Summary:
    with time_machine.travel(NOW, tick=False):
        return generate(children=1500, seed=7, today=TODAY)


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def test_a_year_of_contacts_a_third_of_them_referrals(authority):
    contacts = Contact.objects.all()
    assert contacts.count() == authority.contacts
    # About 3 contacts per 100 children a month over the year.
    assert 0.3 * authority.children <= authority.contacts <= 0.4 * authority.children
    referrals = contacts.filter(status=ContactStatus.DECIDED, decision__in=REFERRAL_DECISIONS)
    assert referrals.count() == authority.referrals
    assert 0.28 <= authority.referrals / authority.contacts <= 0.4
    first, last = (
        min(contacts.values_list("received_at", flat=True)),
        max(contacts.values_list("received_at", flat=True)),
    )
    assert first.date() >= TODAY - dt.timedelta(days=366) and last <= NOW
    # Varied sources and outcomes, all valid codes.
    sources = Counter(contacts.values_list("referral_source", flat=True))
    assert len(sources) >= 12 and sources.most_common(1)[0][0] == "6"  # police first
    valid = codelist("referral_source")
    assert all(valid.get(code) is not None for code in sources)
    decisions = Counter(contacts.values_list("decision", flat=True))
    for decision in Decision.values:
        assert decisions[decision] > 0, decision
    assert Counter(contacts.exclude(rag="").values_list("rag", flat=True)).keys() == {
        "red",
        "amber",
        "green",
    }


def test_each_referral_opens_an_episode_with_its_date_and_source(authority):
    referrals = Contact.objects.filter(
        status=ContactStatus.DECIDED, decision__in=REFERRAL_DECISIONS
    )
    links = ContactPerson.objects.filter(contact__in=referrals, role="child").select_related(
        "contact", "cin_episode"
    )
    assert links.count() >= referrals.count()
    for link in links:
        episode = link.cin_episode
        assert episode is not None, link.contact.reference
        assert episode.person_id == link.person_id
        assert episode.referral_date == _local_day(link.contact.received_at)
        assert episode.referral_source == link.contact.referral_source
        assert link.contact.referred_to_team.service_area in {"assessment", "child_protection"}
    assert CINEpisode.objects.count() == authority.cin_episodes
    # The census rules: one open episode a child, and none overlapping.
    by_child = defaultdict(list)
    for person, start, end in CINEpisode.objects.values_list(
        "person_id", "referral_date", "closure_date"
    ):
        by_child[person].append((start, end or dt.date.max))
    for spells in by_child.values():
        spells.sort()
        assert sum(end == dt.date.max for _, end in spells) <= 1
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spells))
    reasons = set(CINEpisode.objects.exclude(closure_reason="").values_list("closure_reason"))
    assert {("RC8",), ("RC9",)} <= reasons


def test_decisions_are_authorised_by_a_manager_mostly_within_a_working_day(authority):
    decided = Contact.objects.filter(status=ContactStatus.DECIDED).select_related(
        "decided_by", "authorised_by"
    )
    for c in decided[:400]:
        assert c.decided_by.role == Role.FRONT_DOOR
        assert c.authorised_by.role == Role.TEAM_MANAGER
        assert c.authorised_by.team.service_area == ServiceArea.FRONT_DOOR
        assert c.received_at < c.decided_at < c.authorised_at <= NOW
        assert c.decision_due_at == clock.decision_due_at(c.received_at)
        if c.outcome_letter:
            assert "Hearthshire County Council" in c.outcome_letter
            assert c.concern[:20] not in c.outcome_letter
    late = decided.filter(authorised_at__gt=F("decision_due_at")).count()
    assert 0.02 <= late / decided.count() <= 0.25


def test_repeat_contacts_and_flags_the_rules_agree_with(authority):
    per_child = ContactPerson.objects.filter(role="child").values("person_id")
    counts = Counter(n for n in per_child.annotate(n=Count("contact")).values_list("n", flat=True))
    assert sum(v for k, v in counts.items() if k >= 2) >= 50
    assert sum(v for k, v in counts.items() if k >= 3) >= 5
    kinds = Counter(ContactFlag.objects.values_list("kind", flat=True))
    assert sum(kinds.values()) == authority.contact_flags
    for kind in (FlagKind.RE_REFERRAL, FlagKind.REPEATED_CONTACTS):
        assert kinds[kind] > 0, kind
    for flag in ContactFlag.objects.select_related("contact", "person")[:200]:
        assert flag.person.given_name in flag.reason or "Unborn" in flag.reason
        if flag.contact.status == ContactStatus.DECIDED:
            assert flag.acknowledged_at < flag.contact.authorised_at
    # The front door's own service, run now over what the record holds, raises and
    # withdraws nothing on the contacts still being screened.
    undecided = Contact.objects.filter(status=ContactStatus.AWAITING_DECISION)
    assert undecided.exists()
    for contact in undecided:
        before = sorted(contact.flags.values_list("person_id", "kind", "reason"))
        with time_machine.travel(NOW, tick=False):
            assert services.contact_flags_refresh(acting_user=None, contact=contact) == []
        assert sorted(contact.flags.values_list("person_id", "kind", "reason")) == before


def test_partners_are_asked_on_the_ratings_deadlines(authority):
    requests = InformationRequest.objects.select_related("contact", "organisation", "responded_by")
    assert requests.count() == authority.information_requests
    statuses = Counter(requests.values_list("status", flat=True))
    assert statuses[RequestStatus.ANSWERED] > 0 and statuses[RequestStatus.WITHDRAWN] > 0
    kinds = Counter(requests.values_list("organisation__kind", flat=True))
    assert kinds.most_common(1)[0][0] == "police" and len(kinds) >= 5
    for r in requests[:300]:
        assert r.due_at == clock.request_due_at(r.contact.rag, r.sent_at)
        assert r.sent_at >= r.contact.rag_set_at
        if r.status == RequestStatus.ANSWERED:
            assert r.responded_by.organisation_id == r.organisation_id
            assert r.responded_by.role == Role.PARTNER and r.response


def test_the_front_door_lands_on_a_worklist_within_its_clock(authority, login):
    waiting = Contact.objects.filter(
        status__in=[ContactStatus.AWAITING_DECISION, ContactStatus.AWAITING_AUTHORISATION]
    )
    assert waiting.exists()
    assert waiting.filter(decision_due_at__gt=NOW).exists()  # some within their clock
    assert not waiting.filter(received_at__lt=NOW - dt.timedelta(days=7)).exists()
    worker = waiting.first().created_by
    with time_machine.travel(NOW, tick=False):
        page = login(worker).get("/front-door/").content.decode()
    for contact in waiting.order_by("decision_due_at")[:5]:
        assert contact.reference in page
    assert "working time left" in page
    # The demonstration's starting point: an uncle's report today, after the
    # grandmother's three weeks ago, flagged for a manager.
    (flag,) = ContactFlag.objects.filter(
        contact__in=waiting,
        contact__referrer_role="Uncle",
        kind=FlagKind.INJURY_DIFFERENT_REFERRERS,
        acknowledged_at=None,
    )
    assert "reported by 2 different referrers within 12 months" in flag.reason
    grandmother = flag.contact.referrer_name.replace("Daniel", "Margaret")
    assert f"from {grandmother} (Parent, relative or carer)" in flag.reason
    assert f"from {flag.contact.referrer_name} (Parent, relative or carer)" in flag.reason
