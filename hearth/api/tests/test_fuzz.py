"""Fuzzing the referral body: whatever JSON arrives, the answer is a referral (201) or
a problem naming what was wrong (400), never a server error."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hearth.api.tests.conftest import referral_body

pytestmark = pytest.mark.django_db

NASTY = st.sampled_from(
    ["", " ", "\x00", "\ud800", "\u2028", "💥", "<script>alert(1)</script>", "' OR 1=1 --",
     "9" * 400, "2019-02-30", "0000-01-01", "child", "adult", "physical_injury", "given",
     "943 476 5919", "+44 808 157 0192", "null", "[]", "{}"]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | NASTY
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=10,
)
FIELDS = [*referral_body(), "referrer_kind", "referrer_name", "referrer_email"]
PERSON_FIELDS = ["role", "given_name", "family_name", "date_of_birth", "address", "nhs_number"]


@st.composite
def bodies(draw: st.DrawFn) -> object:
    """Mostly a real referral with some fields spoiled (so the deeper checks run), and
    sometimes any JSON at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON)
    body = referral_body()
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        if draw(st.booleans()):
            body.pop(name, None)
        else:
            body[name] = draw(JSON)
    people = body.get("people")
    if isinstance(people, list) and people and isinstance(people[0], dict) and draw(st.booleans()):
        person = dict(people[0])
        for name in draw(st.lists(st.sampled_from(PERSON_FIELDS), min_size=1, max_size=3)):
            person[name] = draw(JSON)
        body["people"] = [person, *draw(st.lists(JSON, max_size=2))]
    return body


def _well_formed_errors(errors: object) -> bool:
    return isinstance(errors, dict) and all(
        isinstance(k, str) and isinstance(v, list) and v and all(isinstance(m, str) for m in v)
        for k, v in errors.items()
    )


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies())
# Found by hand before: an error quoting a lone surrogate could not be written as UTF-8.
@example(body=referral_body(consent="\ud800"))
@example(body=referral_body(concern="A long concern \ud800 with a lone surrogate"))
@example(body=referral_body(categories=["\ud800"]))
@example(body={"\ud800": 1})
@example(body=referral_body(people=[{"role": "\ud800", "given_name": "\x00"}]))
def test_no_body_makes_a_server_error(partners, body):
    api = partners.api(partners.school_token)
    r = api.post("/api/v1/referrals", json.dumps(body), key=str(uuid.uuid4()), raw=True)
    assert r.status_code in (201, 400), r.content
    answer = json.loads(r.content)
    if r.status_code == 400:
        assert r["Content-Type"].startswith("application/problem+json")
        assert answer["status"] == 400 and _well_formed_errors(answer["errors"]), answer
    else:
        assert answer["status"] == "received"
