"""The statutory process in a real browser, the whole journey the issue names: referral
(a contact decided and authorised at the front door), assessment, strategy discussion,
section 47 enquiry, initial conference, plan, two visits (one with no access), "My
work" showing what is due next, and the review conference that continues the plan.
axe runs on every page and page state, including an error."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from playwright.sync_api import Page, expect

from hearth.frontdoor import services as frontdoor
from hearth.testing.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clock():
    # Wednesday 10 February 2027, after the conference the journey records.
    with time_machine.travel(dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _date(page: Page, field: str, day: dt.date) -> None:
    for i, value in enumerate((day.day, day.month, day.year)):
        page.locator(f"#id_{field}_{i}").fill(str(value))


def _row(page: Page, key: str):
    return (
        page.locator(".govuk-summary-list__row").filter(has=page.get_by_text(key, exact=True)).first
    )


def _save(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _referred_by_the_front_door(cw, f) -> None:
    """A school's contact on Monday 4 January 2027, decided a referral to the child's
    team at the front door and authorised by its manager: the episode opens."""
    front_door = f.team("Front Door (MASH)", service_area="front_door")
    screener = f.user("front_door", team=front_door, full_name="Priya Shah")
    contact = frontdoor.contact_record(
        acting_user=screener,
        token=uuid.uuid4(),
        values={
            "received_at": dt.datetime(2027, 1, 4, 9, 30, tzinfo=dt.UTC),
            "method": "phone",
            "referrer_kind": "school",
            "referrer_name": "Ms Ada Pryce",
            "referrer_organisation": "Alder Primary School",
            "concern": "Bruise on the cheek; says she fell.",
            "consent": "not_sought",
            "consent_reason": "Asking would put the child at risk",
        },
        categories=["physical_injury"],
        people=[(cw.child, "child")],
    )
    frontdoor.contact_decide(
        acting_user=screener, contact=contact, decision="referral",
        reason="Unexplained bruising", team=cw.team)  # fmt: skip
    manager = f.user("team_manager", team=front_door, full_name="Lena Ward")
    frontdoor.contact_authorise(acting_user=manager, contact=contact)


def test_referral_to_review_conference(page: Page, live_server, cw, f):
    _referred_by_the_front_door(cw, f)
    sign_in(page, live_server, cw.worker)
    page.goto(f"{live_server.url}/people/{cw.child.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Episodes, assessments")).click()
    expect(page.get_by_role("heading", level=2, name=re.compile("episode from 4 January 2027")))
    assert_accessible(page)

    # Assessment: started, the child's voice, factors and outcome; the child seen alone.
    with page.expect_navigation():
        page.get_by_role("link", name="Start an assessment").click()
    assert_accessible(page)
    _date(page, "day", dt.date(2027, 1, 5))
    _save(page, "Start the assessment")
    expect(page.get_by_role("heading", level=1)).to_have_text("Child and family assessment")
    # Due 45 working days from the referral (Mon 4 Jan 2027 -> Mon 8 Mar 2027), with
    # the days left in view.
    due = page.locator(".hearth-assessment-due")
    expect(due).to_contain_text("8 March 2027")
    expect(due).to_contain_text("18 working days left")
    assert_accessible(page)
    page.get_by_label("The child's voice").fill("Amelia said she is scared when Dad shouts.")
    page.get_by_label("Analysis").fill("Injuries without explanation; a strategy discussion.")
    page.get_by_label("16A: Abuse or neglect: neglect").check()
    page.get_by_label("Strategy discussion", exact=True).check()
    _save(page, "Save the assessment")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Assessment saved")
    with page.expect_navigation():
        page.get_by_role("link", name="Record when the child was seen").click()
    _date(page, "seen_on", dt.date(2027, 1, 5))
    page.get_by_label("The child was seen alone").check()
    _save(page, "Save")
    expect(page.get_by_text("5 January 2027 (seen alone)")).to_be_visible()
    assert_accessible(page)

    # Strategy discussion: a date before the referral is refused, and explained.
    page.goto(f"{live_server.url}/casework/children/{cw.child.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record a strategy discussion").click()
    expect(page.locator("#id_attendees-0-name")).to_have_value("Sam Rivers")  # pre-filled
    _date(page, "held_on", dt.date(2026, 12, 30))
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Section 47 enquiry jointly with the police").check()
    page.locator("#id_attendees-1-name").fill("DC Lee Hart")
    page.locator("#id_attendees-1-agency").select_option("police")
    page.locator("#id_attendees-1-information_shared").fill("Two call-outs this year.")
    _save(page, "Save")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("must be on or after the referral (4 January 2027)")
    expect(page.locator("#id_attendees-1-name")).to_have_value("DC Lee Hart")  # kept
    assert_accessible(page)
    _date(page, "held_on", dt.date(2027, 1, 6))
    _save(page, "Save")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    # The section 47 enquiry started with it; the conference is due 15 working days
    # later, Wed 27 January 2027, and the page says how that is worked out.
    enquiries = page.get_by_role("table").filter(has_text="Initial conference due")
    expect(enquiries).to_contain_text("27 January 2027")
    enquiries.get_by_text("How this date is worked out").first.click()
    expect(enquiries).to_contain_text("15 working days after the strategy discussion")
    assert_accessible(page)

    # Section 47 outcome.
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Record the outcome of the enquiry")).click()
    _date(page, "completed_on", dt.date(2027, 1, 20))
    page.get_by_role("group", name="Were the concerns substantiated?").get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("significant harm")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("conference needed")).get_by_label("Yes").check()
    assert_accessible(page)
    _save(page, "Save")

    # Initial conference: the date proposed is the due date, invitees from the discussion.
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Set the initial conference")).click()
    expect(page.locator("#id_scheduled_on_0")).to_have_value("27")
    expect(page.locator("#id_invitees-1-name")).to_have_value("DC Lee Hart")
    page.get_by_label("Chair").select_option(label="Ruth Adeyemi")
    assert_accessible(page)
    _save(page, "Save")
    expect(page.get_by_text("Set for 27 January 2027")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Record the outcome of the initial")).click()
    expect(page.locator("#id_held_on_0")).to_have_value("27")
    page.get_by_role("group", name=re.compile("need a child protection plan")).get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Neglect").check()
    page.get_by_label("DC Lee Hart (Police)").select_option("attended")
    assert_accessible(page)
    _save(page, "Record the outcome")

    # The plan starts on the conference date, with its review and core group dates.
    plan = page.get_by_role("heading", name=re.compile("Child protection plan from 27 January"))
    expect(plan).to_be_visible()
    expect(page.get_by_text("Child protection plan: NEG: Neglect")).to_be_visible()
    expect(_row(page, "Next review conference")).to_contain_text("27 April 2027")
    expect(_row(page, "First core group")).to_contain_text("10 February 2027")
    expect(_row(page, "First core group")).to_contain_text("Due today")
    assert_accessible(page)

    # Two visits on Wednesday 10 February 2027: the child seen alone, then no access.
    with page.expect_navigation():
        page.get_by_role("link", name="Record a case note or visit").click()
    assert_accessible(page)
    page.get_by_label("Home visit").check()
    page.get_by_label("Time").fill("09:00")
    page.get_by_label("The child was seen", exact=True).check()
    page.get_by_label("The child was seen alone").check()
    page.get_by_label("The child's words").fill("I like my new bed.")
    page.get_by_label("Note", exact=True).fill("Saw Amelia in her room.")
    _save(page, "Save")
    expect(page.get_by_text("The child said: “I like my new bed.”")).to_be_visible()
    # Seen alone today: the next visit is due 10 working days later, Wed 24 February.
    expect(_row(page, "Next visit (child seen alone)")).to_contain_text("24 February 2027")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Record a case note or visit").click()
    page.get_by_label("School visit").check()
    page.get_by_label("Time").fill("11:00")
    page.get_by_label("No access: the visit could not go ahead").check()
    page.get_by_label("The child was not there").check()
    _save(page, "Save")
    expect(page.get_by_text("The child was not there").first).to_be_visible()
    expect(_row(page, "Next visit (child seen alone)")).to_contain_text("24 February 2027")
    assert_accessible(page)

    # My work: the worker's home page lists what is due for Amelia, soonest first.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    due = page.get_by_role("table").filter(has_text="Everything due for your children")
    expect(due).to_contain_text("Visit the child and see them alone")
    expect(due).to_contain_text("24 February 2027")
    expect(due).to_contain_text("Hold the child protection review conference")
    assert_accessible(page)

    # The review conference, brought forward to today by the chair, continues the plan;
    # the next review is due within 6 months (10 August 2027).
    page.goto(f"{live_server.url}/casework/children/{cw.child.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Set the review conference")).click()
    expect(page.locator("#id_scheduled_on_0")).to_have_value("27")  # due 27 April 2027
    assert_accessible(page)
    _date(page, "scheduled_on", dt.date(2027, 2, 10))
    _save(page, "Save")
    expect(page.get_by_text("Set for 10 February 2027")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role(
            "link", name=re.compile("^Record the outcome of the child protection review")
        ).click()
    expect(page.locator("#id_held_on_0")).to_have_value("10")
    page.get_by_role("group", name=re.compile("need a child protection plan")).get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Emotional abuse").check()
    assert_accessible(page)
    _save(page, "Record the outcome")
    expect(page.get_by_text("Child protection plan: EMO: Emotional abuse")).to_be_visible()
    expect(_row(page, "Next review conference")).to_contain_text("10 August 2027")
    assert_accessible(page)
