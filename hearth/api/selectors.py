"""Reads for the API's own records."""

from __future__ import annotations

import hmac

from hearth.api.models import ApiToken
from hearth.api.services import split_token, token_digest

# What a call uses of its token, the user it acts as and their organisation.
TOKEN_FIELDS = (
    "id", "organisation_id", "user_id", "name", "key_id", "secret_hash", "revoked_at",
    "last_used_at", "user__id", "user__email", "user__full_name", "user__role",
    "user__team_id", "user__organisation_id", "user__is_active", "user__is_staff",
    "organisation__id", "organisation__name", "organisation__kind",
)  # fmt: skip


def token_for(raw: str) -> ApiToken | None:
    """The live token this string is, with its user and organisation; None for a
    malformed, unknown or revoked token, or one whose user may no longer act."""
    parts = split_token(raw)
    if parts is None:
        return None
    found = (
        ApiToken.objects.select_related("user", "organisation")
        .only(*TOKEN_FIELDS)  # every call reads it: only what a call uses
        .filter(key_id=parts[0])
        .order_by()  # key ids are unique
    )
    token = next(iter(found[:1]), None)
    if token is None or not hmac.compare_digest(token.secret_hash, token_digest(raw)):
        return None
    if token.revoked or not token.user.is_active:
        return None
    if token.user.organisation_id == token.organisation_id:
        token.user.organisation = token.organisation  # already read: spare a query later
    return token
