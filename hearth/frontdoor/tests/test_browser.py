"""The whole front door in a real browser: a school reports a bruise; the worker records
it, finds the known child, sees the history and the flags it raises, rates it and asks
the police and health; a police partner answers; the worker decides a referral; the
manager acknowledges each flag and authorises, and a CIN episode opens. axe-core runs
on every page and page state, an HTMX swap and an error included."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from hearth.casework import services as casework
from hearth.casework.models import CINEpisode
from hearth.frontdoor import services
from hearth.frontdoor.models import Contact, ContactStatus, FlagKind
from hearth.frontdoor.tests.test_attachments import jpeg_with_location
from hearth.people.matching import match_keys_rebuild
from hearth.testing.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _clock():
    # Tuesday 10 March 2026, mid-morning: the school rang at 09:40.
    with time_machine.travel(at(2026, 3, 10, 10, 5), tick=False):
        yield


def _decided(fd, when: dt.datetime, decision: str, **values) -> Contact:
    """An earlier contact about Amelia, decided and authorised at the time."""
    with time_machine.travel(when + dt.timedelta(hours=1), tick=False):
        contact = fd.contact(received_at=when, **values)
        services.contact_decide(
            acting_user=fd.worker, contact=contact, decision=decision, reason="Checks made"
        )
        for flag in contact.flags.all():
            services.flag_acknowledge(acting_user=fd.manager, flag=flag, note="Considered")
        services.contact_authorise(acting_user=fd.manager, contact=contact)
    return contact


@pytest.fixture
def known(fd):
    """Amelia is known: a referral closed in December; a police contact in January; in
    February her grandmother sent a photograph of bruising to her arm."""
    fd.child.addresses.create(
        line1="14 Alder Road", town="Lambury", postcode="SE15 4QT", moved_in=dt.date(2020, 6, 1)
    )
    match_keys_rebuild([fd.child.pk])
    episode = casework.cin_episode_open(
        acting_user=None, person=fd.child, referral_date=dt.date(2025, 5, 1), referral_source="2A"
    )
    casework.cin_episode_close(
        acting_user=None, episode=episode, closure_date=dt.date(2025, 12, 1), closure_reason="RC8"
    )
    _decided(
        fd,
        at(2026, 1, 15, 8),
        "information_advice",
        referrer_kind="police",
        referrer_name="PC Dan Hart",
        referrer_organisation="Lambshire Police",
        categories=["domestic_abuse"],
        concern="Police called to the home after shouting was heard; Amelia was there.",
    )
    grandmother = _decided(
        fd,
        at(2026, 2, 20, 11),
        "no_further_action",
        referrer_kind="relative",
        referrer_name="Joan Okafor",
        referrer_organisation="",
        concern="Grandmother worried about a bruise on Amelia's arm.",
    )
    photo = SimpleUploadedFile("arm.jpg", jpeg_with_location(), content_type="image/jpeg")
    services.attachment_add(acting_user=fd.worker, contact=grandmother, upload=photo)
    return fd


def _click(page: Page, name: str, **kw) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, **kw).click()


def _sign_out(page: Page) -> None:
    _click(page, "Sign out")


def _banner(page: Page):
    return page.locator(".govuk-notification-banner")


def test_a_school_reports_a_bruise_and_the_front_door_refers_within_the_day(
    page: Page, live_server, known
):
    fd = known
    # The worker's front door, then a new contact.
    sign_in(page, live_server, fd.worker)
    page.goto(f"{live_server.url}/front-door/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Record a contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a contact")
    assert_accessible(page)

    # The school's call, as the worker types it (saved as a draft as they type).
    page.locator("#id_received_date_0").fill("10")
    page.locator("#id_received_date_1").fill("3")
    page.locator("#id_received_date_2").fill("2026")
    page.get_by_label("Time received").fill("09:40")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Who made the contact?").select_option(label="School")
    page.get_by_label("Referrer's name").fill("Ms Ada Pryce")
    page.get_by_label("Organisation (optional)").fill("Alder Primary School")
    page.get_by_label("Role (optional)").fill("Designated safeguarding lead")
    page.get_by_label("What is the concern?").fill(
        "Amelia has a bruise on her cheek; she says she fell over in the garden."
    )
    page.get_by_label("Physical injury (bruising, marks, fractures)").check()
    page.get_by_label("No, consent was not sought").check()
    page.get_by_label("Why was consent not given or not sought?").fill(
        "Asking the family first could put Amelia at risk."
    )
    expect(page.locator("#autosave-status")).to_contain_text("saved", ignore_case=True)

    # Finding the known child as the worker types: ranked, with the reasons.
    page.get_by_label("Find the child or adult").fill("Amelia Okafor 14/03/2019")
    results = page.get_by_role("table", name="People it may be")
    expect(results).to_contain_text("Amelia Okafor")
    expect(results.get_by_text("Strong match")).to_be_visible()
    expect(results).to_contain_text("Same date of birth")
    assert_accessible(page)  # after the HTMX swap
    with page.expect_navigation():
        results.get_by_role("button", name="Add Amelia Okafor").click()

    # The history panel, and the flags the contact will raise for a manager.
    history = page.locator(f"#history-{fd.child.pk}")
    expect(history).to_contain_text("2 in the last 12 months")
    expect(history).to_contain_text("Referred 1 May 2025, closed 1 December 2025 (RC8)")
    expect(history).to_contain_text("Earlier concerns of the same kind")
    warning = page.locator(".govuk-warning-text", has_text="Hearth will raise these flags")
    expect(warning).to_be_visible()
    for kind in (
        "Re-referral within 12 months",
        "Three or more contacts in 6 months",
        "Injury concerns from different referrers",
    ):
        expect(page.get_by_text(kind, exact=False).first).to_be_visible()
    assert_accessible(page)
    # What was typed before the search is all still there.
    expect(page.get_by_label("Referrer's name")).to_have_value("Ms Ada Pryce")
    _click(page, "Submit contact")

    # The contact: the clock, and the flags with why each was raised.
    contact = Contact.objects.get(referrer_name="Ms Ada Pryce")
    expect(page).to_have_url(f"{live_server.url}/front-door/contacts/{contact.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact about Amelia Okafor")
    expect(page.get_by_text("Decision due by 11 March 2026 17:00")).to_be_visible()
    expect(page.get_by_text("working time left").first).to_be_visible()
    injury = page.locator(".govuk-summary-card", has_text="Injury concerns from different")
    expect(injury).to_contain_text("20 February 2026 from Joan Okafor")
    expect(injury).to_contain_text("with 1 photograph")
    expect(injury).to_contain_text("10 March 2026 from Ms Ada Pryce, Alder Primary School")
    assert_accessible(page)

    # Rated amber, and the police and health asked.
    page.get_by_label(re.compile(r"^Amber")).check()
    _click(page, "Save rating")
    expect(_banner(page)).to_contain_text("Rated amber")
    page.get_by_label("Lambshire Police (Police)").check()
    page.get_by_label("Lambshire Community Health (Health)").check()
    _click(page, "Send requests")
    expect(_banner(page)).to_contain_text(
        "Information requested from Lambshire Community Health, Lambshire Police"
    )
    requests = page.get_by_role("table", name="Information requests")
    expect(requests.get_by_role("row")).to_have_count(3)
    expect(requests).to_contain_text("11 March 2026 10:05")  # amber: one working day
    assert_accessible(page)
    _sign_out(page)

    # The police answer: they see the question and who it is about, never the concern.
    sign_in(page, live_server, fd.police_user)
    page.goto(f"{live_server.url}/front-door/partner/requests/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Amelia Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for information")
    expect(page.locator("main")).to_contain_text("14 March 2019")
    expect(page.locator("main")).to_contain_text("14 Alder Road, Lambury, SE15 4QT")
    for hidden in ("bruise", "Ada Pryce", "Alder Primary", "Joan Okafor", contact.reference):
        expect(page.locator("main")).not_to_contain_text(hidden, ignore_case=True)
    assert_accessible(page)
    _click(page, "Send response")  # nothing typed: the error, and axe on it
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your agency's response")
    assert_accessible(page)
    page.get_by_label("Your agency's response").fill(
        "Two domestic incidents at 14 Alder Road since January; mother's partner arrested once."
    )
    _click(page, "Send response")
    expect(_banner(page)).to_contain_text("Response sent to the front door")
    _sign_out(page)

    # The worker reads the answer and decides a referral.
    sign_in(page, live_server, fd.worker)
    page.goto(f"{live_server.url}/front-door/contacts/{contact.pk}/")
    expect(page.get_by_role("table", name="Information requests")).to_contain_text(
        "Two domestic incidents"
    )
    _click(page, "Record decision")  # nothing chosen: the error summary
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what happens next")
    expect(summary).to_contain_text("Explain the decision")
    assert_accessible(page)
    page.get_by_label("Referral to children's social care").check()
    page.get_by_label("Team to take the referral").select_option(label=fd.assessment.name)
    page.get_by_label("Reasons for the decision").fill(
        "A facial bruise, bruising to the arm reported by her grandmother last month and "
        "domestic incidents: a child and family assessment is needed."
    )
    _click(page, "Record decision")
    expect(_banner(page)).to_contain_text("it now needs a manager's authorisation")
    assert_accessible(page)
    _sign_out(page)

    # The manager acknowledges each flag, saying what they weighed, and authorises.
    sign_in(page, live_server, fd.manager)
    page.goto(f"{live_server.url}/front-door/")
    expect(page.locator("#awaiting-authorisation")).to_contain_text("(1)")
    assert_accessible(page)
    page.goto(f"{live_server.url}/front-door/contacts/{contact.pk}/")
    assert_accessible(page)
    for kind in FlagKind:
        card = page.locator(".govuk-summary-card", has_text=f"{kind.label}: Amelia Okafor")
        if not card.count():
            continue
        card.get_by_label("What have you considered?").fill(
            "Read with the police and health answers: part of the reason to refer."
        )
        with page.expect_navigation():
            card.get_by_role("button", name=re.compile("^Acknowledge")).click()
        expect(_banner(page)).to_contain_text("Flag acknowledged")
    expect(page.get_by_text("To acknowledge", exact=True)).to_have_count(0)
    page.get_by_label(re.compile("^Note")).fill("Agreed: refer for assessment today.")
    _click(page, "Authorise decision")
    expect(_banner(page)).to_contain_text("Decision authorised")
    expect(page.get_by_role("heading", name="Letter to the referrer")).to_be_visible()
    letter = page.locator("#outcome-letter")
    expect(letter).to_contain_text("Dear Ms Ada Pryce")
    expect(letter).to_contain_text("a children's social care team is taking the concern forward")
    expect(letter).not_to_contain_text("Amelia")
    expect(page.locator("main")).to_contain_text(
        "Child in need episode opened: referral date 10 March 2026, source 2A"
    )
    assert_accessible(page)

    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert contact.authorised_at <= contact.decision_due_at  # within one working day
    episode = CINEpisode.objects.get(person=fd.child, closure_date__isnull=True)
    assert episode.referral_date == dt.date(2026, 3, 10) and episode.referral_source == "2A"
