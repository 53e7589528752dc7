"""Hearth chases overdue partner requests itself, once a working day, recording each
reminder and telling the agency; answered and not-yet-due requests are left alone."""

from __future__ import annotations

import datetime as dt
import uuid
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from hearth.accounts.models import Notification
from hearth.audit.models import AuditEvent
from hearth.frontdoor import services
from hearth.frontdoor.models import RequestChase

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=LONDON)


def _chase(when: dt.datetime) -> str:
    out = StringIO()
    with time_machine.travel(when, tick=False):
        call_command("frontdoor_chase", stdout=out)
    return out.getvalue()


def test_overdue_requests_are_chased_once_a_working_day(fd, login):
    with time_machine.travel(at(2026, 3, 6, 10), tick=False):  # a Friday
        contact = fd.contact(received_at=at(2026, 3, 6, 9, 30))
        services.contact_rate(acting_user=fd.worker, contact=contact, rag="red")
        police, health = services.information_requests_send(
            acting_user=fd.worker,
            contact=contact,
            organisations=[fd.police, fd.health],
            question="What do you know?",
            form_token=uuid.uuid4(),
        )
    assert police.due_at == at(2026, 3, 6, 14)  # red: 4 working hours
    assert "Chased 0 " in _chase(at(2026, 3, 6, 13, 59))  # not due yet
    with time_machine.travel(at(2026, 3, 6, 13, 30), tick=False):
        services.information_request_answer(
            acting_user=fd.health_user, request=health, response="Not known to us."
        )

    assert "Chased 1 " in _chase(at(2026, 3, 6, 15))  # the police only: health answered
    (chase,) = RequestChase.objects.all()
    assert chase.request == police and chase.chased_by is None
    assert chase.note == services.AUTOMATIC_CHASE
    told = Notification.objects.get(recipient=fd.police_user, text__startswith="Reminder")
    assert "due by 14:00 on 06/03/2026 (overdue)" in told.text
    assert not Notification.objects.filter(recipient=fd.health_user, text__startswith="Reminder")
    event = AuditEvent.objects.get(event="frontdoor.request.chase", person_id=fd.child.pk)
    assert event.actor_id is None and event.data["automatic"] is True

    # Not again within the working day; the weekend does not count.
    assert "Chased 0 " in _chase(at(2026, 3, 6, 16, 30))
    assert "Chased 0 " in _chase(at(2026, 3, 9, 14, 59))  # Monday: 2h Friday + 6h Monday
    assert "Chased 1 " in _chase(at(2026, 3, 9, 15, 1))
    assert police.chases.count() == 2

    with time_machine.travel(at(2026, 3, 9, 15, 5), tick=False):
        page = login(fd.worker).get("/front-door/requests/").content.decode()
    assert "2 times, last 9 March 2026 15:01" in page


def test_a_workers_own_chase_counts_for_the_day(fd):
    with time_machine.travel(at(2026, 3, 9, 9), tick=False):  # Monday
        contact = fd.contact(received_at=at(2026, 3, 9, 8, 50))
        services.contact_rate(acting_user=fd.worker, contact=contact, rag="red")
        (request,) = services.information_requests_send(
            acting_user=fd.worker,
            contact=contact,
            organisations=[fd.police],
            question="Q",
            form_token=uuid.uuid4(),
        )
    with time_machine.travel(at(2026, 3, 9, 13, 30), tick=False):
        services.information_request_chase(acting_user=fd.worker, request=request, note="Rang")
    assert "Chased 0 " in _chase(at(2026, 3, 9, 16))
    assert "Chased 1 " in _chase(at(2026, 3, 10, 13, 31))
