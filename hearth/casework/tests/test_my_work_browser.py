"""My work and the team's overdue list in a real browser, with axe on each page state:
new information marked as seen, and a service manager choosing one of their teams."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from hearth.casework.models import Task
from hearth.frontdoor.models import Contact, ContactPerson, ContactStatus
from hearth.testing.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _visit_due(child, due_on: dt.date) -> None:
    Task.objects.create(
        person=child, rule_code="cp.visit", title="Visit the child and see them alone",
        role="social_worker", due_on=due_on, source_type="test.row", source_id=child.pk,
        source_field="next_visit_due_on",
    )  # fmt: skip


def test_my_work_and_the_teams_overdue_list(page: Page, live_server, cw, f):
    _visit_due(cw.child, dt.date(2027, 2, 1))
    contact = Contact.objects.create(
        status=ContactStatus.AWAITING_DECISION, concern="Bruising seen at school on Monday.",
        received_at=NOW - dt.timedelta(days=1), submitted_at=NOW - dt.timedelta(days=1),
        created_by=cw.manager,
    )  # fmt: skip
    ContactPerson.objects.create(
        contact=contact, person=cw.child, role="child", added_by=cw.manager
    )
    sign_in(page, live_server, cw.worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    visits = page.get_by_role("table").filter(has_text="Statutory visits due today or overdue")
    expect(visits).to_contain_text("Amelia Okafor")
    expect(visits).to_contain_text("Overdue")
    expect(page.get_by_text("Bruising seen at school on Monday.")).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Mark these as seen").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as seen")
    expect(page.get_by_text("Nothing new.")).to_be_visible()
    assert_accessible(page)

    # The service manager chooses among the teams of the service area.
    f.team("Assessment Team East")
    page.context.clear_cookies()
    sign_in(page, live_server, cw.second_manager)
    page.goto(f"{live_server.url}/casework/team/overdue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue work")
    expect(page.get_by_role("table")).to_contain_text("Sam Rivers")
    assert_accessible(page)
    page.get_by_label("Team").select_option(label="Assessment Team East")
    with page.expect_navigation():
        page.get_by_role("button", name="Show the team").click()
    expect(page.get_by_text("Nothing is overdue.")).to_be_visible()
    assert_accessible(page)
