"""The front door's clocks on the working calendar: the one-working-day decision across
a weekend and a bank holiday, partners' deadlines by RAG rating, and how a clock reads
as time passes (controlled with time-machine)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hearth.frontdoor import clock, services
from hearth.frontdoor.models import ContactStatus

LONDON = ZoneInfo("Europe/London")


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=LONDON)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 3, 9, 9), at(2026, 3, 10, 17)),  # Monday: close of Tuesday
        (at(2026, 3, 6, 14), at(2026, 3, 9, 17)),  # Friday: close of Monday
        (at(2026, 3, 7, 11), at(2026, 3, 9, 17)),  # Saturday: close of Monday
        (at(2026, 3, 6, 23, 30), at(2026, 3, 9, 17)),  # Friday night: still Friday's clock
        # Thursday before Easter: Good Friday and Easter Monday are bank holidays.
        (at(2026, 4, 2, 15), at(2026, 4, 7, 17)),
        # Friday before the early May bank holiday: close of Tuesday.
        (at(2026, 5, 1, 16), at(2026, 5, 5, 17)),
    ],
)
def test_decision_is_due_by_close_of_the_next_working_day(received, due):
    assert clock.decision_due_at(received) == due


@pytest.mark.django_db
def test_the_clock_runs_red_once_the_working_day_has_passed():
    due = clock.decision_due_at(at(2026, 4, 2, 15))  # Tuesday 7 April, 17:00
    with time_machine.travel(at(2026, 4, 3, 12), tick=False):  # Good Friday
        c = clock.clock(due)
        assert not c.overdue and c.text == "8h working time left" and c.colour == "grey"
    with time_machine.travel(at(2026, 4, 7, 14, 30), tick=False):
        c = clock.clock(due)
        assert c.text == "2h 30m working time left" and c.colour == "yellow"
    with time_machine.travel(at(2026, 4, 8, 9, 45), tick=False):
        c = clock.clock(due)
        assert c.overdue and c.colour == "red" and c.text == "Overdue by 45m working time"


@pytest.mark.django_db
def test_submitting_starts_the_clock_and_a_correction_moves_it(fd):
    with time_machine.travel(at(2026, 4, 2, 16), tick=False):
        contact = fd.contact(received_at=at(2026, 4, 2, 15, 10))
    assert contact.status == ContactStatus.AWAITING_DECISION
    assert contact.decision_due_at == at(2026, 4, 7, 17)
    with time_machine.travel(at(2026, 4, 7, 10), tick=False):
        services.contact_update(
            acting_user=fd.worker,
            contact=contact,
            expected_version=contact.version,
            values={"received_at": at(2026, 4, 7, 9, 5)},
        )
    contact.refresh_from_db()
    assert contact.decision_due_at == at(2026, 4, 8, 17)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rag", "sent", "due"),
    [
        ("red", at(2026, 3, 6, 15), at(2026, 3, 9, 11)),  # 4 working hours over a weekend
        ("red", at(2026, 3, 9, 8), at(2026, 3, 9, 13)),  # before opening: from 09:00
        ("amber", at(2026, 3, 6, 15), at(2026, 3, 9, 15)),  # 1 working day: same time Monday
        ("amber", at(2026, 3, 6, 18), at(2026, 3, 10, 9)),  # after hours: from Monday 09:00
        ("green", at(2026, 4, 2, 10), at(2026, 4, 9, 10)),  # 3 working days over Easter
    ],
)
def test_partners_deadlines_follow_the_rating(rag, sent, due):
    assert clock.request_due_at(rag, sent) == due


@pytest.mark.django_db
def test_an_authority_sets_its_own_deadlines(settings):
    settings.HEARTH_FRONTDOOR_REQUEST_DEADLINES = {"red": (2, "working_hours")}
    assert clock.request_due_at("red", at(2026, 3, 9, 16)) == at(2026, 3, 10, 10)
    assert clock.request_due_at("amber", at(2026, 3, 9, 16)) == at(2026, 3, 10, 16)
    assert clock.describe_deadline("red") == "2 working hours"
    settings.HEARTH_FRONTDOOR_REQUEST_DEADLINES = {"red": (2, "fortnights")}
    with pytest.raises(ValueError, match="fortnights"):
        clock.request_deadlines()


@pytest.mark.django_db
def test_rating_moves_open_requests_deadlines(fd):
    with time_machine.travel(at(2026, 3, 9, 9, 30), tick=False):
        contact = fd.contact(received_at=at(2026, 3, 9, 9))
        services.contact_rate(acting_user=fd.worker, contact=contact, rag="green")
        import uuid

        (request,) = services.information_requests_send(
            acting_user=fd.worker,
            contact=contact,
            organisations=[fd.police],
            question="What do you know?",
            form_token=uuid.uuid4(),
        )
        assert request.due_at == at(2026, 3, 12, 9, 30)
        services.contact_rate(acting_user=fd.worker, contact=contact, rag="red")
    request.refresh_from_db()
    assert request.due_at == at(2026, 3, 9, 13, 30)
