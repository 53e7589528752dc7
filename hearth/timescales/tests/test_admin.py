"""Administrators manage closure days and local timescales in the admin; each change
goes through the services (audited)."""

from __future__ import annotations

import datetime as dt

import pytest

from hearth.accounts.models import Role
from hearth.audit.models import AuditEvent
from hearth.timescales.models import LocalClosure, LocalTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(f, client):
    client.force_login(f.user(Role.ADMINISTRATOR, is_superuser=True))
    return client


def test_add_and_delete_a_closure_day(admin_client):
    response = admin_client.post(
        "/admin/timescales/localclosure/add/",
        {"date": "2026-12-29", "reason": "Christmas closure"},
    )
    assert response.status_code == 302
    closure = LocalClosure.objects.get()
    assert closure.date == dt.date(2026, 12, 29)
    assert AuditEvent.objects.filter(event="timescales.localclosure.create").exists()
    response = admin_client.post(
        "/admin/timescales/localclosure/",
        {"action": "delete_selected", "_selected_action": [closure.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not LocalClosure.objects.exists()
    assert AuditEvent.objects.filter(event="timescales.localclosure.delete").exists()


def test_a_weekend_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        "/admin/timescales/localclosure/add/", {"date": "2026-12-26", "reason": "x"}
    )
    assert response.status_code == 200
    assert "already not a working day" in response.content.decode()
    assert not LocalClosure.objects.exists()


def test_local_timescale_form_lists_the_rules_that_allow_one(admin_client):
    page = admin_client.get("/admin/timescales/localtarget/add/").content.decode()
    assert "Child protection visit (local practice, default 10 working days)" in page
    assert "Child and family assessment (statutory 45 working days)" in page
    response = admin_client.post(
        "/admin/timescales/localtarget/add/",
        {
            "rule_code": "assessment.completion",
            "amount": "35",
            "unit": "working_days",
            "repeat_amount": "",
            "repeat_unit": "",
            "valid_from": "2026-04-01",
            "valid_to": "",
            "reason": "Assessment standards 2026",
        },
    )
    assert response.status_code == 302
    assert LocalTarget.objects.get().amount == 35
    assert AuditEvent.objects.filter(event="timescales.localtarget.create").exists()


def test_other_roles_are_kept_out(f, client):
    client.force_login(f.user(Role.TEAM_MANAGER, is_staff=True))
    response = client.get("/admin/timescales/localclosure/")
    assert response.status_code == 302
