"""A conference report in a real browser: the worker starts it from the case page,
finds it filled from the record, completes and submits it; the team manager approves
it from their sign-off list. axe runs on every page and state, including an error."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from hearth.documents.models import Report
from hearth.testing.browser import assert_accessible, sign_in

from .conftest import conference_stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clock():
    # Tuesday 1 September 2026: the report is due to the chair on Friday 4 September.
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


def _click(page: Page, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()  # type: ignore[arg-type]


def test_draft_submit_and_approve_a_conference_report(page: Page, live_server, cw):
    conference_stage(cw)
    sign_in(page, live_server, cw.worker)
    page.goto(f"{live_server.url}/casework/children/{cw.child.pk}/")
    expect(page.locator(".hearth-missing")).to_contain_text(
        "No approved social work report for the conference"
    )
    assert_accessible(page)

    _click(page, "link", "Social work report for the initial child protection conference")
    expect(page.get_by_role("heading", level=1)).to_contain_text("initial child protection")
    assert_accessible(page)
    _click(page, "button", "Start the report")

    # Filled from the record: the child's details and the child's voice.
    expect(page.get_by_label("About the child")).to_have_value(re.compile("Amelia Okafor"))
    expect(page.get_by_label("The child's voice")).to_have_value(re.compile("Nana's"))
    expect(page.get_by_text("4 September 2026")).to_be_visible()
    assert_accessible(page)

    # Submitting with the recommendation empty names it; nothing typed is lost.
    page.get_by_label("The family's views").fill("Mum wants help with the housing.")
    _click(page, "button", "Submit to the manager")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Write the section 'Recommendation' before submitting")
    expect(page.get_by_label("The family's views")).to_have_value(
        "Mum wants help with the housing."
    )
    assert_accessible(page)

    page.get_by_label("Analysis").fill("Repeated injuries with no explanation.")
    page.get_by_label("Recommendation").fill("A child protection plan (physical abuse).")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=8000)
    _click(page, "button", "Submit to the manager")
    expect(page.get_by_text("Report sent to the manager")).to_be_visible()
    expect(page.locator(".govuk-tag").first).to_have_text("Waiting for the manager")
    assert_accessible(page)

    # The team manager approves it from their list.
    page.context.clear_cookies()
    sign_in(page, live_server, cw.manager)
    page.goto(f"{live_server.url}/documents/sign-off/")
    assert_accessible(page)
    _click(page, "link", "Social work report to the initial child protection conference")
    page.get_by_label("Approve the report").check()
    _click(page, "button", "Record the decision")
    expect(page.get_by_text("Report approved")).to_be_visible()
    expect(page.get_by_role("link", name="Download the report as a PDF")).to_be_visible()
    assert_accessible(page)
    # The chronology, filtered to conferences and strategy discussions, with axe.
    page.goto(f"{live_server.url}/casework/children/{cw.child.pk}/chronology/")
    expect(page.get_by_role("cell", name=re.compile("Strategy discussion"))).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Filter the chronology").click()
    page.get_by_label("Strategy discussions").check()
    _click(page, "button", "Apply the filter")
    expect(page.locator(".hearth-chronology tbody tr")).to_have_count(1)
    assert_accessible(page)

    report = Report.objects.get()
    assert report.state == "approved"
    assert [v.event for v in report.versions.order_by("number")][-2:] == [
        "submitted",
        "approved",
    ]
