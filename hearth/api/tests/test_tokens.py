"""Partner organisations' API tokens: made on the command line or in the admin, shown
once, kept only as a hash, revoked, and audited."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from hearth.api.models import ApiToken
from hearth.api.services import api_token_create, token_digest
from hearth.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r"^hearth_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")


def _command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_and_keeps_only_its_hash(f):
    police = f.organisation("Lambshire Police")
    out, err = _command("token", "create", "--organisation", "lambshire police",
                        "--name", "Niche RMS")  # fmt: skip
    secret = out.strip()
    assert TOKEN.match(secret)
    token = ApiToken.objects.get()
    assert token.organisation == police and token.name == "Niche RMS"
    assert token.secret_hash == token_digest(secret) and secret not in str(token.__dict__)
    assert token.key_id in err and "shown only now" in err
    # Acts as the organisation's service user, who cannot sign in to the pages.
    assert token.user.is_partner and token.user.organisation == police
    assert not token.user.has_usable_password()
    event = AuditEvent.objects.get(event="api.token.create")
    assert event.actor_id is None and event.data["key_id"] == token.key_id
    assert secret not in str(event.data)
    listing, _ = _command("token", "list")
    assert token.key_id in listing and secret.split("_")[2] not in listing


def test_a_second_token_shares_the_service_user_and_a_named_user_may_be_chosen(f):
    school = f.organisation("Alder Primary School", kind="education")
    teacher = f.user("partner", organisation=school)
    _command("token", "create", "--organisation", "Alder Primary School")
    _command("token", "create", "--organisation", str(school.pk))
    _command("token", "create", "--organisation", "Alder Primary School", "--user", teacher.email)
    users = list(ApiToken.objects.order_by("pk").values_list("user_id", flat=True))
    assert users[0] == users[1] != teacher.pk and users[2] == teacher.pk


def test_bad_names_are_refused_with_a_clear_error(f):
    f.organisation("Lambshire Police")
    other = f.user("partner")
    with pytest.raises(CommandError, match=r"No organisation called 'Nowhere'.*Lambshire Police"):
        _command("token", "create", "--organisation", "Nowhere")
    with pytest.raises(CommandError, match="partner user of the same organisation"):
        _command("token", "create", "--organisation", "Lambshire Police", "--user", other.email)
    with pytest.raises(CommandError, match="No token"):
        _command("token", "revoke", "nope")


def test_revoke_stops_the_token_from_the_next_call(f, client):
    police = f.organisation("Lambshire Police")
    issued = api_token_create(acting_user=None, organisation=police, name="Niche RMS")
    auth = {"Authorization": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/referrals", headers=auth).status_code == 200
    out, _ = _command("token", "revoke", issued.token.key_id)
    assert "Revoked" in out
    assert client.get("/api/v1/referrals", headers=auth).status_code == 401
    _command("token", "revoke", issued.token.key_id)  # twice changes nothing
    assert AuditEvent.objects.filter(event="api.token.revoke").count() == 1


def test_last_used_is_noted_without_a_write_on_every_call(f, client, django_assert_num_queries):
    police = f.organisation("Lambshire Police")
    issued = api_token_create(acting_user=None, organisation=police, name="Niche RMS")
    auth = {"Authorization": f"Bearer {issued.secret}"}
    client.get("/api/v1/referrals", headers=auth)
    issued.token.refresh_from_db()
    first = issued.token.last_used_at
    assert first is not None
    client.get("/api/v1/referrals", headers=auth)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == first


def test_administrators_issue_tokens_in_the_admin_and_see_the_secret_once(f, login):
    police = f.organisation("Lambshire Police")
    admin = f.user("administrator")
    c = login(admin)
    r = c.post("/admin/api/apitoken/add/", {"organisation": police.pk, "user": "",
                                            "name": "Niche RMS"}, follow=True)  # fmt: skip
    assert r.status_code == 200
    page = r.content.decode()
    token = ApiToken.objects.get()
    secret = re.search(r"hearth_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", page)
    assert secret and token.secret_hash == token_digest(secret.group())
    assert token.created_by == admin and token.user.email.startswith("service-")
    again = c.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert secret.group() not in again and token.key_id in again
    # Revoked from the list, by an action; never deleted.
    c.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked and token.revoked_by == admin
    assert c.get(f"/admin/api/apitoken/{token.pk}/delete/").status_code == 403


def test_only_administrators_manage_tokens(f, login):
    police = f.organisation("Lambshire Police")
    for role in ("front_door", "team_manager", "partner"):
        c = login(f.user(role))
        r = c.get("/admin/api/apitoken/add/")
        assert r.status_code in (302, 403, 404)
        with pytest.raises(PermissionDenied):
            api_token_create(acting_user=f.user(role), organisation=police, name="x")
    assert not ApiToken.objects.exists()
