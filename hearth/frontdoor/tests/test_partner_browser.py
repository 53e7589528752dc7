"""A partner refers a child in a real browser: from the navigation to the form, the
error summary, "Add another person", a photograph, and the referral in My referrals.
axe runs on every page state."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from hearth.frontdoor.models import Contact
from hearth.testing.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser
live = pytest.mark.django_db(transaction=True)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "purple").save(out, format="JPEG")
    return out.getvalue()


@live
def test_a_school_refers_a_child_and_sees_it_received(page: Page, live_server, f):
    school = f.organisation("Alder Primary School", kind="education")
    teacher = f.user("partner", organisation=school, full_name="Ada Pryce")
    sign_in(page, live_server, teacher)

    with page.expect_navigation():
        page.get_by_role("link", name="My referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My referrals")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Make a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Make a referral to children's services"
    )
    expect(page.get_by_label("Which service are you referring from?")).to_have_value("school")
    assert_accessible(page)

    # Sent empty: every problem named, in order, and focus on the summary.
    page.get_by_label("What is your concern?").fill("Bruises on both arms; says dad grabbed her.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send referral").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(summary.get_by_role("link")).to_have_text([
        "Select at least one kind of concern",
        "Select whether person 1 is a child or an adult",
        "Enter the first name or last name of person 1",
        "Select whether the family agreed to sharing",
        "Enter your role",
        "Enter a phone number the front door can call you on",
    ])  # fmt: skip
    expect(page.get_by_label("What is your concern?")).to_have_value(
        "Bruises on both arms; says dad grabbed her."
    )
    assert_accessible(page)

    # Person 1, then another: what was typed stays.
    page.get_by_label("Physical injury (bruising, marks, fractures)").check()
    person1 = page.locator("#person-1")
    person1.get_by_label("Child").check()
    person1.get_by_label("First name").fill("Amelia")
    person1.get_by_label("Last name").fill("Okafor")
    person1.get_by_label("Day").fill("14")
    person1.get_by_label("Month").fill("3")
    person1.get_by_label("Year").fill("2019")
    with page.expect_navigation():
        page.get_by_role("button", name="Add another person").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("#person-1").get_by_label("First name")).to_have_value("Amelia")
    person2 = page.locator("#person-2")
    expect(person2.get_by_role("heading", name="Person 2")).to_be_visible()
    assert_accessible(page)
    person2.get_by_label("Adult").check()
    person2.get_by_label("First name").fill("Grace")
    person2.get_by_label("Last name").fill("Okafor")

    page.get_by_label("No, consent was not sought").check()
    page.get_by_label("If not, why not?").fill("Asking may put Amelia at greater risk")
    page.get_by_label("Your role").fill("Designated safeguarding lead")
    page.get_by_label("A phone number the front door can call you on").fill("01632 960 001")
    page.get_by_label("Photographs or documents (optional)").set_input_files(
        files=[{"name": "arm.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Send referral").click()

    contact = Contact.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {contact.reference}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to the front door")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Received")
    expect(page.get_by_text("arm.jpg")).to_be_visible()
    assert_accessible(page)
    assert [p["given_name"] for p in contact.reported_people] == ["Amelia", "Grace"]
    assert contact.attachments.count() == 1 and contact.referral_source == "2A"

    with page.expect_navigation():
        page.get_by_role("link", name="My referrals").first.click()
    row = page.get_by_role("row", name=re.compile(contact.reference))
    expect(row).to_contain_text("Amelia Okafor")
    expect(row).to_contain_text("Not decided yet")
    assert_accessible(page)
