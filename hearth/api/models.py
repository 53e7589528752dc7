"""What the partner API keeps of its own: the tokens partner organisations call it
with, and the answers to requests sent with an idempotency key."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A partner organisation's key to the API. Only a SHA-256 hash of the secret is
    kept (the secret is shown once, when the token is made); `key_id`, the part of the
    token before the secret, names it in lists and in the audit log. A call made with
    it acts as `user`: the organisation's service user, or a named partner user."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="api_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="The partner user the token acts as: the organisation's service user "
        "unless a named user was chosen",
    )
    name = models.CharField(
        max_length=100, help_text="What uses the token, e.g. the police case system"
    )
    key_id = models.CharField("Key id", max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="Blank when made on the command line",
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="To the nearest few minutes"
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["organisation__name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def clean(self) -> None:
        user = self.user if self.user_id else None
        if user is not None and not (
            user.is_partner and user.organisation_id == self.organisation_id
        ):
            raise ValidationError(
                {"user": "Choose a partner user of the same organisation, or leave it blank"}
            )


class IdempotentRequest(models.Model):
    """The first answer to a request sent with an `Idempotency-Key`: the same key with
    the same body gets this answer again; with another body, a problem. Only requests
    that did something are kept, so a corrected retry of a refused one may use the
    same key."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the body as JSON")
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
