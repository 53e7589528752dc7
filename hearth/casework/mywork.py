"""My work: a social worker's home page, read in a fixed number of queries whatever the
caseload.

- visits to make today (statutory visits due today or already overdue),
- everything due or overdue across the children allocated to them, soonest first
  (the stored due dates, sorted and cut in the database),
- new information on those children since they last marked it seen: new contacts to
  the front door and partner agencies' answers to information requests,
- reports waiting for them (the documents app's sign-off list for a manager).

And, for managers, the overdue list of a team (`selectors.team_overdue`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone

from hearth.accounts.models import User
from hearth.casework import selectors
from hearth.casework.models import MyWorkSeen
from hearth.people.models import Person

# Without a "marked as seen" time, what arrived in the last fortnight is new.
NEW_SINCE_DAYS = 14
NEWS_SIZE = 50
DUE_SIZE = 30  # the soonest on the page; the count says how many there are in all
EXCERPT = 160


@dataclass(frozen=True)
class NewInformation:
    """Something that arrived about one of the worker's children."""

    person_id: int
    person_name: str
    at: dt.datetime
    what: str  # "New contact", "Answer from <agency>"
    excerpt: str


@dataclass
class MyWork:
    children: list[Person]
    visits: list[selectors.DueItem]
    due: selectors.DueWork
    news: list[NewInformation]
    since: dt.datetime
    reports: list[Any] = field(default_factory=list)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def frontdoor_news(
    children: list[Person], since: dt.datetime, size: int = NEWS_SIZE
) -> list[NewInformation]:
    """New contacts about these children and partner agencies' answers about them since
    `since`, newest first (three queries, each led by an index: the children's contacts,
    then the new ones among them and the answers to their requests). Read-only over the
    front door's records; the front door has no selector that takes a list of people
    yet, so this one lives here until it does."""
    from hearth.frontdoor.models import Contact, ContactPerson, ContactStatus, InformationRequest

    names = {c.pk: c.display_name for c in children}
    about: dict[int, list[int]] = defaultdict(list)  # contact: the children it names
    for contact_id, person_id in ContactPerson.objects.filter(
        person_id__in=list(names)
    ).values_list("contact_id", "person_id"):
        about[contact_id].append(person_id)
    if not about:
        return []
    found: list[NewInformation] = []
    contacts = (
        Contact.objects.filter(pk__in=list(about), submitted_at__gt=since)
        .exclude(status=ContactStatus.DRAFT)
        .only("pk", "submitted_at", "concern")
        .order_by("-submitted_at", "-pk")[:size]
    )
    for contact in contacts:
        assert contact.submitted_at is not None  # filtered above
        for child in about[contact.pk]:
            found.append(
                NewInformation(
                    child,
                    names[child],
                    contact.submitted_at,
                    "New contact to the front door",
                    _excerpt(contact.concern),
                )
            )
    answers = (
        InformationRequest.objects.filter(contact_id__in=list(about), responded_at__gt=since)
        .annotate(agency=F("organisation__name"))
        .only("pk", "contact_id", "responded_at", "response")
        .order_by("-responded_at", "-pk")[:size]
    )
    for answer in answers:
        assert answer.responded_at is not None  # filtered above
        for child in about[answer.contact_id]:
            found.append(
                NewInformation(
                    child,
                    names[child],
                    answer.responded_at,
                    f"Answer from {answer.agency}",
                    _excerpt(answer.response),
                )
            )
    found.sort(key=lambda n: n.at, reverse=True)
    return found[:size]


def reports_awaiting_action(user: User) -> list[Any]:
    """Reports waiting for this user, soonest deadline first (each with `deadline` and
    `state`): their own drafts and reports returned with comments, and for a manager
    those submitted for their sign-off (the documents app's lists)."""
    from hearth.documents.selectors import awaiting_sign_off, reports_to_finish

    size = selectors.WORK_LIST_SIZE
    found = list(reports_to_finish(user)[:size])
    if user.is_manager:
        found += list(awaiting_sign_off(user)[:size])
    far = dt.date.max
    found.sort(key=lambda r: (getattr(r, "deadline", None) or far, r.pk))  # annotated
    return found[:size]


def last_seen(user: User, now: dt.datetime) -> dt.datetime:
    seen = MyWorkSeen.objects.filter(user=user).values_list("seen_at", flat=True).first()
    return seen or now - dt.timedelta(days=NEW_SINCE_DAYS)


def my_work(user: User, *, now: dt.datetime | None = None) -> MyWork:
    """Everything on the worker's home page (about eight queries, whatever the caseload)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    children = selectors.allocated_children(user)
    since = last_seen(user, now)
    return MyWork(
        children=children,
        visits=selectors.visits_due(children, today=today),
        due=selectors.due_for_children(children, today=today, size=DUE_SIZE),
        news=frontdoor_news(children, since),
        since=since,
        reports=reports_awaiting_action(user),
    )
