"""The allocations meeting and the team brief in a real browser, with axe on every
state: an over-capacity allocation refused without a reason (what was typed kept),
then made with one; the brief as printed."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from hearth.casework.models import Task
from hearth.testing.browser import assert_accessible, sign_in
from hearth.workforce.models import DutyShift, Leave

from .conftest import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_allocations_meeting(page: Page, live_server, sc):
    for c in sc.children(sc.priya, 6):
        sc.cp_plan(c)  # Priya: 9 of 9, full
    amelia = sc.child(given_name="Amelia", family_name="Okafor", age=15)
    sc.child(given_name="Noah", family_name="Price", age=3)
    sign_in(page, live_server, sc.manager)
    page.goto(f"{live_server.url}/team/allocations/")
    expect(page.get_by_role("heading", name="Amelia Okafor")).to_be_visible()
    assert_accessible(page)

    section = page.locator("section", has=page.get_by_role("heading", name="Amelia Okafor"))
    expect(section.get_by_text("Interests: Adolescents")).to_be_visible()
    section.get_by_label("Priya Shah").check()
    section.get_by_label("Why this worker (optional)").fill("Knows the school")
    with page.expect_navigation():
        section.get_by_role("button", name="Allocate Amelia Okafor").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Priya Shah would be over capacity")
    assert_accessible(page)
    section = page.locator("section", has=page.get_by_role("heading", name="Amelia Okafor"))
    expect(section.get_by_label("Why this worker (optional)")).to_have_value("Knows the school")
    expect(section.get_by_label("Priya Shah")).to_be_checked()
    section.get_by_label("If they are over capacity, why allocate to them").fill(
        "Worked with Amelia's brother last year"
    )
    with page.expect_navigation():
        section.get_by_role("button", name="Allocate Amelia Okafor").click()
    expect(page.get_by_text("Amelia Okafor allocated to Priya Shah")).to_be_visible()
    expect(page.get_by_role("heading", name="Amelia Okafor")).to_have_count(0)
    assert_accessible(page)
    assert amelia.involvements.get().worker_id == sc.priya.pk

    page.get_by_role("link", name="Allocation history").click()
    expect(page.get_by_text("Worked with Amelia's brother last year")).to_be_visible()
    assert_accessible(page)


def test_team_brief(page: Page, live_server, sc):
    child = sc.child(sc.sam, given_name="Amy", family_name="Stone")
    Task.objects.create(
        person=child, rule_code="cp.visit", title="Visit the child and see them alone",
        role="social_worker", due_on=TODAY, source_type="t", source_id=1, source_field="f",
    )  # fmt: skip
    sc.child(given_name="Cal", family_name="Waiting")
    DutyShift.objects.create(team=sc.team, day=TODAY, worker=sc.agent)
    Leave.objects.create(user=sc.jo, start=TODAY, end=TODAY + dt.timedelta(days=2))
    sign_in(page, live_server, sc.manager)
    page.goto(f"{live_server.url}/team/")
    assert_accessible(page)
    page.get_by_role("link", name="Team brief").click()
    expect(
        page.get_by_role("heading", name="Team brief for Wednesday 20 January 2027")
    ).to_be_visible()
    brief = page.locator("main")
    expect(brief).to_contain_text("Amy Stone")
    expect(brief).to_contain_text("Cal Waiting")
    expect(brief).to_contain_text("Lee Agent")
    expect(brief).to_contain_text("Jo Bell (annual leave)")
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Team pages")).to_be_hidden()
    expect(page.get_by_text("Visits planned today")).to_be_visible()


def test_supervision_form_and_the_team_page(page: Page, live_server, sc):
    sc.child(sc.sam, given_name="Amy", family_name="Stone")
    sign_in(page, live_server, sc.manager)
    page.goto(f"{live_server.url}/team/supervision/")
    assert_accessible(page)
    page.get_by_role("link", name="Record supervision for Sam Rivers").click()
    assert_accessible(page)
    page.get_by_label("Case supervision").check()
    page.locator("#id_d0-person").select_option(label="Amy Stone")
    page.locator("#id_d0-reflection").fill("Quiet at school")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Record the decisions")
    assert_accessible(page)
    page.locator("#id_d0-decisions").fill("Speak to the school nurse")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Supervision recorded")).to_be_visible()
    assert_accessible(page)
