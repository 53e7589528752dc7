"""Every page needs a signed-in user, and two-factor where the user's role requires it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from hearth.accounts.models import RoleAccess

OPEN_PREFIXES = ("/accounts/sign-in", "/static/", "/favicon.ico", "/healthz")
TWO_FACTOR_PREFIXES = ("/accounts/two-factor", "/accounts/sign-out")


def two_factor_required(role: str) -> bool:
    return RoleAccess.objects.filter(role=role, require_two_factor=True).exists()


class RequireSignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        user = request.user
        is_api = path.startswith("/api/")
        if not user.is_authenticated:
            if is_api:
                # API clients authenticate per request (token); DRF answers for itself.
                return self.get_response(request)
            return redirect_to_login(request.get_full_path())
        # OTPMiddleware gives the user is_verified(); a confirmed device means the user
        # chose two-factor even where the role does not require it.
        verified = getattr(user, "is_verified", lambda: False)()
        if (
            not path.startswith(TWO_FACTOR_PREFIXES)
            and not verified
            and (
                two_factor_required(getattr(user, "role", ""))
                or TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
            )
        ):
            if is_api:
                return JsonResponse({"title": "Two-factor authentication required"}, status=403)
            return redirect("accounts:two_factor")
        return self.get_response(request)
