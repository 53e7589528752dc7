"""Writes for the API's own records: issuing and revoking partner organisations'
tokens. Each is audited; an administrator (or an operator on the command line, with
no user) may do them.

A token reads ``hearth_<key id>_<secret>``: the key id finds the row, and the SHA-256
of the whole token must match the stored hash. The secret is 256 random bits, so a
fast hash is enough (nothing to guess by brute force), and checking it costs
microseconds on every call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import Role, User
from hearth.api.models import ApiToken
from hearth.api.permissions import can_manage_api_tokens
from hearth.audit.models import Action
from hearth.audit.services import audit_record

if TYPE_CHECKING:
    from hearth.accounts.models import Organisation

TOKEN_PREFIX = "hearth"
SERVICE_USER_DOMAIN = "api.hearth.invalid"  # .invalid: never a real mailbox (RFC 2606)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed token; None for anything else."""
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not key_id or not secret or len(key_id) > 16:
        return None
    return key_id, secret


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token, as the caller sends it; shown once, never stored


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _check_actor(acting_user: User | None) -> None:
    # No user: an operator on the command line, who already holds the server.
    _require(acting_user is None or can_manage_api_tokens(acting_user))


def is_service_user(user: User) -> bool:
    """An organisation's service user (made for its tokens), not a person."""
    return user.email.endswith(f"@{SERVICE_USER_DOMAIN}")


def service_user_for(organisation: Organisation, *, acting_user: User | None = None) -> User:
    """The organisation's service user, made the first time: the partner user a token
    acts as when no named user is chosen. It cannot sign in to the pages."""
    email = f"service-{organisation.pk}@{SERVICE_USER_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    user = User.objects.create_user(
        email,
        None,  # an unusable password
        full_name=f"{organisation.name} (API)"[:150],
        role=Role.PARTNER,
        organisation=organisation,
    )
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        event="api.service_user.create",
        obj=user,
        data={"organisation": organisation.pk},
    )
    return user


@transaction.atomic
def api_token_create(
    *,
    acting_user: User | None,
    organisation: Organisation,
    name: str,
    user: User | None = None,
) -> IssuedToken:
    """Issue a token for a partner organisation, acting as `user` (a partner user of
    that organisation) or the organisation's service user. The secret is returned
    here only."""
    _check_actor(acting_user)
    if not name.strip():
        raise ValidationError({"name": ["Say what will use the token"]})
    acts_as = user or service_user_for(organisation, acting_user=acting_user)
    key_id = secrets.token_hex(4)
    while ApiToken.objects.filter(key_id=key_id).exists():  # pragma: no cover - 1 in 4e9
        key_id = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        organisation=organisation,
        user=acts_as,
        name=name.strip(),
        key_id=key_id,
        secret_hash=token_digest(secret),
        created_by=acting_user,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=acting_user,
        action=Action.CREATE,
        event="api.token.create",
        obj=token,
        data={
            "organisation": organisation.pk,
            "user": acts_as.pk,
            "name": token.name,
            "key_id": key_id,
        },
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, acting_user: User | None, token: ApiToken) -> ApiToken:
    """Stop a token working, from the next call on. Revoking twice changes nothing."""
    _check_actor(acting_user)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = acting_user
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=acting_user,
        action=Action.UPDATE,
        event="api.token.revoke",
        obj=token,
        data={"organisation": token.organisation_id, "key_id": token.key_id},
    )
    return token


# How stale a token's "last used" may be: writing it on every call would put a write
# (and its lock) on every read.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def api_token_used(token: ApiToken) -> None:
    """Note that the token was used (bookkeeping for administrators, not the audit
    log: every call is audited on its own)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
