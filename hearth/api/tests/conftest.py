"""Partner API fixtures: two partner organisations with their tokens, a front door to
decide referrals, and a client that calls the API with a token."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import Organisation, OrganisationKind, Team, User
from hearth.api.services import api_token_create
from hearth.frontdoor import services as frontdoor
from hearth.frontdoor.models import Contact
from hearth.people.models import Person


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments go to a throwaway folder, never the real var/files."""
    settings.MEDIA_ROOT = tmp_path / "files"


def referral_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "concern": "Bruising to both upper arms, seen at breakfast club.",
        "categories": ["physical_injury"],
        "people": [
            {
                "role": "child",
                "given_name": "Amelia",
                "family_name": "Okafor",
                "date_of_birth": "2019-03-14",
                "address": "14 Alder Road, Lambury SE15 4QT",
                "nhs_number": "943 476 5919",
            }
        ],
        "consent": "not_sought",
        "consent_reason": "Asking may put the child at risk",
        "referrer_role": "Designated safeguarding lead",
        "referrer_phone": "01632 960 001",
    }
    body.update(overrides)
    return body


class ApiClient:
    """The test client, calling the API with a token (or none)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, key: str | None) -> dict[str, str]:
        headers = {}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, url: str, **params: Any):
        return self.client.get(url, params, headers=self._headers(None))

    def post(self, url: str, body: Any, *, key: str | None = None, raw: bool = False):
        data = body if raw else json.dumps(body)
        return self.client.post(
            url, data, content_type="application/json", headers=self._headers(key)
        )

    def refer(self, body: Any = None, *, key: str | None = None):
        return self.post("/api/v1/referrals", body or referral_body(), key=key or str(uuid.uuid4()))

    def upload(self, url: str, files: dict[str, Any]):
        return self.client.post(url, files, headers=self._headers(None))


@dataclass
class Partners:
    school: Organisation
    police: Organisation
    teacher: User  # a named partner user at the school
    officer: User  # a named partner user at the police
    school_token: str
    police_token: str
    worker: User
    manager: User
    child: Person
    assessment: Team

    def api(self, token: str | None = None) -> ApiClient:
        return ApiClient(token)

    def decide(self, contact: Contact, decision: str = "early_help") -> Contact:
        """The front door links the child, decides and authorises."""
        frontdoor.contact_person_link(acting_user=self.worker, contact=contact, person=self.child)
        frontdoor.contact_decide(
            acting_user=self.worker, contact=contact, decision=decision, reason="Seen together",
            team=self.assessment,
        )  # fmt: skip
        return frontdoor.contact_authorise(acting_user=self.manager, contact=contact)


@pytest.fixture
def partners(f) -> Partners:
    front_door = f.team("Front Door (MASH)", service_area="front_door")
    school = f.organisation("Alder Primary School", kind=OrganisationKind.EDUCATION)
    police = f.organisation("Lambshire Police", kind=OrganisationKind.POLICE)
    teacher = f.user("partner", organisation=school, full_name="Ada Pryce")
    officer = f.user("partner", organisation=police, full_name="PC Jo Hale")
    child = f.person(given_name="Amelia", family_name="Okafor", date_of_birth=dt.date(2019, 3, 14))
    school_token = api_token_create(
        acting_user=None, organisation=school, name="School MIS", user=teacher
    )
    police_token = api_token_create(acting_user=None, organisation=police, name="Niche RMS")
    return Partners(
        school=school,
        police=police,
        teacher=teacher,
        officer=officer,
        school_token=school_token.secret,
        police_token=police_token.secret,
        worker=f.user("front_door", team=front_door, full_name="Priya Shah"),
        manager=f.user("team_manager", team=front_door, full_name="Tom Reid"),
        child=child,
        assessment=f.team("Assessment Team North", service_area="assessment"),
    )
