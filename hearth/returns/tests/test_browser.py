"""A performance officer's census in a real browser: the returns page, a refused form,
the export, and the data quality page with its link to the child's record; axe on each."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from hearth.accounts.models import Role
from hearth.casework.models import CINEpisode
from hearth.testing.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC), tick=True):
        yield


def test_officer_exports_the_census_and_finds_what_to_fix(page: Page, live_server, f):
    officer = f.user(Role.PERFORMANCE_OFFICER)
    child = f.person(ethnicity="", upn="")
    CINEpisode.objects.create(
        person=child, referral_date=dt.date(2025, 10, 6), referral_source="2A",
        primary_need_code="N4",
    )  # fmt: skip
    sign_in(page, live_server, officer)
    with page.expect_navigation():
        page.get_by_role("link", name="Returns").click()
    expect(page.get_by_role("heading", level=1, name="Statutory returns")).to_be_visible()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Start the export").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Select which return to produce")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Children in need census").check()
    page.get_by_label("Collection year").select_option("2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the export").click()
    expect(page.get_by_role("heading", level=1, name="Children in need census")).to_be_visible()
    expect(page.get_by_text("Ready")).to_be_visible()
    expect(page.get_by_role("link", name="Download the file")).to_be_visible()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Data quality: 2 errors, 1 query")).click()
    expect(page.get_by_role("heading", level=1, name="Data quality")).to_be_visible()
    expect(page.get_by_role("cell", name="Ethnicity is missing or invalid (see Ethnicity table)"))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(child.local_id)).first.click()
    assert f"/casework/children/{child.pk}/" in page.url
