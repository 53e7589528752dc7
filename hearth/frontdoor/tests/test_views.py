"""The front door's pages through the test client: autosave with and without
JavaScript, the form's errors, the double click, who may see what (a matrix for
partners), and that each page's queries do not grow with the data."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.casework import services as casework
from hearth.frontdoor import services
from hearth.frontdoor.models import Contact, ContactStatus, InformationRequest
from hearth.frontdoor.tests.test_attachments import jpeg_with_location

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(y, m, d, h=10, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=LONDON)


def summary(page: str) -> list[tuple[str, str]]:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.DOTALL)
    assert match, "the page has a GOV.UK error summary"
    return [
        (href, html_lib.unescape(text))
        for href, text in re.findall(r'<a href="([^"]*)">([^<]*)</a>', match.group())
    ]


def form_data(token, **extra):
    data = {
        "token": str(token),
        "received_date_0": "10", "received_date_1": "3", "received_date_2": "2026",
        "received_time": "09:30", "method": "phone", "referrer_kind": "school",
        "referrer_name": "Ms Ada Pryce", "referrer_organisation": "Alder Primary School",
        "concern": "Bruise on her cheek", "categories": ["physical_injury"],
        "consent": "not_sought", "consent_reason": "Risk to the child",
    }  # fmt: skip
    data.update(extra)
    return data


# --- Autosave ---------------------------------------------------------------------------


def test_autosave_keeps_what_is_typed_even_half_a_date(fd, login):
    c = login(fd.worker)
    token = uuid.uuid4()
    r = c.post(
        "/front-door/contacts/autosave/",
        {"token": str(token), "received_date_0": "10", "referrer_name": "Ms Pry", "concern": "Bru"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    contact = Contact.objects.get(token=token)
    assert "Draft saved at" in r.content.decode()
    assert r["HX-Replace-Url"] == f"/front-door/contacts/{contact.pk}/edit/"
    assert contact.status == ContactStatus.DRAFT and contact.referrer_name == "Ms Pry"
    assert contact.received_at is None  # half a date is not a date...
    # ...but it comes back when the draft is opened after a lost session.
    page = c.get(f"/front-door/contacts/{contact.pk}/edit/").content.decode()
    assert 'name="received_date_0" type="text" inputmode="numeric" value="10"' in page
    assert 'value="Ms Pry"' in page and ">Bru</textarea>" in page
    assert "<title>Error" not in page
    # The next keystrokes update the same draft.
    c.post(
        "/front-door/contacts/autosave/",
        {"token": str(token), "referrer_name": "Ms Pryce"},
        HTTP_HX_REQUEST="true",
    )
    assert Contact.objects.get().referrer_name == "Ms Pryce"


def test_photographs_are_added_to_a_draft_after_it_is_saved(fd, login):
    c = login(fd.worker)
    token = uuid.uuid4()
    r = c.post("/front-door/contacts/new/", {**form_data(token), "action": "attachments"})
    draft = Contact.objects.get(token=token)
    assert draft.is_draft and draft.referrer_name == "Ms Ada Pryce"  # nothing lost
    assert r["Location"] == f"/front-door/contacts/{draft.pk}/#attachments"
    photo = SimpleUploadedFile("bruise.jpg", jpeg_with_location(), content_type="image/jpeg")
    c.post(f"/front-door/contacts/{draft.pk}/attachments/", {"attachment-file": photo})
    form = c.get(f"/front-door/contacts/{draft.pk}/edit/").content.decode()
    assert "bruise.jpg" in form and "location details removed" in form


def test_without_javascript_save_draft_does_the_same(fd, login):
    c = login(fd.worker)
    token = uuid.uuid4()
    r = c.post("/front-door/contacts/new/", {**form_data(token), "action": "save_draft"})
    contact = Contact.objects.get(token=token)
    assert r.status_code == 302 and r["Location"] == f"/front-door/contacts/{contact.pk}/edit/"
    assert contact.is_draft and contact.referral_source == "2A"
    r = c.post("/front-door/contacts/autosave/", {"token": str(token), "concern": "More"})
    assert r.status_code == 302  # not HTMX: back to the form


def test_only_front_door_staff_autosave(fd, f, login):
    c = login(f.user("social_worker"))
    r = c.post(
        "/front-door/contacts/autosave/", {"token": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 404 and not Contact.objects.exists()


# --- The form ----------------------------------------------------------------------------


def test_submitting_without_a_receipt_time_or_source_names_each_error_and_keeps_the_rest(fd, login):
    c = login(fd.worker)
    token = uuid.uuid4()
    data = form_data(
        token,
        action="submit",
        received_date_0="",
        received_date_1="",
        received_date_2="",
        received_time="",
        referrer_kind="",
    )
    r = c.post("/front-door/contacts/new/", data)
    page = r.content.decode()
    assert r.status_code == 200 and "<title>Error: " in page
    errors = summary(page)
    assert ("#id_received_date_0", "Enter the date and time the contact was received") in errors
    assert ("#id_referrer_kind", "Select who made the contact") in errors
    assert ("#id_q", "Add the child or children the contact is about") in errors
    assert 'value="Ms Ada Pryce"' in page and ">Bruise on her cheek</textarea>" in page
    assert Contact.objects.get(token=token).is_draft  # what was typed is kept as a draft


def test_a_mistyped_time_is_named_and_nothing_else_is_lost(fd, login):
    c = login(fd.worker)
    r = c.post(
        "/front-door/contacts/new/", form_data(uuid.uuid4(), action="submit", received_time="9.3pm")
    )
    page = r.content.decode()
    assert ("#id_received_time", "Enter the time received like 14:30") in summary(page)
    assert 'value="9.3pm"' in page


def test_find_link_submit_and_a_double_click(fd, f, login):
    f.person(given_name="Amelie", family_name="Okafor", date_of_birth=dt.date(2019, 3, 14))
    c = login(fd.worker)
    token = uuid.uuid4()
    r = c.post(
        "/front-door/contacts/new/",
        {**form_data(token), "action": "search", "q": "Amelia Okafor 14/03/2019"},
    )
    contact = Contact.objects.get(token=token)
    assert r.status_code == 302 and "q=Amelia" in r["Location"]
    page = c.get(r["Location"]).content.decode()
    assert "People it may be" in page and "Strong match" in page
    assert f'name="link" value="{fd.child.pk}"' in page

    r = c.post(
        f"/front-door/contacts/{contact.pk}/edit/", {**form_data(token), "link": str(fd.child.pk)}
    )
    assert r.status_code == 302
    page = c.get(f"/front-door/contacts/{contact.pk}/edit/").content.decode()
    assert "History: Amelia Okafor" in page
    assert "Grace Okafor" in page  # her mother, in the history panel

    r = c.post(f"/front-door/contacts/{contact.pk}/edit/", {**form_data(token), "action": "submit"})
    assert r.status_code == 302 and r["Location"] == f"/front-door/contacts/{contact.pk}/"
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_DECISION
    # The second click of a double click, from the page as it was: no second contact.
    r = c.post("/front-door/contacts/new/", {**form_data(token), "action": "submit"})
    assert r.status_code == 302 and r["Location"] == f"/front-door/contacts/{contact.pk}/"
    assert Contact.objects.count() == 1


def test_htmx_search_fragment_ranks_with_reasons(fd, login):
    c = login(fd.worker)
    r = c.get(
        "/front-door/people/search/", {"q": "Amelia Okafor 14/03/2019"}, HTTP_HX_REQUEST="true"
    )
    page = r.content.decode()
    assert r.status_code == 200 and "<html" not in page
    assert "Amelia Okafor" in page and "Strong match" in page
    r = c.get("/front-door/people/search/", {"q": "Nobody Atall"})
    assert "No one found" in r.content.decode()


def test_adding_a_child_not_on_record(fd, login):
    c = login(fd.worker)
    token = uuid.uuid4()
    r = c.post(
        "/front-door/contacts/new/", {**form_data(token), "action": "new_child", "q": "Noah Bell"}
    )
    contact = Contact.objects.get(token=token)
    assert r["Location"].startswith(f"/front-door/contacts/{contact.pk}/people/new/?role=child")
    page = c.get(r["Location"]).content.decode()
    assert 'value="Noah"' in page and 'value="Bell"' in page
    r = c.post(
        f"/front-door/contacts/{contact.pk}/people/new/",
        {
            "role": "child",
            "kind": "child",
            "given_name": "Noah",
            "family_name": "Bell",
            "sex": "M",
            "date_of_birth_0": "1",
            "date_of_birth_1": "2",
            "date_of_birth_2": "2026",
            "address-line1": "3 Birch Close",
            "address-town": "Lambury",
            "address-postcode": "SE15 4QT",
        },
    )
    assert r.status_code == 302
    link = contact.people.get()
    assert link.person.display_name == "Noah Bell" and link.role == "child"
    assert link.person.addresses.get().postcode == "SE15 4QT"


# --- Who sees what ----------------------------------------------------------------------------


@pytest.fixture
def asked(fd):
    """A contact with a request to the police and a photograph."""
    contact = fd.contact()
    services.contact_rate(acting_user=fd.worker, contact=contact, rag="amber")
    (request,) = services.information_requests_send(
        acting_user=fd.worker, contact=contact, organisations=[fd.police],
        question="Any incidents at the address?", form_token=uuid.uuid4(),
    )  # fmt: skip
    fd.child.addresses.create(line1="14 Alder Road", town="Lambury", postcode="SE15 4QT")
    return contact, request


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("police_user", "partner_request", 200),
        ("health_user", "partner_request", 404),
        ("police_user", "contact", 404),
        ("police_user", "contact_edit", 404),
        ("police_user", "person", 404),
        ("police_user", "dashboard", 404),
        ("police_user", "chase_list", 404),
        ("health_user", "person", 404),
        ("worker", "partner_request", 404),
        ("worker", "contact", 200),
        ("manager", "contact", 200),
        ("social_worker", "contact", 404),
        ("social_worker", "dashboard", 404),
        ("other_manager", "contact", 404),
    ],
)
def test_access_matrix(fd, f, asked, client, who, url, status):
    contact, request = asked
    users = {
        "social_worker": f.user("social_worker", team=fd.assessment),
        "other_manager": f.user("team_manager", team=fd.assessment),
    }
    user = users.get(who) or getattr(fd, who)
    client.force_login(user)
    urls = {
        "partner_request": f"/front-door/partner/requests/{request.pk}/",
        "contact": f"/front-door/contacts/{contact.pk}/",
        "contact_edit": f"/front-door/contacts/{contact.pk}/edit/",
        "person": f"/people/{fd.child.pk}/",
        "dashboard": "/front-door/",
        "chase_list": "/front-door/requests/",
    }
    assert client.get(urls[url]).status_code == status


@pytest.mark.parametrize("who", ["police_user", "health_user", "social_worker", "other_manager"])
def test_outsiders_are_refused_every_front_door_action_and_change_nothing(
    fd, f, asked, client, who
):
    """Partners, and staff outside the front door, get "not found" for every page and
    every action on a contact, and nothing they send changes the record."""
    contact, request = asked
    photo = SimpleUploadedFile("bruise.jpg", jpeg_with_location(), content_type="image/jpeg")
    attachment = services.attachment_add(acting_user=fd.worker, contact=contact, upload=photo)
    casework.child_protection_plan_record(
        acting_user=None, person=fd.child, start_date=dt.date(2026, 1, 5)
    )
    (flag,) = services.contact_flags_refresh(acting_user=fd.worker, contact=contact)
    users = {
        "social_worker": lambda: f.user("social_worker", team=fd.assessment),
        "other_manager": lambda: f.user("team_manager", team=fd.assessment),
    }
    client.force_login(users[who]() if who in users else getattr(fd, who))
    base = f"/front-door/contacts/{contact.pk}"
    upload = SimpleUploadedFile("x.jpg", jpeg_with_location(), content_type="image/jpeg")
    refused = [
        ("get", "/front-door/contacts/new/", {}),
        ("get", f"{base}/attachments/{attachment.pk}/", {}),
        ("get", f"/front-door/people/search/?q=Okafor&token={contact.token}", {}),
        ("post", "/front-door/contacts/autosave/", {"token": str(contact.token), "concern": "x"}),
        ("post", f"{base}/edit/", form_data(contact.token, concern="Changed")),
        ("post", f"{base}/people/new/", {"role": "child", "given_name": "X"}),
        ("post", f"{base}/rating/", {"rating-rag": "green", "rating-reason": "x"}),
        ("post", f"{base}/requests/", {"requests-organisations": [fd.health.pk]}),
        ("post", f"{base}/decision/", {"decision-decision": "no_further_action"}),
        ("post", f"{base}/authorise/", {"action": "authorise"}),
        ("post", f"{base}/attachments/", {"attachment-file": upload}),
        ("post", f"/front-door/flags/{flag.pk}/acknowledge/", {f"flag{flag.pk}-note": "x"}),
        ("post", f"/front-door/requests/{request.pk}/chase/", {"note": "x"}),
    ]
    for method, url, data in refused:
        r = getattr(client, method)(url, data)
        assert r.status_code == 404, (method, url, r.status_code)
    contact.refresh_from_db()
    assert contact.concern == "Bruise on the cheek; says she fell." and contact.rag == "amber"
    assert contact.status == ContactStatus.AWAITING_DECISION and not contact.decision
    assert contact.attachments.count() == 1 and contact.requests.count() == 1
    assert not request.chases.exists()
    flag.refresh_from_db()
    assert not flag.acknowledged


def test_a_partner_sees_identifying_details_and_never_the_concern(fd, asked, client):
    contact, request = asked
    client.force_login(fd.police_user)
    listing = client.get("/front-door/partner/requests/").content.decode()
    assert "Amelia Okafor" in listing
    page = client.get(f"/front-door/partner/requests/{request.pk}/").content.decode()
    for shown in (
        "Any incidents at the address?",
        "Amelia Okafor",
        "14 March 2019",
        "14 Alder Road, Lambury, SE15 4QT",
    ):
        assert shown in page
    for hidden in ("Bruise on the cheek", "Ms Ada Pryce", "Alder Primary", contact.reference):
        assert hidden not in page
    client.post(f"/front-door/partner/requests/{request.pk}/", {"response": ""})
    r = client.post(
        f"/front-door/partner/requests/{request.pk}/",
        {"response": "Two call-outs to the address in 2025"},
    )
    assert r.status_code == 302
    request.refresh_from_db()
    assert request.status == "answered"
    # The health user's list is empty: they were not asked.
    client.force_login(fd.health_user)
    assert "Amelia" not in client.get("/front-door/partner/requests/").content.decode()
    assert (
        client.post(f"/front-door/partner/requests/{request.pk}/", {"response": "x"}).status_code
        == 404
    )


def test_someone_elses_draft_is_not_found(fd, f, login):
    draft = services.contact_draft_save(acting_user=fd.worker, token=uuid.uuid4(), values={})
    c = login(f.user("front_door", team=fd.team))
    assert c.get(f"/front-door/contacts/{draft.pk}/").status_code == 404
    assert c.get(f"/front-door/contacts/{draft.pk}/edit/").status_code == 404


def test_navigation(fd, f, client):
    client.force_login(fd.worker)
    assert 'href="/front-door/"' in client.get("/").content.decode()
    client.force_login(fd.manager)
    assert 'href="/front-door/"' in client.get("/").content.decode()
    client.force_login(f.user("social_worker"))
    assert 'href="/front-door/"' not in client.get("/").content.decode()
    client.force_login(fd.police_user)
    page = client.get("/").content.decode()
    assert 'href="/front-door/partner/requests/"' in page and 'href="/front-door/"' not in page


# --- Deciding through the pages ------------------------------------------------------------------


def test_authorising_with_open_flags_is_refused_on_the_page(fd, login, client):
    casework.child_protection_plan_record(
        acting_user=None, person=fd.child, start_date=dt.date(2026, 1, 5)
    )
    contact = fd.contact()
    c = login(fd.worker)
    r = c.post(
        f"/front-door/contacts/{contact.pk}/decision/",
        {"decision-decision": "referral", "decision-reason": "r", "decision-team": ""},
    )
    assert ("#id_decision-team", "Select the team that will take the referral") in summary(
        r.content.decode()
    )
    c.post(
        f"/front-door/contacts/{contact.pk}/decision/",
        {"decision-decision": "information_advice", "decision-reason": "Passed to CP worker"},
    )
    client.force_login(fd.manager)
    r = client.post(f"/front-door/contacts/{contact.pk}/authorise/", {"action": "authorise"})
    page = html_lib.unescape(r.content.decode())
    assert "Acknowledge every flag before authorising" in page and "<title>Error: " in page
    flag = contact.flags.get()
    r = client.post(f"/front-door/flags/{flag.pk}/acknowledge/", {f"flag{flag.pk}-note": ""})
    assert (f"#id_flag{flag.pk}-note", "Say what you have considered about this flag") in summary(
        r.content.decode()
    )
    client.post(
        f"/front-door/flags/{flag.pk}/acknowledge/", {f"flag{flag.pk}-note": "Told CP worker"}
    )
    r = client.post(f"/front-door/contacts/{contact.pk}/authorise/", {"action": "authorise"})
    assert r.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    page = client.get(f"/front-door/contacts/{contact.pk}/").content.decode()
    assert "Letter to the referrer" in page and "information and advice have been given" in page


def test_the_clock_shows_red_when_the_decision_is_late(fd, login):
    with time_machine.travel(at(2026, 4, 2, 16), tick=False):
        contact = fd.contact(received_at=at(2026, 4, 2, 15))
    with time_machine.travel(at(2026, 4, 7, 16), tick=False):
        page = login(fd.worker).get("/front-door/").content.decode()
        assert "1h working time left" in page
    with time_machine.travel(at(2026, 4, 8, 10), tick=False):
        page = login(fd.worker).get(f"/front-door/contacts/{contact.pk}/").content.decode()
        assert (
            '<strong class="govuk-tag govuk-tag--red">Overdue by 1h working time</strong>' in page
        )
        assert "Decision due by 7 April 2026 17:00" in page


def test_a_breach_across_easter_stays_visible_on_the_contact_and_the_dashboard(fd, f, login):
    """Received on the Thursday before Easter: Good Friday and Easter Monday are bank
    holidays, so the decision is due by close of Tuesday. One decision is authorised in
    time, the other the next morning; the late one says how late in working time."""
    brother = f.person(given_name="Daniel", family_name="Okafor")
    with time_machine.travel(at(2026, 4, 2, 16), tick=False):
        late = fd.contact(received_at=at(2026, 4, 2, 15))
        in_time = fd.contact(received_at=at(2026, 4, 2, 15, 30), people=[(brother, "child")])
    with time_machine.travel(at(2026, 4, 6, 12), tick=False):  # Easter Monday
        page = login(fd.worker).get(f"/front-door/contacts/{late.pk}/").content.decode()
        assert "Decision due by 7 April 2026 17:00" in page
        assert '<strong class="govuk-tag govuk-tag--grey">8h working time left</strong>' in page
    with time_machine.travel(at(2026, 4, 7, 10), tick=False):
        for contact in (late, in_time):
            services.contact_decide(
                acting_user=fd.worker, contact=contact, decision="early_help", reason="r"
            )
        services.contact_authorise(acting_user=fd.manager, contact=in_time)
    with time_machine.travel(at(2026, 4, 8, 10, 30), tick=False):
        services.contact_authorise(acting_user=fd.manager, contact=late)
        c = login(fd.manager)
        page = html_lib.unescape(c.get(f"/front-door/contacts/{late.pk}/").content.decode())
        assert '<strong class="govuk-tag govuk-tag--red">Late</strong>' in page
        page = html_lib.unescape(c.get(f"/front-door/contacts/{in_time.pk}/").content.decode())
        assert '<strong class="govuk-tag govuk-tag--green">In time</strong>' in page
        page = html_lib.unescape(c.get("/front-door/").content.decode())
        assert "Decided late in the last 28 days: 1" in page
        assert "2 decisions authorised: 50% within one working day of receipt, " in page
        table = page.split("Decisions authorised late", 1)[1].split("</table>", 1)[0]
        assert late.reference in table and in_time.reference not in table
        assert "Overdue by 1h 30m working time" in table


def test_several_agencies_and_kinds_of_concern_can_be_chosen(fd, login):
    """Multiple-choice questions are checkboxes, not radios: a worker asks the police
    and health at once, and a concern can be of more than one kind."""
    contact = fd.contact()
    c = login(fd.worker)
    page = c.get(f"/front-door/contacts/{contact.pk}/").content.decode()
    assert re.search(r'name="requests-organisations" type="checkbox"', page)
    form = c.get(f"/front-door/contacts/{contact.pk}/edit/").content.decode()
    assert re.search(r'name="categories" type="checkbox"', form)
    assert not re.search(r'name="(categories|requests-organisations)" type="radio"', page + form)


def test_chase_list_highlights_overdue_and_records_a_chase(fd, asked, login):
    contact, request = asked
    c = login(fd.worker)
    InformationRequest.objects.filter(pk=request.pk).update(due_at=at(2026, 1, 5))
    page = c.get("/front-door/requests/").content.decode()
    assert "Overdue" in page and "Lambshire Police" in page
    r = c.post(f"/front-door/requests/{request.pk}/chase/", {"next": "https://evil.example/"})
    assert r["Location"] == "/front-door/requests/"
    assert request.chases.count() == 1
    assert "chased 1 time" in c.get(f"/front-door/contacts/{contact.pk}/").content.decode()


# --- Queries per page ------------------------------------------------------------------------


def _queries(client, url: str, *, reads_only: bool = False) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    if not reads_only:
        return len(ctx)
    # The access log writes one entry per person viewed, by design (on PostgreSQL each
    # also takes the chain's advisory lock); count the reads.
    audit_writes = ("audit_auditevent", "SAVEPOINT", "pg_advisory_xact_lock")
    return sum(1 for q in ctx.captured_queries if not any(w in q["sql"] for w in audit_writes))


def test_contact_page_queries_do_not_grow_with_the_people_and_history(fd, f, login):
    c = login(fd.worker)
    small = fd.contact()
    base = _queries(c, f"/front-door/contacts/{small.pk}/", reads_only=True)

    children = [f.person(given_name=f"Sib{i}", family_name="Okafor") for i in range(4)]
    for child in children:
        f.relate(child, fd.mother, "parent")
        f.relate(child, fd.child, "sibling")
        f.involve(child, fd.assessment)
        casework.cin_episode_open(
            acting_user=None, person=child, referral_date=dt.date(2025, 1, 1), referral_source="2A"
        )
    for _ in range(3):
        fd.contact(people=[(fd.child, "child"), *[(ch, "child") for ch in children]])
    big = fd.contact(
        people=[(fd.child, "child"), (fd.mother, "adult"), *[(ch, "child") for ch in children]]
    )
    services.contact_rate(acting_user=fd.worker, contact=big, rag="red")
    services.information_requests_send(
        acting_user=fd.worker,
        contact=big,
        organisations=[fd.police, fd.health],
        question="Q",
        form_token=uuid.uuid4(),
    )
    assert _queries(c, f"/front-door/contacts/{big.pk}/", reads_only=True) == base


def test_dashboard_queries_do_not_grow_with_the_worklist(fd, f, login):
    def one_of_each(n: int) -> None:
        for i in range(n):
            kid = f.person(given_name=f"Kid{i}", date_of_birth=dt.date(2026, 1, 1))  # a baby
            fd.contact(people=[(kid, "child")])  # new, with an injury flag
            rated = fd.contact(people=[(kid, "child")])
            services.contact_rate(acting_user=fd.worker, contact=rated, rag="green")
            services.information_requests_send(
                acting_user=fd.worker,
                contact=rated,
                organisations=[fd.police],
                question="Q",
                form_token=uuid.uuid4(),
            )
            decided = fd.contact(people=[(kid, "child")])
            services.contact_decide(
                acting_user=fd.worker, contact=decided, decision="early_help", reason="r"
            )
        InformationRequest.objects.update(due_at=at(2026, 1, 5))  # all overdue

    c = login(fd.manager)
    services.contact_draft_save(acting_user=fd.manager, token=uuid.uuid4(), values={})
    one_of_each(1)
    base = _queries(c, "/front-door/")
    one_of_each(6)
    assert _queries(c, "/front-door/") == base
