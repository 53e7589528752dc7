"""Partner organisations call the API with a token: ``Authorization: Bearer <token>``.

A missing token is a 401 with ``WWW-Authenticate: Bearer``; a wrong, revoked or
malformed one is the same 401, saying no more than that, so a caller cannot tell a
revoked token from one that never existed.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from hearth.api.models import ApiToken
from hearth.api.selectors import token_for
from hearth.api.services import api_token_used, split_token

KEYWORD = b"bearer"
INVALID = "The API token is not valid, or has been revoked."


def key_id_sent(request: Request) -> str:
    """The key id of the token a request carries, well-formed or not, for the audit
    log (never the secret)."""
    parts = get_authorization_header(request).split()
    if len(parts) == 2 and parts[0].lower() == KEYWORD:
        found = split_token(parts[1].decode("ascii", errors="replace"))
        return found[0] if found else "(malformed)"
    return ""


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        token = token_for(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        api_token_used(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="hearth"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the token."""

    target_class = ApiTokenAuthentication
    name = "partnerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A partner organisation's API token, `hearth_<key id>_<secret>`, issued by "
                "an administrator (`hearth api token create --organisation NAME`). Calls "
                "act as the token's partner user and see only the organisation's own "
                "referrals."
            ),
        }
