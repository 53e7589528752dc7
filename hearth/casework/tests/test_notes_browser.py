"""Case notes in a real browser: a visit refused (seen alone without seen) keeping what
was typed, then saved; the third no-access visit on a plan shows the escalation on the
case page. axe runs on every page state."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from hearth.casework import services
from hearth.testing.browser import assert_accessible, sign_in

from .conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clock():
    # Wednesday 10 February 2027, 12:00.
    with time_machine.travel(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _save(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


def test_visits_and_the_no_access_escalation(page: Page, live_server, cw):
    episode = services.cin_episode_open(
        acting_user=None, person=cw.child, referral_date=dt.date(2027, 1, 4), referral_source="2A"
    )
    services.cin_plan_start(acting_user=None, episode=episode, start_date=dt.date(2027, 1, 11))
    sign_in(page, live_server, cw.worker)
    page.goto(f"{live_server.url}/casework/children/{cw.child.pk}/")
    assert_accessible(page)

    # A home visit: seen alone ticked without seen is refused, and nothing typed is lost.
    with page.expect_navigation():
        page.get_by_role("link", name="Record a case note or visit").click()
    expect(page.get_by_text("Written by Sam Rivers")).to_be_visible()
    expect(page.locator("#id_occurred_on_0")).to_have_value("10")
    assert_accessible(page)
    page.get_by_label("Home visit").check()
    page.get_by_label("Time").fill("09:00")
    page.get_by_label("The child was seen alone").check()
    page.get_by_label("The child's words").fill("I want to stay at Nana's.")
    page.get_by_label("Note", exact=True).fill("Saw Amelia in her room.")
    _save(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("seen alone if they were seen")
    expect(page.get_by_label("The child's words")).to_have_value("I want to stay at Nana's.")
    assert_accessible(page)
    page.get_by_label("The child was seen", exact=True).check()
    _save(page)
    expect(page.get_by_text("The child said: “I want to stay at Nana's.”")).to_be_visible()

    # Two visits with no access since; the third, through the page (at 12:00), escalates.
    for hour in (10, 11):
        services.case_note_record(
            acting_user=cw.worker,
            person=cw.child,
            kind="home_visit",
            occurred_at=at(2027, 2, 10, hour),
            no_access=True,
            no_access_reason="no_answer",
        )
    with page.expect_navigation():
        page.get_by_role("link", name="Record a case note or visit").click()
    page.get_by_label("Home visit").check()
    page.get_by_label("No access: the visit could not go ahead").check()
    page.get_by_label("Refused entry").check()
    _save(page)
    expect(page.get_by_text("Escalated to the team manager")).to_be_visible()
    expect(page.get_by_text("for Tom Reid")).to_be_visible()
    assert_accessible(page)
