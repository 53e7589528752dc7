"""The partner referral form and "My referrals" through the test client: the error
summary keeping what was typed, "Add another person", files, the double click, status
and outcome without case detail, and bounded queries."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from hearth.frontdoor import services
from hearth.frontdoor.models import Contact, ContactAttachment
from hearth.frontdoor.tests.test_views import summary

pytestmark = pytest.mark.django_db
NEW = "/front-door/partner/referrals/new/"


def form(token: uuid.UUID | None = None, **extra) -> dict:
    data = {
        "token": str(token or uuid.uuid4()), "people": "1", "action": "submit",
        "concern": "Amelia has bruises on both arms and said her step-dad grabbed her.",
        "categories": ["physical_injury"], "consent": "not_sought",
        "consent_reason": "Asking may put her at risk", "referrer_kind": "police",
        "referrer_role": "Response officer", "referrer_phone": "01632 960 001",
        "person-0-role": "child", "person-0-given_name": "Amelia",
        "person-0-family_name": "Okafor", "person-0-date_of_birth_0": "14",
        "person-0-date_of_birth_1": "3", "person-0-date_of_birth_2": "2019",
        "person-0-address": "14 Alder Road, Lambury", "person-0-nhs_number": "9434765919",
    }  # fmt: skip
    data.update(extra)
    return data


def _photo() -> SimpleUploadedFile:
    img = Image.new("RGB", (20, 20), "blue")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 28.0, 0.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("arm.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_partner_finds_the_form_from_the_navigation(fd, login):
    c = login(fd.police_user)
    home = c.get("/").content.decode()
    assert 'href="/front-door/partner/referrals/"' in home and "My referrals" in home
    listing = c.get("/front-door/partner/referrals/").content.decode()
    assert f'href="{NEW}"' in listing and "You have not sent any referrals yet" in listing
    page = c.get(NEW).content.decode()
    assert "Make a referral to children" in page and "call 999" in page
    # The service the police refer from is chosen already (CIN source 6, police).
    assert '<option value="police" selected>' in page


def test_a_referral_sent_arrives_once_even_when_sent_twice(fd, login):
    c = login(fd.police_user)
    data = form()
    r = c.post(NEW, data)
    contact = Contact.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/front-door/partner/referrals/{contact.pk}/"
    assert c.post(NEW, data)["Location"] == r["Location"]  # a double click: the same one
    assert Contact.objects.count() == 1
    assert contact.status == "awaiting_decision" and contact.partner_organisation == fd.police
    assert contact.referrer_name == "PC Jo Hale" and contact.referrer_phone == "01632 960 001"
    assert contact.referral_source == "6"
    assert contact.reported_people == [{
        "role": "child", "given_name": "Amelia", "family_name": "Okafor",
        "date_of_birth": "2019-03-14", "address": "14 Alder Road, Lambury",
        "nhs_number": "9434765919",
    }]  # fmt: skip
    page = c.get(r["Location"]).content.decode()
    assert f"Referral {contact.reference} sent to the front door" in page
    assert "Received" in page and "Not decided yet" in page and "Amelia Okafor" in page


def test_errors_are_summarised_and_nothing_typed_is_lost(fd, login):
    c = login(fd.police_user)
    data = form(
        concern="Saw him hit her", categories=[], consent="refused", consent_reason="",
        referrer_phone="ring me", **{"person-0-given_name": "", "person-0-family_name": "",
                                     "person-0-date_of_birth_0": "31",
                                     "person-0-date_of_birth_1": "2",
                                     "person-0-nhs_number": "1234567890",
                                     "person-0-address": "Flat 2, 9 Elm Court"},
    )  # fmt: skip
    r = c.post(NEW, data)
    assert r.status_code == 200
    page = r.content.decode()
    assert "<title>Error: Make a referral" in page
    assert summary(page) == [  # in the order of the page
        ("#id_categories_0", "Select at least one kind of concern"),
        ("#id_person-0-given_name", "Enter the first name or last name of person 1"),
        ("#id_person-0-date_of_birth_0", "The date of birth (if known) must be a real date"),
        (
            "#id_person-0-nhs_number",
            "Enter a valid NHS number: the last digit does not match the check digit",
        ),
        ("#id_consent_reason", "Explain why the family did not agree or was not asked"),
        ("#id_referrer_phone", "Enter a phone number, like 01632 960 001 or +44 808 157 0192"),
    ]
    for kept in ("Saw him hit her", 'value="ring me"', "Flat 2, 9 Elm Court", 'value="31"',
                 'value="1234567890"', 'value="refused" checked'):  # fmt: skip
        assert kept in page, kept
    assert not Contact.objects.exists()


def test_add_another_person_keeps_what_was_typed_and_shows_no_errors(fd, login):
    c = login(fd.police_user)
    data = form(action="add_person", concern="", **{"person-0-given_name": "Amel"})
    page = c.post(NEW, data).content.decode()
    assert "govuk-error-summary" not in page and "Person 2" in page
    assert 'value="Amel"' in page and 'name="people" value="2"' in page
    data = form(people="2", **{"person-1-role": "adult", "person-1-given_name": "Grace",
                               "person-1-family_name": "Okafor"})  # fmt: skip
    assert c.post(NEW, data).status_code == 302
    people = Contact.objects.get().reported_people
    assert [(p["role"], p["given_name"]) for p in people] == [
        ("child", "Amelia"),
        ("adult", "Grace"),
    ]


def test_an_empty_extra_person_is_ignored(fd, login):
    c = login(fd.police_user)
    assert c.post(NEW, form(people="3")).status_code == 302
    assert len(Contact.objects.get().reported_people) == 1


def test_at_least_one_child(fd, login):
    c = login(fd.police_user)
    page = c.post(NEW, form(**{"person-0-role": "adult"})).content.decode()
    start = page.index("govuk-error-summary")
    block = page[start : page.index("</ul>", start)]
    assert "<li>Tell us about at least one child</li>" in block  # the service's rule
    assert not Contact.objects.exists()


def test_files_sent_with_the_referral_are_checked_and_cleaned(fd, login):
    c = login(fd.police_user)
    bad = SimpleUploadedFile("bruise.jpg", b"MZ not a photo", content_type="image/jpeg")
    r = c.post(NEW, {**form(), "attachments": [_photo(), bad]})
    page = r.content.decode()
    assert r.status_code == 200
    assert summary(page) == [("#id_attachments", "bruise.jpg: The selected file must be a JPG or "
                              "PNG photograph, a PDF or a Word document (DOCX)")]  # fmt: skip
    assert "Select your files again" in page and "Amelia has bruises" in page
    assert not Contact.objects.exists() and not ContactAttachment.objects.exists()

    r = c.post(NEW, {**form(), "attachments": [_photo()]})
    assert r.status_code == 302
    stored = ContactAttachment.objects.get()
    assert stored.metadata_removed and stored.uploaded_by == fd.police_user
    with stored.file.open("rb") as kept, Image.open(kept) as img:
        assert not img.getexif().get_ifd(0x8825)
    assert "arm.jpg" in c.get(r["Location"]).content.decode()


def test_more_files_until_the_decision_and_an_oversize_one_refused(fd, login, settings):
    c = login(fd.police_user)
    url = c.post(NEW, form())["Location"]
    pdf = SimpleUploadedFile("statement.pdf", b"%PDF-1.4\n%%EOF")
    r = c.post(url + "files/", {"attachment-file": pdf, "attachment-description": "Statement"})
    assert r.status_code == 302 and ContactAttachment.objects.count() == 1
    settings.HEARTH_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    page = c.post(url + "files/", {"attachment-file": big}).content.decode()
    assert summary(page) == [("#id_attachment-file", "The selected file must be smaller than 1 KB")]
    assert ContactAttachment.objects.count() == 1


def test_the_outcome_is_the_letters_words_never_case_detail(fd, login):
    c = login(fd.police_user)
    url = c.post(NEW, form())["Location"]
    contact = Contact.objects.get()
    services.contact_person_link(acting_user=fd.worker, contact=contact, person=fd.child)
    listing = c.get("/front-door/partner/referrals/").content.decode()
    assert "Being screened" in listing
    services.contact_decide(
        acting_user=fd.worker, contact=contact, decision="strategy_discussion",
        reason="Step-father known to police for violence", team=fd.assessment,
    )  # fmt: skip
    services.contact_authorise(acting_user=fd.manager, contact=contact)
    for page in (c.get("/front-door/partner/referrals/"), c.get(url)):
        text = page.content.decode()
        assert "Decided" in text
        assert "A children&#x27;s social care team is taking the concern forward" in text
        for hidden in ("strategy", "Strategy", "Step-father known", "Assessment Team North",
                       fd.child.local_id, "Tom Reid", "Priya Shah"):  # fmt: skip
            assert hidden not in text, hidden
    # Decided: no more files from the partner (the page offers none, and a post is refused).
    assert "Send another photograph or document" not in text
    pdf = SimpleUploadedFile("late.pdf", b"%PDF-1.4\n%%EOF")
    page = c.post(url + "files/", {"attachment-file": pdf}).content.decode()
    assert "The decision on this referral has been made" in page
    assert not ContactAttachment.objects.exists()


def test_my_referrals_queries_do_not_grow_with_the_referrals(fd, login):
    c = login(fd.police_user)
    c.post(NEW, form())

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/front-door/partner/referrals/").status_code == 200
        return len(ctx)

    base = count()
    for _ in range(8):
        c.post(NEW, form())
    assert Contact.objects.count() == 9
    assert count() == base
