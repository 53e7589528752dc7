"""The partner referral API: sending a referral with an idempotency key, field errors
in the problem format, files with a referral, reading status and outcome, the audit of
every call, and the OpenAPI document."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from hearth.api.tests.conftest import referral_body
from hearth.audit.models import AuditEvent
from hearth.frontdoor.models import Contact, ContactAttachment, ContactStatus

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals"
PROBLEM = "application/problem+json"


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["type"] and body["title"] and body["detail"]
    return body


def _photo_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 28.0, 0.0)}  # GPSInfo: where the family lives
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


# --- Sending a referral ---------------------------------------------------------------------


def test_a_referral_arrives_on_the_front_doors_list(partners):
    api = partners.api(partners.school_token)
    r = api.refer()
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "reference", "received_at", "status", "outcome", "decided_at"}
    assert body["status"] == "received" and body["outcome"] is None
    assert r["Location"] == f"/api/v1/referrals/{body['id']}"
    contact = Contact.objects.get(pk=body["id"])
    assert contact.status == ContactStatus.AWAITING_DECISION
    assert contact.recorded_via == "partner" and contact.partner_organisation == partners.school
    assert contact.referrer_name == "Ada Pryce" and contact.referrer_email == partners.teacher.email
    assert contact.referral_source == "2A"  # CIN ReferralSource: schools
    assert contact.reported_people[0]["nhs_number"] == "9434765919"
    assert contact.reported_people[0]["date_of_birth"] == "2019-03-14"
    assert contact.decision_due_at is not None


def test_a_service_user_token_must_name_the_referrer(partners):
    api = partners.api(partners.police_token)  # acts as the police service user
    body = _problem(api.refer(), 400)
    assert list(body["errors"]) == ["referrer_name"]
    r = api.refer(referral_body(referrer_name="DC Sam Ortiz", referrer_kind="police"))
    assert r.status_code == 201
    contact = Contact.objects.get(pk=r.json()["id"])
    assert contact.referrer_name == "DC Sam Ortiz" and contact.referrer_email == ""
    assert contact.referrer_organisation == "Lambshire Police" and contact.referral_source == "6"


def test_the_same_key_and_body_twice_makes_one_referral(partners):
    api = partners.api(partners.school_token)
    key = str(uuid.uuid4())
    first = api.refer(key=key)
    again = api.refer(key=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again["Location"] == first["Location"]
    assert Contact.objects.count() == 1


def test_a_replay_returns_the_first_answer_even_after_the_status_moved_on(partners):
    api = partners.api(partners.school_token)
    key = str(uuid.uuid4())
    first = api.refer(key=key)
    partners.decide(Contact.objects.get())
    assert api.refer(key=key).json() == first.json()  # the first result, as sent
    assert api.get(first["Location"]).json()["status"] == "decided"  # the news is here


def test_the_same_key_with_another_body_is_a_422_problem(partners):
    api = partners.api(partners.school_token)
    key = str(uuid.uuid4())
    assert api.refer(key=key).status_code == 201
    body = _problem(api.refer(referral_body(concern="Something else"), key=key), 422)
    assert body["type"] == "urn:hearth:problem:idempotency-key-reused"
    assert Contact.objects.count() == 1


def test_keys_are_per_organisation(partners):
    key = str(uuid.uuid4())
    assert partners.api(partners.school_token).refer(key=key).status_code == 201
    police = partners.api(partners.police_token)
    r = police.refer(referral_body(referrer_name="DC Sam Ortiz"), key=key)
    assert r.status_code == 201 and "Idempotent-Replayed" not in r
    assert Contact.objects.count() == 2


def test_a_refused_request_keeps_nothing_so_it_may_be_corrected_with_the_same_key(partners):
    api = partners.api(partners.school_token)
    key = str(uuid.uuid4())
    _problem(api.refer(referral_body(categories=[]), key=key), 400)
    assert api.refer(key=key).status_code == 201
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("key", "message"),
    [(None, "Send an Idempotency-Key"), ("", "Send an Idempotency-Key"),
     ("has space", "visible ASCII"), ("x" * 256, "visible ASCII")],
)  # fmt: skip
def test_the_idempotency_key_is_required_and_checked(partners, key, message):
    api = partners.api(partners.school_token)
    headers = {"Authorization": f"Bearer {partners.school_token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    r = api.client.post(URL, referral_body(), content_type="application/json", headers=headers)
    body = _problem(r, 400)
    assert message in body["errors"]["Idempotency-Key"][0]
    assert not Contact.objects.exists()


# --- Bad input: field errors in the problem format -------------------------------------------


def test_malformed_fields_are_named_one_by_one(partners):
    api = partners.api(partners.school_token)
    person = {"role": "cousin", "date_of_birth": "14/03/2019", "nhs_number": "1234567890"}
    wrong = referral_body(
        concern="",
        categories=["physical_injury", "alien_abduction"],
        people=[referral_body()["people"][0], person],
        consent="maybe",
        referrer_phone="call me",
    )
    body = _problem(api.refer({**wrong, "colour": "blue"}), 400)
    assert body["type"] == "urn:hearth:problem:validation"
    assert body["title"] == "Your request has errors"
    assert set(body["errors"]) == {"colour"}  # an unknown field is refused first, on its own
    r = api.refer(wrong)
    errors = _problem(r, 400)["errors"]
    assert set(errors) == {
        "concern", "categories[1]", "people[1].role", "people[1].date_of_birth",
        "people[1].nhs_number", "consent", "referrer_phone",
    }  # fmt: skip
    assert "check digit" in errors["people[1].nhs_number"][0]
    assert all(isinstance(m, str) and m for msgs in errors.values() for m in msgs)
    assert not Contact.objects.exists()


def test_the_rules_of_a_referral_come_back_as_field_errors(partners):
    api = partners.api(partners.school_token)
    adult_only = [{"role": "adult", "given_name": "Grace", "family_name": "Okafor"}]
    errors = _problem(api.refer(referral_body(people=adult_only, consent_reason="")), 400)["errors"]
    assert errors["people"] == ["Tell us about at least one child"]
    assert errors["consent_reason"] == ["Explain why consent was not given or not sought"]
    nameless = [{"role": "child", "date_of_birth": "2099-01-01"}]
    errors = _problem(api.refer(referral_body(people=nameless)), 400)["errors"]
    assert errors["people"] == [
        "Person 1: enter their first name or last name",
        "Person 1: the date of birth must be today or in the past",
    ]


@pytest.mark.parametrize(
    "raw",
    ['{"concern": ', "[]", '"a string"', "null", "{}", '{"people": "Amelia"}'],
)
def test_bodies_that_are_not_a_referral_are_400_problems(partners, raw):
    api = partners.api(partners.school_token)
    body = _problem(api.post(URL, raw, key=str(uuid.uuid4()), raw=True), 400)
    assert body["errors"]
    assert not Contact.objects.exists()


def test_only_json_is_accepted(partners):
    api = partners.api(partners.school_token)
    r = api.client.post(
        URL, "concern=x", content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {partners.school_token}", "Idempotency-Key": "k1"},
    )  # fmt: skip
    _problem(r, 415)


# --- Status and outcome ------------------------------------------------------------------------


def test_status_moves_from_received_to_screened_to_decided_with_the_letters_words(partners):
    api = partners.api(partners.school_token)
    url = api.refer()["Location"]
    assert api.get(url).json()["status"] == "received"
    contact = Contact.objects.get()
    partners.decide(contact, decision="strategy_discussion")
    body = api.get(url).json()
    assert body["status"] == "decided" and body["decided_at"]
    # A strategy discussion is case detail: the referrer hears what any referral hears.
    assert body["outcome"] == "A children's social care team is taking the concern forward"
    assert "strategy" not in str(body).lower() and "Amelia" not in str(body)


def test_a_referral_being_screened(partners):
    from hearth.frontdoor import services as frontdoor

    api = partners.api(partners.school_token)
    url = api.refer()["Location"]
    frontdoor.contact_person_link(
        acting_user=partners.worker, contact=Contact.objects.get(), person=partners.child
    )
    assert api.get(url).json()["status"] == "being_screened"


def test_the_list_is_the_organisations_own_newest_first_and_paged(partners, f):
    school = partners.api(partners.school_token)
    colleague = f.user("partner", organisation=partners.school)
    from hearth.frontdoor import services as frontdoor

    ids = [school.refer().json()["id"] for _ in range(3)]
    by_colleague = frontdoor.referral_submit_by_partner(
        acting_user=colleague, token=uuid.uuid4(), concern="Missing from school",
        categories=["missing"], people=[{"role": "child", "given_name": "Zara"}],
        consent="given",
    )  # fmt: skip
    police = partners.api(partners.police_token)
    police.refer(referral_body(referrer_name="DC Sam Ortiz"))
    body = school.get(URL).json()
    assert body["count"] == 4
    assert [r["id"] for r in body["results"]] == [by_colleague.pk, *reversed(ids)]
    assert police.get(URL).json()["count"] == 1
    assert _problem(school.get(URL, page=9), 404)


def test_list_queries_do_not_grow_with_the_referrals(partners):
    api = partners.api(partners.school_token)
    api.refer()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(URL).status_code == 200
        return len(ctx)

    base = count()
    for _ in range(6):
        api.refer()
    partners.decide(Contact.objects.first())
    assert count() == base


# --- Files with a referral ---------------------------------------------------------------------


def test_a_photograph_is_kept_without_its_location(partners, settings):
    api = partners.api(partners.school_token)
    url = api.refer()["Location"] + "/attachments"
    photo = io.BytesIO(_photo_with_gps())
    photo.name = "arm.jpg"
    r = api.upload(url, {"file": photo, "description": "Left arm"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "arm.jpg" and body["content_type"] == "image/jpeg"
    assert body["kind"] == "photo" and body["metadata_removed"] is True
    stored = ContactAttachment.objects.get()
    assert stored.uploaded_by == partners.teacher and stored.description == "Left arm"
    with stored.file.open("rb") as kept, Image.open(kept) as img:
        assert not img.getexif().get_ifd(0x8825)  # no GPS
    # Kept under MEDIA_ROOT, outside the static files the web server hands out, under a
    # random name (nothing the sender chose reaches the file system).
    kept = Path(stored.file.path)
    assert kept.is_relative_to(settings.MEDIA_ROOT)
    assert not kept.is_relative_to(settings.STATIC_ROOT) and "arm" not in kept.name


def test_wrong_type_empty_and_oversize_files_are_refused(partners, settings):
    api = partners.api(partners.school_token)
    url = api.refer()["Location"] + "/attachments"
    exe = io.BytesIO(b"MZ\x90\x00 not a photo")
    exe.name = "bruise.jpg"
    body = _problem(api.upload(url, {"file": exe}), 400)
    assert body["errors"]["file"] == [
        "The selected file must be a JPG or PNG photograph, a PDF or a Word document (DOCX)"
    ]
    empty = io.BytesIO(b"")
    empty.name = "empty.pdf"
    assert _problem(api.upload(url, {"file": empty}), 400)["errors"]["file"]
    assert _problem(api.upload(url, {}), 400)["errors"]["file"]
    settings.HEARTH_ATTACHMENT_MAX_BYTES = 1024
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * 2048)
    big.name = "report.pdf"
    body = _problem(api.upload(url, {"file": big}), 413)
    assert body["type"] == "urn:hearth:problem:file-too-large"
    assert body["errors"]["file"] == ["The selected file must be smaller than 1 KB"]
    assert not ContactAttachment.objects.exists()


def test_no_files_after_the_decision(partners):
    api = partners.api(partners.school_token)
    url = api.refer()["Location"]
    partners.decide(Contact.objects.get())
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF")
    pdf.name = "late.pdf"
    body = _problem(api.upload(url + "/attachments", {"file": pdf}), 409)
    assert body["type"] == "urn:hearth:problem:referral-decided"


# --- Every call audited ------------------------------------------------------------------------


def test_every_call_is_audited_refusals_included(partners):
    api = partners.api(partners.school_token)
    key = str(uuid.uuid4())
    created = api.refer(key=key).json()
    api.refer(key=key)
    api.get(f"{URL}/{created['id']}")
    api.get(URL)
    partners.api(None).get(URL)
    partners.api("hearth_deadbeef_wrong").get(URL)
    # The call that made the referral is audited by the referral's own entry (one entry
    # under the chain's lock, not two), with the call's details under "api".
    made = AuditEvent.objects.get(event="frontdoor.contact.partner_referral")
    assert made.actor_id == partners.teacher.pk and made.object_id == str(created["id"])
    call = made.data["api"]
    assert (call["method"], call["path"], call["status"]) == ("POST", URL, 201)
    assert call["token"] == partners.school_token.split("_")[1]
    assert call["organisation"] == partners.school.pk
    assert call["idempotency_key"] == key and call["replayed"] is False
    calls = list(AuditEvent.objects.filter(event="api.request").order_by("id"))
    assert [(c.data["method"], c.data["status"]) for c in calls] == [
        ("POST", 201), ("GET", 200), ("GET", 200), ("GET", 401), ("GET", 401),
    ]  # fmt: skip
    replay = calls[0]
    assert replay.data["replayed"] is True and replay.data["idempotency_key"] == key
    assert replay.data["referral"] == created["id"]
    assert calls[2].data["referrals"] == [created["id"]]
    assert calls[3].actor_id is None and calls[3].data["token"] == ""
    assert calls[4].data["token"] == "deadbeef"
    every = [made, *calls]
    assert all(partners.school_token not in str(c.data) for c in every)  # never the secret


def test_a_refused_create_is_audited_too(partners):
    api = partners.api(partners.school_token)
    api.refer(referral_body(categories=[]), key="k-1")
    (call,) = AuditEvent.objects.filter(event="api.request")
    assert call.data["status"] == 400 and call.data["idempotency_key"] == "k-1"
    assert not AuditEvent.objects.filter(event="frontdoor.contact.partner_referral").exists()


# --- The OpenAPI document ---------------------------------------------------------------------


def test_the_openapi_document_describes_the_referral_api(partners):
    api = partners.api(partners.school_token)
    r = api.client.get(
        "/api/v1/schema/",
        headers={"Authorization": f"Bearer {partners.school_token}",
                 "Accept": "application/vnd.oai.openapi+json"},
    )  # fmt: skip
    assert r.status_code == 200
    doc = r.json()
    paths = doc["paths"]
    create = paths["/api/v1/referrals"]["post"]
    assert {"201", "400", "401", "403", "422"} <= set(create["responses"])
    headers = [p for p in create["parameters"] if p["in"] == "header"]
    assert headers[0]["name"] == "Idempotency-Key" and headers[0]["required"] is True
    assert create["security"] == [{"partnerToken": []}]
    assert doc["components"]["securitySchemes"]["partnerToken"]["scheme"] == "bearer"
    assert {"200", "401", "404"} <= set(paths["/api/v1/referrals/{id}"]["get"]["responses"])
    upload = paths["/api/v1/referrals/{id}/attachments"]["post"]
    assert {"201", "400", "404", "409", "413"} <= set(upload["responses"])
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "get" in paths["/api/v1/referrals"]
    problem = create["responses"]["400"]["content"]
    assert list(problem) == ["application/problem+json"]  # as the errors are sent
    assert problem["application/problem+json"]["schema"]["$ref"] == "#/components/schemas/Problem"
    assert list(upload["responses"]["413"]["content"]) == ["application/problem+json"]
    fields = doc["components"]["schemas"]["ReferralCreate"]["properties"]
    assert {"concern", "categories", "people", "consent", "referrer_phone"} <= set(fields)
