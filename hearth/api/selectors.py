"""Reads for the API's own records."""

from __future__ import annotations

import hmac

from hearth.api.models import ApiToken
from hearth.api.services import split_token, token_digest


def token_for(raw: str) -> ApiToken | None:
    """The live token this string is, with its user and organisation; None for a
    malformed, unknown or revoked token, or one whose user may no longer act."""
    parts = split_token(raw)
    if parts is None:
        return None
    found = ApiToken.objects.select_related("user", "organisation").filter(key_id=parts[0])
    token = next(iter(found.order_by()[:1]), None)  # key ids are unique: no ordering
    if token is None or not hmac.compare_digest(token.secret_hash, token_digest(raw)):
        return None
    if token.revoked or not token.user.is_active:
        return None
    if token.user.organisation_id == token.organisation_id:
        token.user.organisation = token.organisation  # already read: spare a query later
    return token
