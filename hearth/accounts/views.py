"""Sign in (email and password, then a TOTP code where set up or required), sign out."""

from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from hearth.accounts.forms import SignInForm, TokenForm
from hearth.accounts.models import User
from hearth.accounts.services import login_failure_record, login_failures_clear, login_is_locked
from hearth.audit.models import Action
from hearth.audit.services import audit_record

LOCKED_MESSAGE = "Too many failed attempts to sign in. Wait {minutes} minutes, then try again."


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    ip = request.META.get("REMOTE_ADDR")
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if login_is_locked(email=email, ip=ip):
            minutes = settings.HEARTH_LOGIN_WINDOW_MINUTES
            form.add_error(None, LOCKED_MESSAGE.format(minutes=minutes))
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if user is None:
                login_failure_record(email=email, ip=ip)
                audit_record(
                    actor=None,
                    action=Action.SIGN_IN_FAILED,
                    event="accounts.sign_in.failed",
                    data={"email": email},
                )
                form.add_error(None, "Enter a correct email address and password")
            else:
                login_failures_clear(email=email)
                login(request, user)
                audit_record(actor=user, action=Action.SIGN_IN, event="accounts.sign_in", obj=user)
                return redirect(_safe_next(request))
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code from a confirmed device, or set one up (showing a QR code) first."""
    user: User = request.user  # type: ignore[assignment]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "Authenticator app"}
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("core:home")
        form.add_error("token", "The security code is not correct or has expired")
    qr_svg = ""
    if setting_up:
        buffer = BytesIO()
        qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
        qr_svg = buffer.getvalue().decode()
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "setting_up": setting_up, "qr_svg": qr_svg},
    )
