"""Care journeys in a real browser, with axe on every page and page state (including a
refused form): starting a period of care, moving a placement after a carer's notice,
and recording a review."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from hearth.care.models import AdopterApplication, Episode, Review
from hearth.care.tests.conftest import D
from hearth.testing.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _date(page: Page, field: str, day: dt.date) -> None:
    for i, value in enumerate((day.day, day.month, day.year)):
        page.locator(f"#id_{field}_{i}").fill(str(value))


def _save(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_start_a_period_of_care(page: Page, live_server, care):
    sign_in(page, live_server, care.worker)
    page.goto(f"{live_server.url}/care/children/{care.child.pk}/")
    expect(page.get_by_text("Not looked after.")).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Start a period of care").click()
    _date(page, "start_date", D(2026, 4, 2))
    page.get_by_label("Legal status").select_option("C1")
    page.get_by_label("Category of need").select_option("N1")
    page.get_by_label("Placement type (SSDA903)").select_option("U6")
    page.get_by_label("Placement postcode (if no carer reference)").fill("HT9 9ZZ")
    _save(page, "Start the period of care")
    # Refused: a foster placement needs a provider; what was typed is kept.
    expect(page.locator(".govuk-error-summary")).to_contain_text("needs a placement provider")
    expect(page.get_by_label("Placement postcode (if no carer reference)")).to_have_value("HT9 9ZZ")
    assert_accessible(page)
    page.get_by_label("Carer or provider reference").fill(care.foster.reference)
    _save(page, "Start the period of care")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Period of care started")
    expect(page.get_by_text("Harbour household (HARBOUR HOUSEHOLD)")).to_be_visible()
    expect(page.get_by_role("cell", name="C1", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Episode.objects.get().reason_new_episode == "S"


def test_move_after_a_carers_notice(page: Page, live_server, care):
    period = care.start()
    sign_in(page, live_server, care.worker)
    page.goto(f"{live_server.url}/care/children/{care.child.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record a carer's notice").click()
    assert_accessible(page)
    _date(page, "given_on", D(2026, 6, 1))
    page.get_by_label("The child's behaviour").check()
    _save(page, "Record the notice")
    expect(page.get_by_role("cell", name="Find a new placement: the carer has given notice"))
    expect(page.get_by_text("29 June 2026")).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Move to a new placement").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("the notice ends on 29 June 2026")
    _date(page, "on", D(2026, 6, 20))
    page.get_by_label("Carer or provider reference").fill("NOBODY")
    page.get_by_label("Placement type (SSDA903)").select_option("U6")
    _save(page, "Record the move")
    expect(page.locator(".govuk-error-summary")).to_contain_text("No carer or provider has")
    assert_accessible(page)
    page.get_by_label("Carer or provider reference").fill(care.foster2.reference)
    _save(page, "Record the move")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("placement has been changed")
    expect(page.get_by_text("Linden household")).to_be_visible()
    assert_accessible(page)
    assert [e.reason_new_episode for e in Episode.objects.filter(period=period)] == ["S", "P"]


def test_record_a_review(page: Page, live_server, care):
    care.start()
    sign_in(page, live_server, care.iro)
    page.goto(f"{live_server.url}/care/children/{care.child.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_text("The next review is due by 5 May 2026.")).to_be_visible()
    _date(page, "held_on", D(2026, 4, 30))
    _save(page, "Record the review")
    expect(page.locator(".govuk-error-summary")).to_contain_text("required")
    assert_accessible(page)
    page.get_by_label("PN1: Attends and speaks for themselves").check()
    page.get_by_label("The child's views").fill("I want to stay with my carers.")
    _save(page, "Record the review")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review recorded")
    expect(page.get_by_text("The child said: “I want to stay with my carers.”")).to_be_visible()
    assert_accessible(page)
    assert Review.objects.get().next_due_on == D(2026, 7, 30)


def test_other_care_pages_pass_axe(page: Page, live_server, care):
    period = care.start()
    placement = period.placements.get()
    sign_in(page, live_server, care.worker)
    for path in (
        "/care/",
        "/care/carers/",
        "/care/carers/new/",
        "/care/adopters/",
        "/care/adopters/new/",
        f"/care/periods/{period.pk}/search/?siblings=1&needs=teenagers&near=HT4+1AB",
        f"/care/periods/{period.pk}/health/new/",
        f"/care/periods/{period.pk}/pep/new/",
        f"/care/periods/{period.pk}/care-plan/",
        f"/care/periods/{period.pk}/missing/new/",
        f"/care/periods/{period.pk}/adoption/",
        f"/care/periods/{period.pk}/end/",
        f"/care/placements/{placement.pk}/facts/",
        f"/care/placements/{placement.pk}/visits/new/",
        f"/care/children/{care.child.pk}/contacts/new/",
        f"/care/children/{care.child.pk}/leaving-care/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    # A refused search decision keeps the reasons typed and names the error.
    page.goto(f"{live_server.url}/care/periods/{period.pk}/search/?siblings=1&near=HT4+1AB")
    page.get_by_label("Why this placement").fill("Near school")
    _save(page, "Record the decision")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a carer")
    expect(page.get_by_label("Why this placement")).to_have_value("Near school")
    assert_accessible(page)


def test_adopter_family_then_a_childs_match(page: Page, live_server, care, f):
    """An adoption worker records a prospective adopter family, is refused an approval
    dated before the enquiry (what was typed stays), then links a child's match to them."""
    adopter = f.person(given_name="Ines", family_name="Moraes", kind="adult", sex="F",
                       date_of_birth=D(1984, 4, 4))  # fmt: skip
    period = care.start()
    sign_in(page, live_server, care.worker)
    page.goto(f"{live_server.url}/care/carers/")
    with page.expect_navigation():
        page.get_by_role("link", name="Adopter families").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Add a prospective adopter family").click()
    page.get_by_label("Family identifier").fill("AF00021")
    _date(page, "enquiry_on", D(2025, 2, 1))
    _date(page, "approved_on", D(2025, 1, 1))
    page.get_by_label("First adopter's person ID").fill(adopter.local_id)
    _save(page, "Save")
    expect(page.locator(".govuk-error-summary")).to_contain_text("approval is before the enquiry")
    expect(page.get_by_label("First adopter's person ID")).to_have_value(adopter.local_id)
    assert_accessible(page)
    _date(page, "approved_on", D(2025, 10, 1))
    _save(page, "Save")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Adopters AF00021 saved")
    expect(page.get_by_role("cell", name="Approved and waiting")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/care/periods/{period.pk}/adoption/")
    _date(page, "should_be_placed_on", D(2026, 5, 1))
    _date(page, "matched_on", D(2026, 9, 1))
    page.get_by_label("Adopter family identifier (once matched)").fill("AF00021")
    _save(page, "Save")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Adoption record saved")
    expect(page.get_by_text("Family AF00021")).to_be_visible()
    assert_accessible(page)
    family = AdopterApplication.objects.get()
    assert (family.matched_on, family.child_adoptions.get().adopter_sex) == (D(2026, 9, 1), "F1")
