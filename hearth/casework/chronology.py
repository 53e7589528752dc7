"""The child's chronology, generated from the record.

Each source of entries is a `Provider` in a small registry: it names the entry types it
gives and returns the entries for one child within a date window. Casework registers
its own (contacts and front-door decisions, referrals and closures, assessments,
strategy discussions, section 47 enquiries, conferences, plans, significant case notes
and supervision decisions). Other apps register theirs in their `AppConfig.ready()`
(documents adds manual entries; care adds placements; workforce adds case supervision),
so casework never imports them:

    from hearth.casework.chronology import EntryType, Provider, register
    register(Provider("care.placements", (EntryType("placement", "Placements"),), entries))

A provider may also offer a link to add entries by hand (`add_label`, `add_url`).
Nothing here is stored: the chronology is read fresh each time, so it is never out of
step with the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hearth.casework.models import (
    VISIT_KINDS,
    Assessment,
    CaseNote,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    Conference,
    CoreGroupMeeting,
    NoteKind,
    Section47Enquiry,
    StrategyDiscussion,
)
from hearth.core.codelists import codelist


@dataclass(frozen=True)
class Entry:
    """One line of the chronology."""

    on: dt.date
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    at: dt.datetime | None = None  # when the time of day is known
    url: str = ""  # the record it comes from, where it has a page

    @property
    def sort_key(self) -> tuple[dt.date, dt.datetime]:
        moment = self.at or dt.datetime.combine(self.on, dt.time.min, tzinfo=dt.UTC)
        return (self.on, moment)


@dataclass(frozen=True)
class EntryType:
    key: str
    label: str


@dataclass(frozen=True)
class Window:
    """The part of the chronology asked for: entry types (None for all) and dates."""

    kinds: frozenset[str] | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def wants(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def dates(self, field: str) -> Q:
        q = Q()
        if self.since:
            q &= Q(**{f"{field}__gte": self.since})
        if self.until:
            q &= Q(**{f"{field}__lte": self.until})
        return q

    def moments(self, field: str) -> Q:
        """The same window over a date-time field, by local day."""
        q = Q()
        zone = timezone.get_current_timezone()
        if self.since:
            start = dt.datetime.combine(self.since, dt.time.min, tzinfo=zone)
            q &= Q(**{f"{field}__gte": start})
        if self.until:
            end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
            q &= Q(**{f"{field}__lt": end})
        return q


EntrySource = Callable[[int, Window], Iterable[Entry]]


@dataclass(frozen=True)
class Provider:
    name: str
    types: tuple[EntryType, ...]
    entries: EntrySource
    add_label: str = ""
    add_url: Callable[[int], str] | None = None  # person id -> address of the add form


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    """Add (or replace, by name) a source of chronology entries."""
    _PROVIDERS[provider.name] = provider


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def entry_types() -> list[EntryType]:
    seen: dict[str, EntryType] = {}
    for p in _PROVIDERS.values():
        for t in p.types:
            seen.setdefault(t.key, t)
    return list(seen.values())


def chronology(
    person_id: int,
    *,
    kinds: Collection[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Entry]:
    """The child's chronology, oldest first, filtered by entry type and date range.
    Providers whose types are all filtered out are not asked."""
    window = Window(frozenset(kinds) if kinds else None, since, until)
    found: list[Entry] = []
    for provider in _PROVIDERS.values():
        if not any(window.wants(t.key) for t in provider.types):
            continue
        found.extend(
            e
            for e in provider.entries(person_id, window)
            if window.wants(e.kind)
            and (since is None or e.on >= since)
            and (until is None or e.on <= until)
        )
    found.sort(key=lambda e: e.sort_key)
    return found


# --- Casework's own sources ------------------------------------------------------------------


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _name(user: Any) -> str:
    return (user.full_name or user.email) if user is not None else ""


def _front_door(person_id: int, w: Window) -> Iterable[Entry]:
    """Contacts about the child and the front door's decisions on them. The front door
    is looked up by name: it sits beside casework and imports it, not the reverse."""
    if not apps.is_installed("hearth.frontdoor"):
        return
    link = apps.get_model("frontdoor", "ContactPerson")
    links = (
        link.objects.filter(person_id=person_id)
        .exclude(contact__status="draft")
        .select_related("contact")
        .filter(
            w.moments("contact__received_at") | w.moments("contact__decided_at")
            if (w.since or w.until)
            else Q()
        )
    )
    sources = codelist("referral_source")
    for cp in links:
        c = cp.contact
        if w.wants("contact") and c.received_at:
            who = c.referrer_organisation or sources.label(c.referral_source) or "unknown"
            yield Entry(
                _local(c.received_at),
                "contact",
                f"Contact {c.reference} from {who}",
                c.concern,
                at=c.received_at,
            )
        if w.wants("decision") and c.decided_at and c.decision:
            yield Entry(
                _local(c.decided_at),
                "decision",
                f"Front door decision: {c.get_decision_display()}",
                c.decision_reason,
                at=c.decided_at,
            )


def _episodes(person_id: int, w: Window) -> Iterable[Entry]:
    sources, needs = codelist("referral_source"), codelist("primary_need")
    closures = codelist("closure_reason")
    episodes = CINEpisode.objects.filter(person_id=person_id).filter(
        w.dates("referral_date") | w.dates("closure_date") if (w.since or w.until) else Q()
    )
    for e in episodes:
        yield Entry(
            e.referral_date,
            "referral",
            f"Referral: child in need episode opened ({sources.label(e.referral_source)})",
            f"Primary need: {needs.label(e.primary_need_code)}",
        )
        if e.closure_date:
            yield Entry(
                e.closure_date,
                "referral",
                f"Child in need episode closed: {closures.label(e.closure_reason)}",
            )


def _assessments(person_id: int, w: Window) -> Iterable[Entry]:
    rows = (
        Assessment.objects.filter(person_id=person_id)
        .filter(w.dates("started_on") | w.dates("authorised_on") if (w.since or w.until) else Q())
        .select_related("authorised_by")
    )
    for a in rows:
        url = reverse("casework:assessment", args=[a.pk])
        yield Entry(a.started_on, "assessment", "Assessment started", url=url)
        if a.authorised_on:
            outcome = a.get_outcome_display() or "no outcome recorded"
            yield Entry(
                a.authorised_on,
                "assessment",
                f"Assessment authorised: {outcome}",
                a.analysis[:500],
                by=_name(a.authorised_by),
                url=url,
            )


def _strategy(person_id: int, w: Window) -> Iterable[Entry]:
    rows = StrategyDiscussion.objects.filter(person_id=person_id).filter(w.moments("held_at"))
    for s in rows:
        medical = "; child protection medical" if s.cp_medical else ""
        yield Entry(
            s.held_on,
            "strategy",
            f"Strategy discussion: {s.get_decision_display()}{medical}",
            s.summary,
            at=s.held_at,
            url=reverse("casework:strategy_edit", args=[s.pk]),
        )


def _section47(person_id: int, w: Window) -> Iterable[Entry]:
    rows = (
        Section47Enquiry.objects.filter(person_id=person_id)
        .filter(w.dates("started_on") | w.dates("completed_on") if (w.since or w.until) else Q())
        .select_related("strategy_discussion")
    )
    for s in rows:
        # Started by the strategy discussion: placed just after it on the day.
        held = s.strategy_discussion.held_at
        yield Entry(s.started_on, "s47", "Section 47 enquiry started", at=held)
        if s.completed_on:
            found = "substantiated" if s.concerns_substantiated else "not substantiated"
            icpc = "initial conference needed" if s.icpc_required else "no initial conference"
            yield Entry(
                s.completed_on, "s47", f"Section 47 enquiry ended: concerns {found}; {icpc}"
            )


def _conferences(person_id: int, w: Window) -> Iterable[Entry]:
    categories = codelist("category_of_abuse")
    rows = (
        Conference.objects.filter(person_id=person_id, held_on__isnull=False)
        .filter(w.dates("held_on"))
        .select_related("chair")
    )
    for c in rows:
        assert c.held_on is not None
        if c.plan_decided:
            decision = "child protection plan"
            if c.category:
                decision += f" ({categories.label(c.category)})"
        else:
            decision = "no child protection plan"
        yield Entry(
            c.held_on,
            "conference",
            f"{c.get_kind_display()}: {decision}",
            c.decision_note,
            by=_name(c.chair),
        )


def _plans(person_id: int, w: Window) -> Iterable[Entry]:
    categories = codelist("category_of_abuse")
    span = w.dates("start_date") | w.dates("end_date") if (w.since or w.until) else Q()
    for p in ChildProtectionPlan.objects.filter(person_id=person_id).filter(span):
        yield Entry(
            p.start_date,
            "plan",
            "Child protection plan started",
            f"Category: {categories.label(p.initial_category)}" if p.initial_category else "",
        )
        if p.end_date:
            yield Entry(p.end_date, "plan", "Child protection plan ended")
    for c in CINPlan.objects.filter(person_id=person_id).filter(span):
        yield Entry(c.start_date, "plan", "Child in need plan started")
        if c.end_date:
            yield Entry(c.end_date, "plan", "Child in need plan ended")
    groups = CoreGroupMeeting.objects.filter(plan__person_id=person_id).filter(w.dates("held_on"))
    for g in groups:
        yield Entry(g.held_on, "plan", "Core group meeting", g.notes[:500])


SUPERVISION_KINDS = (NoteKind.SUPERVISION, NoteKind.OVERSIGHT)


def _notes(person_id: int, w: Window) -> Iterable[Entry]:
    """Significant notes, and every supervision and management oversight decision."""
    rows = (
        CaseNote.objects.filter(person_id=person_id)
        .filter(Q(significant=True) | Q(kind__in=SUPERVISION_KINDS))
        .filter(w.moments("occurred_at"))
        .select_related("author")
    )
    for n in rows:
        kind = "supervision" if n.kind in SUPERVISION_KINDS else "note"
        title = n.get_kind_display()
        if n.no_access:
            title += f": no access ({n.get_no_access_reason_display().lower()})"
        elif n.kind in VISIT_KINDS and n.child_seen:
            title += ": child seen alone" if n.seen_alone else ": child seen"
        detail = n.text
        if n.child_words:
            detail = f"The child said: “{n.child_words}”\n{detail}".strip()
        yield Entry(n.occurred_on, kind, title, detail[:1000], by=_name(n.author), at=n.occurred_at)


def _register_casework() -> None:
    register(
        Provider(
            "frontdoor.contacts",
            (EntryType("contact", "Contacts"), EntryType("decision", "Front door decisions")),
            _front_door,
        )
    )
    register(
        Provider(
            "casework.referrals", (EntryType("referral", "Referrals and closures"),), _episodes
        )
    )
    register(
        Provider("casework.assessments", (EntryType("assessment", "Assessments"),), _assessments)
    )
    register(
        Provider("casework.strategy", (EntryType("strategy", "Strategy discussions"),), _strategy)
    )
    register(Provider("casework.s47", (EntryType("s47", "Section 47 enquiries"),), _section47))
    register(
        Provider("casework.conferences", (EntryType("conference", "Conferences"),), _conferences)
    )
    register(Provider("casework.plans", (EntryType("plan", "Plans and core groups"),), _plans))
    register(
        Provider(
            "casework.notes",
            (
                EntryType("note", "Significant case notes"),
                EntryType("supervision", "Supervision and management decisions"),
            ),
            _notes,
        )
    )


_register_casework()
