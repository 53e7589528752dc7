"""Signing in and out, throttling, two-factor, the admin gate and safe settings."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hearth.accounts.models import LoginFailure, Role, RoleAccess
from hearth.audit.models import Action, AuditEvent
from hearth.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
WRONG = "Enter a correct email address and password"
LOCKED = "Too many failed attempts to sign in"


def _sign_in(client: Client, email: str, password: str, **extra: str):
    return client.post(SIGN_IN, {"email": email, "password": password, **extra})


def _signed_in(client: Client) -> bool:
    r = client.get("/")
    return r.status_code == 200


def test_sign_in_with_email_and_password(f, client):
    worker = f.user(Role.SOCIAL_WORKER, team=f.team())
    assert client.get(SIGN_IN).status_code == 200
    r = _sign_in(client, worker.email.upper(), PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/"
    assert _signed_in(client)
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor_id=worker.pk).exists()


def test_sign_in_goes_to_the_page_asked_for_but_never_off_site(f, client):
    worker = f.user(Role.SOCIAL_WORKER, team=f.team())
    r = _sign_in(client, worker.email, PASSWORD, next="/people/")
    assert r["Location"] == "/people/"
    client.post("/accounts/sign-out/")
    r = _sign_in(client, worker.email, PASSWORD, next="https://evil.example/")
    assert r["Location"] == "/"


def test_wrong_password_shows_an_error(f, client):
    worker = f.user(Role.SOCIAL_WORKER, team=f.team())
    r = _sign_in(client, worker.email, "not the password")
    assert r.status_code == 200
    page = r.content.decode()
    assert "govuk-error-summary" in page and WRONG in page
    assert f'value="{worker.email}"' in page  # the email typed is kept
    assert "not the password" not in page  # the password is not
    assert not _signed_in(client)
    assert LoginFailure.objects.filter(email=worker.email).count() == 1
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == 1


def test_unknown_email_shows_the_same_error(client):
    r = _sign_in(client, "nobody@example.test", PASSWORD)
    assert r.status_code == 200 and WRONG in r.content.decode()


@override_settings(HEARTH_LOGIN_MAX_FAILURES=3, HEARTH_LOGIN_WINDOW_MINUTES=20)
def test_account_locks_after_too_many_failures(f, client):
    worker = f.user(Role.SOCIAL_WORKER, team=f.team())
    for _ in range(3):
        assert WRONG in _sign_in(client, worker.email, "guess").content.decode()
    r = _sign_in(client, worker.email, PASSWORD)
    assert r.status_code == 200
    assert LOCKED in r.content.decode()
    assert "Wait 20 minutes" in r.content.decode()
    assert not _signed_in(client)

    # Still locked within the window; once it has passed, the right password works.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=19)):
        assert LOCKED in _sign_in(client, worker.email, PASSWORD).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=21)):
        r = _sign_in(client, worker.email, PASSWORD)
        assert r.status_code == 302
        assert _signed_in(client)
    assert not LoginFailure.objects.filter(email=worker.email).exists()


@override_settings(HEARTH_LOGIN_MAX_FAILURES=2)
def test_one_address_guessing_many_accounts_is_locked(f, client):
    worker = f.user(Role.SOCIAL_WORKER, team=f.team())
    for i in range(8):
        _sign_in(client, f"guess{i}@example.test", "guess")
    r = _sign_in(client, worker.email, PASSWORD)
    assert LOCKED in r.content.decode()


def test_sign_out_is_post_only(f, login):
    client = login(f.user(Role.SOCIAL_WORKER, team=f.team()))
    assert client.get("/accounts/sign-out/").status_code == 405
    assert _signed_in(client)
    r = client.post("/accounts/sign-out/")
    assert r.status_code == 302 and r["Location"] == SIGN_IN
    assert not _signed_in(client)


@pytest.mark.parametrize("path", ["/", "/people/", "/people/1/", "/admin/"])
def test_unauthenticated_request_redirects_to_sign_in(client, path):
    r = client.get(path)
    assert r.status_code == 302
    assert r["Location"] == f"{SIGN_IN}?next={path}"


def test_sign_in_returns_to_the_full_address_asked_for(f, client):
    worker = f.user(Role.SOCIAL_WORKER, team=f.team())
    r = client.get("/people/?q=okafor&page=2")
    assert r["Location"] == f"{SIGN_IN}?next=/people/%3Fq%3Dokafor%26page%3D2"
    r = _sign_in(client, worker.email, PASSWORD, next="/people/?q=okafor&page=2")
    assert r["Location"] == "/people/?q=okafor&page=2"


def test_health_check_and_sign_in_page_are_open(client):
    assert client.get("/healthz").status_code == 200
    assert client.get(SIGN_IN).status_code == 200


# The Django admin -------------------------------------------------------------------


def test_admin_is_open_to_administrators_with_staff_status(f, login):
    admin = f.user(Role.ADMINISTRATOR, is_staff=True)
    assert login(admin).get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("role", "extra"),
    [
        (Role.TEAM_MANAGER, {"is_staff": True}),
        (Role.TEAM_MANAGER, {"is_staff": True, "is_superuser": True}),
        (Role.SERVICE_MANAGER, {"is_staff": True}),
        (Role.ADMINISTRATOR, {"is_staff": False}),
    ],
)
def test_admin_is_refused_to_anyone_else(f, login, role, extra):
    user = f.user(role, team=f.team(), **extra)
    client = login(user)
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    assert client.get("/admin/accounts/roleaccess/").status_code == 302


# Two-factor -------------------------------------------------------------------------


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_role_requiring_two_factor_is_sent_to_set_it_up(f, client):
    RoleAccess.objects.filter(role=Role.TEAM_MANAGER).update(require_two_factor=True)
    manager = f.user(Role.TEAM_MANAGER, team=f.team())
    r = _sign_in(client, manager.email, PASSWORD)
    assert r.status_code == 302
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] == "/accounts/two-factor/"
    assert client.get("/people/").status_code == 302

    r = client.get("/accounts/two-factor/")
    assert r.status_code == 200 and b"<svg" in r.content
    device = TOTPDevice.objects.get(user=manager)
    assert not device.confirmed

    wrong = "000000" if _token(device) != "000000" else "111111"
    r = client.post("/accounts/two-factor/", {"token": wrong})
    assert r.status_code == 200 and b"not correct" in r.content
    assert client.get("/").status_code == 302

    # django-otp throttles retries after a failure (1 second after the first).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        device.refresh_from_db()
        r = client.post("/accounts/two-factor/", {"token": _token(device)})
        assert r.status_code == 302 and r["Location"] == "/"
        assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_confirmed_device_is_asked_for_at_every_sign_in(f, client):
    RoleAccess.objects.filter(role=Role.TEAM_MANAGER).update(require_two_factor=True)
    manager = f.user(Role.TEAM_MANAGER, team=f.team())
    device = TOTPDevice.objects.create(user=manager, name="Phone", confirmed=True)
    _sign_in(client, manager.email, PASSWORD)
    assert client.get("/")["Location"] == "/accounts/two-factor/"
    r = client.get("/accounts/two-factor/")
    assert b"<svg" not in r.content  # verifying, not setting up again
    client.post("/accounts/two-factor/", {"token": _token(device)})
    assert client.get("/").status_code == 200


def test_role_without_two_factor_goes_straight_in(f, client):
    worker = f.user(Role.SOCIAL_WORKER, team=f.team())
    _sign_in(client, worker.email, PASSWORD)
    assert client.get("/").status_code == 200


# Sessions ---------------------------------------------------------------------------


def test_session_ends_after_a_period_without_activity(f, client):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    worker = f.user(Role.SOCIAL_WORKER, team=f.team())
    _sign_in(client, worker.email, PASSWORD)
    start = timezone.now()
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # Activity keeps the session alive past the idle limit...
    with time_machine.travel(start + idle * 0.75):
        assert _signed_in(client)
    with time_machine.travel(start + idle * 1.5):
        assert _signed_in(client)
    # ...but a gap longer than the limit ends it.
    with time_machine.travel(start + idle * 2.6):
        assert not _signed_in(client)


# Settings ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]
PRINT_SETTINGS = (
    "import json, hearth.settings as s; print(json.dumps({k: getattr(s, k, None) for k in ["
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
    "'SESSION_COOKIE_AGE', 'SESSION_SAVE_EVERY_REQUEST', 'SESSION_COOKIE_HTTPONLY', "
    "'ALLOWED_HOSTS', 'SECURE_SSL_REDIRECT']}))"
)


def _settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"HEARTH_ENV", "SECRET_KEY", "HEARTH_DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_are_safe():
    run = _settings_in({"HEARTH_ENV": "production", "SECRET_KEY": "x", "HEARTH_DEBUG": "1"})
    assert run.returncode == 0, run.stderr
    values = json.loads(run.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] > 0
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_SAVE_EVERY_REQUEST"] is True
    assert 0 < values["SESSION_COOKIE_AGE"] <= 60 * 60
    assert values["ALLOWED_HOSTS"] == []


@pytest.mark.parametrize("env", [{"HEARTH_ENV": "production"}, {}])
def test_production_without_a_secret_key_refuses_to_start(env):
    run = _settings_in(env)
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr and "SECRET_KEY" in run.stderr


def test_unknown_environment_refuses_to_start():
    run = _settings_in({"HEARTH_ENV": "prod", "SECRET_KEY": "x"})
    assert run.returncode != 0 and "HEARTH_ENV" in run.stderr
