"""The flag rules: small pure functions over what the record already holds about a
child, each returning why it fires (the dates and referrers that raised it) or None.

Hearth never decides for a professional. A flag asks a manager to look: it says which
facts raised it, and the manager acknowledges it with a note before the decision on
the contact can be authorised. The rules come from the lessons of serious case reviews
(Victoria Climbié, Peter Connelly, Arthur Labinjo-Hughes): concerns that come back,
concerns from different people about the same injuries, and injuries to babies.

Windows are counted back from when this contact was received, not from today, so a
contact entered late is judged as it stood when it arrived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from hearth.frontdoor.models import FlagKind
from hearth.timescales.calendar import add_months

INJURY = "physical_injury"
RE_REFERRAL_MONTHS = 12
REPEAT_CONTACT_MONTHS = 6
REPEAT_CONTACT_COUNT = 3  # this contact included
INJURY_REFERRERS_MONTHS = 12
INJURY_REFERRERS_COUNT = 2  # different referrers, this contact included
NOT_MOBILE_UNDER_MONTHS = 6

NICE_NOT_MOBILE = (
    "NICE guideline CG89, Child maltreatment: when to suspect maltreatment in under 18s "
    "(2009, updated 2017), recommendation 1.1.2: suspect maltreatment if there is bruising "
    "in a child who is not independently mobile; see also NICE guideline NG76, Child abuse "
    "and neglect (2017), and the Child Safeguarding Practice Review Panel's Bruising in "
    "non-mobile infants (2022). Local protocols treat every baby under 6 months as not "
    "independently mobile."
)


@dataclass(frozen=True)
class ContactFact:
    """A contact about the child, as the rules see it."""

    contact_id: int
    received_at: dt.datetime
    referrer: str  # who, in words: "Joan Hughes (Parent, relative or carer)"
    referrer_key: str  # the same referrer gives the same key
    categories: frozenset[str]
    photographs: int = 0  # photographs sent with it


@dataclass(frozen=True)
class EpisodeFact:
    referral_date: dt.date
    closure_date: dt.date | None


@dataclass(frozen=True)
class PeriodFact:
    start_date: dt.date
    end_date: dt.date | None

    def current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass(frozen=True)
class ChildFacts:
    """What the record holds about one child named in the contact being screened."""

    person_id: int
    name: str
    date_of_birth: dt.date | None
    not_independently_mobile: bool
    earlier_contacts: Sequence[ContactFact] = ()  # other submitted contacts about the child
    expected_date_of_birth: dt.date | None = None  # a baby still recorded as unborn
    episodes: Sequence[EpisodeFact] = ()
    protection_plans: Sequence[PeriodFact] = ()
    looked_after: Sequence[PeriodFact] = ()


@dataclass(frozen=True)
class Finding:
    kind: FlagKind
    person_id: int
    reason: str


@dataclass(frozen=True)
class _Window:
    start: dt.datetime
    end: dt.datetime
    contacts: list[ContactFact] = field(default_factory=list)


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _d(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = _day(day)
    return f"{day.day} {day:%B %Y}"


def _report(contact: ContactFact) -> str:
    """'1 June 2026 from Joan Hughes (Parent, relative or carer), with 2 photographs'."""
    text = f"{_d(contact.received_at)} from {contact.referrer}"
    if contact.photographs:
        n = contact.photographs
        text += f", with {n} photograph{'' if n == 1 else 's'}"
    return text


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same local time `months` calendar months earlier (clamped to the month's end)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    day = add_months(local.date(), -months)
    return local.replace(year=day.year, month=day.month, day=day.day)


def _within(child: ChildFacts, current: ContactFact, months: int) -> list[ContactFact]:
    """Earlier contacts received in the `months` before this one (oldest first)."""
    since = months_before(current.received_at, months)
    return sorted(
        (c for c in child.earlier_contacts if since <= c.received_at <= current.received_at),
        key=lambda c: c.received_at,
    )


def re_referral(child: ChildFacts, current: ContactFact) -> Finding | None:
    """A referral, or the closure of one, in the 12 months before this contact."""
    today = _day(current.received_at)
    since = add_months(today, -RE_REFERRAL_MONTHS)
    recent = [
        e
        for e in child.episodes
        if since <= e.referral_date <= today
        or (e.closure_date is not None and since <= e.closure_date <= today)
    ]
    if not recent:
        return None
    parts = []
    for e in sorted(recent, key=lambda e: e.referral_date):
        closed = f", closed {_d(e.closure_date)}" if e.closure_date else ", still open"
        parts.append(f"referred {_d(e.referral_date)}{closed}")
    return Finding(
        FlagKind.RE_REFERRAL,
        child.person_id,
        f"{child.name} was referred to children's social care within the 12 months before "
        f"this contact ({_d(current.received_at)}): {'; '.join(parts)}.",
    )


def repeated_contacts(child: ChildFacts, current: ContactFact) -> Finding | None:
    """Three or more contacts about the child within 6 months, this one included."""
    earlier = _within(child, current, REPEAT_CONTACT_MONTHS)
    if len(earlier) + 1 < REPEAT_CONTACT_COUNT:
        return None
    listed = "; ".join(_report(c) for c in [*earlier, current])
    return Finding(
        FlagKind.REPEATED_CONTACTS,
        child.person_id,
        f"{len(earlier) + 1} contacts about {child.name} in 6 months: {listed}.",
    )


def injury_from_different_referrers(child: ChildFacts, current: ContactFact) -> Finding | None:
    """Injury concerns about the child from two or more different referrers within
    12 months: the pattern in Arthur Labinjo-Hughes's case, where relatives reported
    bruising, with photographs, weeks apart, and each report was judged on its own."""
    if INJURY not in current.categories:
        return None
    injuries = [
        c for c in _within(child, current, INJURY_REFERRERS_MONTHS) if INJURY in c.categories
    ]
    reports = [*injuries, current]
    if len({c.referrer_key for c in reports}) < INJURY_REFERRERS_COUNT:
        return None
    listed = "; ".join(_report(c) for c in reports)
    return Finding(
        FlagKind.INJURY_DIFFERENT_REFERRERS,
        child.person_id,
        f"Injuries to {child.name} reported by {len({c.referrer_key for c in reports})} "
        f"different referrers within 12 months: {listed}. Consider the reports together.",
    )


def injury_to_child_not_mobile(child: ChildFacts, current: ContactFact) -> Finding | None:
    """Any injury concern about a baby under 6 months old, or a child recorded on this
    contact as not yet independently mobile (NICE CG89 1.1.2)."""
    if INJURY not in current.categories:
        return None
    received = _day(current.received_at)
    born, expected = child.date_of_birth, child.expected_date_of_birth
    why = ""
    if born and received < add_months(born, NOT_MOBILE_UNDER_MONTHS):
        weeks = (received - born).days // 7
        why = f"{child.name} was {weeks} weeks old (born {_d(born)})"
    elif not born and expected and received < add_months(expected, NOT_MOBILE_UNDER_MONTHS):
        why = (
            f"{child.name} is recorded as a baby expected on {_d(expected)}: newborn, "
            "or not yet born"
        )
    elif child.not_independently_mobile:
        why = f"{child.name} is recorded as not yet independently mobile"
    if not why:
        return None
    return Finding(
        FlagKind.INJURY_NOT_MOBILE,
        child.person_id,
        f"Injury concern received {_d(current.received_at)}: {why}. Consider a child "
        f"protection medical and a strategy discussion. Source: {NICE_NOT_MOBILE}",
    )


def protected_or_looked_after(child: ChildFacts, current: ContactFact) -> Finding | None:
    """A contact about a child who is on a child protection plan or looked after."""
    day = _day(current.received_at)
    parts = [
        f"has been on a child protection plan since {_d(p.start_date)}"
        for p in child.protection_plans
        if p.current_on(day)
    ] + [
        f"has been looked after since {_d(p.start_date)}"
        for p in child.looked_after
        if p.current_on(day)
    ]
    if not parts:
        return None
    return Finding(
        FlagKind.PROTECTED_CHILD,
        child.person_id,
        f"{child.name} {' and '.join(parts)}: tell the allocated social worker today.",
    )


Rule = Callable[[ChildFacts, ContactFact], Finding | None]
RULES: tuple[Rule, ...] = (
    re_referral,
    repeated_contacts,
    injury_from_different_referrers,
    injury_to_child_not_mobile,
    protected_or_looked_after,
)


def evaluate(children: Sequence[ChildFacts], current: ContactFact) -> list[Finding]:
    """Every flag the rules raise for the children named in this contact."""
    return [f for child in children for rule in RULES if (f := rule(child, current)) is not None]
