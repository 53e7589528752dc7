"""My work: a social worker's home page, read in a fixed number of queries whatever the
caseload.

- visits to make today (statutory visits due today or already overdue),
- everything due or overdue across the children allocated to them, soonest first
  (the stored due dates, sorted and cut in the database),
- new information on those children since they last marked it seen: new contacts to
  the front door and partner agencies' answers to information requests (the front
  door's selector `news_for_children`),
- reports waiting for them (the documents app's sign-off list for a manager).

And, for managers, the overdue list of a team (`selectors.team_overdue`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from hearth.accounts.models import User
from hearth.casework import selectors
from hearth.casework.models import MyWorkSeen
from hearth.frontdoor.selectors import NewInformation, news_for_children
from hearth.people.models import Person

# Without a "marked as seen" time, what arrived in the last fortnight is new.
NEW_SINCE_DAYS = 14
DUE_SIZE = 30  # the soonest on the page; the count says how many there are in all


@dataclass
class MyWork:
    children: list[Person]
    visits: list[selectors.DueItem]
    due: selectors.DueWork
    news: list[NewInformation]
    since: dt.datetime
    reports: list[Any] = field(default_factory=list)


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
        news=news_for_children(children, since),
        since=since,
        reports=reports_awaiting_action(user),
    )
