"""The foundation in a real browser: sign in, find a child, open the record, change an
address, a partner kept out, and the keyboard-only path. axe runs on every page state."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from hearth.testing.browser import assert_accessible, sign_in
from hearth.testing.factories import PASSWORD

pytestmark = pytest.mark.browser
# The live server answers from another thread, so its data must be committed.
live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def family(f):
    """A child known to an assessment team, with a mother, a brother and a home."""
    team = f.team("Assessment Team North")
    worker = f.user("social_worker", team=team, full_name="Sam Rivers")
    child = f.person(given_name="Amelia", family_name="Okafor", date_of_birth=dt.date(2017, 3, 14))
    mother = f.person(
        given_name="Grace", family_name="Okafor", kind="adult", date_of_birth=dt.date(1989, 8, 2)
    )
    brother = f.person(
        given_name="Daniel", family_name="Okafor", sex="M", date_of_birth=dt.date(2013, 11, 30)
    )
    f.relate(child, mother, "parent", pr=True)
    f.relate(child, brother, "sibling")
    f.involve(child, team, worker)
    child.addresses.create(
        line1="14 Alder Road", town="Lambury", postcode="SE15 4QT", moved_in=dt.date(2020, 6, 1)
    )
    return {"team": team, "worker": worker, "child": child, "mother": mother}


@live
def test_sign_in_with_wrong_then_right_password(page: Page, live_server, family):
    worker = family["worker"]
    sign_in(page, live_server, worker, password="not the password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Email address")).to_have_value(worker.email)
    expect(page.get_by_label("Password")).to_have_value("")  # never sent back
    assert_accessible(page)

    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    # A social worker lands on their own work.
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("link", name="Amelia Okafor")).to_be_visible()
    assert_accessible(page)


@live
def test_find_open_and_change_address_of_a_child(page: Page, live_server, family, f):
    child = family["child"]
    for i in range(25):  # cousins enough for a second page of Okafors
        f.involve(f.person(given_name=f"Cousin{i}", family_name="Okafor"), family["team"])
    sign_in(page, live_server, family["worker"])

    # A family name alone finds many; the results run over two pages.
    search = page.get_by_role("search", name="Find a person")
    search.get_by_role("searchbox").fill("Okafor")
    with page.expect_navigation():
        search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="28 people found")).to_be_visible()
    pages = page.get_by_role("navigation", name="Pagination")
    expect(pages.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    with page.expect_navigation():
        pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("table", name="Search results").get_by_role("row")).to_have_count(4)
    assert_accessible(page)

    # Search from the header by name and date of birth.
    search.get_by_role("searchbox").fill("amelia okafor 14/03/2017")
    with page.expect_navigation():
        search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="1 person found")).to_be_visible()
    results = page.get_by_role("table", name="Search results")
    expect(results.get_by_role("row")).to_have_count(2)  # header and one child
    expect(results).to_contain_text("14 March 2017")
    assert_accessible(page)

    # Open the child: summary, addresses, family network table and diagram.
    with page.expect_navigation():
        results.get_by_role("link", name="Amelia Okafor").click()
    expect(page).to_have_url(f"{live_server.url}/people/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amelia Okafor")
    network = page.get_by_role("table", name=re.compile("Family members"))
    expect(network.get_by_role("row")).to_have_count(3)
    expect(network.get_by_role("link", name="Grace Okafor")).to_be_visible()
    expect(network.get_by_role("link", name="Daniel Okafor")).to_be_visible()
    diagram = page.get_by_role("img", name="Family diagram of Amelia Okafor")
    expect(diagram).to_be_visible()
    expect(diagram.locator("text")).to_contain_text(["Grace Okafor"])
    assert_accessible(page)

    # Change the address: a mistyped postcode is refused, keeping what was typed.
    with page.expect_navigation():
        page.get_by_role("link", name="Change address 14 Alder Road").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change address")
    page.get_by_label("Address line 1").fill("3 Birch Close")
    page.get_by_label("Town or city").fill("Lambury")
    page.get_by_label("Postcode", exact=True).fill("SE15 4Q")
    with page.expect_navigation():
        page.get_by_role("button", name="Save address").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Address line 1")).to_have_value("3 Birch Close")
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("SE15 4Q")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Postcode", exact=True)).to_be_focused()

    page.get_by_label("Postcode", exact=True).fill("SE15 4QU")
    with page.expect_navigation():
        page.get_by_role("button", name="Save address").click()
    expect(page).to_have_url(f"{live_server.url}/people/{child.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("Address saved")
    addresses = page.get_by_role("table", name=re.compile("Addresses"))
    current = addresses.get_by_role("row").filter(has_text="Current")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("3 Birch Close, Lambury, SE15 4QU")
    expect(addresses).not_to_contain_text("14 Alder Road")
    assert_accessible(page)


@live
def test_partner_cannot_open_a_child(page: Page, live_server, family, f, console):
    police = f.user("partner", full_name="PC Jo Hale")
    sign_in(page, live_server, police)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, PC Jo Hale")
    expect(page.get_by_role("search")).to_have_count(0)
    expect(page.get_by_role("link", name="People")).to_have_count(0)

    console.allow(r"status of 404")
    response = page.goto(f"{live_server.url}/people/{family['child'].pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Okafor")
    expect(page.get_by_role("search")).to_have_count(0)
    assert_accessible(page)


@live
def test_keyboard_only_skip_link_and_sign_in(page: Page, live_server, family):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type(family["worker"].email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")


def test_accessibility_check_fails_on_a_serious_violation(page: Page):
    """The harness itself: an unlabelled field is a critical violation."""
    page.set_content('<html lang="en"><title>t</title><main><input type="text"></main></html>')
    with pytest.raises(pytest.fail.Exception, match=r"label \(critical\)"):
        assert_accessible(page)
