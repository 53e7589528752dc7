"""Partner isolation for the referral API and the partner pages: who may call what, and
that every refusal carries no data (a matrix)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client

from hearth.api.models import ApiToken
from hearth.api.services import api_token_create, api_token_revoke
from hearth.frontdoor import services as frontdoor
from hearth.frontdoor.models import Contact

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("Amelia", "Okafor", "Bruising", "2019", "Ada Pryce", "01632")


@pytest.fixture
def world(partners, f):
    """The school's referral, the police's referral, and a staff contact (a case)."""
    school = partners.api(partners.school_token).refer().json()
    police_body = {
        "concern": "Found alone at 2am",
        "categories": ["neglect"],
        "people": [{"role": "child", "given_name": "Zara", "family_name": "Bello"}],
        "consent": "given",
        "referrer_name": "DC Sam Ortiz",
        "referrer_role": "Detective constable",
        "referrer_phone": "01632 960 999",
    }
    police = partners.api(partners.police_token).refer(police_body).json()
    staff_contact = frontdoor.contact_record(
        acting_user=partners.worker,
        token=uuid.uuid4(),
        values={
            "received_at": dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC),
            "method": "phone",
            "referrer_kind": "school",
            "referrer_name": "Ada Pryce",
            "referrer_organisation": "Alder Primary School",
            "concern": "Bruising seen by the school nurse",
            "consent": "given",
        },
        categories=["physical_injury"],
        people=[(partners.child, "child")],
    )
    revoked = api_token_create(acting_user=None, organisation=partners.school, name="Old MIS",
                               user=partners.teacher)  # fmt: skip
    api_token_revoke(acting_user=None, token=revoked.token)
    return {"school": school["id"], "police": police["id"], "case": staff_contact.pk,
            "revoked": revoked.secret}  # fmt: skip


def _no_data(r) -> None:
    text = r.content.decode()
    if "<main" in text:  # a page: its header names the signed-in user, the content nothing
        text = text[text.index("<main") : text.index("</main>")]
    assert not any(word in text for word in SECRET_WORDS), text
    if r["Content-Type"].startswith("application/"):
        assert set(r.json()) <= {"type", "title", "status", "detail"}


@pytest.mark.parametrize(
    ("caller", "what", "status"),
    [
        ("school", "school", 200),
        ("school", "police", 404),  # another organisation's referral
        ("school", "case", 404),  # a contact the front door recorded: a case
        ("school", "missing", 404),
        ("police", "school", 404),
        ("police", "police", 200),
        ("no_token", "school", 401),
        ("revoked", "school", 401),
        ("garbage", "school", 401),
        ("wrong_secret", "school", 401),
        ("staff_session", "school", 401),  # staff sign-in does not open the partner API
        ("partner_session", "school", 401),  # nor does a partner's sign-in: tokens only
        ("inactive_user", "school", 401),
    ],
)
def test_api_matrix(partners, world, caller, what, status):
    tokens = {
        "school": partners.school_token,
        "police": partners.police_token,
        "revoked": world["revoked"],
        "garbage": "not-a-token",
        "wrong_secret": partners.school_token[:-4] + "AAAA",
        "inactive_user": partners.school_token,
    }
    if caller == "inactive_user":
        partners.teacher.is_active = False
        partners.teacher.save()
    api = partners.api(tokens.get(caller))
    if caller == "staff_session":
        api.client.force_login(partners.worker)
    if caller == "partner_session":
        api.client.force_login(partners.teacher)
    pk = world.get(what, 999_999)
    for url in (f"/api/v1/referrals/{pk}",):
        r = api.get(url)
        assert r.status_code == status, (url, r.content)
        if status != 200:
            _no_data(r)
            assert r["Content-Type"].startswith("application/problem+json")
    if status == 401:
        assert r["WWW-Authenticate"].startswith("Bearer")
        listing = api.get("/api/v1/referrals")
        assert listing.status_code == 401
        _no_data(listing)
        created = api.refer()
        assert created.status_code == 401
    if status in (401, 404):
        import io

        pdf = io.BytesIO(b"%PDF-1.4\n%%EOF")
        pdf.name = "x.pdf"
        upload = api.upload(f"/api/v1/referrals/{pk}/attachments", {"file": pdf})
        assert upload.status_code == status
        _no_data(upload)


def test_a_partners_list_holds_only_its_organisations_referrals(partners, world):
    school = partners.api(partners.school_token).get("/api/v1/referrals").json()
    assert [r["id"] for r in school["results"]] == [world["school"]]
    police = partners.api(partners.police_token).get("/api/v1/referrals").json()
    assert [r["id"] for r in police["results"]] == [world["police"]]


def test_staff_cannot_use_the_partner_api_even_with_a_token_made_for_them(partners):
    with pytest.raises(Exception, match="partner user of the same organisation"):
        api_token_create(
            acting_user=None, organisation=partners.school, name="x", user=partners.worker
        )
    assert not ApiToken.objects.filter(user=partners.worker).exists()


def test_a_token_whose_user_left_the_organisation_stops_working(partners, world):
    partners.teacher.organisation = partners.police
    partners.teacher.save()
    r = partners.api(partners.school_token).get(f"/api/v1/referrals/{world['school']}")
    assert r.status_code == 403
    _no_data(r)


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "what", "status"),
    [
        ("teacher", "school", 200),
        ("teacher", "police", 404),
        ("teacher", "case", 404),
        ("colleague", "school", 404),  # My referrals: a user's own
        ("officer", "school", 404),
        ("officer", "police", 404),  # made by the police service user, through the API
        ("worker", "school", 404),  # staff use the front door's own pages
        ("manager", "school", 404),
        ("social_worker", "school", 404),
    ],
)
def test_page_matrix(partners, world, f, who, what, status):
    users = {
        "teacher": partners.teacher,
        "colleague": f.user("partner", organisation=partners.school),
        "officer": partners.officer,
        "worker": partners.worker,
        "manager": partners.manager,
        "social_worker": f.user("social_worker", team=partners.assessment),
    }
    c = Client()
    c.force_login(users[who])
    r = c.get(f"/front-door/partner/referrals/{world[what]}/")
    assert r.status_code == status
    if status == 404:
        _no_data(r)
    listing = c.get("/front-door/partner/referrals/")
    new = c.get("/front-door/partner/referrals/new/")
    if who in ("worker", "manager", "social_worker"):
        assert listing.status_code == new.status_code == 404
    else:
        assert listing.status_code == new.status_code == 200
        reference = Contact.objects.get(pk=world["school"]).reference
        assert (reference in listing.content.decode()) == (who == "teacher")


def test_signed_out_is_sent_to_sign_in(world):
    r = Client().get(f"/front-door/partner/referrals/{world['school']}/")
    assert r.status_code == 302 and "/accounts/sign-in/" in r["Location"]
