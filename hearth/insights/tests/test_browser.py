"""The indicators dashboard, a filter, and one indicator's chart, table and drill-down
in a real browser, with axe on each page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from hearth.casework.models import CINEpisode
from hearth.testing.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC), tick=False):
        yield


def test_indicators_dashboard_and_drill_down(page: Page, live_server, f):
    team = f.team("Team T")
    child = f.person(given_name="Amelia", family_name="Okafor")
    f.involve(child, team)
    CINEpisode.objects.create(
        person=child, referral_date=dt.date(2026, 2, 1), referral_source="2A",
        closure_date=dt.date(2026, 3, 1),
    )  # fmt: skip
    CINEpisode.objects.create(person=child, referral_date=dt.date(2026, 9, 1), referral_source="2A")
    sign_in(page, live_server, f.user("performance_officer", full_name="Pat Figures"))
    page.goto(f"{live_server.url}/insights/")
    expect(page.get_by_role("heading", name="How the service is doing")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Team").select_option(label="Team T")
    page.get_by_label("Period").select_option(label="This financial year (from 1 April)")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Team T, 1 April 2026 to 20 January 2027.")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Re-referrals within 12 months").click()
    expect(page.get_by_role("img", name="Month by month")).to_be_visible()
    expect(page.get_by_role("link", name="Amelia Okafor")).to_be_visible()
    expect(page.locator("main")).to_contain_text("100.0% (1 of 1)")
    assert_accessible(page)
