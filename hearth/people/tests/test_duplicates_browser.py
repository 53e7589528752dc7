"""The duplicate review queue in a real browser: the list, the two records side by
side, a refused "not the same person", a merge and its undo. axe runs on every page
state."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from hearth.people.models import DuplicateCandidate, Person
from hearth.testing.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser
live = pytest.mark.django_db(transaction=True)


@live
def test_review_merge_and_undo(page: Page, live_server, f):
    team = f.team("Front Door", service_area="front_door")
    worker = f.user("front_door", team=team, full_name="Priya Shah")
    known = f.person(given_name="William", family_name="Hart", sex="M",
                     date_of_birth=dt.date(2017, 3, 4), nhs_number="9434765919")  # fmt: skip
    dup = f.person(given_name="Bill", family_name="Hart", sex="M",
                   date_of_birth=dt.date(2017, 4, 3))  # fmt: skip
    for p in (known, dup):
        p.addresses.create(line1="3 Mill Lane", town="Lambury", postcode="SE15 4QT")
    pair = DuplicateCandidate.objects.create(
        person_a=known, person_b=dup, match_probability=0.998, match_weight=11.2,
        same_household=True,
        reasons=[{"field": "date_of_birth", "level": "Day and month swapped", "weight": 9.1},
                 {"field": "given_name", "level": "Given name a nickname", "weight": 6.0}],
    )  # fmt: skip
    sign_in(page, live_server, worker)

    page.goto(f"{live_server.url}/people/duplicates/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    expect(page.locator("td .govuk-tag", has_text="Same household")).to_be_visible()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("William Hart")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
    expect(page.get_by_role("row", name=re.compile("Date of birth Different"))).to_be_visible()
    assert_accessible(page)

    # "Not the same person" without a reason worth the name is refused, kept, explained.
    page.get_by_label("Why are these not the same person?").fill("no")
    with page.expect_navigation():
        page.get_by_role("button", name="Not the same person").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 10 characters")
    expect(page.get_by_label("Why are these not the same person?")).to_have_value("no")
    assert_accessible(page)

    page.get_by_label(re.compile("Keep William Hart")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Merge into the record kept").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bill Hart")
    assert Person.objects.get(pk=dup.pk).merged_into_id == known.pk
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Undo this merge").click()
    expect(page.get_by_text("Merge undone: both records are as they were")).to_be_visible()
    assert Person.objects.get(pk=dup.pk).merged_into_id is None
    pair.refresh_from_db()
    assert pair.status == "undone"
    assert_accessible(page)
