"""The performance officers' returns pages: start, progress, download, data quality;
only performance officers; bounded queries; a failed form keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from hearth.accounts.models import Role
from hearth.audit.models import AuditEvent
from hearth.casework.models import CINEpisode
from hearth.returns.models import ExportStatus, ReturnExport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def officer(f):
    return f.user(Role.PERFORMANCE_OFFICER)


@pytest.fixture
def census(f):
    """One child whose record cannot be exported cleanly (no ethnicity, no disability)."""
    child = f.person(ethnicity="", upn="")
    CINEpisode.objects.create(
        person=child, referral_date=dt.date(2025, 10, 6), referral_source="2A",
        primary_need_code="N4",
    )  # fmt: skip
    return child


def test_an_officer_runs_the_census_and_sees_what_to_fix(
    login, officer, census, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("returns:index")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("returns:index"), {"kind": "cin", "year": "2026"})
    export = ReturnExport.objects.get()
    assert response.url == reverse("returns:export", args=[export.pk])
    assert export.status == ExportStatus.DONE and export.errors == 2
    with django_assert_max_num_queries(10):
        page = client.get(response.url)
    assert "Download the file" in page.content.decode()
    partial = client.get(response.url, headers={"HX-Request": "true"})
    assert b'id="export-progress"' in partial.content and b"<html" not in partial.content

    with django_assert_max_num_queries(12):
        quality = client.get(reverse("returns:quality", args=[export.pk]))
    html = quality.content.decode()
    assert "4220" in html and "Ethnicity is missing or invalid" in html
    assert reverse("casework:case", args=[census.pk]) in html
    queries_only = client.get(reverse("returns:quality", args=[export.pk]), {"show": "queries"})
    assert "Ethnicity is missing" not in queries_only.content.decode().split("Failures by child")[1]

    download = client.get(reverse("returns:download", args=[export.pk]))
    body = b"".join(download.streaming_content)
    assert body.startswith(b'<?xml version="1.0"') and census.local_id.encode() in body
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"returns.export.requested", "returns.cin.exported", "returns.cin.downloaded"} <= events


def test_a_failed_form_names_each_error_and_keeps_what_was_typed(login, officer):
    response = login(officer).post(
        reverse("returns:index"),
        {"kind": "annex_a", "on_date_0": "31", "on_date_1": "", "on_date_2": "2026"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert 'value="31"' in html and "Error:" in html
    missing = login(officer).post(reverse("returns:index"), {})
    assert "Select which return to produce" in missing.content.decode()
    assert not ReturnExport.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.PARTNER]
)
def test_nobody_else_sees_or_starts_returns(f, login, role, officer):
    done = ReturnExport.objects.create(
        kind="cin", year=2026, status=ExportStatus.DONE, file_name="x.xml", requested_by=officer
    )
    client = login(f.user(role))
    assert client.get(reverse("returns:index")).status_code == 404
    assert client.post(reverse("returns:index"), {"kind": "cin", "year": "2026"}).status_code == 404
    for name in ("returns:export", "returns:quality", "returns:download"):
        assert client.get(reverse(name, args=[done.pk])).status_code == 404
    assert ReturnExport.objects.count() == 1


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(reverse("returns:index"))
    assert response.status_code == 302 and "sign-in" in response.url


def test_ssda903_and_annex_a_from_the_page(login, officer, f, django_capture_on_commit_callbacks):
    from hearth.returns.tests.care_cases import in_care_authority

    in_care_authority(f)
    client = login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("returns:index"), {"kind": "ssda903", "year": "2026"})
        client.post(
            reverse("returns:index"),
            {"kind": "annex_a", "on_date_0": "20", "on_date_1": "1", "on_date_2": "2026"},
        )
    ssda903, annex = ReturnExport.objects.order_by("pk")
    assert ssda903.status == annex.status == ExportStatus.DONE
    assert ssda903.file_name.endswith(".zip") and annex.file_name.endswith(".xlsx")
    assert annex.on_date == dt.date(2026, 1, 20)
    quality = client.get(reverse("returns:quality", args=[ssda903.pk])).content.decode()
    assert "SW17STG2" in quality  # the girl's worker has no registration number
    download = client.get(reverse("returns:download", args=[annex.pk]))
    assert download["Content-Disposition"].endswith('.xlsx"')


def test_a_failed_export_says_so(login, officer):
    from hearth.returns.services import export_run

    broken = ReturnExport.objects.create(kind="cin", year=None, requested_by=officer)
    with pytest.raises(AssertionError):
        export_run(export_id=broken.pk)
    broken.refresh_from_db()
    assert broken.status == ExportStatus.FAILED
    page = login(officer).get(reverse("returns:export", args=[broken.pk])).content.decode()
    assert "The export failed" in page
    assert login(officer).get(reverse("returns:download", args=[broken.pk])).status_code == 404
